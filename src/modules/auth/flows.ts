import { PLATFORM_TENANT_ID, type Queryable } from '../../framework/db/index.ts';
import { isAppError } from '../../framework/errors/index.ts';
import type { Language } from '../../framework/i18n/index.ts';
import { outboxInsert } from '../../framework/mail/index.ts';
import type { AuthTenant, AuthUser } from './directory.ts';
import { PLATFORM_TENANT, eventContext, type AuthDeps } from './deps.ts';
import { authErrors } from './errors.ts';
import { storePassword, type PasswordChangeReason } from './credentials.ts';
import { normalizeEmail, resolveTenant } from './login.ts';
import { authMail, type AuthMailKind } from './mail.ts';
import { assertPasswordAllowed, policyForTenant } from './passwords/policy.ts';
import { revokeUserSessions, type RequestInfo } from './sessions/service.ts';
import { recordSuccess } from './throttle.ts';
import { mintToken, parseToken } from './tokens/opaque.ts';

/** At most this many reset mails per user per hour (no mail bombing through the public form). */
const MAX_RESETS_PER_HOUR = 3;

export type FlowRequest = RequestInfo & { language: Language };

async function tenantOf(deps: AuthDeps, tenantId: string): Promise<AuthTenant | null> {
  return tenantId === PLATFORM_TENANT_ID ? PLATFORM_TENANT : deps.directory.findTenant({ id: tenantId });
}

/**
 * Validates the password against the tenant's policy, hashes it and stores it with
 * `user.password_changed` (used by the platform's system-admin bootstrap, invitations, resets).
 *
 * @example
 *   await setUserPassword(deps, { tenantId, userId, password, reason: 'set' }, { correlationId });
 */
export async function setUserPassword(
  deps: AuthDeps,
  input: { tenantId: string; userId: string; password: string; reason: PasswordChangeReason; tx?: Queryable },
  context: { correlationId: string; actor?: string | null },
): Promise<void> {
  const tenant = await tenantOf(deps, input.tenantId);
  assertPasswordAllowed(input.password, policyForTenant(tenant?.settings.securityPolicy.passwordMinLength ?? 12));
  const hash = await deps.hasher.hash(input.password);
  const store = (tx: Queryable) => storePassword(tx, deps.events, { tenantId: input.tenantId, userId: input.userId, hash, reason: input.reason }, eventContext(input.tenantId, context.correlationId, context.actor ?? input.userId));
  if (input.tx) await store(input.tx);
  else await deps.db.transaction(store, { tenantId: input.tenantId });
}

/**
 * `POST /auth/invitations/accept`: the token is checked (not consumed), then the password against
 * the tenant's policy; only then is it hashed, and the invitation consumed.
 */
export async function acceptInvitation(deps: AuthDeps, input: { token: string; password: string }, request: FlowRequest): Promise<AuthUser> {
  const tenantId = deps.directory.invitationTenant(input.token);
  if (!tenantId) throw authErrors.invalidActionToken();
  const [tenant, pending] = await Promise.all([tenantOf(deps, tenantId), deps.directory.invitationPending(input.token)]);
  // argon2id costs ~20 ms of CPU: a guessed token must not buy it. The check does not consume the
  // token; acceptance below still does, once, so parallel accepts of one token cannot both win.
  if (!pending || !tenant || tenant.status !== 'active') throw authErrors.invalidActionToken();
  assertPasswordAllowed(input.password, policyForTenant(tenant.settings.securityPolicy.passwordMinLength));
  const hash = await deps.hasher.hash(input.password);
  // The invitation is used up in the same transaction that stores the password: a crash between
  // the two must not leave an active user without one and a spent link.
  const storeIn = (tx: Queryable, userId: string) =>
    storePassword(tx, deps.events, { tenantId: tenant.tenantId, userId, hash, reason: 'set' }, eventContext(tenant.tenantId, request.correlationId, userId));
  const accepted = await deps.directory.acceptInvitation(input.token, { correlationId: request.correlationId }, storeIn).catch((error: unknown) => {
    if (isAppError(error) && error.status < 500) throw authErrors.invalidActionToken();
    throw error;
  });
  deps.users.forget(accepted.tenantId, accepted.userId);
  const user = await deps.directory.getUser(accepted.tenantId, accepted.userId);
  if (!user) throw authErrors.invalidActionToken();
  return user;
}

/** Where each mailed token leads (under PUBLIC_URL). */
const MAIL_PATHS: Record<AuthMailKind, string> = { email_confirmation: 'confirm-email', password_reset: 'reset-password' };

/**
 * Issues a single-use token (only its hash is stored) and queues its mail in the same transaction:
 * the mail exists exactly when the token does. Call `deps.outbox.wake()` after commit.
 */
export async function issueActionMail(
  deps: Pick<AuthDeps, 'outbox' | 'settings'>, tx: Queryable, kind: AuthMailKind, user: Pick<AuthUser, 'tenantId' | 'userId' | 'email'>, ttlSeconds: number, language: Language,
): Promise<void> {
  const minted = mintToken(user.tenantId);
  await tx.query(
    `INSERT INTO auth_action_tokens (tenant_id, token_hash, purpose, user_id, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8))`,
    [user.tenantId, minted.hash, kind, user.userId, ttlSeconds],
  );
  const link = `${deps.settings.publicUrl.replace(/\/$/, '')}/${MAIL_PATHS[kind]}?token=${encodeURIComponent(minted.token)}`;
  await deps.outbox.enqueue(tx, authMail(kind, { tenantId: user.tenantId, language, to: user.email, link, minutes: Math.round(ttlSeconds / 60) }));
}

/**
 * The owner of an address someone tried to register gets a notice (`registration_attempt`), at most
 * one per account and hour (`auth_registration_notices`, migration 0055), so the public form cannot
 * be used to flood a mailbox. Like reset mails, only active accounts get one (what it suggests needs
 * an active account). Every attempt writes (and so commits like a new registration) whether or not
 * it mails. A notice is due when `sent_at` became this transaction's `now()`.
 */
const REGISTRATION_NOTICE_SQL = `WITH notice AS (
    INSERT INTO auth_registration_notices AS n (tenant_id, user_id, sent_at, last_attempt_at) VALUES ($1, $2, now(), now())
    ON CONFLICT (tenant_id, user_id) DO UPDATE SET attempts = n.attempts + 1, last_attempt_at = now(),
      sent_at = CASE WHEN n.sent_at <= now() - interval '1 hour' THEN now() ELSE n.sent_at END
    RETURNING sent_at = now() AS due)
  ${outboxInsert({ tenantId: '$1', template: `'registration_attempt'`, language: '$3', to: '$4', params: '$5::jsonb', from: 'notice WHERE due AND $6::boolean' })}`;

async function mailRegistrationNotice(deps: AuthDeps, tenant: AuthTenant, email: string, language: Language): Promise<void> {
  const owner = await deps.directory.findUserByEmail(tenant.tenantId, email);
  if (!owner) return;
  await deps.db.transaction((tx) => tx.query(REGISTRATION_NOTICE_SQL, [
    tenant.tenantId, owner.userId, language, owner.email, { tenant: tenant.name, email: owner.email }, owner.status === 'active',
  ]), { tenantId: tenant.tenantId });
}

/**
 * `POST /auth/register` (self-service, where the tenant allows it): creates the user through the
 * users module, stores the password and mails a confirmation link; the registration expires unless
 * confirmed while the link works. An address already registered gets the same answer and no new
 * account, but comparable work, so that the timing tells little: its owner is mailed a notice (see
 * REGISTRATION_NOTICE_SQL), in a transaction that writes and commits too.
 */
export async function register(
  deps: AuthDeps,
  input: { tenant: string; email: string; password: string; displayName?: string | undefined },
  request: FlowRequest,
): Promise<void> {
  const tenant = await resolveTenant(deps, { tenant: input.tenant, host: undefined });
  if (!tenant || tenant.tenantId === PLATFORM_TENANT_ID || tenant.status !== 'active') throw authErrors.registrationClosed();
  const allows = tenant.settings.features.includes('self_service_registration') && tenant.settings.allowedAuthMethods.includes('password');
  if (!allows) throw authErrors.registrationClosed();
  assertPasswordAllowed(input.password, policyForTenant(tenant.settings.securityPolicy.passwordMinLength));
  const hash = await deps.hasher.hash(input.password);
  const email = normalizeEmail(input.email);
  const ttl = deps.settings.emailConfirmationTtlSeconds;
  try {
    // The account, its password and its confirmation mail commit together: a crash or a lost
    // connection in between must not leave an account nobody can use holding the address.
    await deps.directory.registerSelfService(
      { tenantId: tenant.tenantId, email, displayName: input.displayName ?? null, confirmWithinSeconds: ttl },
      { correlationId: request.correlationId },
      async (tx, userId) => {
        await storePassword(tx, deps.events, { tenantId: tenant.tenantId, userId, hash, reason: 'set' }, eventContext(tenant.tenantId, request.correlationId, userId));
        await issueActionMail(deps, tx, 'email_confirmation', { tenantId: tenant.tenantId, userId, email }, ttl, request.language);
      },
    );
  } catch (error) {
    if (!isAppError(error) || error.code !== 'user.email_taken') throw error;
    await mailRegistrationNotice(deps, tenant, email, request.language);
  }
  deps.outbox.wake();
}

/** Consumes a single-use token of that purpose; returns its user, null when invalid, used or expired. */
async function consumeActionToken(tx: Queryable, tenantId: string, hash: Buffer, purpose: AuthMailKind): Promise<string | null> {
  const { rows } = await tx.query<{ user_id: string }>(
    `UPDATE auth_action_tokens SET used_at = now()
      WHERE tenant_id = $1 AND token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > now()
      RETURNING user_id`,
    [tenantId, hash, purpose],
  );
  return rows[0]?.user_id ?? null;
}

/** `POST /auth/email/confirm`: consumes the mailed token; the users module records the confirmation. */
export async function confirmEmail(deps: AuthDeps, token: string, request: FlowRequest): Promise<void> {
  const parsed = parseToken(token);
  if (!parsed) throw authErrors.invalidActionToken();
  const { tenantId, hash } = parsed;
  const userId = await deps.db.transaction((tx) => consumeActionToken(tx, tenantId, hash, 'email_confirmation'), { tenantId });
  if (!userId) throw authErrors.invalidActionToken();
  try {
    await deps.directory.confirmEmail(tenantId, userId, { correlationId: request.correlationId });
  } catch (error) {
    // A deactivated account (an expired registration among them) has nothing left to confirm: its
    // link simply no longer works.
    if (isAppError(error) && error.code === 'user.deactivated') throw authErrors.invalidActionToken();
    throw error;
  }
  deps.users.forget(tenantId, userId);
}

/**
 * `POST /auth/password/forgot`: always accepted; when the account exists and is active a reset
 * link is mailed. The tenant is found as at sign-in: `tenant` (id or slug), else the tenant whose
 * `customDomain` is the request's Host, else the platform. The work (tenant lookup included) runs
 * after the answer, so neither the answer nor its timing reveals whether the address is known.
 */
export function forgotPassword(
  deps: AuthDeps,
  input: { tenant?: string | undefined; email: string; host?: string | undefined },
  request: FlowRequest,
): Promise<void> {
  const work = (async () => {
    const tenant = await resolveTenant(deps, { tenant: input.tenant, host: input.host });
    if (!tenant || tenant.status !== 'active') return;
    const user = await deps.directory.findUserByEmail(tenant.tenantId, normalizeEmail(input.email));
    if (!user || user.status !== 'active') return;
    const ttl = deps.settings.passwordResetTtlSeconds;
    const queued = await deps.db.transaction(async (tx) => {
      // One request per user at a time, so parallel requests cannot all pass the hourly cap.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('acci.password_reset/' || $1, 0))`, [user.userId]);
      const recent = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM auth_action_tokens WHERE tenant_id = $1 AND user_id = $2 AND purpose = 'password_reset' AND created_at > now() - interval '1 hour'`,
        [user.tenantId, user.userId],
      );
      if ((recent.rows[0]?.n ?? 0) >= MAX_RESETS_PER_HOUR) return false;
      await issueActionMail(deps, tx, 'password_reset', user, ttl, request.language);
      return true;
    }, { tenantId: user.tenantId });
    if (queued) deps.outbox.wake();
  })();
  return work.catch((error: unknown) => deps.logger.error({ err: error }, 'password reset could not be issued'));
}

/** `POST /auth/password/reset`: single-use token; sets the password, ends every session, clears the lockout. */
export async function resetPassword(deps: AuthDeps, input: { token: string; password: string }, request: FlowRequest): Promise<void> {
  const parsed = parseToken(input.token);
  if (!parsed) throw authErrors.invalidActionToken();
  const { tenantId, hash } = parsed;
  const pending = await deps.db.transaction((tx) => tx.query<{ user_id: string }>(
    `SELECT user_id FROM auth_action_tokens WHERE tenant_id = $1 AND token_hash = $2 AND purpose = 'password_reset' AND used_at IS NULL AND expires_at > now()`,
    [tenantId, hash],
  ), { tenantId });
  const userId = pending.rows[0]?.user_id;
  if (!userId) throw authErrors.invalidActionToken();
  const [tenant, user] = await Promise.all([tenantOf(deps, tenantId), deps.directory.getUser(tenantId, userId)]);
  if (!tenant || !user) throw authErrors.invalidActionToken();
  assertPasswordAllowed(input.password, policyForTenant(tenant.settings.securityPolicy.passwordMinLength));
  const passwordHash = await deps.hasher.hash(input.password);
  const done = await deps.db.transaction(async (tx) => {
    if (!(await consumeActionToken(tx, tenantId, hash, 'password_reset'))) return false;
    // Older reset links die with this one: a mailbox read later must not reset the password again.
    await tx.query(
      `UPDATE auth_action_tokens SET used_at = now() WHERE tenant_id = $1 AND user_id = $2 AND purpose = 'password_reset' AND used_at IS NULL`,
      [tenantId, userId],
    );
    await storePassword(tx, deps.events, { tenantId, userId, hash: passwordHash, reason: 'reset' }, eventContext(tenantId, request.correlationId, userId));
    await recordSuccess(tx, { tenantId, subject: normalizeEmail(user.email) });
    return true;
  }, { tenantId });
  if (!done) throw authErrors.invalidActionToken();
  // The reset link proved the address: a self-registered user who never confirmed it now has.
  if (user.emailConfirmed === false) await deps.directory.confirmEmail(tenantId, userId, { correlationId: request.correlationId });
  deps.users.forget(tenantId, userId);
  await revokeUserSessions(deps, tenantId, userId, 'password_reset', request);
}
