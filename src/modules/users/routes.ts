import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { PLATFORM_TENANT_ID, type Database } from '../../framework/db/index.ts';
import { commonErrors } from '../../framework/errors/index.ts';
import { requirePrincipal, type HttpServer, type Principal } from '../../framework/http/index.ts';
import { authorize, getTenant, hasPermission, pageOf, problems, TenantParams, tenantErrors, type Actor } from '../tenants/index.ts';
import type { UserCommands } from './commands.ts';
import { userErrors } from './errors.ts';
import { getUser, listUsers } from './queries.ts';
import { DeactivateUserBody, InviteUserBody, ListUsersQuery, UpdateUserBody, UserParams, UserSchema } from './schemas.ts';

const actorOf = (request: FastifyRequest): Actor => ({ userId: request.principal?.userId ?? null, correlationId: request.correlationId });
const tags = ['users'];

/**
 * The platform tenant's users (the system admins, and whoever they add there) are managed by
 * system admins only: an `admin` of the platform tenant must not be able to change or deactivate
 * a system admin. A user may still edit their own profile (`profile:update`).
 */
function assertPlatformManagement(principal: Principal, tenantId: string, targetUserId?: string): void {
  if (tenantId === PLATFORM_TENANT_ID && !principal.isSystemAdmin && principal.userId !== targetUserId) throw commonErrors.forbidden();
}

/**
 * `POST/GET /tenants/{tenantId}/users`, `GET/PATCH /tenants/{tenantId}/users/{userId}`,
 * `POST .../deactivate`, `POST .../reactivate` (SPEC §4).
 */
export function registerUserRoutes(
  app: HttpServer,
  deps: { db: Database; commands: UserCommands; customRoleExists?: ((tenantId: string, role: string) => boolean) | undefined },
): void {
  const { db, commands } = deps;
  /** A custom role must be one the tenant defined: an unknown one would grant nothing, not even the user's own profile. */
  const assertRoleDefined = (tenantId: string, role: string | undefined) => {
    if (role?.startsWith('custom:') && deps.customRoleExists && !deps.customRoleExists(tenantId, role)) throw userErrors.unknownRole(role);
  };

  async function read(tenantId: string, userId: string) {
    const user = await getUser(db, tenantId, userId);
    if (!user) throw userErrors.notFound();
    return user;
  }

  app.post('/tenants/:tenantId/users', {
    config: { permission: 'users:invite' },
    schema: {
      tags, summary: 'Invite a user (status invited; an invitation e-mail is sent)', params: TenantParams, body: InviteUserBody,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
      response: { 201: UserSchema, ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const { tenantId } = request.params;
    const principal = requirePrincipal(request);
    authorize(principal, 'users:invite', tenantId, tenantErrors.notFound);
    assertPlatformManagement(principal, tenantId);
    assertRoleDefined(tenantId, request.body.role);
    const { userId, user } = await commands.register({
      tenantId, email: request.body.email, role: request.body.role, displayName: request.body.displayName ?? null,
      metadata: request.body.metadata ?? {}, registrationSource: 'admin_invite', language: request.language,
    }, actorOf(request));
    reply.header('location', `/api/v1/tenants/${tenantId}/users/${userId}`);
    return reply.code(201).send(user ?? await read(tenantId, userId));
  });

  app.get('/tenants/:tenantId/users', {
    config: { permission: 'users:list' },
    schema: { tags, summary: 'List users with filters and sorting', params: TenantParams, querystring: ListUsersQuery, response: { 200: pageOf(UserSchema), ...problems(400, 401, 403, 404) } },
  }, async (request) => {
    const { tenantId } = request.params;
    const principal = requirePrincipal(request);
    authorize(principal, 'users:list', tenantId, tenantErrors.notFound);
    if (principal.tenantId !== tenantId && !(await getTenant(db, tenantId))) throw tenantErrors.notFound();
    const q = request.query;
    const { items, total } = await listUsers(db, tenantId, {
      page: q.page, pageSize: q.pageSize, ...(q.sortBy ? { sortBy: q.sortBy as never } : {}), ...(q.sortOrder ? { sortOrder: q.sortOrder } : {}),
      ...(q.status ? { status: q.status } : {}), ...(q.role ? { role: q.role } : {}), ...(q.email ? { email: q.email } : {}),
    });
    return { items, page: q.page, pageSize: q.pageSize, total };
  });

  app.get('/tenants/:tenantId/users/:userId', {
    config: { permission: 'users:read' },
    schema: { tags, summary: 'A user profile', params: UserParams, response: { 200: UserSchema, ...problems(400, 401, 403, 404) } },
  }, async (request) => {
    const { tenantId, userId } = request.params;
    authorize(requirePrincipal(request), 'users:read', tenantId, userErrors.notFound, { userId, permission: 'profile:read' });
    return read(tenantId, userId);
  });

  app.patch('/tenants/:tenantId/users/:userId', {
    config: { permission: 'users:update' },
    schema: {
      tags, summary: 'Update e-mail (cooldown), display name, role or metadata', params: UserParams, body: UpdateUserBody,
      response: { 200: UserSchema, ...problems(400, 401, 403, 404, 409, 429) },
    },
  }, async (request) => {
    const principal = requirePrincipal(request);
    const { tenantId, userId } = request.params;
    authorize(principal, 'users:update', tenantId, userErrors.notFound, { userId, permission: 'profile:update' });
    if (request.body.role !== undefined && !hasPermission(principal, 'users:update')) throw commonErrors.forbidden();
    assertPlatformManagement(principal, tenantId, request.body.role === undefined ? userId : undefined);
    assertRoleDefined(tenantId, request.body.role);
    const { user } = await commands.updateProfile(tenantId, userId, request.body, actorOf(request), request.language);
    return user ?? read(tenantId, userId);
  });

  app.post('/tenants/:tenantId/users/:userId/deactivate', {
    config: { permission: 'users:deactivate' },
    schema: {
      tags, summary: 'Deactivate temporarily (until reactivationDate) or permanently', params: UserParams, body: DeactivateUserBody,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
      response: { 200: UserSchema, ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => {
    const { tenantId, userId } = request.params;
    const principal = requirePrincipal(request);
    authorize(principal, 'users:deactivate', tenantId, userErrors.notFound);
    assertPlatformManagement(principal, tenantId);
    const { user } = await commands.deactivate(tenantId, userId, { ...request.body, reactivationDate: request.body.reactivationDate ?? null }, actorOf(request));
    return user ?? read(tenantId, userId);
  });

  app.post('/tenants/:tenantId/users/:userId/invitation', {
    config: { permission: 'users:invite' },
    schema: {
      tags, summary: 'Send a new invitation to a user who has not accepted one (earlier links stop working)', params: UserParams,
      response: { 200: UserSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const { tenantId, userId } = request.params;
    const principal = requirePrincipal(request);
    authorize(principal, 'users:invite', tenantId, userErrors.notFound);
    assertPlatformManagement(principal, tenantId);
    return commands.resendInvitation(tenantId, userId, request.language);
  });

  app.post('/tenants/:tenantId/users/:userId/reactivate', {
    config: { permission: 'users:reactivate' },
    schema: {
      tags, summary: 'Reactivate a temporarily deactivated user', params: UserParams,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
      response: { 200: UserSchema, ...problems(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => {
    const { tenantId, userId } = request.params;
    const principal = requirePrincipal(request);
    authorize(principal, 'users:reactivate', tenantId, userErrors.notFound);
    assertPlatformManagement(principal, tenantId);
    const { user } = await commands.reactivate(tenantId, userId, actorOf(request));
    return user ?? read(tenantId, userId);
  });
}
