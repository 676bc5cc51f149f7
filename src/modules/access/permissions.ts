/**
 * The permission catalog: every permission ACCI knows, as typed data. Routes declare one of these
 * in `config.permission`; policies and custom roles may only name permissions listed here.
 *
 * @example
 *   const p: Permission = 'users:invite';
 *   isPermission('users:explode'); // false
 */
export const statements = {
  tenants: ['create', 'list', 'read', 'update', 'delete'],
  users: ['invite', 'list', 'read', 'update', 'deactivate', 'reactivate'],
  sessions: ['list', 'revoke'],
  roles: ['read', 'manage'],
  permissions: ['read'],
  apikeys: ['manage'],
  audit: ['read'],
  profile: ['read', 'update'],
  /** Needed in addition to the usual permission when a resource is flagged `restricted`. */
  restricted: ['access'],
} as const;

type Statements = typeof statements;
export type Resource = keyof Statements;
export type Permission = { [R in Resource]: `${R}:${Statements[R][number]}` }[Resource];

/** Every permission, in catalog order. */
export const PERMISSIONS: readonly Permission[] = (Object.keys(statements) as Resource[]).flatMap((resource) =>
  statements[resource].map((action) => `${resource}:${action}` as Permission),
);

const known: ReadonlySet<string> = new Set(PERMISSIONS);

/** A permission of the platform's own catalog (modules may add more: see catalog.ts). */
export const isPermission = (value: string): value is Permission => known.has(value);

/** The extra permission a resource flagged `restricted` demands. */
export const RESTRICTED_PERMISSION: Permission = 'restricted:access';

/** Permissions that never make sense inside one tenant: only the system admin holds them. */
export const PLATFORM_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['tenants:create', 'tenants:list']);

/** Built-in roles every tenant has; custom roles are `custom:<name>`. */
export const BUILT_IN_ROLES = ['admin', 'user', 'read_only'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];
export const SYSTEM_ADMIN_ROLE = 'system_admin';
export const CUSTOM_ROLE = /^custom:[a-z0-9][a-z0-9_-]{0,48}$/;

export const isBuiltInRole = (role: string): role is BuiltInRole => (BUILT_IN_ROLES as readonly string[]).includes(role);
