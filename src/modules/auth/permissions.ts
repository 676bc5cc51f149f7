/**
 * The permissions a built-in role grants (shared vocabulary in HELPERS.md), used by `/auth/me`
 * and the session routes until the access module provides effective permissions.
 */
export const ALL_PERMISSIONS = [
  'tenants:create', 'tenants:list', 'tenants:read', 'tenants:update', 'tenants:delete',
  'users:invite', 'users:list', 'users:read', 'users:update', 'users:deactivate', 'users:reactivate',
  'sessions:list', 'sessions:revoke', 'roles:read', 'roles:manage', 'permissions:read', 'apikeys:manage',
  'audit:read', 'profile:read', 'profile:update',
] as const;
export type Permission = (typeof ALL_PERMISSIONS)[number];

const ADMIN = ALL_PERMISSIONS.filter((p) => p !== 'tenants:create' && p !== 'tenants:list');
const READ_ONLY = ALL_PERMISSIONS.filter((p) => /:(read|list)$/.test(p) && p !== 'tenants:list');
const USER: Permission[] = ['profile:read', 'profile:update'];

/**
 * @example
 *   permissionsForRole('admin').includes('sessions:revoke'); // true
 */
export function permissionsForRole(role: string): readonly Permission[] {
  switch (role) {
    case 'system_admin': return ALL_PERMISSIONS;
    case 'admin': return ADMIN;
    case 'read_only': return READ_ONLY;
    case 'user': return USER;
    default: return USER;
  }
}
