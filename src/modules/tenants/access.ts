import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { commonErrors } from '../../framework/errors/index.ts';
import type { Principal } from '../../framework/http/index.ts';

/**
 * Interim authorization of the tenants and users routes, as typed data, in one place so the access
 * module can replace it: role → permissions, system admins may do everything on every tenant,
 * everyone else only inside their own tenant (another tenant's resources answer 404, never 403).
 */
export const PERMISSIONS = [
  'tenants:create', 'tenants:list', 'tenants:read', 'tenants:update', 'tenants:delete',
  'users:invite', 'users:list', 'users:read', 'users:update', 'users:deactivate', 'users:reactivate',
  'profile:read', 'profile:update',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const TENANT_ADMIN: readonly Permission[] = PERMISSIONS.filter((p) => p !== 'tenants:create' && p !== 'tenants:list');
const READ_ONLY: readonly Permission[] = ['tenants:read', 'users:list', 'users:read', 'profile:read'];

export const ROLE_PERMISSIONS: Readonly<Record<'admin' | 'user' | 'read_only', readonly Permission[]>> = {
  admin: TENANT_ADMIN,
  user: ['profile:read', 'profile:update'],
  read_only: READ_ONLY,
};

/** Whether a principal holds a permission, ignoring which tenant (see `authorize`). */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  if (principal.isSystemAdmin) return true;
  const granted = ROLE_PERMISSIONS[principal.role as keyof typeof ROLE_PERMISSIONS] ?? [];
  if (!granted.includes(permission)) return false;
  return principal.scopes === undefined || principal.scopes.includes(permission);
}

/**
 * Throws unless `principal` may do `permission` in `tenantId`. Another tenant's resource is
 * `notFound` (404); a missing permission inside one's own tenant is 403. `selfUserId` lets users
 * read and update their own profile with `profile:*`.
 *
 * @example
 *   authorize(principal, 'users:invite', tenantId, () => tenantErrors.notFound());
 */
export function authorize(
  principal: Principal,
  permission: Permission,
  tenantId: string | null,
  notFound: () => Error,
  self?: { userId: string; permission: Permission },
): void {
  if (principal.isSystemAdmin && principal.tenantId === PLATFORM_TENANT_ID) return;
  if (tenantId !== null && principal.tenantId !== tenantId) throw notFound();
  if (hasPermission(principal, permission)) return;
  if (self && self.userId === principal.userId && hasPermission(principal, self.permission)) return;
  throw commonErrors.forbidden();
}
