import { Type, type Static } from 'typebox';
import { DEFAULT_SECURITY_POLICY } from './domain.ts';
import { PageQuery } from '../../framework/http/index.ts';

/** TypeBox schemas of the tenant API: request validation, response serialization and OpenAPI. */

export const PLAN = '^(free|professional|enterprise|custom:[a-z0-9][a-z0-9_-]{0,49})$';
export const AUTH_METHOD = '^(password|totp|webauthn|(oidc|saml):[a-z0-9][a-z0-9_.-]{0,49})$';
export const DURATION = '^P(?:\\d+W)?(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+S)?)?$';

export const Metadata = Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), { description: 'Free JSON object, at most 64 KiB' });

export const SecurityPolicySchema = Type.Object({
  passwordMinLength: Type.Integer({ minimum: 8, maximum: 128 }),
  requireMfa: Type.Boolean(),
  maxLoginAttempts: Type.Integer({ minimum: 0, maximum: 10, description: '0 = no lockout' }),
  sessionTimeout: Type.String({ pattern: DURATION, maxLength: 32, description: 'ISO-8601 duration, PT1M–PT24H' }),
  allowedIpRanges: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'CIDR list; empty = any address' }),
}, { additionalProperties: false });

export const SettingsSchema = Type.Object({
  allowedAuthMethods: Type.Array(Type.String({ pattern: AUTH_METHOD, maxLength: 60 }), { minItems: 1, maxItems: 20, uniqueItems: true }),
  maxUsers: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  features: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100, default: [], description: '`self_service_registration` (with `password` allowed) opens self-service sign-up' }),
  customDomain: Type.Optional(Type.Union([Type.String({ minLength: 3, maxLength: 253 }), Type.Null()])),
  securityPolicy: Type.Optional(SecurityPolicySchema),
}, { additionalProperties: false });
export type SettingsBody = Static<typeof SettingsSchema>;

/** A settings change: every field optional (no defaults: what is left out stays as it is). */
export const SettingsPatchSchema = Type.Object({
  allowedAuthMethods: Type.Optional(SettingsSchema.properties.allowedAuthMethods),
  maxUsers: Type.Optional(SettingsSchema.properties.maxUsers),
  features: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
  customDomain: Type.Optional(Type.Union([Type.String({ minLength: 3, maxLength: 253 }), Type.Null()], { description: 'null removes the custom domain' })),
  securityPolicy: Type.Optional(Type.Object({
    passwordMinLength: Type.Optional(SecurityPolicySchema.properties.passwordMinLength),
    requireMfa: Type.Optional(SecurityPolicySchema.properties.requireMfa),
    maxLoginAttempts: Type.Optional(SecurityPolicySchema.properties.maxLoginAttempts),
    sessionTimeout: Type.Optional(SecurityPolicySchema.properties.sessionTimeout),
    allowedIpRanges: Type.Optional(SecurityPolicySchema.properties.allowedIpRanges),
  }, { additionalProperties: false, description: 'Fields left out keep their value' })),
}, { additionalProperties: false, description: 'Only the fields sent change; the others keep their value' });

export const TenantSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid', description: 'Same as `id`' }),
  name: Type.String(),
  slug: Type.String(),
  subscriptionPlan: Type.String(),
  adminEmail: Type.String(),
  metadata: Metadata,
  settings: Type.Object({
    allowedAuthMethods: Type.Array(Type.String()),
    maxUsers: Type.Integer(),
    features: Type.Array(Type.String()),
    customDomain: Type.Union([Type.String(), Type.Null()]),
    securityPolicy: SecurityPolicySchema,
  }),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('deleted')]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const TenantDetailSchema = Type.Object({
  ...TenantSchema.properties,
  metrics: Type.Object({
    totalUsers: Type.Integer(), activeUsers: Type.Integer(), lastActivity: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    /** Bytes of the tenant's events (counted asynchronously), what the plan's storage quota limits. */
    storageBytes: Type.Integer(),
  }),
});

export const CreateTenantBody = Type.Object({
  name: Type.String({ minLength: 3, maxLength: 50 }),
  slug: Type.Optional(Type.String({ minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9-]*[a-z0-9]$' })),
  subscriptionPlan: Type.String({ pattern: PLAN, maxLength: 57 }),
  adminEmail: Type.String({ format: 'email', maxLength: 254 }),
  metadata: Type.Optional(Metadata),
  settings: SettingsSchema,
}, { additionalProperties: false });

export const UpdateTenantBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 3, maxLength: 50 })),
  subscriptionPlan: Type.Optional(Type.String({ pattern: PLAN, maxLength: 57 })),
  metadata: Type.Optional(Metadata),
  settings: Type.Optional(SettingsPatchSchema),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')], { description: 'suspend or resume the tenant' })),
}, { additionalProperties: false });

export const DeleteTenantBody = Type.Object({
  deletionReason: Type.String({ pattern: '^(user_requested|violation|inactive|other:.+)$', maxLength: 500 }),
  dataRetentionPeriod: Type.Optional(Type.String({ pattern: DURATION, maxLength: 16, description: 'P30D–P365D, default P90D' })),
}, { additionalProperties: false });

export const TenantParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }) });

/** Shared by every list endpoint (bounded page and pageSize); re-exported for the users module. */
export { PageQuery };

export const ListTenantsQuery = Type.Object({
  ...PageQuery,
  sortBy: Type.Optional(Type.Union(['name', 'slug', 'createdAt', 'updatedAt', 'status', 'subscriptionPlan'].map((v) => Type.Literal(v)))),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('deleted')])),
  plan: Type.Optional(Type.String({ pattern: PLAN, maxLength: 57 })),
});

export const pageOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer() });

/** Settings as sent → settings as stored (defaults filled in). */
export function settingsFromBody(body: SettingsBody) {
  return {
    allowedAuthMethods: body.allowedAuthMethods as never[],
    maxUsers: body.maxUsers,
    features: body.features ?? [],
    customDomain: body.customDomain ?? null,
    securityPolicy: body.securityPolicy ?? DEFAULT_SECURITY_POLICY,
  };
}

export { problems } from '../../framework/http/index.ts';
