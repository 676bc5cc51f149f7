import type { AuthUser } from '../directory.ts';
import { eventContext, ipAllowed, type AuthDeps } from '../deps.ts';
import { authErrors } from '../errors.ts';
import { sessionStream, type AuthEvent, type LogoutType } from '../events.ts';
import type { SessionGrant } from '../login.ts';
import { grantSession } from '../tokens/access.ts';
import { parseToken } from '../tokens/opaque.ts';
import { activeSessionIds, endSession, getSession, pageActiveSessions, rotateRefreshToken, type SessionRecord, type SessionSort } from './store.ts';

export type RequestInfo = { ip: string; userAgent: string | null; correlationId: string };

/**
 * `POST /auth/refresh`: rotates the refresh token (exactly one of two concurrent uses wins) and
 * answers with the login shape. A token rotated longer ago than the grace window is a reuse: the
 * whole family (the session) is revoked and `auth.token_reuse_detected` emitted.
 *
 * @example
 *   const grant = await refresh(deps, refreshToken, { ip, userAgent, correlationId });
 */
export async function refresh(deps: AuthDeps, refreshToken: string, request: RequestInfo): Promise<SessionGrant> {
  const parsed = parseToken(refreshToken);
  if (!parsed) throw authErrors.invalidRefreshToken();
  const { tenantId, hash } = parsed;
  // A suspended or deleted tenant's sessions do not continue (checked before rotating, so the
  // client keeps its token for when the tenant is resumed).
  const tenant = await deps.users.tenant(tenantId);
  if (!tenant) throw authErrors.invalidRefreshToken();
  if (tenant.status === 'deleted') throw authErrors.tenantDeleted();
  if (tenant.status === 'suspended') throw authErrors.tenantSuspended();
  // The tenant's address ranges hold for the whole session, not only its sign-in.
  if (!ipAllowed(request.ip, tenant.settings.securityPolicy.allowedIpRanges)) throw authErrors.ipNotAllowed();
  // The rotation commits without waiting for the WAL flush (see rotateRefreshToken): a crash can
  // lose the last fraction of a second of rotations; their clients sign in again, and no token
  // becomes valid that was not valid before (docs/security/authentication.md).
  const outcome = await rotateRefreshToken(deps.db, tenantId, hash);
  switch (outcome.kind) {
    case 'unknown':
      throw authErrors.invalidRefreshToken();
    case 'session_ended':
      throw authErrors.sessionExpired();
    case 'reused': {
      if (outcome.rotatedMsAgo < deps.settings.refreshReuseGraceMs) throw authErrors.invalidRefreshToken();
      await revokeFamily(deps, tenantId, outcome.sessionId, outcome.userId, request);
      throw authErrors.refreshTokenReused();
    }
    case 'rotated': {
      const { session } = outcome;
      const user = await deps.users.user(tenantId, session.userId);
      if (!user || user.status !== 'active') {
        await revokeSession(deps, { tenantId, sessionId: session.sessionId, by: null, type: 'security', reason: 'user_inactive' }, request);
        throw authErrors.sessionRevoked();
      }
      // The user's role now, not the one at sign-in: a demotion is not undone by refreshing.
      return grantSession(deps, user, { tenantId, sessionId: session.sessionId, role: user.role, expiresAt: session.expiresAt }, outcome.refreshToken);
    }
    default: {
      const _exhaustive: never = outcome;
      return _exhaustive;
    }
  }
}

async function revokeFamily(deps: AuthDeps, tenantId: string, sessionId: string, userId: string, request: RequestInfo): Promise<void> {
  const ttl = deps.settings.accessTokenTtlSeconds;
  await deps.db.transaction(async (tx) => {
    await endSession(tx, { tenantId, sessionId, reason: 'token_reuse', accessTokenTtlSeconds: ttl });
    const event: AuthEvent = {
      type: 'auth.token_reuse_detected',
      data: { userId, tenantId, sessionId, ipAddress: request.ip, deviceInfo: { userAgent: request.userAgent }, detectedAt: new Date().toISOString() },
    };
    await deps.events.append(sessionStream(sessionId), [event], { expectedVersion: 'any', context: eventContext(tenantId, request.correlationId, null), tx });
  }, { tenantId });
  deps.revoked.add(sessionId, Date.now() + (ttl + 60) * 1000);
  deps.logger.warn({ tenantId, sessionId }, 'refresh token reuse detected: session revoked');
}

/**
 * Ends a session: `logout` by its owner, or revocation by the owner / a tenant admin / security.
 * Takes effect at once in this process and, through NOTIFY, in every other one.
 * Returns false when the session was not active (already ended or unknown).
 */
export async function revokeSession(
  deps: AuthDeps,
  input: { tenantId: string; sessionId: string; by: string | null; type: LogoutType; reason: string; logout?: boolean },
  request: RequestInfo,
): Promise<boolean> {
  const ttl = deps.settings.accessTokenTtlSeconds;
  const ended = await deps.db.transaction(async (tx) => {
    const result = await endSession(tx, { tenantId: input.tenantId, sessionId: input.sessionId, reason: input.reason, accessTokenTtlSeconds: ttl });
    if (!result) return false;
    const at = new Date().toISOString();
    const event: AuthEvent = input.logout
      ? { type: 'auth.logout', data: { userId: result.userId, tenantId: input.tenantId, sessionId: input.sessionId, logoutType: input.type, logoutTimestamp: at } }
      : { type: 'auth.session_revoked', data: { userId: result.userId, tenantId: input.tenantId, sessionId: input.sessionId, revokedBy: input.by, reason: input.reason, revokedAt: at } };
    await deps.events.append(sessionStream(input.sessionId), [event], { expectedVersion: 'any', context: eventContext(input.tenantId, request.correlationId, input.by), tx });
    return true;
  }, { tenantId: input.tenantId });
  if (ended) deps.revoked.add(input.sessionId, Date.now() + (ttl + 60) * 1000);
  return ended;
}

/** Revokes every active session of a user (password reset, deactivation). Returns how many. */
export async function revokeUserSessions(deps: AuthDeps, tenantId: string, userId: string, reason: string, request: RequestInfo, createdBefore: string | null = null): Promise<number> {
  const ids = await deps.db.transaction((tx) => activeSessionIds(tx, tenantId, userId, createdBefore), { tenantId });
  let count = 0;
  for (const sessionId of ids) {
    if (await revokeSession(deps, { tenantId, sessionId, by: null, type: 'security', reason }, request)) count++;
  }
  return count;
}

/**
 * `DELETE /auth/sessions` ("sign out everywhere"): the user revokes every active session of
 * theirs, the one making the request included, each exactly as `DELETE /auth/sessions/{id}` would
 * (`auth.session_revoked`, reason `user_revoked`, effective at once in every process).
 * Returns how many were revoked.
 */
export async function revokeOwnSessions(deps: AuthDeps, tenantId: string, userId: string, request: RequestInfo): Promise<number> {
  const ids = await deps.db.transaction((tx) => activeSessionIds(tx, tenantId, userId), { tenantId });
  let count = 0;
  for (const sessionId of ids) {
    if (await revokeSession(deps, { tenantId, sessionId, by: userId, type: 'user', reason: 'user_revoked', logout: false }, request)) count++;
  }
  return count;
}

export const findSession = (deps: AuthDeps, tenantId: string, sessionId: string): Promise<SessionRecord | null> =>
  deps.db.transaction((tx) => getSession(tx, tenantId, sessionId), { tenantId });

export const listSessions = (
  deps: AuthDeps,
  tenantId: string,
  userId: string | undefined,
  page: { page: number; pageSize: number; sortBy?: SessionSort | undefined; sortOrder?: 'asc' | 'desc' | undefined },
): Promise<{ items: SessionRecord[]; total: number }> =>
  deps.db.transaction((tx) => pageActiveSessions(tx, tenantId, userId, page), { tenantId });

export type { AuthUser };
