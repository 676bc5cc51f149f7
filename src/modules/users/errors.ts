import { AppError } from '../../framework/errors/index.ts';

/**
 * The user error catalog. Messages live in `locales/<lang>/users.ftl` (dots → hyphens).
 *
 * | code                              | status | when                                                    |
 * | --------------------------------- | ------ | ------------------------------------------------------- |
 * | user.not_found                    | 404    | unknown user, or another tenant's                       |
 * | user.already_exists               | 409    | register on an existing stream                          |
 * | user.email_taken                  | 409    | the e-mail is used in this tenant (case-insensitive)    |
 * | user.invalid_email                | 400    | not an e-mail address                                   |
 * | user.invalid_display_name         | 400    | display name not 1–100 characters (1 visible), or       |
 * |                                   |        | control/format characters (CR, LF, zero-width, bidi)    |
 * | user.invalid_role                 | 400    | role not admin, user, read_only or custom:<name>        |
 * | user.invalid_metadata             | 400    | metadata over 64 KiB                                    |
 * | user.quota_exceeded               | 409    | the tenant's maxUsers (capped by its plan) is reached   |
 * | user.self_service_disabled        | 403    | self-service sign-up not allowed by the tenant          |
 * | user.last_admin                   | 409    | deactivating or demoting the last admin                 |
 * | user.deactivated                  | 409    | changing a deactivated user                             |
 * | user.already_deactivated          | 409    | deactivating twice                                      |
 * | user.not_deactivated              | 409    | reactivating a user who is not deactivated              |
 * | user.permanently_deactivated      | 409    | reactivating a permanently deactivated user             |
 * | user.missing_reactivation_date    | 400    | temporary deactivation without a date                   |
 * | user.invalid_reactivation_date    | 400    | not an RFC 3339 date-time of an existing day, not in    |
 * |                                   |        | the future, or given for a permanent deactivation       |
 * | user.invalid_deactivation_reason  | 400    | reason not in the list                                  |
 * | user.email_change_cooldown        | 429    | e-mail changed again before the cooldown ended          |
 * | user.nothing_to_update            | 400    | update without any field                                |
 * | user.invitation_invalid           | 400    | invitation token unknown, used or expired               |
 * | user.invalid_status_transition    | 409    | e.g. accepting an invitation of an active user          |
 * | user.registration_not_expired     | 409    | expiring a registration that was confirmed, kept by an  |
 * |                                   |        | admin, or whose confirmation period has not ended       |
 */
export const userErrors = {
  notFound: () => new AppError('user.not_found', 404),
  alreadyExists: () => new AppError('user.already_exists', 409),
  emailTaken: () => new AppError('user.email_taken', 409),
  notInvited: () => new AppError('user.not_invited', 409),
  invalidEmail: () => new AppError('user.invalid_email', 400),
  invalidDisplayName: () => new AppError('user.invalid_display_name', 400, { min: 1, max: 100 }),
  invalidRole: () => new AppError('user.invalid_role', 400),
  unknownRole: (role: string) => new AppError('user.unknown_role', 400, { role }, { details: [{ field: 'role', rule: 'exists' }] }),
  invalidMetadata: () => new AppError('user.invalid_metadata', 400, { limit: 65536 }),
  quotaExceeded: (limit: number) => new AppError('user.quota_exceeded', 409, { limit }),
  selfServiceDisabled: () => new AppError('user.self_service_disabled', 403),
  lastAdmin: () => new AppError('user.last_admin', 409),
  deactivated: () => new AppError('user.deactivated', 409),
  alreadyDeactivated: () => new AppError('user.already_deactivated', 409),
  notDeactivated: () => new AppError('user.not_deactivated', 409),
  permanentlyDeactivated: () => new AppError('user.permanently_deactivated', 409),
  missingReactivationDate: () => new AppError('user.missing_reactivation_date', 400),
  invalidReactivationDate: () => new AppError('user.invalid_reactivation_date', 400),
  invalidDeactivationReason: () => new AppError('user.invalid_deactivation_reason', 400),
  emailChangeCooldown: (retryAfterSeconds: number) =>
    new AppError('user.email_change_cooldown', 429, { retryAfter: retryAfterSeconds }, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  nothingToUpdate: () => new AppError('user.nothing_to_update', 400),
  invitationInvalid: () => new AppError('user.invitation_invalid', 400),
  invalidStatusTransition: (from: string, to: string) => new AppError('user.invalid_status_transition', 409, { from, to }),
  registrationNotExpired: () => new AppError('user.registration_not_expired', 409),
};
