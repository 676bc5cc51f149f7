import type { AuthDeps } from '../deps.ts';

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
