import type { Database, Queryable } from '../../framework/db/index.ts';

/**
 * Brute-force protection in PostgreSQL (survives restarts, shared by every process):
 *  - per account (tenant + normalized e-mail, known or not): after `maxLoginAttempts` failures the
 *    account is locked for `base · 2^(locks so far)` seconds (capped), then unlocks by itself;
 *  - per client IP across tenants and accounts: at most `ipMaxFailures` failures per window.
 * Attempts are counted before the password is verified (`beginSignIn`), so concurrent requests
 * cannot verify more passwords than these limits allow.
 */
export type ThrottleSettings = {
  lockoutBaseSeconds: number;
  lockoutMaxSeconds: number;
  ipMaxFailures: number;
  ipWindowSeconds: number;
  /** How long the last allowed attempt may stay undecided before it counts as failed (a crash). */
  pendingSeconds: number;
};

export const DEFAULT_THROTTLE: ThrottleSettings = {
  lockoutBaseSeconds: 60,
  lockoutMaxSeconds: 3_600,
  ipMaxFailures: 100,
  ipWindowSeconds: 300,
  pendingSeconds: 30,
};

/** Who is throttled: the account (tenant + normalized e-mail) and the client IP. */
export type ThrottleKey = { tenantId: string; subject: string; ip: string };

/**
 * What a sign-in may do: refused while the IP or the account is throttled (`retryAfter` in whole
 * seconds); asked to wait while the account's last allowed attempt is being verified
 * (`pendingWaitMs`: at most that long, nothing counted); otherwise the attempt is counted before the
 * password is verified, and `locksFor` says for how long the account is locked should this attempt
 * fail (null: no lock; else this is the last allowed attempt, pending until `lockAfterLastAttempt`
 * or a success).
 */
export type SignInReservation = { ipRetryAfter: number | null; accountRetryAfter: number | null; locksFor: number | null; pendingWaitMs: number | null };

/**
 * Reserves a sign-in attempt and reads the user's password hash: one call of `auth_begin_sign_in`
 * (migration 0051), one round trip, its own transaction under the tenant's row-level security.
 * Counting before the verification bounds the guesses however many requests are in flight; a
 * verified password takes its attempt back with `recordSuccess`. `userId` null reads no credentials.
 *
 * @example
 *   const { reservation, passwordHash } = await beginSignIn(db, { tenantId, subject: email, ip }, userId, 5, DEFAULT_THROTTLE);
 */
export async function beginSignIn(
  db: Pick<Database, 'query'>,
  key: ThrottleKey,
  userId: string | null,
  maxLoginAttempts: number,
  settings: ThrottleSettings,
): Promise<{ reservation: SignInReservation; passwordHash: string | null }> {
  const { rows } = await db.query<{ ip_wait: number | null; account_wait: number | null; locks_for: number | null; pending_wait_ms: number | null; password_hash: string | null }>(
    'SELECT * FROM auth_begin_sign_in($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
    [key.tenantId, key.subject, key.ip, userId, settings.ipWindowSeconds, settings.ipMaxFailures, maxLoginAttempts, settings.lockoutBaseSeconds, settings.lockoutMaxSeconds, settings.pendingSeconds],
  );
  const row = rows[0];
  return {
    reservation: {
      ipRetryAfter: row?.ip_wait ?? null, accountRetryAfter: row?.account_wait ?? null, locksFor: row?.locks_for ?? null, pendingWaitMs: row?.pending_wait_ms ?? null,
    },
    passwordHash: row?.password_hash ?? null,
  };
}

/** The account's last allowed attempt failed: the account is locked for `locksFor` seconds from now. */
export async function lockAfterLastAttempt(tx: Queryable, key: { tenantId: string; subject: string }, locksFor: number): Promise<void> {
  await tx.query('SELECT auth_lock_after_last_attempt($1, $2, $3)', [key.tenantId, key.subject, locksFor]);
}

/** A verified password (or a reset) forgets the account's failures, lock history included. */
export async function recordSuccess(tx: Queryable, key: { tenantId: string; subject: string }): Promise<void> {
  await tx.query('DELETE FROM auth_login_failures WHERE tenant_id = $1 AND subject = $2', [key.tenantId, key.subject]);
}

/**
 * After a verified password: the attempt reserved on its IP is given back, in a transaction of its
 * own (migration 0052) so sign-ins from one address never wait for each other's commits.
 */
export async function giveBackIpAttempt(db: Pick<Database, 'query'>, ip: string): Promise<void> {
  await db.query(GIVE_BACK_IP_SQL, [ip]);
}

/** The give-back as a statement, for a caller that sends it after its own commit (`afterCommit`). */
export const GIVE_BACK_IP_SQL = 'SELECT auth_give_back_ip_attempt($1)';
