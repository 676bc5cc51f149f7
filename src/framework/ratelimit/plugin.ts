import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.ts';
import type { HttpServer } from '../http/index.ts';
import type { BucketOutcome, BucketSpec, RateLimitStore } from './store.ts';

/** A route's own limit, in its Fastify `config`; `false` exempts the route. */
export type RouteRateLimit = { limit: number; windowSeconds: number; scope?: 'ip' | 'user' | 'tenant' } | false;

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit;
  }
}

export type RateLimitOptions = {
  store: RateLimitStore;
  /** The buckets a request draws from (per IP, user, tenant, route); none = not limited. */
  bucketsFor: (request: FastifyRequest) => readonly BucketSpec[] | Promise<readonly BucketSpec[]>;
  /** Called when the store fails; the request is let through (availability over strictness). */
  onStoreError?: (error: unknown, request: FastifyRequest) => void;
};

/** The bucket to report: the one that refused, else the one closest to empty. */
function tightest(buckets: readonly BucketOutcome[], allowed: boolean): BucketOutcome | undefined {
  let best: BucketOutcome | undefined;
  for (const b of buckets) {
    if (!best) best = b;
    else if (!allowed ? b.retryAfterMs > best.retryAfterMs : b.remaining / b.capacity < best.remaining / best.capacity) best = b;
  }
  return best;
}

/**
 * Token-bucket rate limiting for every route: `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds) on each limited response, and `429 rate_limit.exceeded` with
 * `Retry-After` when a bucket is empty.
 *
 * @example
 *   registerRateLimit(app, { store: createMemoryStore(), bucketsFor: (r) => [{ key: `ip:${r.ip}`, capacity: 100, windowSeconds: 60 }] });
 */
export function registerRateLimit(app: HttpServer, options: RateLimitOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    const specs = await options.bucketsFor(request);
    if (specs.length === 0) return;
    let result;
    try {
      result = await options.store.take(specs);
    } catch (error) {
      options.onStoreError?.(error, request);
      return;
    }
    const report = tightest(result.buckets, result.allowed);
    if (!report) return;
    const headers = {
      'ratelimit-limit': String(report.capacity),
      'ratelimit-remaining': String(report.remaining),
      'ratelimit-reset': String(Math.ceil(report.resetMs / 1000)),
    };
    if (result.allowed) {
      reply.headers(headers);
      return;
    }
    const retryAfter = Math.max(1, Math.ceil(report.retryAfterMs / 1000));
    throw new AppError('rate_limit.exceeded', 429, { retryAfter }, { headers: { ...headers, 'retry-after': String(retryAfter) } });
  });
}
