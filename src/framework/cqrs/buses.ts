import type { Database } from '../db/index.ts';
import type { AcciModule, ModuleContext } from '../module.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { createCommandBus, type CommandBus } from './command-bus.ts';
import { tenantBoundaryAuthorize, type Authorize } from './middleware/authorization.ts';
import { unlimited, type RateLimit } from './middleware/rate-limit.ts';
import { createQueryBus, type QueryBus } from './query-bus.ts';
import { standardCommandMiddleware } from './standard.ts';

export type BusPolicy = { authorize: Authorize; rateLimit: RateLimit };

/**
 * The platform's two buses, built before any module registers. Authorization and rate limiting
 * are resolved later from the modules (`authorizer`, `rateLimiter`); until `setPolicy` runs the
 * tenant boundary and no limit apply.
 *
 * @example
 *   const buses = createPlatformBuses({ db: db.app, logger, metrics });
 *   const context = { ...base, commandBus: buses.commandBus, queryBus: buses.queryBus };
 *   buses.setPolicy(resolveBusPolicy(modules, context));
 */
export function createPlatformBuses(options: { db: Database; logger: Logger; metrics?: Metrics }) {
  let policy: BusPolicy = { authorize: tenantBoundaryAuthorize, rateLimit: unlimited };
  const authorize: Authorize = (principal, request) => policy.authorize(principal, request);
  const rateLimit: RateLimit = (principal, command) => policy.rateLimit(principal, command);
  const commandBus: CommandBus = createCommandBus({
    middleware: standardCommandMiddleware({ ...options, authorize, rateLimit }),
  });
  const queryBus: QueryBus = createQueryBus({ db: options.db, authorize });
  return { commandBus, queryBus, setPolicy: (next: BusPolicy) => { policy = next; } };
}

/** The `authorizer` and `rateLimiter` of the modules (at most one of each), or the defaults. */
export function resolveBusPolicy(modules: readonly AcciModule[], context: ModuleContext): BusPolicy {
  const only = <K extends 'authorizer' | 'rateLimiter'>(key: K) => {
    const providers = modules.filter((m) => m[key]);
    if (providers.length > 1) throw new Error(`only one module may provide ${key}: ${providers.map((m) => m.name).join(', ')}`);
    return providers[0]?.[key];
  };
  const authorizer = only('authorizer');
  const rateLimiter = only('rateLimiter');
  return {
    authorize: authorizer ? authorizer(context) : tenantBoundaryAuthorize,
    rateLimit: rateLimiter ? rateLimiter(context) : unlimited,
  };
}
