import type { Database } from '../../framework/db/index.ts';
import type { RecordedEvent, Transaction } from '../../framework/eventstore/types.ts';
import { EVERY_EVENT, defineProjection } from '../../framework/projections/index.ts';
import { backgroundCache, type BackgroundCache } from './background-cache.ts';

/** What one event occupies: its data as stored (JSON, UTF-8). Deterministic, so a rebuild agrees. */
export const storedBytes = (event: RecordedEvent): number => Buffer.byteLength(JSON.stringify(event.data ?? null), 'utf8');

const done = () => undefined;

async function addUsage(events: readonly RecordedEvent[], tx: Transaction): Promise<void> {
  const perTenant = new Map<string, { bytes: number; events: number }>();
  for (const event of events) {
    const entry = perTenant.get(event.metadata.tenantId) ?? { bytes: 0, events: 0 };
    entry.bytes += storedBytes(event);
    entry.events += 1;
    perTenant.set(event.metadata.tenantId, entry);
  }
  const tenants = [...perTenant.keys()];
  await tx.query(
    `INSERT INTO access_storage (tenant_id, bytes, events, updated_at)
       SELECT t, b, n, now() FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS x(t, b, n)
     ON CONFLICT (tenant_id) DO UPDATE
       SET bytes = access_storage.bytes + EXCLUDED.bytes, events = access_storage.events + EXCLUDED.events, updated_at = now()`,
    [tenants, tenants.map((t) => perTenant.get(t)!.bytes), tenants.map((t) => perTenant.get(t)!.events)],
  );
}

/**
 * Storage per tenant: the bytes of every event it appended (asynchronous, one upsert per tenant
 * per batch). The storage quota and `GET /tenants/{id}/usage` read it.
 */
export const storageProjection = defineProjection({
  name: 'access_storage',
  version: 1,
  tables: ['access_storage'],
  handlers: { [EVERY_EVENT]: (event, tx) => addUsage([event], tx) },
  applyBatch: addUsage,
  reset: (tx) => tx.query('DELETE FROM access_storage').then(done),
});

/**
 * Bytes a tenant stores, as the projection last counted them (a few hundred milliseconds behind
 * the appends), kept for `ttlMs`. `get` is synchronous on the hot path: a tenant not loaded yet
 * counts as 0 while its figure loads in the background; `refresh` reads the read model now.
 *
 * @example
 *   const storage = createStorageLookup({ db: ctx.db.app });
 *   storage.get(tenantId); // 12345
 */
export function createStorageLookup(options: { db: Database; ttlMs?: number; onError?: (error: unknown) => void }): BackgroundCache<number> {
  return backgroundCache({
    initial: 0,
    ttlMs: options.ttlMs ?? 5_000,
    load: async (tenantId) => {
      const { rows } = await options.db.transaction(
        (tx) => tx.query<{ bytes: string }>('SELECT bytes FROM access_storage WHERE tenant_id = $1', [tenantId]),
        { tenantId },
      );
      return Number(rows[0]?.bytes ?? 0);
    },
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
