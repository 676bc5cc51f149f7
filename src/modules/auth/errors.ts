import { AppError } from '../../framework/errors/index.ts';

/**
 * The error catalog of the auth module: stable code, HTTP status, message key (`code` with dots as
 * hyphens in locales/<lang>/auth.ftl).
 *
 * @example
 *   throw authErrors.invalidCredentials();
 */
export const authErrors = {
  /** Wrong e-mail, wrong password, unknown tenant: one answer, so nothing is revealed. */
  invalidCredentials: () => new AppError('auth.invalid_credentials', 401),
  /** Too many failed attempts: locked until the back-off ends. */
  accountLocked: (retryAfterSeconds: number) =>
    new AppError('auth.account_locked', 423, { retryAfter: retryAfterSeconds }, { headers: { 'retry-after': String(retryAfterSeconds) } }),
  /** The users module marked the account locked (status `locked`): only an admin unlocks it. */
  accountLockedByAdmin: () => new AppError('auth.account_locked_by_admin', 423),
  accountDisabled: () => new AppError('auth.account_disabled', 403),
  tooManyAttempts: (retryAfterSeconds: number) =>
    new AppError('auth.too_many_attempts', 429, { retryAfter: retryAfterSeconds }, { headers: { 'retry-after': String(retryAfterSeconds) } }),
  tenantSuspended: () => new AppError('auth.tenant_suspended', 403),
  tenantDeleted: () => new AppError('auth.tenant_deleted', 403),
  ipNotAllowed: () => new AppError('auth.ip_not_allowed', 403),
  methodNotAllowed: (method: string) => new AppError('auth.invalid_auth_method', 403, { method }),
  emailNotConfirmed: () => new AppError('auth.email_not_confirmed', 403),
  invalidToken: () => new AppError('auth.invalid_token', 401),
  tokenExpired: () => new AppError('auth.token_expired', 401),
  sessionRevoked: () => new AppError('auth.session_revoked', 401),
  sessionExpired: () => new AppError('auth.session_expired', 401),
  sessionNotFound: () => new AppError('auth.session_not_found', 404),
  invalidRefreshToken: () => new AppError('auth.invalid_refresh_token', 401),
  refreshTokenReused: () => new AppError('auth.refresh_token_reused', 401),
  invalidActionToken: () => new AppError('auth.invalid_action_token', 400),
  registrationClosed: () => new AppError('auth.registration_closed', 403),
  passwordTooShort: (min: number) => new AppError('auth.password_too_short', 400, { min }, { details: [{ field: 'password', rule: 'min_length', limit: min }] }),
  passwordTooLong: (max: number) => new AppError('auth.password_too_long', 400, { max }, { details: [{ field: 'password', rule: 'max_length', limit: max }] }),
  passwordMissingClass: (kind: 'uppercase' | 'lowercase' | 'number' | 'special') =>
    new AppError('auth.password_missing_class', 400, { kind }, { details: [{ field: 'password', rule: `requires_${kind}` }] }),
  passwordTooCommon: () => new AppError('auth.password_too_common', 400, {}, { details: [{ field: 'password', rule: 'not_common' }] }),
};
