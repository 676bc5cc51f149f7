import type { Database, Queryable } from '../../framework/db/index.ts';

/**
 * Brute-force protection in PostgreSQL (survives restarts, shared by every process):
 *  - per account (tenant + normalized e-mail, known or not): after `maxLoginAttempts` failures the
 *    account is locked for `base · 2^(locks so far)` seconds (capped), then unlocks by itself;
 *  - per client IP across tenants and accounts: at most `ipMaxFailures` failures per window.
 */
export type ThrottleSettings = {
  lockoutBaseSeconds: number;
  lockoutMaxSeconds: number;
  ipMaxFailures: number;
  ipWindowSeconds: number;
};

export const DEFAULT_THROTTLE: ThrottleSettings = {
  lockoutBaseSeconds: 60,
  lockoutMaxSeconds: 3_600,
  ipMaxFailures: 100,
  ipWindowSeconds: 300,
};

/** Who is throttled: the account (tenant + normalized e-mail) and the client IP. */
export type ThrottleKey = { tenantId: string; subject: string; ip: string };

export type ThrottleState = { ipRetryAfter: number | null; accountRetryAfter: number | null; hasFailures: boolean };

/**
 * Both checks in one round trip; each `retryAfter` is in whole seconds, null when not throttled.
 *
 * @example
 *   const state = await throttleState(db, { tenantId, subject: email, ip }, DEFAULT_THROTTLE);
 */
export async function throttleState(db: Pick<Database, 'query'>, key: ThrottleKey, settings: ThrottleSettings): Promise<ThrottleState> {
  return (await throttleAndCredentials(db, key, null, settings)).throttle;
}

/**
 * The throttle state and the user's password hash (sign-in's only read before the argon2id
 * verification): one call of `auth_sign_in_state` (migration 0025), one round trip, its own
 * transaction under the tenant's row-level security. `userId` null reads no credentials.
 */
export async function throttleAndCredentials(
  db: Pick<Database, 'query'>,
  key: ThrottleKey,
  userId: string | null,
  settings: ThrottleSettings,
): Promise<{ throttle: ThrottleState; passwordHash: string | null }> {
  const { rows } = await db.query<{ ip_wait: number | null; account_wait: number | null; has_failures: boolean; password_hash: string | null }>(
    'SELECT * FROM auth_sign_in_state($1, $2, $3, $4, $5, $6)',
    [key.tenantId, key.subject, key.ip, userId, settings.ipWindowSeconds, settings.ipMaxFailures],
  );
  const row = rows[0];
  return {
    throttle: { ipRetryAfter: positive(row?.ip_wait), accountRetryAfter: positive(row?.account_wait), hasFailures: row?.has_failures ?? false },
    passwordHash: row?.password_hash ?? null,
  };
}

const positive = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.max(1, value));

/** Counts a failure for the IP and (when lockout is on) the account; returns the new lock, if any. */
export async function recordFailure(
  tx: Queryable,
  key: ThrottleKey,
  maxLoginAttempts: number,
  settings: ThrottleSettings,
): Promise<{ lockedForSeconds: number | null }> {
  const { rows } = await tx.query<{ locked_for: number | null }>(
    `WITH ip AS (
       INSERT INTO auth_ip_failures AS f (ip_address, window_start, failures) VALUES ($3::text, now(), 1)
       ON CONFLICT (ip_address) DO UPDATE SET
         failures = CASE WHEN f.window_start + make_interval(secs => $5::float8) <= now() THEN 1 ELSE f.failures + 1 END,
         window_start = CASE WHEN f.window_start + make_interval(secs => $5::float8) <= now() THEN now() ELSE f.window_start END
       RETURNING 1),
     account AS (
       INSERT INTO auth_login_failures AS a (tenant_id, subject, failures, lock_count, locked_until)
       SELECT $1::uuid, $2::text, CASE WHEN $4::int <= 1 THEN 0 ELSE 1 END, CASE WHEN $4::int <= 1 THEN 1 ELSE 0 END,
              CASE WHEN $4::int <= 1 THEN now() + make_interval(secs => least($7::float8, $6::float8)) END
        WHERE $4::int > 0
       ON CONFLICT (tenant_id, subject) DO UPDATE SET
         failures = CASE WHEN a.failures + 1 >= $4::int THEN 0 ELSE a.failures + 1 END,
         lock_count = CASE WHEN a.failures + 1 >= $4::int THEN a.lock_count + 1 ELSE a.lock_count END,
         locked_until = CASE WHEN a.failures + 1 >= $4::int
           THEN now() + make_interval(secs => least($7::float8, $6::float8 * power(2, a.lock_count)))
           ELSE a.locked_until END,
         last_failure_at = now()
       RETURNING CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int END AS locked_for)
     SELECT (SELECT locked_for FROM account) AS locked_for, (SELECT count(*) FROM ip) AS ip_rows`,
    [key.tenantId, key.subject, key.ip, maxLoginAttempts, settings.ipWindowSeconds, settings.lockoutBaseSeconds, settings.lockoutMaxSeconds],
  );
  return { lockedForSeconds: rows[0]?.locked_for ?? null };
}

/** A successful sign-in forgets the account's failures (the lock history decays with them). */
export async function recordSuccess(tx: Queryable, key: { tenantId: string; subject: string }): Promise<void> {
  await tx.query(`DELETE FROM auth_login_failures WHERE tenant_id = $1 AND subject = $2`, [key.tenantId, key.subject]);
}
