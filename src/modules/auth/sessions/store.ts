import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../../framework/db/index.ts';
import { mintToken } from '../tokens/opaque.ts';

/** One sign-in on one device; also the family of its refresh tokens. */
export type SessionRecord = {
  sessionId: string;
  tenantId: string;
  userId: string;
  role: string;
  authMethod: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
  lastActivity: string;
  expiresAt: string;
  revokedAt: string | null;
};

type SessionRow = {
  session_id: string; tenant_id: string; user_id: string; role: string; auth_method: string; ip_address: string | null;
  user_agent: string | null; created_at: Date; last_activity: Date; expires_at: Date; revoked_at: Date | null;
};

export const SESSION_COLUMNS = 'session_id, tenant_id, user_id, role, auth_method, ip_address, user_agent, created_at, last_activity, expires_at, revoked_at';

export const toSession = (row: SessionRow): SessionRecord => ({
  sessionId: row.session_id,
  tenantId: row.tenant_id,
  userId: row.user_id,
  role: row.role,
  authMethod: row.auth_method,
  ipAddress: row.ip_address,
  userAgent: row.user_agent,
  createdAt: row.created_at.toISOString(),
  lastActivity: row.last_activity.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
});

export type NewSession = {
  tenantId: string;
  userId: string;
  role: string;
  ipAddress: string;
  userAgent: string | null;
  idleTimeoutSeconds: number;
};

/** A session about to be written: its id, first refresh token and end, all known before any write. */
export type OpenedSession = { sessionId: string; refreshToken: string; refreshHash: Buffer; expiresAt: Date };

/**
 * The identity, first refresh token and expiry of a new session. The expiry is taken from the
 * application's clock, not PostgreSQL's `now()`: a sign-in sends the session row and its
 * `auth.login_succeeded` event (which carries the expiry) in one round trip, before any result.
 *
 * @example
 *   const session = newSession(tenantId, idleTimeoutSeconds);
 */
export function newSession(tenantId: string, idleTimeoutSeconds: number, now = Date.now()): OpenedSession {
  const refresh = mintToken(tenantId);
  return { sessionId: randomUUID(), refreshToken: refresh.token, refreshHash: refresh.hash, expiresAt: new Date(now + idleTimeoutSeconds * 1000) };
}

/**
 * Writes a session and its first refresh token, inside the caller's tenant transaction. The
 * statement is issued before this first waits, so it can be part of a `db.pipelined` transaction.
 *
 * @example
 *   const session = newSession(tenantId, idleTimeoutSeconds);
 *   await db.pipelined((tx) => openSession(tx, { tenantId, userId, role, ... }, session), { tenantId });
 */
export async function openSession(tx: Queryable, input: NewSession, session: OpenedSession): Promise<void> {
  // Named: prepared once per connection, so its plan is not rebuilt on every sign-in.
  await tx.query({
    name: 'auth_open_session_at',
    text: `WITH s AS (
       INSERT INTO auth_sessions (tenant_id, session_id, user_id, role, ip_address, user_agent, expires_at, idle_timeout_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
     INSERT INTO auth_refresh_tokens (tenant_id, token_hash, session_id, expires_at) VALUES ($1, $9, $2, $7)`,
    values: [input.tenantId, session.sessionId, input.userId, input.role, input.ipAddress, input.userAgent, session.expiresAt, input.idleTimeoutSeconds, session.refreshHash],
  });
}

export type RotationOutcome =
  | { kind: 'rotated'; session: { sessionId: string; userId: string; role: string; expiresAt: Date }; refreshToken: string }
  | { kind: 'session_ended' }
  | { kind: 'unknown' }
  | { kind: 'reused'; sessionId: string; userId: string; rotatedMsAgo: number };

/**
 * Rotates a refresh token: one call of `auth_rotate_refresh_token` (migration 0025), one round
 * trip, its own transaction, so call it outside any. The token must still be active, so of two
 * concurrent uses exactly one wins (the row lock serializes them; the loser sees `reused`). The
 * session's expiry slides by its idle timeout. The commit does not wait for the WAL flush.
 *
 * @example
 *   const outcome = await rotateRefreshToken(deps.db, tenantId, hash);
 */
export async function rotateRefreshToken(db: Pick<Database, 'query'>, tenantId: string, hash: Buffer): Promise<RotationOutcome> {
  const next = mintToken(tenantId);
  const { rows } = await db.query<{
    outcome: 'rotated' | 'session_ended' | 'reused'; family: string; owner: string | null; owner_role: string | null;
    family_expires_at: Date | null; rotated_ms_ago: number | null;
  }>('SELECT * FROM auth_rotate_refresh_token($1, $2, $3)', [tenantId, hash, next.hash]);
  const row = rows[0];
  if (!row) return { kind: 'unknown' };
  if (row.outcome === 'rotated' && row.owner && row.owner_role && row.family_expires_at) {
    return { kind: 'rotated', session: { sessionId: row.family, userId: row.owner, role: row.owner_role, expiresAt: row.family_expires_at }, refreshToken: next.token };
  }
  if (row.outcome === 'reused' && row.owner && row.rotated_ms_ago !== null) {
    return { kind: 'reused', sessionId: row.family, userId: row.owner, rotatedMsAgo: row.rotated_ms_ago };
  }
  return { kind: 'session_ended' };
}

/**
 * Ends a session (logout, revocation, token reuse): marks it revoked, revokes its refresh tokens
 * and records it in the cross-process revocation index until its access tokens have expired.
 * Returns the session when it was still active.
 */
export async function endSession(
  tx: Queryable,
  input: { tenantId: string; sessionId: string; reason: string; accessTokenTtlSeconds: number },
): Promise<{ userId: string } | null> {
  const { rows } = await tx.query<{ user_id: string }>(
    `WITH s AS (
       UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $3
        WHERE tenant_id = $1 AND session_id = $2 AND revoked_at IS NULL
        RETURNING user_id, session_id),
     t AS (
       UPDATE auth_refresh_tokens SET status = 'revoked'
        WHERE tenant_id = $1 AND session_id IN (SELECT session_id FROM s) AND status = 'active' RETURNING 1),
     r AS (
       INSERT INTO auth_revoked_sessions (session_id, valid_until)
       SELECT session_id, now() + make_interval(secs => $4::float8) FROM s RETURNING 1)
     SELECT user_id FROM s`,
    [input.tenantId, input.sessionId, input.reason, input.accessTokenTtlSeconds + 60],
  );
  return rows[0] ? { userId: rows[0].user_id } : null;
}

export async function getSession(tx: Queryable, tenantId: string, sessionId: string): Promise<SessionRecord | null> {
  const { rows } = await tx.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM auth_sessions WHERE tenant_id = $1 AND session_id = $2`, [tenantId, sessionId]);
  return rows[0] ? toSession(rows[0]) : null;
}

/** Active sessions of a tenant, or of one user in it, newest first. */
export async function listActiveSessions(tx: Queryable, tenantId: string, userId?: string): Promise<SessionRecord[]> {
  const { rows } = await tx.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM auth_sessions
      WHERE tenant_id = $1 AND ($2::uuid IS NULL OR user_id = $2) AND revoked_at IS NULL AND expires_at > now()
      ORDER BY created_at DESC LIMIT 1000`,
    [tenantId, userId ?? null],
  );
  return rows.map(toSession);
}

export type SessionSort = 'createdAt' | 'lastActivity' | 'expiresAt';
const SESSION_SORT: Record<SessionSort, string> = { createdAt: 'created_at', lastActivity: 'last_activity', expiresAt: 'expires_at' };

/**
 * One page of the active sessions of a tenant, or of one user in it, with the total count
 * (newest first unless told otherwise).
 *
 * @example
 *   const { items, total } = await pageActiveSessions(tx, tenantId, userId, { page: 1, pageSize: 20 });
 */
export async function pageActiveSessions(
  tx: Queryable,
  tenantId: string,
  userId: string | undefined,
  query: { page: number; pageSize: number; sortBy?: SessionSort | undefined; sortOrder?: 'asc' | 'desc' | undefined },
): Promise<{ items: SessionRecord[]; total: number }> {
  const filter = 'WHERE tenant_id = $1 AND ($2::uuid IS NULL OR user_id = $2) AND revoked_at IS NULL AND expires_at > now()';
  const order = `${SESSION_SORT[query.sortBy ?? 'createdAt']} ${query.sortOrder === 'asc' ? 'ASC' : 'DESC'}, session_id`;
  const { rows } = await tx.query<SessionRow & { total: string }>(
    `SELECT ${SESSION_COLUMNS}, count(*) OVER () AS total FROM auth_sessions ${filter} ORDER BY ${order} LIMIT $3 OFFSET $4`,
    [tenantId, userId ?? null, query.pageSize, (query.page - 1) * query.pageSize],
  );
  if (rows[0]) return { items: rows.map(toSession), total: Number(rows[0].total) };
  // A page past the end has no row to carry the count.
  const counted = query.page > 1 ? await tx.query<{ n: string }>(`SELECT count(*) AS n FROM auth_sessions ${filter}`, [tenantId, userId ?? null]) : null;
  return { items: [], total: Number(counted?.rows[0]?.n ?? 0) };
}

/** Session ids of a user still active (to revoke them all, e.g. after a password reset). */
export async function activeSessionIds(tx: Queryable, tenantId: string, userId: string, createdBefore: string | null = null): Promise<string[]> {
  const { rows } = await tx.query<{ session_id: string }>(
    `SELECT session_id FROM auth_sessions WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
       AND ($3::timestamptz IS NULL OR created_at <= $3::timestamptz)`,
    [tenantId, userId, createdBefore],
  );
  return rows.map((r) => r.session_id);
}
