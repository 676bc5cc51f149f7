/**
 * The access module's only door: permissions, roles, policy engine, enforcement, rate limits and
 * quotas. Other modules import from here.
 *
 * @example
 *   import { effectivePermissions } from '../access/index.ts';
 *   const permissions = effectivePermissions(request.principal);
 */
import type { Authorize } from '../../framework/cqrs/middleware/index.ts';
import type { Principal } from '../../framework/http/index.ts';
import { createAuthorize } from './authorize.ts';
import { createAccess } from './module.ts';

export { createAccess, type Access, type AccessOptions } from './module.ts';
export { PERMISSIONS, BUILT_IN_ROLES, SYSTEM_ADMIN_ROLE, isPermission, isBuiltInRole, statements, type Permission, type BuiltInRole } from './permissions.ts';
export { createAuthorize, assertAllowed } from './authorize.ts';
export { accessErrors } from './errors.ts';
export { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './limits.ts';
export { quotasFor, assertStorageQuota, apiCallsThisMonth, type PlanQuotas } from './quotas.ts';
export type { PolicyEngine, ResourceAttributes, Decision } from './policy/engine.ts';
export type { DeclaredRoute } from './enforce.ts';
export { createCatalog, CORE_CATALOG, CatalogError, type PermissionCatalog } from './catalog.ts';

/** The access module of this server (listed in src/platform/modules.ts). */
export const access = createAccess();
export const accessModule = access.module;

/** Every permission the principal holds (for `GET /auth/me`). */
export const effectivePermissions = (principal: Principal): readonly string[] => access.effectivePermissions(principal);

/** The principal's roles: primary plus assigned (`system_admin` for system admins). */
export const rolesOf = (principal: Principal): string[] => access.rolesOf(principal);

/** For the command and query buses: `authorizationMiddleware({ authorize })`. */
export const authorize: Authorize = (principal, request) => createAuthorize(access.engine())(principal, request);
