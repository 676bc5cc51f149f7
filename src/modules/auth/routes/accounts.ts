import { Type } from 'typebox';
import { problems, type HttpServer } from '../../../framework/http/index.ts';
import type { AuthDeps } from '../deps.ts';
import { acceptInvitation, confirmEmail, forgotPassword, register, resetPassword } from '../flows.ts';
import { requestInfo } from './login.ts';
import { Accepted, Email, NewPassword, OpaqueToken, TenantRef, User } from './schemas.ts';

const BODY_LIMIT = 16 * 1024;

/**
 * Per client IP and route, like sign-in's limit: these routes are public and each call may cost a
 * token lookup, a password hash or a mail.
 */
const PER_IP = { limit: 10, windowSeconds: 60, scope: 'ip' } as const;

/** Invitation acceptance, self-service registration, e-mail confirmation, password reset. */
export function registerAccountRoutes(app: HttpServer, deps: AuthDeps): void {
  const flowRequest = (request: Parameters<typeof requestInfo>[0] & { language: import('../../../framework/i18n/index.ts').Language }) => ({ ...requestInfo(request), language: request.language });

  app.post('/auth/invitations/accept', {
    bodyLimit: BODY_LIMIT,
    config: { public: true, rateLimit: PER_IP },
    schema: {
      tags: ['auth'],
      summary: 'Accept an invitation and choose a password',
      body: Type.Object({ token: OpaqueToken, password: NewPassword }, { additionalProperties: false }),
      response: { 200: Type.Object({ user: User }), ...problems(429) },
    },
  }, async (request) => ({ user: await acceptInvitation(deps, request.body, flowRequest(request)) }));

  app.post('/auth/register', {
    bodyLimit: BODY_LIMIT,
    config: { public: true, rateLimit: PER_IP },
    schema: {
      tags: ['auth'],
      summary: 'Self-service registration (where the tenant allows it); a confirmation link is mailed',
      body: Type.Object({
        tenant: TenantRef,
        email: Email,
        password: NewPassword,
        displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      }, { additionalProperties: false }),
      response: { 202: Accepted, ...problems(403, 409, 429) },
    },
  }, async (request, reply) => {
    await register(deps, request.body, flowRequest(request));
    return reply.code(202).send({ status: 'accepted' as const });
  });

  app.post('/auth/email/confirm', {
    bodyLimit: BODY_LIMIT,
    config: { public: true, rateLimit: PER_IP },
    schema: {
      tags: ['auth'],
      summary: 'Confirm an e-mail address with the mailed token',
      body: Type.Object({ token: OpaqueToken }, { additionalProperties: false }),
      response: { 200: Type.Object({ status: Type.Literal('confirmed') }), ...problems(429) },
    },
  }, async (request) => {
    await confirmEmail(deps, request.body.token, flowRequest(request));
    return { status: 'confirmed' as const };
  });

  app.post('/auth/password/forgot', {
    bodyLimit: BODY_LIMIT,
    config: { public: true, rateLimit: PER_IP },
    schema: {
      tags: ['auth'],
      summary: 'Mail a password-reset link (always 202: never reveals whether the account exists)',
      description: 'The tenant is the body\'s `tenant` (id or slug), else the tenant whose customDomain is the request host (as at sign-in), else the platform (system admins). The lookup and the mail happen after the answer.',
      body: Type.Object({ tenant: Type.Optional(TenantRef), email: Email }, { additionalProperties: false }),
      response: { 202: Accepted, ...problems(429) },
    },
  }, async (request, reply) => {
    void forgotPassword(deps, { ...request.body, host: request.headers.host }, flowRequest(request));
    return reply.code(202).send({ status: 'accepted' as const });
  });

  app.post('/auth/password/reset', {
    bodyLimit: BODY_LIMIT,
    config: { public: true, rateLimit: PER_IP },
    schema: {
      tags: ['auth'],
      summary: 'Set a new password with the mailed single-use token; ends every session',
      body: Type.Object({ token: OpaqueToken, password: NewPassword }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problems(429) },
    },
  }, async (request, reply) => {
    await resetPassword(deps, request.body, flowRequest(request));
    return reply.code(204).send(null);
  });
}
