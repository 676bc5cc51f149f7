import type { FastifyRequest } from 'fastify';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import type { Authenticator, Principal } from '../../framework/http/index.ts';
import { authErrors } from './errors.ts';
import type { KeyStore } from './keys/keystore.ts';
import type { RevocationSet } from './sessions/revocations.ts';
import type { AuthTenant, AuthUser } from './directory.ts';
import { ipAllowed, type UserCache } from './deps.ts';

export const SYSTEM_ADMIN_ROLE = 'system_admin';

/** Why a valid token no longer admits its bearer: the user or the tenant changed since it was signed. */
function refusal(user: AuthUser | null, tenant: AuthTenant | null): Error | undefined {
  if (!tenant || tenant.status === 'deleted') return authErrors.tenantDeleted();
  if (tenant.status === 'suspended') return authErrors.tenantSuspended();
  if (!user || user.status !== 'active') return authErrors.sessionRevoked();
  return undefined;
}

/**
 * The request authenticator: `Authorization: Bearer <access JWT>` → Principal. Verification is
 * local (Ed25519 signature, expiry, issuer, audience) plus a lookup in the revocation set. The
 * principal then takes the user's current role and both statuses from the per-process user cache
 * (`users`, at most `userCacheTtlMs` old, default 1 s): a demoted admin, a deactivated user or a
 * suspended or deleted tenant loses access within that second, not when the token expires. A bad
 * token is a 401 on protected routes and ignored on public ones (a stale token must not block
 * signing in again).
 *
 * @example
 *   const authenticate = createAuthenticator(keys, revoked, users);
 *   request.principal = await authenticate(request);
 */
export function createAuthenticator(keys: KeyStore, revoked: RevocationSet, users: UserCache): Authenticator {
  return async (request: FastifyRequest): Promise<Principal | null> => {
    const header = request.headers.authorization;
    if (!header) return null;
    const isPublic = request.routeOptions.config?.public === true;
    try {
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(header);
      if (!match?.[1]) throw authErrors.invalidToken();
      const claims = await keys.verify(match[1]);
      if (revoked.has(claims.sid)) throw authErrors.sessionRevoked();
      // Fresh cache hits answer without a promise (every request); a miss loads both at once.
      let user = users.peekUser(claims.tenant, claims.sub);
      let tenant = users.peekTenant(claims.tenant);
      if (user === undefined || tenant === undefined) [user, tenant] = await Promise.all([users.user(claims.tenant, claims.sub), users.tenant(claims.tenant)]);
      const refused = refusal(user, tenant);
      if (refused) throw refused;
      // The tenant's address ranges hold for every use of a token, not only the sign-in.
      if (!ipAllowed(request.ip, tenant!.settings.securityPolicy.allowedIpRanges)) throw authErrors.ipNotAllowed();
      const role = user!.role;
      return {
        userId: claims.sub,
        tenantId: claims.tenant,
        role,
        isSystemAdmin: role === SYSTEM_ADMIN_ROLE && claims.tenant === PLATFORM_TENANT_ID,
        sessionId: claims.sid,
      };
    } catch (error) {
      if (isPublic) return null;
      throw error;
    }
  };
}
