import type { Database } from '../db/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import type { CommandMiddleware } from './command-bus.ts';
import { authorizationMiddleware, tenantBoundaryAuthorize, type Authorize } from './middleware/authorization.ts';
import { idempotencyMiddleware } from './middleware/idempotency.ts';
import { loggingMiddleware } from './middleware/logging.ts';
import { rateLimitMiddleware, unlimited, type RateLimit } from './middleware/rate-limit.ts';
import { validationMiddleware } from './middleware/validation.ts';

export type StandardMiddlewareOptions = {
  logger: Logger;
  metrics?: Metrics;
  /** Runtime-role database for the idempotency log. */
  db: Database;
  /** Default: `tenantBoundaryAuthorize`. */
  authorize?: Authorize;
  /** Default: `unlimited`. */
  rateLimit?: RateLimit;
};

/**
 * The standard chain in the mandated order: logging → validation → authorization → rate limiting
 * → idempotency.
 *
 * @example
 *   const bus = createCommandBus({ middleware: standardCommandMiddleware({ logger, db: ctx.db.app, authorize }) });
 */
export function standardCommandMiddleware(options: StandardMiddlewareOptions): CommandMiddleware[] {
  return [
    loggingMiddleware({ logger: options.logger, ...(options.metrics ? { metrics: options.metrics } : {}) }),
    validationMiddleware(),
    authorizationMiddleware({ authorize: options.authorize ?? tenantBoundaryAuthorize }),
    rateLimitMiddleware({ limit: options.rateLimit ?? unlimited }),
    idempotencyMiddleware({ db: options.db }),
  ];
}
