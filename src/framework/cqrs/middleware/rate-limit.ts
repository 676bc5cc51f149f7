import { commonErrors } from '../../errors/index.ts';
import type { Principal } from '../../http/principal.ts';
import type { CommandMiddleware } from '../command-bus.ts';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The pluggable limiter (in memory, Redis, PostgreSQL — the caller decides). Called once per
 * command after authorization, so anonymous floods of forbidden commands never reach it.
 */
export type RateLimit = (
  principal: Principal | null,
  command: { type: string; tenantId: string; payload: unknown },
) => RateLimitDecision | Promise<RateLimitDecision>;

/** Lets every command through. */
export const unlimited: RateLimit = () => ({ allowed: true });

/**
 * Throws 429 `rate_limit.exceeded` (with `Retry-After`) when the limiter says no.
 *
 * @example
 *   rateLimitMiddleware({ limit: (principal, command) => limiter.consume(`${principal?.userId}:${command.type}`) });
 */
export function rateLimitMiddleware(options: { limit: RateLimit }): CommandMiddleware {
  return {
    name: 'rate_limit',
    async handle(execution, next) {
      const { command } = execution;
      const decision = await options.limit(command.principal, { type: command.type, tenantId: command.tenantId, payload: command.payload });
      if (!decision.allowed) throw commonErrors.rateLimited(Math.max(1, Math.ceil(decision.retryAfterSeconds)));
      return next(execution);
    },
  };
}
