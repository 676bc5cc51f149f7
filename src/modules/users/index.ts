/**
 * The users module's only door.
 *
 * For the auth module: `identity(ctx)` → { findTenant, findUserForLogin, getUser, acceptInvitation,
 * registerSelfService, confirmEmail, ensureSystemAdmin } (see service.ts for each contract).
 * For the platform: `createIdentityModules(options?)` → the tenants and users AcciModules.
 */
export * from './domain.ts';
export { userErrors } from './errors.ts';
export { userDecider, userCounts, type UserCommand, type UserState, type TenantContext } from './decider.ts';
export { userStreamId, type UserEvent } from './events.ts';
export { userProfilesProjection } from './projections.ts';
export { getUser, findUserForLogin, listUsers, type LoginUser, type UserListQuery } from './queries.ts';
export { identity, identityServices, type Identity, type IdentityOptions, type IdentityServices } from './service.ts';
export { createIdentityModules } from './module.ts';
export { runDueWork } from './due.ts';
