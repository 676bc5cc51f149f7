import { Type } from 'typebox';
import { Metadata, PageQuery } from '../tenants/index.ts';

/** TypeBox schemas of the user API. */
export const ROLE = '^(admin|user|read_only|custom:[a-z0-9][a-z0-9_-]{0,49})$';

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid', description: 'Same as `id`' }),
  tenantId: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  role: Type.String(),
  status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('locked'), Type.Literal('deactivated')]),
  metadata: Metadata,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  lastLogin: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const InviteUserBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 254 }),
  role: Type.String({ pattern: ROLE, maxLength: 57 }),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  metadata: Type.Optional(Metadata),
}, { additionalProperties: false });

export const UpdateUserBody = Type.Object({
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(Type.String({ pattern: ROLE, maxLength: 57 })),
  metadata: Type.Optional(Metadata),
}, { additionalProperties: false });

export const DeactivateUserBody = Type.Object({
  reason: Type.String({ pattern: '^(user_requested|admin_action|security_violation|inactive|other:.+)$', maxLength: 500 }),
  deactivationType: Type.Union([Type.Literal('temporary'), Type.Literal('permanent')]),
  reactivationDate: Type.Optional(Type.String({ format: 'date-time', description: 'required for temporary, in the future' })),
}, { additionalProperties: false });

export const UserParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }), userId: Type.String({ format: 'uuid' }) });

export const ListUsersQuery = Type.Object({
  ...PageQuery,
  sortBy: Type.Optional(Type.Union(['email', 'displayName', 'createdAt', 'updatedAt', 'role', 'status', 'lastLogin'].map((v) => Type.Literal(v)))),
  status: Type.Optional(Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('locked'), Type.Literal('deactivated')])),
  role: Type.Optional(Type.String({ pattern: ROLE, maxLength: 57 })),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'e-mail prefix, case-insensitive' })),
});
