import { AppError } from '../../framework/errors/index.ts';

/**
 * The tenant error catalog: every code this module raises, its HTTP status and message parameters.
 * Messages live in `locales/<lang>/tenants.ftl` under the code with dots turned into hyphens.
 *
 * | code                              | status | when                                              |
 * | --------------------------------- | ------ | ------------------------------------------------- |
 * | tenant.not_found                  | 404    | unknown tenant, or another tenant's               |
 * | tenant.already_exists             | 409    | create on an existing stream                      |
 * | tenant.invalid_name               | 400    | name not 3–50 characters (3 visible), or control/ |
 * |                                   |        | format characters (CR, LF, zero-width, bidi)      |
 * | tenant.invalid_slug               | 400    | slug not URL-safe or 3–63 characters              |
 * | tenant.slug_reserved              | 400    | slug `platform` or shaped like a UUID ({slug})    |
 * | tenant.slug_taken                 | 409    | another tenant owns the slug                      |
 * | tenant.custom_domain_taken        | 409    | another tenant owns the custom domain             |
 * | tenant.domain_reserved            | 400    | custom domain is the platform's host (PUBLIC_URL) |
 * | tenant.invalid_plan               | 400    | unknown plan or bad custom plan name              |
 * | tenant.invalid_settings           | 400    | a setting out of range ({field})                  |
 * | tenant.metadata_too_large         | 400    | metadata over 64 KiB                              |
 * | tenant.invalid_email              | 400    | admin e-mail not valid                            |
 * | tenant.plan_limit_exceeded        | 409    | plan change while usage exceeds the new limits    |
 * | tenant.plan_storage_exceeded      | 409    | plan change while storage exceeds the new limit   |
 * | tenant.max_users_below_usage      | 409    | settings.maxUsers set below the seats in use      |
 * | tenant.nothing_to_update          | 400    | update without any field                          |
 * | tenant.deleted                    | 409    | any command on a deleted tenant                   |
 * | tenant.suspended                  | 409    | user changes in a suspended tenant                |
 * | tenant.invalid_status_transition  | 409    | suspend a suspended tenant, resume an active one  |
 * | tenant.has_active_users           | 409    | delete while non-admin users are active           |
 * | tenant.invalid_retention_period   | 400    | retention not P30D–P365D                          |
 * | tenant.invalid_deletion_reason    | 400    | reason not in the list                            |
 * | tenant.retention_not_elapsed      | 409    | purge before the retention period ended           |
 */
export const tenantErrors = {
  notFound: () => new AppError('tenant.not_found', 404),
  alreadyExists: () => new AppError('tenant.already_exists', 409),
  invalidName: () => new AppError('tenant.invalid_name', 400, { min: 3, max: 50 }),
  invalidSlug: () => new AppError('tenant.invalid_slug', 400),
  slugReserved: (slug: string) => new AppError('tenant.slug_reserved', 400, { slug }, { details: [{ field: 'slug' }] }),
  slugTaken: (slug: string) => new AppError('tenant.slug_taken', 409, { slug }),
  customDomainTaken: (domain: string) => new AppError('tenant.custom_domain_taken', 409, { domain }),
  domainReserved: (domain: string) => new AppError('tenant.domain_reserved', 400, { domain }, { details: [{ field: 'settings.customDomain' }] }),
  invalidPlan: () => new AppError('tenant.invalid_plan', 400),
  invalidSettings: (field: string) => new AppError('tenant.invalid_settings', 400, { field }, { details: [{ field }] }),
  metadataTooLarge: () => new AppError('tenant.metadata_too_large', 400, { limit: 65536 }),
  invalidEmail: () => new AppError('tenant.invalid_email', 400),
  planLimitExceeded: (plan: string, limit: number, usage: number) =>
    new AppError('tenant.plan_limit_exceeded', 409, { plan, limit, usage }),
  planStorageExceeded: (plan: string, limit: number, usage: number) =>
    new AppError('tenant.plan_storage_exceeded', 409, { plan, limit, usage }),
  /** `used`: users holding a seat (not deactivated), the count the seat limit is enforced on. */
  maxUsersBelowUsage: (maxUsers: number, used: number) =>
    new AppError('tenant.max_users_below_usage', 409, { maxUsers, used }, { details: [{ field: 'settings.maxUsers', maxUsers, used }] }),
  nothingToUpdate: () => new AppError('tenant.nothing_to_update', 400),
  deleted: () => new AppError('tenant.deleted', 409),
  suspended: () => new AppError('tenant.suspended', 409),
  invalidStatusTransition: (from: string, to: string) => new AppError('tenant.invalid_status_transition', 409, { from, to }),
  hasActiveUsers: (count: number) => new AppError('tenant.has_active_users', 409, { count }),
  invalidRetentionPeriod: () => new AppError('tenant.invalid_retention_period', 400, { min: 'P30D', max: 'P365D' }),
  invalidDeletionReason: () => new AppError('tenant.invalid_deletion_reason', 400),
  retentionNotElapsed: (purgeAfter: string) => new AppError('tenant.retention_not_elapsed', 409, { purgeAfter }),
};
