import { createHash } from 'node:crypto';

export type QueryCacheOptions = {
  ttlMs: number;
  /** The result is the same for every principal of the tenant (default false: keyed per principal). */
  shared?: boolean;
};

type Entry = { type: string; tenantId: string; expires: number; value: Promise<unknown> };
type Keyed = { type: string; tenantId: string; params: unknown; principal: { userId: string } | null };

/**
 * A bounded in-process TTL cache for query results. Concurrent misses share one execution;
 * failures are not cached; the oldest entries go first when full.
 */
export function createQueryCache(maxEntries: number) {
  const entries = new Map<string, Entry>();

  const keyOf = (options: QueryCacheOptions, query: Keyed) => createHash('sha256')
    .update(JSON.stringify([query.type, query.tenantId, options.shared ? null : query.principal?.userId ?? null, query.params]))
    .digest('base64url');

  return {
    get(options: QueryCacheOptions, query: Keyed, run: () => Promise<unknown>): Promise<unknown> {
      const key = keyOf(options, query);
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.expires > now) return hit.value;
      if (hit) entries.delete(key);
      const value = run();
      const entry: Entry = { type: query.type, tenantId: query.tenantId, expires: now + options.ttlMs, value };
      entries.set(key, entry);
      value.catch(() => { if (entries.get(key) === entry) entries.delete(key); });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return value;
    },
    invalidate(type: string, tenantId?: string): void {
      for (const [key, entry] of entries) {
        if (entry.type === type && (tenantId === undefined || entry.tenantId === tenantId)) entries.delete(key);
      }
    },
    size: () => entries.size,
  };
}
