import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Database } from '../../framework/db/index.ts';
import { commonErrors } from '../../framework/errors/index.ts';
import { requirePrincipal, type HttpServer } from '../../framework/http/index.ts';
import { authorize } from './access.ts';
import type { Actor, TenantCommands } from './commands.ts';
import { tenantErrors } from './errors.ts';
import type { TenantSettingsPatch } from './domain.ts';
import { getTenant, getTenantMetrics, listTenants } from './queries.ts';
import {
  CreateTenantBody, DeleteTenantBody, ListTenantsQuery, TenantDetailSchema, TenantParams, TenantSchema, UpdateTenantBody, pageOf, problems,
  settingsFromBody,
} from './schemas.ts';

const actorOf = (request: FastifyRequest): Actor => ({ userId: request.principal?.userId ?? null, correlationId: request.correlationId });
const tags = ['tenants'];

/**
 * `POST/GET /tenants`, `GET/PATCH/DELETE /tenants/{tenantId}` (SPEC §4).
 *
 * @example
 *   registerTenantRoutes(scope, { db: ctx.db.app, commands });
 */
export function registerTenantRoutes(app: HttpServer, deps: { db: Database; commands: TenantCommands }): void {
  const { db, commands } = deps;

  async function detail(tenantId: string) {
    const tenant = await getTenant(db, tenantId);
    if (!tenant) throw tenantErrors.notFound();
    const metrics = await getTenantMetrics(db, tenantId);
    return { ...tenant, metrics: { totalUsers: metrics?.totalUsers ?? 0, activeUsers: metrics?.activeUsers ?? 0, lastActivity: metrics?.lastActivity ?? null, storageBytes: metrics?.storageBytes ?? 0 } };
  }

  app.post('/tenants', {
    config: { permission: 'tenants:create' },
    schema: {
      tags, summary: 'Create a tenant and invite its admin (system admin)',
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
      body: CreateTenantBody,
      response: { 201: TenantDetailSchema, ...problems(400, 401, 403, 409, 422) },
    },
  }, async (request, reply) => {
    authorize(requirePrincipal(request), 'tenants:create', null, tenantErrors.notFound);
    const body = request.body;
    const { tenantId } = await commands.create({
      name: body.name, ...(body.slug ? { slug: body.slug } : {}), subscriptionPlan: body.subscriptionPlan, adminEmail: body.adminEmail,
      metadata: body.metadata ?? {}, settings: settingsFromBody(body.settings), language: request.language,
    }, actorOf(request));
    reply.header('location', `/api/v1/tenants/${tenantId}`);
    return reply.code(201).send(await detail(tenantId));
  });

  app.get('/tenants', {
    config: { permission: 'tenants:list' },
    schema: { tags, summary: 'List tenants (system admin)', querystring: ListTenantsQuery, response: { 200: pageOf(TenantSchema), ...problems(400, 401, 403) } },
  }, async (request) => {
    authorize(requirePrincipal(request), 'tenants:list', null, tenantErrors.notFound);
    const q = request.query;
    const { items, total } = await listTenants(db, {
      page: q.page, pageSize: q.pageSize, ...(q.sortBy ? { sortBy: q.sortBy as never } : {}), ...(q.sortOrder ? { sortOrder: q.sortOrder } : {}),
      ...(q.status ? { status: q.status } : {}), ...(q.plan ? { plan: q.plan } : {}),
    });
    return { items, page: q.page, pageSize: q.pageSize, total };
  });

  app.get('/tenants/:tenantId', {
    config: { permission: 'tenants:read' },
    schema: { tags, summary: 'A tenant with its metrics', params: TenantParams, response: { 200: TenantDetailSchema, ...problems(400, 401, 403, 404) } },
  }, async (request) => {
    authorize(requirePrincipal(request), 'tenants:read', request.params.tenantId, tenantErrors.notFound);
    return detail(request.params.tenantId);
  });

  app.patch('/tenants/:tenantId', {
    config: { permission: 'tenants:update' },
    schema: {
      tags, summary: 'Update name, metadata or settings; plan and `status` (suspend, resume): system admins only', params: TenantParams, body: UpdateTenantBody,
      response: { 200: TenantDetailSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const principal = requirePrincipal(request);
    const { tenantId } = request.params;
    authorize(principal, 'tenants:update', tenantId, tenantErrors.notFound);
    const { status, settings, ...rest } = request.body;
    // Suspension and the subscription plan (what the tenant pays for) belong to the platform operator.
    if ((status !== undefined || rest.subscriptionPlan !== undefined) && !principal.isSystemAdmin) throw commonErrors.forbidden();
    const changes = { ...rest, ...(settings ? { settings: settings as TenantSettingsPatch } : {}) };
    if (Object.keys(changes).length > 0 || status === undefined) await commands.update(tenantId, changes, actorOf(request));
    if (status !== undefined) {
      const current = await getTenant(db, tenantId);
      if (!current) throw tenantErrors.notFound();
      if (current.status !== status) await commands.setStatus(tenantId, status, actorOf(request));
    }
    return detail(tenantId);
  });

  app.delete('/tenants/:tenantId', {
    config: { permission: 'tenants:delete' },
    schema: {
      tags, summary: 'Delete a tenant (data purged after the retention period)', params: TenantParams, body: DeleteTenantBody,
      response: { 200: TenantDetailSchema, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const { tenantId } = request.params;
    authorize(requirePrincipal(request), 'tenants:delete', tenantId, tenantErrors.notFound);
    await commands.delete(tenantId, {
      deletionReason: request.body.deletionReason,
      ...(request.body.dataRetentionPeriod ? { dataRetentionPeriod: request.body.dataRetentionPeriod } : {}),
    }, actorOf(request));
    return detail(tenantId);
  });
}
