import type { FastifyRequest } from 'fastify';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import type { Authenticator, Principal } from '../../framework/http/index.ts';
import { authErrors } from './errors.ts';
import type { KeyStore } from './keys/keystore.ts';
import type { RevocationSet } from './sessions/revocations.ts';

export const SYSTEM_ADMIN_ROLE = 'system_admin';

/**
 * The request authenticator: `Authorization: Bearer <access JWT>` → Principal. Verification is
 * local (Ed25519 signature, expiry, issuer, audience) plus one in-memory lookup in the revocation
 * set, so it costs no database round trip. A bad token is a 401 on protected routes and ignored on
 * public ones (a stale token must not block signing in again).
 *
 * @example
 *   const authenticate = createAuthenticator(keys, revoked);
 *   request.principal = await authenticate(request);
 */
export function createAuthenticator(keys: KeyStore, revoked: RevocationSet): Authenticator {
  return async (request: FastifyRequest): Promise<Principal | null> => {
    const header = request.headers.authorization;
    if (!header) return null;
    const isPublic = request.routeOptions.config?.public === true;
    try {
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(header);
      if (!match?.[1]) throw authErrors.invalidToken();
      const claims = await keys.verify(match[1]);
      if (revoked.has(claims.sid)) throw authErrors.sessionRevoked();
      return {
        userId: claims.sub,
        tenantId: claims.tenant,
        role: claims.role,
        isSystemAdmin: claims.role === SYSTEM_ADMIN_ROLE && claims.tenant === PLATFORM_TENANT_ID,
        sessionId: claims.sid,
      };
    } catch (error) {
      if (isPublic) return null;
      throw error;
    }
  };
}
