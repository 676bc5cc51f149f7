import type { Database } from '../../framework/db/index.ts';
import { getTenant } from '../tenants/index.ts';
import { backgroundCache } from './background-cache.ts';

/**
 * The subscription plan of each tenant, for limits and quotas, read through the tenants module
 * and kept for `ttlMs`. `planOf` is synchronous for the hot path: an unknown tenant counts as
 * `free` (the strictest plan) until its plan has been loaded in the background. `loadedPlanOf`
 * waits for a tenant's first load: a quota refused on the strength of `free` would have told a
 * paying tenant to come back next month.
 *
 * @example
 *   const { planOf } = createPlanLookup({ db: ctx.db.app });
 *   planOf(tenantId); // 'free' | 'professional' | 'enterprise' | 'custom:<name>'
 */
export type PlanLookup = {
  /** Synchronous: `free` until loaded (rate-limit buckets, where a moment of the strictest plan is harmless). */
  planOf: (tenantId: string) => string;
  /** The loaded plan; waits for the first load of a tenant (quotas: a refusal lasts until the month ends). */
  loadedPlanOf: (tenantId: string) => string | Promise<string>;
};

export function createPlanLookup(options: { db: Database; ttlMs?: number; onError?: (error: unknown) => void }): PlanLookup {
  const plans = backgroundCache({
    initial: 'free',
    ttlMs: options.ttlMs ?? 60_000,
    load: async (tenantId) => (await getTenant(options.db, tenantId))?.subscriptionPlan ?? 'free',
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return { planOf: plans.get, loadedPlanOf: plans.loaded };
}
