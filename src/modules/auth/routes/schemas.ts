import { Type } from 'typebox';

/** ASCII e-mail (ajv-formats `email`): a fullwidth `＠` or a raw IDN domain is a 400, not a lookup. */
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** Long enough for any passphrase, short enough that hashing it cannot be abused. */
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const NewPassword = Type.String({ minLength: 1, maxLength: 1024 });
export const TenantRef = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' });
export const OpaqueToken = Type.String({ minLength: 1, maxLength: 512 });
export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });

export const User = Type.Object({
  id: Uuid,
  userId: Type.String({ format: 'uuid', description: 'Same as `id`' }),
  tenantId: Uuid,
  email: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  role: Type.String(),
  status: Type.String(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastLogin: Type.Union([Type.String(), Type.Null()]),
});

export const SessionGrant = Type.Object({
  sessionId: Uuid,
  user: User,
  token: Type.String({ description: 'Access JWT (EdDSA); send as `Authorization: Bearer <token>`' }),
  refreshToken: Type.String({ description: 'Opaque, single use: every refresh returns a new one' }),
  expiresAt: DateTime,
  sessionExpiresAt: DateTime,
});

export const MfaChallenge = Type.Object({
  mfaRequired: Type.Literal(true),
  challengeToken: Type.String(),
  methods: Type.Array(Type.String()),
  expiresAt: DateTime,
});

export const LoginBody = Type.Object({
  tenant: Type.Optional(TenantRef),
  email: Email,
  password: Password,
}, { additionalProperties: false });

export const Session = Type.Object({
  sessionId: Uuid,
  userId: Uuid,
  tenantId: Uuid,
  authMethod: Type.String(),
  ipAddress: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  lastActivity: DateTime,
  expiresAt: DateTime,
  current: Type.Boolean(),
});

export const Accepted = Type.Object({ status: Type.Literal('accepted') });
