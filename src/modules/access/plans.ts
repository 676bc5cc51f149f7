import type { Database } from '../../framework/db/index.ts';
import { getTenant } from '../tenants/index.ts';
import { backgroundCache } from './background-cache.ts';

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
  const plans = backgroundCache({
    initial: 'free',
    ttlMs: options.ttlMs ?? 60_000,
    load: async (tenantId) => (await getTenant(options.db, tenantId))?.subscriptionPlan ?? 'free',
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return plans.get;
}
