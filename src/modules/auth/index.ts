/**
 * The auth module's only door.
 *
 * For the platform: `createAuthModule(options)` (or `authModuleFromEnvironment()`), and
 * `setPassword(ctx, { userId, tenantId, password })` for the system-admin bootstrap.
 * For other modules: `authErrors`, `permissionsForRole`, and through the module instance
 * `revokeUserSessions` (e.g. when a user is deactivated).
 */
export { createAuthModule, type AuthModule, type AuthModuleOptions } from './module.ts';
export { authModuleFromEnvironment } from './environment.ts';
export { setPassword, assertSystemAdminPasswordAllowed } from './set-password.ts';
export { hasPassword } from './has-password.ts';
export { authErrors } from './errors.ts';
export { permissionsForRole, ALL_PERMISSIONS, type Permission } from './permissions.ts';
export { identityDirectory } from './directory-identity.ts';
export { resolveMasterKey, parseMasterKey, MASTER_KEY_FILE } from './keys/master-key.ts';
export { OWASP_ARGON2ID, type Argon2Parameters } from './passwords/hasher.ts';
export type { AuthDirectory, AuthTenant, AuthUser } from './directory.ts';
export type { AuthOutbox } from './mail.ts';
export type { AuthEvent } from './events.ts';
