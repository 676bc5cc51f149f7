import type { Authorize } from '../../framework/cqrs/middleware/index.ts';
import type { Principal } from '../../framework/http/index.ts';
import { accessErrors } from './errors.ts';
import type { PolicyEngine, ResourceAttributes } from './policy/engine.ts';

/**
 * The command bus's (and query bus's) authorization function, backed by the policy engine:
 * public registrations pass; otherwise the registration's permission must be granted in the
 * command's tenant. Another tenant answers 404 `tenant.not_found`; a registration without a
 * known permission is denied (fail closed). A payload `userId` is the resource owner, so `own`
 * rules (e.g. a user updating its own profile) apply when it is the caller.
 *
 * @example
 *   authorizationMiddleware({ authorize: createAuthorize(engine) });
 */
export function createAuthorize(engine: PolicyEngine): Authorize {
  return (principal, request) => {
    if (request.public) return true;
    if (!principal || request.permission === undefined || !engine.catalog.has(request.permission)) return false;
    const payload = (request.payload ?? {}) as { userId?: unknown };
    // Without a `userId` the command is not about the caller's own resource: `own` rules do not apply.
    const resource: ResourceAttributes = { tenantId: request.tenantId, ownerId: typeof payload.userId === 'string' ? payload.userId : '' };
    const decision = engine.decide(principal, request.permission, resource);
    if (decision === 'not_found') throw accessErrors.tenantNotFound();
    return decision === 'allow';
  };
}

/**
 * For handlers and queries that know more about the resource than its route (its owner, its
 * `restricted` flag): throws 401/403/404 unless allowed.
 *
 * @example
 *   assertAllowed(engine, request.principal, 'users:read', { tenantId, ownerId: user.id, restricted: user.metadata.restricted === true });
 */
export function assertAllowed(engine: PolicyEngine, principal: Principal | null, permission: string, resource: ResourceAttributes = {}): Principal {
  if (!principal) throw accessErrors.unauthenticated();
  const decision = engine.decide(principal, permission, resource);
  if (decision === 'allow') return principal;
  throw decision === 'not_found' ? accessErrors.tenantNotFound() : accessErrors.forbidden();
}
