import { Type, type Static } from 'typebox';
import { problems, type HttpServer } from '../../framework/http/index.ts';
import type { Database } from '../../framework/db/index.ts';
import { accessErrors } from './errors.ts';
import { BUILT_IN_ROLES, isBuiltInRole } from './permissions.ts';
import type { PolicyEngine } from './policy/engine.ts';
import type { ApiCallCounter } from './quotas.ts';
import { apiCallsThisMonth, periodOf, quotasFor, type PlanQuotas } from './quotas.ts';
import { getSeatUsage, getTenant, getTenantMetrics, tenantErrors, type Tenant } from '../tenants/index.ts';
import { getUser, userErrors } from '../users/index.ts';
import type { RoleCommand } from './roles/decider.ts';
import type { RoleService } from './roles/service.ts';
import { assignedRoles, listRoles } from './roles/store.ts';

const TenantParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }) });
const RoleParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }), role: Type.String({ maxLength: 60 }) });
const UserParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }), userId: Type.String({ format: 'uuid' }) });
const UserRoleParams = Type.Object({ tenantId: Type.String({ format: 'uuid' }), userId: Type.String({ format: 'uuid' }), role: Type.String({ maxLength: 60 }) });
const PermissionList = Type.Array(Type.String());
/** Lists that take no parameters (all of them fit one answer) still refuse unknown ones, like the paginated lists. */
const NoQuery = Type.Object({});
const Role = Type.Object({
  name: Type.String(),
  builtIn: Type.Boolean(),
  description: Type.String(),
  permissions: PermissionList,
  /** Permissions granted only on the caller's own resources. */
  ownOnly: PermissionList,
  createdAt: Type.Optional(Type.String({ format: 'date-time' })),
  updatedAt: Type.Optional(Type.String({ format: 'date-time' })),
});
type RoleDto = Static<typeof Role>;
const RoleBody = Type.Object({
  name: Type.String({ pattern: '^custom:[a-z0-9][a-z0-9_-]{0,48}$' }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  permissions: Type.Array(Type.String({ maxLength: 60 }), { maxItems: 100, uniqueItems: true }),
}, { additionalProperties: false });
const RolePatch = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 500 })),
  permissions: Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 100, uniqueItems: true })),
}, { additionalProperties: false, minProperties: 1 });
const UserRoles = Type.Object({ userId: Type.String(), roles: Type.Array(Type.String()) });
const Quota = Type.Object({ used: Type.Union([Type.Number(), Type.Null()]), limit: Type.Union([Type.Number(), Type.Null()]) });
const Usage = Type.Object({ plan: Type.String(), period: Type.String(), apiCalls: Quota, users: Quota, storageBytes: Quota });
const tags = ['access'];

export type RouteDeps = {
  engine: PolicyEngine;
  db: Database;
  roles: RoleService;
  counter: () => ApiCallCounter | undefined;
  plans?: Readonly<Record<string, PlanQuotas>>;
};

function builtInRoles(engine: PolicyEngine): RoleDto[] {
  return BUILT_IN_ROLES.map((name) => {
    const rules = engine.baseRules().filter((r) => r[0] === name && r[1] === '*');
    return {
      name, builtIn: true, description: '',
      permissions: rules.map((r) => r[2]),
      ownOnly: rules.filter((r) => r[3] === 'own').map((r) => r[2]),
    };
  });
}

/** Permissions catalog, custom-role CRUD, role assignment and tenant usage (under `/api/v1`). */
export function registerAccessRoutes(app: HttpServer, deps: RouteDeps): void {
  const { engine, db, roles } = deps;
  const run = (request: { tenantId: string; principal: Parameters<RoleService['execute']>[0]['principal']; correlationId: string }, command: RoleCommand) =>
    roles.execute({ ...request, command });
  // A tenant admin never reaches another tenant's routes (authorization answers 404); a system
  // admin may name any tenant, and one that does not exist is a 404 as well, not an empty answer.
  const existingTenant = async (tenantId: string): Promise<Tenant> => {
    const tenant = await getTenant(db, tenantId);
    if (!tenant) throw tenantErrors.notFound();
    return tenant;
  };
  const existingUser = async (tenantId: string, userId: string): Promise<void> => {
    const [, user] = await Promise.all([existingTenant(tenantId), getUser(db, tenantId, userId)]);
    if (!user) throw userErrors.notFound();
  };
  const findRole = async (tenantId: string, name: string): Promise<RoleDto> => {
    const builtIn = builtInRoles(engine).find((r) => r.name === name);
    if (builtIn) return builtIn;
    const found = (await listRoles(db, tenantId)).find((r) => r.name === name);
    if (!found) throw accessErrors.roleNotFound(name);
    return { ...found, builtIn: false, ownOnly: [] };
  };

  app.get('/permissions', {
    config: { permission: 'permissions:read' },
    schema: {
      tags, summary: 'Every permission a role can grant', querystring: NoQuery,
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ name: Type.String(), resource: Type.String(), action: Type.String() })) }) },
    },
  }, async () => ({
    items: engine.catalog.permissions.map((name) => {
      const [resource = '', action = ''] = name.split(':');
      return { name, resource, action };
    }),
  }));

  app.get('/tenants/:tenantId/roles', {
    config: { permission: 'roles:read' },
    schema: { tags, summary: 'Built-in and custom roles of a tenant', params: TenantParams, querystring: NoQuery, response: { 200: Type.Object({ items: Type.Array(Role) }), ...problems(404) } },
  }, async (request) => {
    await existingTenant(request.params.tenantId);
    const custom = (await listRoles(db, request.params.tenantId)).map((r): RoleDto => ({ ...r, builtIn: false, ownOnly: [] }));
    return { items: [...builtInRoles(engine), ...custom] };
  });

  app.get('/tenants/:tenantId/roles/:role', {
    config: { permission: 'roles:read' },
    schema: { tags, summary: 'One role', params: RoleParams, response: { 200: Role, ...problems(404) } },
  }, async (request) => {
    await existingTenant(request.params.tenantId);
    return findRole(request.params.tenantId, request.params.role);
  });

  app.post('/tenants/:tenantId/roles', {
    config: { permission: 'roles:manage' },
    schema: { tags, summary: 'Create a custom role', params: TenantParams, body: RoleBody, response: { 201: Role, ...problems(404, 409) } },
  }, async (request, reply) => {
    const { tenantId } = request.params;
    const body = request.body;
    await existingTenant(tenantId);
    await run({ tenantId, principal: request.principal, correlationId: request.correlationId },
      { type: 'role.create', name: body.name, description: body.description ?? '', permissions: body.permissions });
    return reply.code(201).send(await findRole(tenantId, body.name));
  });

  app.patch('/tenants/:tenantId/roles/:role', {
    config: { permission: 'roles:manage' },
    schema: { tags, summary: 'Change a custom role', params: RoleParams, body: RolePatch, response: { 200: Role, ...problems(404) } },
  }, async (request) => {
    const { tenantId, role } = request.params;
    await existingTenant(tenantId);
    await run({ tenantId, principal: request.principal, correlationId: request.correlationId },
      { type: 'role.update', name: role, ...request.body });
    return findRole(tenantId, role);
  });

  app.delete('/tenants/:tenantId/roles/:role', {
    config: { permission: 'roles:manage' },
    schema: { tags, summary: 'Delete a custom role no user holds', params: RoleParams, response: { 204: Type.Null(), ...problems(404, 409) } },
  }, async (request, reply) => {
    const { tenantId, role } = request.params;
    if (isBuiltInRole(role)) throw accessErrors.builtInRole(role);
    await existingTenant(tenantId);
    await run({ tenantId, principal: request.principal, correlationId: request.correlationId }, { type: 'role.delete', name: role });
    return reply.code(204).send(null);
  });

  app.get('/tenants/:tenantId/users/:userId/roles', {
    config: { permission: 'roles:read' },
    schema: { tags, summary: 'Roles assigned to a user on top of its primary role', params: UserParams, response: { 200: UserRoles, ...problems(404) } },
  }, async (request) => {
    const { tenantId, userId } = request.params;
    await existingUser(tenantId, userId);
    return { userId, roles: await assignedRoles(db, tenantId, userId) };
  });

  app.put('/tenants/:tenantId/users/:userId/roles/:role', {
    config: { permission: 'roles:manage' },
    schema: { tags, summary: 'Assign a role to a user', params: UserRoleParams, response: { 200: UserRoles, ...problems(404) } },
  }, async (request) => {
    const { tenantId, userId, role } = request.params;
    await existingUser(tenantId, userId);
    await run({ tenantId, principal: request.principal, correlationId: request.correlationId }, { type: 'role.assign', userId, role });
    return { userId, roles: await assignedRoles(db, tenantId, userId) };
  });

  app.delete('/tenants/:tenantId/users/:userId/roles/:role', {
    config: { permission: 'roles:manage' },
    schema: { tags, summary: 'Withdraw an assigned role', params: UserRoleParams, response: { 200: UserRoles, ...problems(404) } },
  }, async (request) => {
    const { tenantId, userId, role } = request.params;
    await existingUser(tenantId, userId);
    await run({ tenantId, principal: request.principal, correlationId: request.correlationId }, { type: 'role.unassign', userId, role });
    return { userId, roles: await assignedRoles(db, tenantId, userId) };
  });

  app.get('/tenants/:tenantId/usage', {
    config: { permission: 'tenants:read' },
    schema: { tags, summary: 'Quota usage of a tenant this month', params: TenantParams, response: { 200: Usage, ...problems(404) } },
  }, async (request) => {
    const { tenantId } = request.params;
    const counter = deps.counter();
    const [tenant, metrics, seats] = await Promise.all([existingTenant(tenantId), getTenantMetrics(db, tenantId), getSeatUsage(db, tenantId)]);
    // The plan as stored now (the enforcement's cache refreshes it in the background, up to a minute late).
    const plan = tenant.subscriptionPlan;
    const quotas = quotasFor(plan, deps.plans);
    return {
      plan,
      period: periodOf(new Date()),
      apiCalls: { used: counter ? await counter.used(tenantId) : await apiCallsThisMonth(db, tenantId), limit: quotas.apiCallsPerMonth },
      // Seats as enforced (users not deactivated), not metrics.totalUsers (every user ever registered).
      users: seats ?? { used: null, limit: null },
      storageBytes: { used: metrics?.storageBytes ?? 0, limit: quotas.storageBytes },
    };
  });
}
