import type { Database } from '../../framework/db/index.ts';
import { getTenant } from '../tenants/index.ts';

/**
 * The subscription plan of each tenant, for limits and quotas, read through the tenants module
 * and kept for `ttlMs`. Lookups are synchronous on the hot path: an unknown tenant counts as
 * `free` (the strictest plan) until its plan has been loaded in the background.
 *
 * @example
 *   const planOf = createPlanLookup({ db: ctx.db.app });
 *   planOf(tenantId); // 'free' | 'professional' | 'enterprise' | 'custom:<name>'
 */
export function createPlanLookup(options: { db: Database; ttlMs?: number; onError?: (error: unknown) => void }): (tenantId: string) => string {
  const ttl = options.ttlMs ?? 60_000;
  const known = new Map<string, { plan: string; until: number; loading: boolean }>();
  const load = (tenantId: string, entry: { plan: string; until: number; loading: boolean }) => {
    entry.loading = true;
    getTenant(options.db, tenantId).then((tenant) => {
      known.set(tenantId, { plan: tenant?.subscriptionPlan ?? 'free', until: Date.now() + ttl, loading: false });
    }, (error: unknown) => {
      entry.loading = false;
      options.onError?.(error);
    });
  };
  return (tenantId) => {
    let entry = known.get(tenantId);
    if (!entry) {
      entry = { plan: 'free', until: 0, loading: false };
      known.set(tenantId, entry);
    }
    if (!entry.loading && entry.until <= Date.now()) load(tenantId, entry);
    return entry.plan;
  };
}
