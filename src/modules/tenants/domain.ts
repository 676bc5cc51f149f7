/**
 * The tenant's vocabulary (SPEC §3): plans and their limits, settings, statuses, deletion reasons.
 * Pure data and types; validation lives in `validators.ts`.
 */

export type SubscriptionPlan = 'free' | 'professional' | 'enterprise' | `custom:${string}`;
export type AuthMethod = 'password' | 'totp' | 'webauthn' | `oidc:${string}` | `saml:${string}`;
export type TenantStatus = 'active' | 'suspended' | 'deleted';
export type DeletionReason = 'user_requested' | 'violation' | 'inactive' | `other:${string}`;

export type SecurityPolicy = {
  passwordMinLength: number;
  requireMfa: boolean;
  /** 0 = no lockout. */
  maxLoginAttempts: number;
  /** ISO-8601 duration, PT1M–PT24H. */
  sessionTimeout: string;
  /** CIDR list; empty = any address. */
  allowedIpRanges: string[];
};

export type TenantSettings = {
  allowedAuthMethods: AuthMethod[];
  maxUsers: number;
  features: string[];
  customDomain: string | null;
  securityPolicy: SecurityPolicy;
};

/** A settings change (PATCH): only the fields it names change; the security policy is merged field by field. */
export type TenantSettingsPatch = Partial<Omit<TenantSettings, 'securityPolicy'>> & { securityPolicy?: Partial<SecurityPolicy> };

/**
 * The settings after a change: what the patch names replaces the current value, the rest stays.
 *
 * @example
 *   mergeSettings(current, { maxUsers: 50, securityPolicy: { requireMfa: true } })
 */
export function mergeSettings(current: TenantSettings, patch: TenantSettingsPatch): TenantSettings {
  const defined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
  const { securityPolicy, ...rest } = patch;
  return { ...current, ...defined(rest), securityPolicy: { ...current.securityPolicy, ...defined(securityPolicy ?? {}) } };
}

/**
 * What a plan allows (`null` = unlimited); a plan change is refused while current usage exceeds
 * the new plan's limits. Users are enforced where they are registered, API calls and storage by
 * the access module's quotas.
 */
export type PlanLimits = { maxUsers: number; apiCallsPerMonth: number | null; storageBytes: number | null };

const GB = 1024 ** 3;
export const PLAN_LIMITS: Readonly<Record<'free' | 'professional' | 'enterprise' | 'custom', PlanLimits>> = {
  free: { maxUsers: 10, apiCallsPerMonth: 10_000, storageBytes: 100 * GB },
  professional: { maxUsers: 250, apiCallsPerMonth: 1_000_000, storageBytes: 1_000 * GB },
  enterprise: { maxUsers: 1_000_000, apiCallsPerMonth: null, storageBytes: null },
  custom: { maxUsers: 1_000_000, apiCallsPerMonth: 1_000_000, storageBytes: 1_000 * GB },
};

/** @example planLimits('custom:gold').maxUsers // 1000000 */
export function planLimits(plan: SubscriptionPlan): PlanLimits {
  return plan.startsWith('custom:') ? PLAN_LIMITS.custom : PLAN_LIMITS[plan as 'free' | 'professional' | 'enterprise'];
}

/** The number of users a tenant may hold: its own setting, capped by its plan. */
export const seatLimit = (plan: SubscriptionPlan, settings: TenantSettings): number =>
  Math.min(settings.maxUsers, planLimits(plan).maxUsers);

/**
 * The feature flag that opens self-service sign-up. A tenant allows `self_service` registration
 * only when `settings.features` contains it AND `password` is among its `allowedAuthMethods`.
 */
export const SELF_SERVICE_FEATURE = 'self_service_registration';

export const allowsSelfService = (settings: TenantSettings): boolean =>
  settings.features.includes(SELF_SERVICE_FEATURE) && settings.allowedAuthMethods.includes('password');

export const DEFAULT_SECURITY_POLICY: SecurityPolicy = {
  passwordMinLength: 12,
  requireMfa: false,
  maxLoginAttempts: 5,
  sessionTimeout: 'PT8H',
  allowedIpRanges: [],
};

export const DEFAULT_RETENTION = 'P90D';

/** The slug of the built-in platform tenant, where system admins sign in (`tenant: "platform"`). */
export const PLATFORM_SLUG = 'platform';

/** Slugs no tenant may take (besides any shaped like a UUID, see `isReservedSlug`). */
export const RESERVED_SLUGS: readonly string[] = [PLATFORM_SLUG];

/** What a tenant is made of: the fields of `tenant.created` and of the decider's state. */
export type TenantData = {
  tenantId: string;
  name: string;
  slug: string;
  subscriptionPlan: SubscriptionPlan;
  adminEmail: string;
  metadata: Record<string, unknown>;
  settings: TenantSettings;
};

/** The public view of a tenant, as the read model and other modules see it. */
export type Tenant = TenantData & {
  /** The tenant's id (SPEC §3 `id`); `tenantId` carries the same value for existing clients. */
  id: string;
  status: TenantStatus;
  createdAt: string;
  updatedAt: string;
};
