import { Type } from 'typebox';
import { commonErrors } from '../../../framework/errors/index.ts';
import type { HttpServer, Principal } from '../../../framework/http/index.ts';
import { requirePrincipal } from '../../../framework/http/index.ts';
import type { AuthDeps } from '../deps.ts';
import { findSession, listSessions, revokeSession } from '../sessions/service.ts';
import type { SessionRecord } from '../sessions/store.ts';
import { authErrors } from '../errors.ts';
import { requestInfo } from './login.ts';
import { Session, User, Uuid } from './schemas.ts';

const Tenant = Type.Object({ tenantId: Uuid, name: Type.String(), slug: Type.String(), status: Type.String() });

const may = (deps: AuthDeps, principal: Principal, permission: 'sessions:list' | 'sessions:revoke') =>
  principal.isSystemAdmin || deps.permissionsOf(principal).includes(permission);

/** The tenant a session request targets: the caller's own, or any for the system admin. */
function targetTenant(principal: Principal, tenantId: string | undefined): string {
  if (!tenantId || tenantId === principal.tenantId) return principal.tenantId;
  if (!principal.isSystemAdmin) throw commonErrors.notFound('tenant');
  return tenantId;
}

const view = (session: SessionRecord, principal: Principal) => ({
  sessionId: session.sessionId,
  userId: session.userId,
  tenantId: session.tenantId,
  authMethod: session.authMethod,
  ipAddress: session.ipAddress,
  userAgent: session.userAgent,
  createdAt: session.createdAt,
  lastActivity: session.lastActivity,
  expiresAt: session.expiresAt,
  current: session.sessionId === principal.sessionId,
});

/** `GET /auth/me`, `GET /auth/sessions`, `DELETE /auth/sessions/{sessionId}`. */
export function registerSessionRoutes(app: HttpServer, deps: AuthDeps): void {
  app.get('/auth/me', {
    config: { permission: 'profile:read' },
    schema: {
      tags: ['auth'],
      summary: 'The signed-in user, tenant, permissions and session',
      response: { 200: Type.Object({ user: User, tenant: Tenant, permissions: Type.Array(Type.String()), sessionId: Type.Union([Uuid, Type.Null()]) }) },
    },
  }, async (request) => {
    const principal = requirePrincipal(request);
    const [user, tenant] = await Promise.all([deps.users.user(principal.tenantId, principal.userId), deps.users.tenant(principal.tenantId)]);
    if (!user || !tenant) throw authErrors.invalidToken();
    if (user.status !== 'active' || tenant.status !== 'active') throw authErrors.sessionRevoked();
    return {
      user,
      tenant: { tenantId: tenant.tenantId, name: tenant.name, slug: tenant.slug, status: tenant.status },
      permissions: [...(principal.scopes ?? deps.permissionsOf(principal))],
      sessionId: principal.sessionId ?? null,
    };
  });

  app.get('/auth/sessions', {
    config: { permission: 'profile:read' },
    schema: {
      tags: ['auth'],
      summary: 'Active sessions: your own, or (tenant admins) those of a user or of the whole tenant',
      querystring: Type.Object({
        userId: Type.Optional(Type.Union([Uuid, Type.Literal('all')])),
        tenantId: Type.Optional(Uuid),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Session) }) },
    },
  }, async (request) => {
    const principal = requirePrincipal(request);
    const tenantId = targetTenant(principal, request.query.tenantId);
    const wanted = request.query.userId ?? principal.userId;
    if ((wanted !== principal.userId || tenantId !== principal.tenantId) && !may(deps, principal, 'sessions:list')) throw commonErrors.forbidden();
    const sessions = await listSessions(deps, tenantId, wanted === 'all' ? undefined : wanted);
    return { items: sessions.map((s) => view(s, principal)) };
  });

  app.delete('/auth/sessions/:sessionId', {
    config: { permission: 'profile:read' },
    schema: {
      tags: ['auth'],
      summary: 'Revoke a session (your own; tenant admins: any in their tenant)',
      params: Type.Object({ sessionId: Uuid }),
      querystring: Type.Object({ tenantId: Type.Optional(Uuid) }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request);
    const tenantId = targetTenant(principal, request.query.tenantId);
    const session = await findSession(deps, tenantId, request.params.sessionId);
    const own = session?.userId === principal.userId && tenantId === principal.tenantId;
    if (!session || session.revokedAt || (!own && !may(deps, principal, 'sessions:revoke'))) throw authErrors.sessionNotFound();
    await revokeSession(deps, {
      tenantId, sessionId: session.sessionId, by: principal.userId, type: own ? 'user' : 'admin', reason: own ? 'user_revoked' : 'admin_revoked', logout: false,
    }, requestInfo(request));
    return reply.code(204).send(null);
  });
}
