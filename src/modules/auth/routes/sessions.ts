import { Type } from 'typebox';
import { PLATFORM_TENANT_ID } from '../../../framework/db/index.ts';
import { commonErrors } from '../../../framework/errors/index.ts';
import type { HttpServer, Principal } from '../../../framework/http/index.ts';
import { problems, requirePrincipal } from '../../../framework/http/index.ts';
import { PageQuery, pageOf } from '../../tenants/index.ts';
import type { AuthDeps } from '../deps.ts';
import { findSession, listSessions, revokeOwnSessions, revokeSession } from '../sessions/service.ts';
import type { SessionRecord } from '../sessions/store.ts';
import { authErrors } from '../errors.ts';
import { requestInfo } from './login.ts';
import { Session, User, Uuid } from './schemas.ts';

const Tenant = Type.Object({ tenantId: Uuid, name: Type.String(), slug: Type.String(), status: Type.String() });

/**
 * Whether the caller may see or revoke other users' sessions in their tenant. In the platform
 * tenant only system admins may: an `admin` added there must not be able to sign the system
 * admins out (the users routes apply the same rule to their accounts).
 */
const mayOnOthers = (deps: AuthDeps, principal: Principal, permission: 'sessions:list' | 'sessions:revoke', tenantId: string, ownerId: string) =>
  principal.isSystemAdmin || (principal.tenantId !== PLATFORM_TENANT_ID && deps.allows(principal, permission, { tenantId, ownerId }));

/** The tenant a session list targets: the caller's own, or any for the system admin. */
function targetTenant(principal: Principal, tenantId: string | undefined): string {
  if (!tenantId || tenantId === principal.tenantId) return principal.tenantId;
  if (!principal.isSystemAdmin) throw commonErrors.notFound('tenant');
  return tenantId;
}

/**
 * The session `GET|DELETE /auth/sessions/{id}` may act on: the caller's own, one of their tenant
 * for a tenant admin (`permission`), any for the system admin (with `?tenantId=` for another
 * tenant's). Anything else, another tenant's included, is 404 `auth.session_not_found`.
 */
async function visibleSession(
  deps: AuthDeps, principal: Principal, sessionId: string, tenantIdQuery: string | undefined, permission: 'sessions:list' | 'sessions:revoke',
): Promise<{ session: SessionRecord; tenantId: string; own: boolean }> {
  const tenantId = tenantIdQuery ?? principal.tenantId;
  if (tenantId !== principal.tenantId && !principal.isSystemAdmin) throw authErrors.sessionNotFound();
  const session = await findSession(deps, tenantId, sessionId);
  const own = session?.userId === principal.userId && tenantId === principal.tenantId;
  if (!session || (!own && !mayOnOthers(deps, principal, permission, tenantId, session.userId))) throw authErrors.sessionNotFound();
  return { session, tenantId, own };
}

/**
 * SPEC §7: `?lang=` is accepted on every request. These query schemas refuse unknown fields, so
 * they name it (an unsupported value falls back like the cookie and Accept-Language do).
 */
const Lang = { lang: Type.Optional(Type.String({ description: 'Response language: en, de, sq, fr or es' })) };
const TenantQuery = Type.Object({
  tenantId: Type.Optional({ ...Uuid, description: 'Another tenant\'s session (system admin)' }),
  ...Lang,
}, { additionalProperties: false });

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

/** `GET /auth/me`, `GET|DELETE /auth/sessions`, `GET|DELETE /auth/sessions/{sessionId}`. */
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
      description: 'Paginated, newest first by default. `userId` (a user, or `all`) needs `sessions:list`; `tenantId` another tenant (system admin).',
      querystring: Type.Object({
        ...PageQuery,
        sortBy: Type.Optional(Type.Union([Type.Literal('createdAt'), Type.Literal('lastActivity'), Type.Literal('expiresAt')])),
        userId: Type.Optional(Type.Union([Uuid, Type.Literal('all')])),
        tenantId: Type.Optional(Uuid),
        ...Lang,
      }, { additionalProperties: false }),
      response: { 200: pageOf(Session), ...problems(400, 401, 403, 404) },
    },
  }, async (request) => {
    const principal = requirePrincipal(request);
    const q = request.query;
    const tenantId = targetTenant(principal, q.tenantId);
    const wanted = q.userId ?? principal.userId;
    // `all` is everyone's sessions: never only the caller's own, so it needs the `any` scope.
    if ((wanted !== principal.userId || tenantId !== principal.tenantId) && !mayOnOthers(deps, principal, 'sessions:list', tenantId, wanted)) throw commonErrors.forbidden();
    const { items, total } = await listSessions(deps, tenantId, wanted === 'all' ? undefined : wanted, {
      page: q.page, pageSize: q.pageSize, sortBy: q.sortBy, sortOrder: q.sortOrder,
    });
    return { items: items.map((s) => view(s, principal)), page: q.page, pageSize: q.pageSize, total };
  });

  app.delete('/auth/sessions', {
    config: { permission: 'profile:read' },
    schema: {
      tags: ['auth'],
      summary: 'Sign out everywhere: revoke all of your own sessions, the current one included',
      description: 'Each session is revoked as by `DELETE /auth/sessions/{sessionId}` (`auth.session_revoked`); their access and refresh tokens, this request\'s too, stop working at once.',
      querystring: Type.Object({ ...Lang }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problems(400, 401) },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request);
    await revokeOwnSessions(deps, principal.tenantId, principal.userId, requestInfo(request));
    return reply.code(204).send(null);
  });

  app.get('/auth/sessions/:sessionId', {
    config: { permission: 'profile:read' },
    schema: {
      tags: ['auth'],
      summary: 'An active session (your own; tenant admins: any in their tenant)',
      params: Type.Object({ sessionId: Uuid }),
      querystring: TenantQuery,
      response: { 200: Session, ...problems(400, 401, 404) },
    },
  }, async (request) => {
    const principal = requirePrincipal(request);
    const { session } = await visibleSession(deps, principal, request.params.sessionId, request.query.tenantId, 'sessions:list');
    // Like the list: ended sessions are gone.
    if (session.revokedAt || Date.parse(session.expiresAt) <= Date.now()) throw authErrors.sessionNotFound();
    return view(session, principal);
  });

  app.delete('/auth/sessions/:sessionId', {
    config: { permission: 'profile:read' },
    schema: {
      tags: ['auth'],
      summary: 'Revoke a session (your own; tenant admins: any in their tenant)',
      params: Type.Object({ sessionId: Uuid }),
      querystring: TenantQuery,
      response: { 204: Type.Null(), ...problems(400, 401, 404) },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request);
    const { session, tenantId, own } = await visibleSession(deps, principal, request.params.sessionId, request.query.tenantId, 'sessions:revoke');
    if (session.revokedAt) throw authErrors.sessionNotFound();
    await revokeSession(deps, {
      tenantId, sessionId: session.sessionId, by: principal.userId, type: own ? 'user' : 'admin', reason: own ? 'user_revoked' : 'admin_revoked', logout: false,
    }, requestInfo(request));
    return reply.code(204).send(null);
  });
}
