import { AppError, commonErrors } from '../../framework/errors/index.ts';

/**
 * Errors of the access module. Codes are stable; messages live in locales/<lang>/access.ftl
 * (`tenant.not_found` is the tenants module's own message: answering another tenant's resource
 * with exactly the answer for a missing tenant reveals nothing).
 *
 * @example
 *   throw accessErrors.roleNotFound('custom:auditor');
 */
export const accessErrors = {
  unauthenticated: commonErrors.unauthenticated,
  forbidden: commonErrors.forbidden,
  tenantNotFound: () => new AppError('tenant.not_found', 404),
  roleNotFound: (role: string) => new AppError('access.role_not_found', 404, { role }),
  invalidRoleName: (role: string) => new AppError('access.invalid_role_name', 400, { role }),
  roleExists: (role: string) => new AppError('access.role_exists', 409, { role }),
  roleInUse: (role: string, users: number) => new AppError('access.role_in_use', 409, { role, users }),
  builtInRole: (role: string) => new AppError('access.role_built_in', 409, { role }),
  unknownPermission: (permission: string) => new AppError('access.unknown_permission', 400, { permission }),
  platformPermission: (permission: string) => new AppError('access.platform_permission', 400, { permission }),
  apiCallQuotaExceeded: (limit: number, retryAfterSeconds: number) =>
    new AppError('quota.api_calls_exceeded', 429, { limit }, { headers: { 'retry-after': String(retryAfterSeconds) } }),
  storageQuotaExceeded: (limitBytes: number) => new AppError('quota.storage_exceeded', 409, { limit: limitBytes }),
};
