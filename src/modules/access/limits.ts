import type { FastifyRequest } from 'fastify';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import type { BucketSpec, RouteRateLimit } from '../../framework/ratelimit/index.ts';
import type { Principal } from '../../framework/http/index.ts';

export type Rate = { limit: number; windowSeconds: number };
export type ScopedRate = Rate & { scope: 'ip' | 'user' | 'tenant' };

/** Rate limits as data: global buckets per IP, user and tenant (by plan), and per-route buckets. */
export type RateLimitSettings = {
  enabled: boolean;
  perIp: Rate;
  perUser: Rate;
  /** Per tenant, by subscription plan; `custom:*` plans fall back to `professional`. */
  perTenant: Readonly<Record<string, Rate>>;
  /** Route limits by `METHOD url` (the registered url, with the `/api/v1` prefix). */
  routes: Readonly<Record<string, ScopedRate>>;
};

/**
 * Defaults from the seed: login 10/min per IP, tenant creation and user invitation 100/min,
 * 100 requests/min per tenant on the free plan.
 */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  perIp: { limit: 600, windowSeconds: 60 },
  perUser: { limit: 300, windowSeconds: 60 },
  perTenant: {
    free: { limit: 100, windowSeconds: 60 },
    professional: { limit: 1_000, windowSeconds: 60 },
    enterprise: { limit: 10_000, windowSeconds: 60 },
  },
  routes: {
    'POST /api/v1/auth/login': { limit: 10, windowSeconds: 60, scope: 'ip' },
    'POST /api/v1/tenants': { limit: 100, windowSeconds: 60, scope: 'user' },
    'POST /api/v1/tenants/:tenantId/users': { limit: 100, windowSeconds: 60, scope: 'tenant' },
  },
};

/** Reads `ACCI_RATE_LIMITS=off` (operators behind their own limiter; load tests). */
export function rateLimitsFromEnvironment(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  return { ...DEFAULT_RATE_LIMITS, enabled: env.ACCI_RATE_LIMITS !== 'off' };
}

const bucket = (key: string, rate: Rate): BucketSpec => ({ key, capacity: rate.limit, windowSeconds: rate.windowSeconds });

/**
 * The buckets one request draws from.
 *
 * @example
 *   registerRateLimit(app, { store, bucketsFor: (r) => bucketsFor(r, settings, planOf) });
 */
export function bucketsFor(request: FastifyRequest, settings: RateLimitSettings, planOf: (tenantId: string) => string): BucketSpec[] {
  const config = request.routeOptions.config as { rateLimit?: RouteRateLimit };
  if (!settings.enabled || config.rateLimit === false || request.is404) return [];
  const principal = request.principal;
  const buckets: BucketSpec[] = [bucket(`ip:${request.ip}`, settings.perIp)];
  if (principal) {
    buckets.push(bucket(`user:${principal.userId}`, settings.perUser));
    if (principal.tenantId !== PLATFORM_TENANT_ID) {
      const plan = planOf(principal.tenantId);
      const rate = settings.perTenant[plan] ?? settings.perTenant[plan.startsWith('custom:') ? 'professional' : 'free'];
      if (rate) buckets.push(bucket(`tenant:${principal.tenantId}`, rate));
    }
  }
  const route = `${request.method} ${request.routeOptions.url ?? ''}`;
  const rule = config.rateLimit ?? settings.routes[route];
  if (rule) {
    const scope = rule.scope ?? 'ip';
    const id = scope === 'ip' || !principal ? `ip:${request.ip}` : scope === 'user' ? `user:${principal.userId}` : `tenant:${principal.tenantId}`;
    buckets.push(bucket(`route:${route}:${id}`, rule));
  }
  return buckets;
}

/** Command buckets (separate from the HTTP ones): per user and per tenant, for each command type. */
export function commandBuckets(principal: Principal, type: string, settings: RateLimitSettings, planOf: (tenantId: string) => string): BucketSpec[] {
  const buckets: BucketSpec[] = [bucket(`cmd:user:${principal.userId}:${type}`, settings.perUser)];
  if (principal.tenantId !== PLATFORM_TENANT_ID) {
    const plan = planOf(principal.tenantId);
    const rate = settings.perTenant[plan] ?? settings.perTenant[plan.startsWith('custom:') ? 'professional' : 'free'];
    if (rate) buckets.push(bucket(`cmd:tenant:${principal.tenantId}:${type}`, rate));
  }
  return buckets;
}
