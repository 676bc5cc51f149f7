import type { Database } from '../../framework/db/index.ts';
import { planLimits, type PlanLimits } from '../tenants/index.ts';
import { accessErrors } from './errors.ts';

/**
 * The quotas the access module enforces, from the plan's limits (tenants module, `PLAN_LIMITS`;
 * `null` = unlimited). Users are limited where they are registered (the tenants module's seat
 * limit), not here.
 */
export type PlanQuotas = Pick<PlanLimits, 'apiCallsPerMonth' | 'storageBytes'>;

/** The quotas of a plan name as stored on the tenant; `table` overrides plans by name (tests, operators). */
export function quotasFor(plan: string, table?: Readonly<Record<string, PlanQuotas>>): PlanQuotas {
  return table?.[plan] ?? planLimits(plan as Parameters<typeof planLimits>[0]) ?? planLimits('free');
}

/** Calendar month (UTC) a call is counted in, e.g. `2026-11`. */
export const periodOf = (at: Date): string => at.toISOString().slice(0, 7);

/** Seconds until the next month starts (UTC): when an exhausted API-call quota refills. */
export function secondsToNextPeriod(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - at.getTime()) / 1000));
}

/**
 * Refuses storing `addingBytes` more when the plan's storage would be exceeded (the access module
 * checks every write request of a tenant with its body size).
 *
 * @example
 *   assertStorageQuota(PLAN_QUOTAS.free, usedBytes, 2048); // throws 409 quota.storage_exceeded past 100 GB
 */
export function assertStorageQuota(quotas: PlanQuotas, usedBytes: number, addingBytes: number): void {
  const limit = quotas.storageBytes;
  if (limit !== null && usedBytes + addingBytes > limit) throw accessErrors.storageQuotaExceeded(limit);
}

/**
 * Counts API calls per tenant and month. Calls are added in memory and flushed in one statement
 * (default every second) by the system pool; each instance's view is the flushed total plus its own
 * pending calls, so several instances agree to within one flush interval.
 *
 * @example
 *   const counter = createApiCallCounter({ db: ctx.db.system });
 *   await counter.check(tenantId, 'free'); // throws 429 quota.api_calls_exceeded when spent
 */
export type ApiCallCounter = {
  /**
   * Counts one call, or throws `quota.api_calls_exceeded` when the month's quota is spent.
   * Synchronous once the tenant's total is known; a promise only while it is being loaded.
   */
  check: (tenantId: string, plan: string) => Promise<void> | void;
  /** Calls counted this month (flushed total + this instance's pending). */
  used: (tenantId: string) => Promise<number>;
  flush: () => Promise<void>;
  stop: () => Promise<void>;
};

export function createApiCallCounter(options: { db: Database; flushMs?: number; now?: () => number; quotas?: Readonly<Record<string, PlanQuotas>> }): ApiCallCounter {
  const now = options.now ?? Date.now;
  const pending = new Map<string, number>();
  const totals = new Map<string, Promise<number> | number>();
  let current = { period: '', from: 0, until: 0 };
  /**
   * `tenant|period`, the maps' key. The current period's keys are kept: joining the strings anew
   * on every request, and hashing the result, was most of the check's cost.
   */
  let currentKeys = new Map<string, string>();
  const key = (tenantId: string, period: string): string => {
    if (period !== current.period) return `${tenantId}|${period}`;
    let k = currentKeys.get(tenantId);
    if (k === undefined) currentKeys.set(tenantId, (k = `${tenantId}|${period}`));
    return k;
  };
  /** The period of `ms`, recomputed only when a month boundary is crossed (hot path). */
  const periodAt = (ms: number): string => {
    if (ms < current.from || ms >= current.until) {
      const at = new Date(ms);
      current = { period: periodOf(at), from: Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1), until: Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1) };
      currentKeys = new Map();
    }
    return current.period;
  };

  const total = (tenantId: string, period: string): Promise<number> | number => {
    const k = key(tenantId, period);
    let known = totals.get(k);
    if (known === undefined) {
      known = options.db.query<{ api_calls: string }>('SELECT api_calls FROM access_usage WHERE tenant_id = $1 AND period = $2', [tenantId, period])
        .then((r) => Number(r.rows[0]?.api_calls ?? 0))
        .then((n) => {
          totals.set(k, n);
          return n;
        }, (error: unknown) => {
          totals.delete(k);
          throw error;
        });
      totals.set(k, known);
    }
    return known;
  };

  /** Calls being written by the flush under way: still counted until the write has returned. */
  const inFlight = new Map<string, number>();
  const unflushed = (k: string) => (pending.get(k) ?? 0) + (inFlight.get(k) ?? 0);

  const flush = async () => {
    if (pending.size === 0) return;
    const batch = [...pending];
    pending.clear();
    for (const [k, n] of batch) inFlight.set(k, n);
    const tenants = batch.map(([k]) => k.split('|')[0]);
    const periods = batch.map(([k]) => k.split('|')[1]);
    const counts = batch.map(([, n]) => n);
    try {
      const { rows } = await options.db.query<{ tenant_id: string; period: string; api_calls: string }>(
        `INSERT INTO access_usage (tenant_id, period, api_calls)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])
         ON CONFLICT (tenant_id, period) DO UPDATE SET api_calls = access_usage.api_calls + EXCLUDED.api_calls
         RETURNING tenant_id, period, api_calls`,
        [tenants, periods, counts],
      );
      for (const row of rows) totals.set(key(row.tenant_id, row.period), Number(row.api_calls));
    } catch (error) {
      for (const [k, n] of batch) pending.set(k, (pending.get(k) ?? 0) + n);
      throw error;
    } finally {
      inFlight.clear();
    }
  };

  let flushing = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(flush).catch(() => undefined);
  }, options.flushMs ?? 1000);
  timer.unref();

  const used = async (tenantId: string, period: string) => (await total(tenantId, period)) + unflushed(key(tenantId, period));
  const admit = (k: string, flushed: number, limit: number, ms: number) => {
    if (flushed + unflushed(k) >= limit) throw accessErrors.apiCallQuotaExceeded(limit, secondsToNextPeriod(new Date(ms)));
    pending.set(k, (pending.get(k) ?? 0) + 1);
  };

  return {
    check(tenantId, plan) {
      const ms = now();
      const period = periodAt(ms);
      const limit = quotasFor(plan, options.quotas).apiCallsPerMonth;
      const k = key(tenantId, period);
      if (limit === null) {
        pending.set(k, (pending.get(k) ?? 0) + 1);
        return;
      }
      const known = total(tenantId, period);
      if (typeof known === 'number') return admit(k, known, limit, ms);
      return known.then((flushed) => admit(k, flushed, limit, ms));
    },
    used: (tenantId) => used(tenantId, periodAt(now())),
    flush: () => (flushing = flushing.then(flush)),
    async stop() {
      clearInterval(timer);
      await flushing.catch(() => undefined);
      await flush().catch(() => undefined);
    },
  };
}

/**
 * API calls of a tenant in a month, as flushed by every instance (at most a flush interval
 * behind). For the tenants module's metrics.
 *
 * @example
 *   const calls = await apiCallsThisMonth(ctx.db.app, tenantId); // 1234
 */
export async function apiCallsThisMonth(db: Database, tenantId: string, period = periodOf(new Date())): Promise<number> {
  const { rows } = await db.transaction(
    (tx) => tx.query<{ api_calls: string }>('SELECT api_calls FROM access_usage WHERE tenant_id = $1 AND period = $2', [tenantId, period]),
    { tenantId },
  );
  return Number(rows[0]?.api_calls ?? 0);
}
