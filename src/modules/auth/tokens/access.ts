import type { AuthDeps } from '../deps.ts';
import type { AuthUser } from '../directory.ts';
import type { SessionGrant } from '../login.ts';

/**
 * Signs an access token for a session: lives `accessTokenTtlSeconds`, never past the session's end.
 *
 * @example
 *   const { token, expiresAt } = await issueAccessToken(deps, { userId, tenantId, role, sessionId, sessionExpiresAt });
 */
export function issueAccessToken(
  deps: Pick<AuthDeps, 'keys' | 'settings'>,
  input: { userId: string; tenantId: string; role: string; sessionId: string; sessionExpiresAt: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const untilSessionEnds = (input.sessionExpiresAt.getTime() - Date.now()) / 1000;
  const ttl = Math.max(1, Math.min(deps.settings.accessTokenTtlSeconds, Math.floor(untilSessionEnds)));
  return deps.keys.sign({ sub: input.userId, tenant: input.tenantId, role: input.role, sid: input.sessionId }, ttl);
}

/**
 * The login shape for an open session: a fresh access token beside the session's refresh token.
 * Sign-in and refresh both answer with it.
 *
 * @example
 *   return grantSession(deps, user, { tenantId, sessionId, role, expiresAt }, refreshToken);
 */
export async function grantSession(
  deps: Pick<AuthDeps, 'keys' | 'settings'>,
  user: AuthUser,
  session: { tenantId: string; sessionId: string; role: string; expiresAt: Date },
  refreshToken: string,
): Promise<SessionGrant> {
  const access = await issueAccessToken(deps, {
    userId: user.userId, tenantId: session.tenantId, role: session.role, sessionId: session.sessionId, sessionExpiresAt: session.expiresAt,
  });
  return {
    sessionId: session.sessionId,
    user,
    token: access.token,
    refreshToken,
    expiresAt: access.expiresAt.toISOString(),
    sessionExpiresAt: session.expiresAt.toISOString(),
  };
}
