import { randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID, type Queryable } from '../../framework/db/index.ts';
import type { AuthTenant, AuthUser } from './directory.ts';
import { PLATFORM_TENANT, eventContext, ipAllowed, sessionTimeoutSeconds, type AuthDeps } from './deps.ts';
import { authErrors } from './errors.ts';
import { loginAttemptStream, sessionStream, type AuthEvent, type DeviceInfo, type LoginFailureReason } from './events.ts';
import { storePassword } from './credentials.ts';
import { newSession, openSession } from './sessions/store.ts';
import { GIVE_BACK_IP_SQL, beginSignIn, giveBackIpAttempt, lockAfterLastAttempt, recordSuccess, type SignInReservation, type ThrottleKey } from './throttle.ts';
import { mintToken } from './tokens/opaque.ts';
import { grantSession } from './tokens/access.ts';
import { isUuid } from '../../framework/validation/index.ts';

const MFA_CHALLENGE_TTL_SECONDS = 300;

export type LoginInput = {
  tenant?: string | undefined;
  email: string;
  password: string;
  host: string | undefined;
  ip: string;
  userAgent: string | null;
  correlationId: string;
};

/** A finished sign-in (SPEC §4 login shape). */
export type SessionGrant = {
  sessionId: string;
  user: AuthUser;
  token: string;
  refreshToken: string;
  /** When the access token expires (refresh before then). */
  expiresAt: string;
  /** When the session ends unless refreshed (the tenant's sessionTimeout after the last activity). */
  sessionExpiresAt: string;
};

/** A sign-in that needs a second factor: no session yet; the challenge token continues it. */
export type MfaChallenge = { mfaRequired: true; challengeToken: string; methods: string[]; expiresAt: string };

export type LoginResult = SessionGrant | MfaChallenge;

/** Lower-cased, trimmed e-mail: the key of the per-account throttle. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * The tenant a public auth request (sign-in, forgot password) is for: the body's `tenant` (id or
 * slug; null when unknown), else the tenant whose `customDomain` is the request's Host (port
 * ignored; IP literals never match), else the platform (system admins).
 *
 * @example
 *   const tenant = await resolveTenant(deps, { tenant: body.tenant, host: request.headers.host });
 */
export async function resolveTenant(deps: AuthDeps, input: { tenant?: string | undefined; host: string | undefined }): Promise<AuthTenant | null> {
  if (input.tenant !== undefined) {
    const ref = input.tenant.trim();
    if (ref === '') return null;
    if (ref === PLATFORM_TENANT_ID) return PLATFORM_TENANT;
    return isUuid(ref) ? deps.users.tenant(ref.toLowerCase()) : deps.users.tenantBy({ slug: ref.toLowerCase() });
  }
  const host = input.host?.toLowerCase().replace(/:\d+$/, '');
  if (host && host.includes('.') && !/^[\d.]+$/.test(host) && !host.startsWith('[')) {
    const byDomain = await deps.users.tenantBy({ customDomain: host });
    if (byDomain) return byDomain;
  }
  return PLATFORM_TENANT;
}

/**
 * Password sign-in (SPEC §4): the same answer and the same work (one argon2id verification)
 * whether the e-mail exists or not; per-IP and per-account throttling; refuses suspended or
 * deleted tenants, disallowed IPs, deactivated or locked users with their stable codes; emits
 * `auth.login_succeeded` / `auth.login_failed`.
 *
 * @example
 *   const result = await login(deps, { tenant: 'acme', email, password, host, ip, userAgent, correlationId });
 */
export async function login(deps: AuthDeps, input: LoginInput): Promise<LoginResult> {
  try {
    const result = await attemptLogin(deps, input);
    deps.countLogin('mfaRequired' in result ? 'mfa_required' : 'succeeded');
    return result;
  } catch (error) {
    deps.countLogin('failed');
    throw error;
  }
}

async function attemptLogin(deps: AuthDeps, input: LoginInput): Promise<LoginResult> {
  const device: DeviceInfo = { userAgent: input.userAgent };
  const email = normalizeEmail(input.email);
  const tenant = await resolveTenant(deps, input);
  const fail = (tenantId: string, userId: string | null, reason: LoginFailureReason) => recordAttemptFailure(deps, input, device, tenantId, userId, reason);

  if (!tenant) {
    await deps.hasher.verifyDummy(input.password);
    await fail(PLATFORM_TENANT_ID, null, 'invalid_credentials');
    throw authErrors.invalidCredentials();
  }
  const tenantId = tenant.tenantId;
  const policy = tenant.settings.securityPolicy;
  const refuseUnlessActive = async (status: AuthTenant['status'] | undefined) => {
    if (status === 'active') return;
    await fail(tenantId, null, status === 'suspended' ? 'tenant_suspended' : 'tenant_deleted');
    throw status === 'suspended' ? authErrors.tenantSuspended() : authErrors.tenantDeleted();
  };
  await refuseUnlessActive(tenant.status);
  if (!ipAllowed(input.ip, policy.allowedIpRanges)) {
    await fail(tenantId, null, 'ip_not_allowed');
    throw authErrors.ipNotAllowed();
  }
  if (!tenant.settings.allowedAuthMethods.includes('password')) throw authErrors.methodNotAllowed('password');

  const key = { tenantId, subject: email, ip: input.ip };
  // The tenant was resolved from the per-process cache (up to a second old); its status is read
  // again, beside the user, so a suspension or deletion holds from the very next sign-in.
  const [user, current] = await Promise.all([
    deps.directory.findUserByEmail(tenantId, email),
    tenantId === PLATFORM_TENANT_ID ? tenant : deps.directory.findTenant({ id: tenantId }),
  ]);
  await refuseUnlessActive(current?.status);
  // The attempt is counted before the verification: however many guesses are in flight, no more
  // passwords are verified than the lockout and the IP limit allow.
  const { reservation, passwordHash } = await reserveAttempt(deps, key, user?.userId ?? PLATFORM_TENANT_ID, policy.maxLoginAttempts);
  if (reservation.ipRetryAfter !== null) {
    await fail(tenantId, user?.userId ?? null, 'too_many_attempts');
    throw authErrors.tooManyAttempts(reservation.ipRetryAfter);
  }
  if (reservation.accountRetryAfter !== null) {
    await fail(tenantId, user?.userId ?? null, 'account_locked');
    throw authErrors.accountLocked(reservation.accountRetryAfter);
  }

  const verified = user && passwordHash
    ? await deps.hasher.verify(passwordHash, input.password)
    : await deps.hasher.verifyDummy(input.password);
  if (!verified || !user || !passwordHash) {
    // Already counted; the reservation said whether this failure locks the account.
    const locksFor = reservation.locksFor;
    if (locksFor === null) {
      await fail(tenantId, user?.userId ?? null, 'invalid_credentials');
      throw authErrors.invalidCredentials();
    }
    await deps.db.transaction(async (tx) => {
      await lockAfterLastAttempt(tx, key, locksFor);
      await appendFailure(deps, tx, input, device, tenantId, user?.userId ?? null, 'account_locked');
    }, { tenantId });
    throw authErrors.accountLocked(locksFor);
  }

  // The password is right: the attempt reserved on the IP is given back (best effort, in a
  // transaction of its own, where each path ends; the usual sign-in sends it right after its COMMIT),
  // and refusals from here on give the account's back too, so a user who keeps signing in while
  // unconfirmed or disabled is not locked out for it.
  const giveBackFailed = (error: unknown) => deps.logger.warn({ err: error }, 'giving back an IP sign-in attempt failed');
  const giveBackIp = () => { void giveBackIpAttempt(deps.db, input.ip).catch(giveBackFailed); };
  const refuseVerified = async (reason: LoginFailureReason, error: Error): Promise<never> => {
    giveBackIp();
    await deps.db.transaction(async (tx) => {
      await recordSuccess(tx, key);
      await appendFailure(deps, tx, input, device, tenantId, user.userId, reason);
    }, { tenantId });
    throw error;
  };
  if (user.status === 'deactivated') return refuseVerified('account_disabled', authErrors.accountDisabled());
  if (user.status === 'locked') return refuseVerified('account_locked', authErrors.accountLockedByAdmin());
  if (user.status !== 'active') {
    giveBackIp();
    await fail(tenantId, user.userId, 'invalid_credentials');
    throw authErrors.invalidCredentials();
  }
  if (user.emailConfirmed === false) return refuseVerified('email_not_confirmed', authErrors.emailNotConfirmed());
  if (policy.requireMfa) {
    giveBackIp();
    return mfaChallenge(deps, tenant, user, key);
  }

  const rehash = deps.hasher.needsRehash(passwordHash) ? await deps.hasher.hash(input.password) : null;
  const idleTimeoutSeconds = sessionTimeoutSeconds(policy);
  const session = newSession(tenantId, idleTimeoutSeconds);
  const event: AuthEvent = {
    type: 'auth.login_succeeded',
    data: {
      userId: user.userId, tenantId, sessionId: session.sessionId, loginTimestamp: new Date().toISOString(), authMethod: 'password',
      deviceInfo: device, ipAddress: input.ip, expiresAt: session.expiresAt.toISOString(),
    },
  };
  const context = eventContext(tenantId, input.correlationId, user.userId);
  const writes = (tx: Queryable, pipelined: boolean) => Promise.all([
    recordSuccess(tx, key),
    openSession(tx, { tenantId, userId: user.userId, role: user.role, ipAddress: input.ip, userAgent: input.userAgent, idleTimeoutSeconds }, session),
    deps.events.append(sessionStream(session.sessionId), [event], { expectedVersion: 'no_stream', context, tx, pipelined }),
  ]);
  if (rehash) {
    giveBackIp();
    await deps.db.transaction(async (tx) => {
      await writes(tx, false);
      await storePassword(tx, deps.events, { tenantId, userId: user.userId, hash: rehash, reason: 'rehashed' }, context);
    }, { tenantId });
  } else {
    // The usual sign-in commits in one round trip: nothing in it is decided on a result.
    await deps.db.pipelined((tx) => writes(tx, true), { tenantId, afterCommit: { text: GIVE_BACK_IP_SQL, values: [input.ip], onError: giveBackFailed } });
  }

  return grantSession(deps, user, { tenantId, sessionId: session.sessionId, role: user.role, expiresAt: session.expiresAt }, session.refreshToken);
}

/** How long a sign-in waits for the account's pending last attempt before it answers 423. */
const PENDING_WAIT_LIMIT_MS = 5_000;
const PENDING_POLL_MS = 25;

/**
 * Reserves the attempt (see `beginSignIn`). While the account's last allowed attempt is being
 * verified by another request, this one waits for that outcome (a success lets it through, a failure
 * locks the account), polling, for at most PENDING_WAIT_LIMIT_MS; then it is answered as locked.
 */
async function reserveAttempt(deps: AuthDeps, key: ThrottleKey, userId: string, maxLoginAttempts: number): Promise<{ reservation: SignInReservation; passwordHash: string | null }> {
  const deadline = Date.now() + PENDING_WAIT_LIMIT_MS;
  for (;;) {
    const reserved = await beginSignIn(deps.db, key, userId, maxLoginAttempts, deps.throttle);
    const waitMs = reserved.reservation.pendingWaitMs;
    if (waitMs === null) return reserved;
    const left = deadline - Date.now();
    if (left <= 0) {
      return { reservation: { ...reserved.reservation, accountRetryAfter: Math.max(1, Math.ceil(waitMs / 1000)), pendingWaitMs: null }, passwordHash: null };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, left, PENDING_POLL_MS)));
  }
}

async function mfaChallenge(deps: AuthDeps, tenant: AuthTenant, user: AuthUser, key: ThrottleKey): Promise<MfaChallenge> {
  const challenge = mintToken(tenant.tenantId);
  const methods = tenant.settings.allowedAuthMethods.filter((m) => m === 'totp' || m === 'webauthn');
  const { rows } = await deps.db.transaction(async (tx) => {
    await recordSuccess(tx, key); // the password was right
    return tx.query<{ expires_at: Date }>(
      `INSERT INTO auth_action_tokens (tenant_id, token_hash, purpose, user_id, expires_at)
       VALUES ($1, $2, 'mfa_challenge', $3, now() + make_interval(secs => $4::float8)) RETURNING expires_at`,
      [tenant.tenantId, challenge.hash, user.userId, MFA_CHALLENGE_TTL_SECONDS],
    );
  }, { tenantId: tenant.tenantId });
  return { mfaRequired: true, challengeToken: challenge.token, methods: methods.length > 0 ? methods : ['totp'], expiresAt: rows[0]!.expires_at.toISOString() };
}

async function appendFailure(
  deps: AuthDeps,
  tx: Parameters<Parameters<AuthDeps['db']['transaction']>[0]>[0],
  input: LoginInput,
  device: DeviceInfo,
  tenantId: string,
  userId: string | null,
  reason: LoginFailureReason,
): Promise<void> {
  const event: AuthEvent = {
    type: 'auth.login_failed',
    data: { userId, tenantId, failureReason: reason, authMethod: 'password', deviceInfo: device, ipAddress: input.ip, attemptTimestamp: new Date().toISOString() },
  };
  await deps.events.append(loginAttemptStream(randomUUID()), [event], { expectedVersion: 'no_stream', context: eventContext(tenantId, input.correlationId, userId), tx });
}

function recordAttemptFailure(deps: AuthDeps, input: LoginInput, device: DeviceInfo, tenantId: string, userId: string | null, reason: LoginFailureReason): Promise<void> {
  return deps.db.transaction((tx) => appendFailure(deps, tx, input, device, tenantId, userId, reason), { tenantId });
}
