/**
 * The tenants module's only door. Other modules import from here, never from inner files.
 */
export * from './domain.ts';
export { tenantErrors } from './errors.ts';
export {
  isEmail, normalizeEmail, charLength, metadataBytes, METADATA_LIMIT_BYTES, isSlug, slugify, isDomainName, isCidr,
  durationSeconds, validateSettings, validateRetention, validateTenantName, validatePlan,
} from './validators.ts';
export { tenantDecider, type TenantCommand, type TenantState, type TenantData, type TenantUsage } from './decider.ts';
export { tenantStreamId, type TenantEvent } from './events.ts';
