import type { Database } from '../../framework/db/index.ts';
import { getTenantMetrics } from '../tenants/index.ts';
import { backgroundCache, type BackgroundCache } from './background-cache.ts';

/**
 * Bytes a tenant stores, as the tenants module's `tenant_storage` projection last counted them
 * (it polls: about a second behind the appends), kept for `ttlMs`; `fresh` answers from memory
 * within the TTL and waits for a reload after it.
 *
 * @example
 *   const storage = createStorageLookup({ db: ctx.db.app });
 *   await storage.fresh(tenantId); // 12345
 */
export function createStorageLookup(options: { db: Database; ttlMs?: number; onError?: (error: unknown) => void }): BackgroundCache<number> {
  return backgroundCache({
    initial: 0,
    ttlMs: options.ttlMs ?? 5_000,
    load: async (tenantId) => (await getTenantMetrics(options.db, tenantId))?.storageBytes ?? 0,
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
