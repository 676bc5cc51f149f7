import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../errors/index.ts';

/**
 * Who is calling. Set once per request by the platform's authentication hook from whatever
 * authenticator the auth module registers (bearer JWT, API key); null for anonymous requests.
 */
export type Principal = {
  userId: string;
  /** The tenant the principal belongs to (the platform tenant for system admins). */
  tenantId: string;
  role: string;
  isSystemAdmin: boolean;
  sessionId?: string;
  /** Set when the caller authenticated with an API key limited to these permissions. */
  scopes?: readonly string[];
};

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The principal of an authenticated request; 401 `auth.unauthenticated` otherwise. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw commonErrors.unauthenticated();
  return request.principal;
}

/**
 * What a route declares about access, in its `config`:
 *   `{ permission: 'users:invite' }` — the caller needs this permission (checked by the access module);
 *   `{ public: true }` — no authentication (login, JWKS, health).
 * Permission names are `<resource>:<action>`; the access module's catalog lists them all.
 */
export type RouteAccess = { permission?: string; public?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: string;
    public?: boolean;
  }
}
