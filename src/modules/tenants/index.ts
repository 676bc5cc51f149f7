/**
 * The tenants module's only door. Other modules import from here, never from inner files.
 */
export * from './domain.ts';
export { tenantErrors } from './errors.ts';
export {
  isEmail, normalizeEmail, charLength, metadataBytes, METADATA_LIMIT_BYTES, isSlug, isReservedSlug, slugify, isDomainName, isCidr,
  normalizeCidr, durationSeconds, validateSettings, validateRetention, validateTenantName, validatePlan, isOtherReason, platformHosts,
} from './validators.ts';
export { tenantDecider, type TenantCommand, type TenantState, type TenantData, type TenantUsage } from './decider.ts';
export { tenantStreamId, type TenantEvent } from './events.ts';
export { tenantGateForUserCommand, tenantGateAndClaim, loadTenantState, type TenantGate } from './store.ts';
export { claim, release, claimOwner, asTenant, applySeatDelta, gateClaimOrRefuse, seatsOrRefuse, createGate, SEAT_STRIPES, type SeatDelta, type GateRefusal } from './guards.ts';
export { tenantMetricsProjection, tenantDetailsProjection, tenantStorageProjection } from './projections.ts';
export { createTenantCommands, type Actor, type ProvisionAdmin, type CreateTenantInput, type TenantCommands } from './commands.ts';
export { Metadata, PageQuery, pageOf, problems, TenantParams } from './schemas.ts';
export { authorize, hasPermission, ROLE_PERMISSIONS, PERMISSIONS, type Permission } from './access.ts';
export {
  getTenant, findTenant, listTenants, getTenantMetrics, getSeatUsage, type TenantMetrics, type SeatUsage, type TenantListQuery,
} from './queries.ts';
export { registerTenantRoutes } from './routes.ts';
