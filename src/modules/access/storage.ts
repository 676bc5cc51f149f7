import type { Database } from '../../framework/db/index.ts';
import { getTenantMetrics } from '../tenants/index.ts';
import { backgroundCache, type BackgroundCache } from './background-cache.ts';

/**
 * Bytes a tenant stores, as the tenants module's `tenant_storage` projection last counted them (a
 * few hundred milliseconds behind the appends), kept for `ttlMs`. `get` is synchronous on the hot
 * path: a tenant not loaded yet counts as 0 while its figure loads in the background; `refresh`
 * reads the read model now.
 *
 * @example
 *   const storage = createStorageLookup({ db: ctx.db.app });
 *   storage.get(tenantId); // 12345
 */
export function createStorageLookup(options: { db: Database; ttlMs?: number; onError?: (error: unknown) => void }): BackgroundCache<number> {
  return backgroundCache({
    initial: 0,
    ttlMs: options.ttlMs ?? 5_000,
    load: async (tenantId) => (await getTenantMetrics(options.db, tenantId))?.storageBytes ?? 0,
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
