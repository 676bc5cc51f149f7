import { randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID, type Database } from '../../framework/db/index.ts';
import { createEventStore, type Transaction } from '../../framework/eventstore/index.ts';
import { handleCommand } from '../../framework/cqrs/handle-command.ts';
import type { Language, Translations } from '../../framework/i18n/index.ts';
import { renderMail, type Mailer } from '../../framework/mail/index.ts';
import type { Logger } from '../../framework/observability/index.ts';
import {
  applySeatDelta, claim, claimOwner, release, tenantErrors, tenantGateForUserCommand, type Actor, type GateRefusal, type ProvisionAdmin,
  type TenantGate,
} from '../tenants/index.ts';
import { userCounts, userDecider, type TenantContext, type UserCommand, type UserState } from './decider.ts';
import type { RegistrationSource, User } from './domain.ts';
import { userErrors } from './errors.ts';
import { userStreamId, type UserEvent } from './events.ts';
import { consumeInvitation, createInvitation, invitationTenant, revokeInvitations } from './invitations.ts';
import { userProfilesProjection } from './projections.ts';
import { normalizeEmail } from './validators.ts';
import { readUser } from './queries.ts';

export type UserCommandDeps = {
  db: Database;
  mailer: Mailer;
  translations: Translations;
  logger: Logger;
  /** Base URL of links in mails (PUBLIC_URL). */
  publicUrl: string;
};

type Outcome = { events: UserEvent[]; state: UserState; user: User | null; gate: TenantGate };
type AfterCommit = () => Promise<void>;

/**
 * The user command handlers. Every command of a tenant first locks the tenant's counter row, so
 * `maxUsers` and the last-admin rule hold under concurrency; e-mails are claimed (case-insensitive)
 * in the same transaction as the append.
 *
 * @example
 *   const users = createUserCommands({ db, mailer, translations, logger, publicUrl });
 *   const { userId } = await users.register({ tenantId, email, role: 'user', registrationSource: 'admin_invite', language: 'de' }, actor);
 */
export function createUserCommands(deps: UserCommandDeps) {
  const { db } = deps;
  const store = createEventStore({ db, inlineProjections: [userProfilesProjection] });

  function refused(refusal: GateRefusal, gate: TenantGate): Error {
    switch (refusal) {
      case 'last_admin': return userErrors.lastAdmin();
      case 'quota': return userErrors.quotaExceeded(gate.seatLimit);
      case 'missing': return tenantErrors.notFound();
      case 'not_active': return gate.status === 'deleted' ? tenantErrors.deleted() : tenantErrors.suspended();
      default: {
        const _exhaustive: never = refusal;
        return _exhaustive;
      }
    }
  }

  /** Claims, then the seat/admin guard last, so the contended rows are locked as briefly as possible. */
  async function guard(tx: Transaction, tenantId: string, userId: string, before: UserState, after: UserState, events: UserEvent[], gate: TenantGate, registered?: User) {
    if (!registered) for (const event of events) await guardEvent(tx, event, before);
    const user = registered ?? await readUser(tx, tenantId, userId);
    const was = userCounts(before);
    const now = userCounts(after);
    const refusal = await applySeatDelta(tx, tenantId, { seats: now.seats - was.seats, admins: now.admins - was.admins, activeMembers: now.activeMembers - was.activeMembers });
    if (refusal) throw refused(refusal, gate);
    return user;
  }

  /**
   * One user command in the caller's transaction: tenant facts from the write-side gate, decide,
   * append, claims, usage guard. `fresh` (a new random user id): the stream cannot exist, so it is
   * not read, the append expects no stream, and the e-mail is claimed first (duplicates fail fast).
   */
  async function execute(
    tx: Transaction,
    tenantId: string,
    userId: string,
    make: (tenant: TenantContext) => UserCommand,
    actor: Actor,
    fresh = false,
  ): Promise<Outcome> {
    const gate = await tenantGateForUserCommand(tx, tenantId);
    const tenant: TenantContext = { status: gate.status, allowsSelfService: gate.allowsSelfService, seatLimit: gate.seatLimit, seats: gate.seats, admins: gate.admins };
    const context = { correlationId: actor.correlationId, userId: actor.userId };
    if (fresh) {
      const before = userDecider.initialState();
      const events = userDecider.decide(make(tenant), before);
      for (const event of events) await guardEvent(tx, event, before);
      await store.append(userStreamId(userId), events.map((e) => ({ type: e.type, data: e.data })), { expectedVersion: 'no_stream', context: { ...context, tenantId }, tx });
      const state = events.reduce(userDecider.evolve, before);
      return { events, state, gate, user: await guard(tx, tenantId, userId, before, state, events, gate, registeredUser(events, gate.at)) };
    }
    let before: UserState = userDecider.initialState();
    let user: User | null = null;
    const decider = { ...userDecider, decide: (command: UserCommand, state: UserState) => { before = state; return userDecider.decide(command, state); } };
    const outcome = await handleCommand({
      store, decider, streamId: userStreamId(userId), tenantId, command: make(tenant), tx, context,
      inTransaction: async (result, innerTx) => { user = await guard(innerTx, tenantId, userId, before, result.state, result.events, gate); },
    });
    return { events: outcome.events, state: outcome.state, gate, user: user ?? (outcome.events.length === 0 ? await readUser(tx, tenantId, userId) : null) };
  }

  async function guardEvent(tx: Transaction, event: UserEvent, before: UserState): Promise<void> {
    const { tenantId, userId } = event.data;
    if (event.type === 'user.registered') {
      if (!(await claim(tx, tenantId, 'user.email', normalizeEmail(event.data.email), userId))) throw userErrors.emailTaken();
    } else if (event.type === 'user.profile_updated' && event.data.email !== undefined) {
      if (!(await claim(tx, tenantId, 'user.email', normalizeEmail(event.data.email), userId))) throw userErrors.emailTaken();
      if (before.status !== 'none') {
        const old = normalizeEmail(before.user.email);
        if (old !== normalizeEmail(event.data.email)) await release(tx, tenantId, 'user.email', old, userId);
      }
    } else if (event.type === 'user.deactivated') {
      await revokeInvitations(tx, tenantId, userId);
    }
  }

  function invitationMail(email: string, token: string, tenantName: string, language: Language): AfterCommit {
    return async () => {
      const link = `${deps.publicUrl.replace(/\/$/, '')}/invitations/accept?token=${encodeURIComponent(token)}`;
      const mail = renderMail(deps.translations, language, 'invitation', { tenant: tenantName, link, email });
      try {
        await deps.mailer.send({ to: email, ...mail, language });
      } catch (error) {
        deps.logger.error({ err: error, to: email }, 'invitation mail could not be sent');
      }
    };
  }

  type RegisterInput = {
    tenantId: string;
    email: string;
    role: string;
    displayName?: string | null;
    metadata?: Record<string, unknown>;
    registrationSource: RegistrationSource;
    language: Language;
  };

  async function registerIn(tx: Transaction, input: RegisterInput, actor: Actor, options: { allowSystemRole?: boolean } = {}) {
    const userId = randomUUID();
    const invitation = input.registrationSource === 'admin_invite' ? await createInvitation(tx, input.tenantId, userId) : null;
    const { gate, user } = await execute(tx, input.tenantId, userId, (tenant) => ({
      type: 'register', userId, tenantId: input.tenantId, email: input.email, role: input.role,
      displayName: input.displayName ?? null, metadata: input.metadata ?? {}, registrationSource: input.registrationSource, tenant,
      ...(options.allowSystemRole ? { allowSystemRole: true } : {}),
    }), actor, true);
    const afterCommit: AfterCommit = invitation
      ? invitationMail(input.email.trim(), invitation.token, gate.name ?? 'ACCI', input.language)
      : async () => undefined;
    return { userId, user, afterCommit };
  }

  const simple = (tenantId: string, userId: string, make: (tenant: TenantContext) => UserCommand, actor: Actor) =>
    db.transaction((tx) => execute(tx, tenantId, userId, make, actor), { tenantId });

  const provisionAdmin: ProvisionAdmin = (tx, input) =>
    registerIn(tx, { tenantId: input.tenantId, email: input.email, role: 'admin', registrationSource: 'admin_invite', language: input.language }, input.actor);

  return {
    store,
    /** For the tenants module: registers a new tenant's admin (role admin, invited) in its creation transaction. */
    provisionAdmin,

    /** Registers a user; `admin_invite` users start `invited` and get an invitation mail after commit. */
    async register(input: RegisterInput, actor: Actor): Promise<{ userId: string; user: User | null }> {
      const result = await db.transaction((tx) => registerIn(tx, input, actor), { tenantId: input.tenantId });
      await result.afterCommit();
      return { userId: result.userId, user: result.user };
    },

    updateProfile: (tenantId: string, userId: string, changes: Extract<UserCommand, { type: 'update_profile' }>['changes'], actor: Actor) =>
      simple(tenantId, userId, (tenant) => ({ type: 'update_profile', changes, tenant, now: new Date() }), actor),

    deactivate: (tenantId: string, userId: string, input: { reason: string; deactivationType: string; reactivationDate?: string | null }, actor: Actor) =>
      simple(tenantId, userId, (tenant) => ({ type: 'deactivate', ...input, tenant, now: new Date() }), actor),

    reactivate: (tenantId: string, userId: string, actor: Actor, automatic = false) =>
      simple(tenantId, userId, (tenant) => ({ type: 'reactivate', tenant, now: new Date(), automatic }), actor),

    confirmEmail: (tenantId: string, userId: string, actor: Actor) =>
      simple(tenantId, userId, (tenant) => ({ type: 'confirm_email', tenant }), actor),

    /** Consumes an invitation token (single use, unexpired) and activates its user. */
    async acceptInvitation(token: string, correlationId: string): Promise<{ tenantId: string; userId: string }> {
      const tenantId = invitationTenant(token);
      if (!tenantId) throw userErrors.invitationInvalid();
      return db.transaction(async (tx) => {
        const userId = await consumeInvitation(tx, tenantId, token);
        if (!userId) throw userErrors.invitationInvalid();
        await execute(tx, tenantId, userId, (tenant) => ({ type: 'accept_invitation', tenant }), { userId, correlationId });
        return { tenantId, userId };
      }, { tenantId });
    },

    /**
     * Creates the system admin (platform tenant, role system_admin, active) unless one exists.
     * Idempotent and safe with several processes at once (transaction-scoped advisory lock).
     */
    async ensureSystemAdmin(input: { email: string; displayName?: string }, correlationId = randomUUID()): Promise<{ userId: string; created: boolean }> {
      return db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('acci.ensure_system_admin'))`);
        const byEmail = await claimOwner(tx, PLATFORM_TENANT_ID, 'user.email', normalizeEmail(input.email));
        if (byEmail) return { userId: byEmail, created: false };
        const existing = await tx.query<{ user_id: string }>(
          `SELECT user_id FROM user_profiles WHERE tenant_id = $1 AND role = 'system_admin' AND status <> 'deactivated' ORDER BY created_at LIMIT 1`,
          [PLATFORM_TENANT_ID],
        );
        if (existing.rows[0]) return { userId: existing.rows[0].user_id, created: false };
        const { userId } = await registerIn(tx, {
          tenantId: PLATFORM_TENANT_ID, email: input.email, role: 'system_admin', displayName: input.displayName ?? 'System admin',
          registrationSource: 'system', language: 'en',
        }, { userId: null, correlationId }, { allowSystemRole: true });
        return { userId, created: true };
      }, { tenantId: PLATFORM_TENANT_ID });
    },
  };
}

export type UserCommands = ReturnType<typeof createUserCommands>;

/** The profile a registration creates, as the read model stores it (timestamps = the transaction's). */
function registeredUser(events: UserEvent[], at: Date): User | undefined {
  const event = events[0];
  if (event?.type !== 'user.registered') return undefined;
  const { userId, tenantId, email, displayName, role, status, metadata } = event.data;
  const stamp = at.toISOString();
  return { userId, tenantId, email, displayName, role, status, metadata, createdAt: stamp, updatedAt: stamp, lastLogin: null };
}
