import { Type } from 'typebox';
import type { HttpServer } from '../../../framework/http/index.ts';
import { problems, requirePrincipal } from '../../../framework/http/index.ts';
import type { AuthDeps } from '../deps.ts';
import { login } from '../login.ts';
import { refresh, revokeSession } from '../sessions/service.ts';
import { LoginBody, MfaChallenge, OpaqueToken, SessionGrant } from './schemas.ts';

const BODY_LIMIT = 16 * 1024;

export const requestInfo = (request: { ip: string; headers: Record<string, string | string[] | undefined>; correlationId: string }) => {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null, correlationId: request.correlationId };
};

/** Why sign-in and refresh do not replay: SPEC §4 asks it of every POST; this is the exception. */
const NOT_REPLAYED = ' `Idempotency-Key` is not honoured here: the answer carries new credentials, which are never stored, so a retry is a new request.';

/** `POST /auth/login`, `POST /auth/refresh`, `POST /auth/logout`. */
export function registerLoginRoutes(app: HttpServer, deps: AuthDeps): void {
  app.post('/auth/login', {
    bodyLimit: BODY_LIMIT,
    config: { public: true, idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with e-mail and password',
      description: `The tenant is the body's \`tenant\` (id or slug), else the tenant whose customDomain is the request host; system admins omit it. Answers the session, or an MFA challenge when the tenant requires a second factor.${NOT_REPLAYED}`,
      body: LoginBody,
      response: { 200: Type.Union([SessionGrant, MfaChallenge]), ...problems(401, 403, 423, 429) },
    },
  }, async (request) => {
    const info = requestInfo(request);
    return login(deps, { ...info, tenant: request.body.tenant, email: request.body.email, password: request.body.password, host: request.headers.host });
  });

  app.post('/auth/refresh', {
    bodyLimit: BODY_LIMIT,
    config: { public: true, idempotency: false },
    schema: {
      tags: ['auth'],
      summary: 'Exchange a refresh token for new tokens (the old one stops working)',
      description: `Rotation: the token presented is used up.${NOT_REPLAYED}`,
      body: Type.Object({ refreshToken: OpaqueToken }, { additionalProperties: false }),
      response: { 200: SessionGrant, ...problems(401, 403) },
    },
  }, async (request) => refresh(deps, request.body.refreshToken, requestInfo(request)));

  app.post('/auth/logout', {
    bodyLimit: BODY_LIMIT,
    config: { permission: 'profile:read' },
    schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const principal = requirePrincipal(request);
    if (principal.sessionId) {
      await revokeSession(deps, { tenantId: principal.tenantId, sessionId: principal.sessionId, by: principal.userId, type: 'user', reason: 'logout', logout: true }, requestInfo(request));
    }
    return reply.code(204).send(null);
  });
}
