import { randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID, type Database } from '../../framework/db/index.ts';
import type { AppendResult, EventStore, Transaction } from '../../framework/eventstore/index.ts';
import { handleCommand } from '../../framework/cqrs/handle-command.ts';
import { createGroupCommit } from '../../framework/cqrs/group-commit.ts';
import type { Language } from '../../framework/i18n/index.ts';
import { outboxInsert, type MailOutbox } from '../../framework/mail/index.ts';
import {
  applySeatDelta, claim, claimOwner, gateClaimOrRefuse, release, seatsOrRefuse, tenantErrors, tenantGateAndClaim, tenantGateForUserCommand, type Actor, type GateRefusal,
  type ProvisionAdmin, type TenantGate,
} from '../tenants/index.ts';
import { userCounts, userDecider, type TenantContext, type UserCommand, type UserState } from './decider.ts';
import type { User } from './domain.ts';
import { userErrors } from './errors.ts';
import { userStreamId, type UserEvent } from './events.ts';
import { consumeInvitation, invitationInsert, invitationPending, invitationTenant, newInvitation, revokeInvitations } from './invitations.ts';
import { normalizeEmail } from './validators.ts';
import { readUser } from './queries.ts';

export type UserCommandDeps = {
  db: Database;
  /** The platform's event store; `userProfilesProjection` must be among its inline projections. */
  store: EventStore;
  /** Invitation mails are queued in the registration's transaction and sent by the outbox worker. */
  outbox: MailOutbox;
  /** Base URL of links in mails (PUBLIC_URL). */
  publicUrl: string;
};

type Outcome = { events: UserEvent[]; state: UserState; user: User | null; gate: TenantGate };
type AfterCommit = () => Promise<void>;

/**
 * The user command handlers. Every command reads the tenant's gate and ends with `applySeatDelta`,
 * so `maxUsers` and the last-admin rule hold under concurrency; e-mails are claimed
 * (case-insensitive) in the same transaction as the append.
 *
 * @example
 *   const users = createUserCommands({ db, store: ctx.eventStore, outbox, publicUrl });
 *   const { userId } = await users.register({ tenantId, email, role: 'user', registrationSource: 'admin_invite', language: 'de' }, actor);
 */
export function createUserCommands(deps: UserCommandDeps) {
  const { db, store } = deps;

  function refused(refusal: GateRefusal, gate: TenantGate): Error {
    switch (refusal) {
      case 'last_admin': return userErrors.lastAdmin();
      case 'quota': return userErrors.quotaExceeded(gate.seatLimit);
      case 'missing': return tenantErrors.notFound();
      // The gate's status at the guard, not the one read when the command began: a tenant deleted
      // meanwhile is 'deleted', never 'suspended'.
      case 'suspended': return tenantErrors.suspended();
      case 'deleted': return tenantErrors.deleted();
      default: {
        const _exhaustive: never = refusal;
        return _exhaustive;
      }
    }
  }

  /** Claims (registrations claim in their first statement), then the seat/admin guard last, so the contended rows are locked as briefly as possible. */
  async function guard(tx: Transaction, tenantId: string, userId: string, before: UserState, after: UserState, events: UserEvent[], gate: TenantGate, registered?: User) {
    if (!registered) for (const event of events) await guardEvent(tx, event, before);
    const user = registered ?? await readUser(tx, tenantId, userId);
    const was = userCounts(before);
    const now = userCounts(after);
    const refusal = await applySeatDelta(tx, tenantId, {
      seats: now.seats - was.seats, admins: now.admins - was.admins, activeAdmins: now.activeAdmins - was.activeAdmins, activeMembers: now.activeMembers - was.activeMembers,
    });
    if (refusal) throw refused(refusal, gate);
    return user;
  }

  /** One user command on an existing user in the caller's transaction: tenant facts from the write-side gate, decide, append, claims, usage guard. */
  async function execute(tx: Transaction, tenantId: string, userId: string, make: (tenant: TenantContext) => UserCommand, actor: Actor): Promise<Outcome> {
    const gate = await tenantGateForUserCommand(tx, tenantId);
    const tenant = tenantContext(gate);
    if (tenantId === PLATFORM_TENANT_ID) tenant.systemAdmins = await activeSystemAdmins(tx);
    const context = { correlationId: actor.correlationId, userId: actor.userId };
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
    if (event.type === 'user.profile_updated' && event.data.email !== undefined) {
      if (!(await claim(tx, tenantId, 'user.email', normalizeEmail(event.data.email), userId))) throw userErrors.emailTaken();
      if (before.status !== 'none') {
        const old = normalizeEmail(before.user.email);
        if (old !== normalizeEmail(event.data.email)) await release(tx, tenantId, 'user.email', old, userId);
      }
    } else if (event.type === 'user.deactivated') {
      await revokeInvitations(tx, tenantId, userId);
    } else if (event.type === 'user.registration_expired') {
      await release(tx, tenantId, 'user.email', normalizeEmail(event.data.email), userId);
    }
  }

  /**
   * Invitations and their mails as writes of a registration's first statement (parameters from $5;
   * the tenant's name comes from the `gate` read in the same statement): one invitee for the full
   * command, every invited one for a group commit.
   */
  function invitationsWrites(tenantId: string, invitees: readonly { userId: string; email: string; language: Language }[]) {
    const invitations = invitees.map((invitee) => ({ invitee, ...newInvitation(tenantId) }));
    return {
      name: 'acci_register_invited_n',
      ctes: [
        `invitation AS (${invitationInsert({ tenantId: '$1', tokenHash: 'i.hash', userId: 'i.user_id', expiresAt: 'i.expires', from: 'unnest($5::bytea[], $6::uuid[], $7::timestamptz[]) AS i(hash, user_id, expires)' })})`,
        `mail AS (${outboxInsert({
          tenantId: '$1', template: `'invitation'`, language: 'm.language', to: 'm.recipient',
          params: `jsonb_build_object('tenant', coalesce((SELECT name FROM gate), 'ACCI'), 'link', m.link, 'email', m.recipient)`,
          from: 'unnest($8::text[], $9::text[], $10::text[]) AS m(language, recipient, link)',
        })})`,
      ],
      values: [
        invitations.map((i) => i.tokenHash), invitations.map((i) => i.invitee.userId), invitations.map((i) => i.expiresAt),
        invitations.map((i) => i.invitee.language), invitations.map((i) => i.invitee.email), invitations.map((i) => invitationLink(i.token)),
      ],
    };
  }

  /** The invitation link a mail carries (under PUBLIC_URL). */
  const invitationLink = (token: string) => `${deps.publicUrl.replace(/\/$/, '')}/invitations/accept?token=${encodeURIComponent(token)}`;

  /** The register command as callers give it: the decider's fields, less what the handler adds, plus the mail's language. */
  type RegisterInput = Omit<Extract<UserCommand, { type: 'register' }>, 'type' | 'userId' | 'tenant' | 'allowSystemRole' | 'now'> & { language: Language };

  /** `now`: the registering transaction's time where known, so a deadline matches the confirmation link's (stored with SQL `now()`). */
  const registerCommand = (input: RegisterInput, userId: string, tenant: TenantContext, now: Date, allowSystemRole?: boolean): UserCommand => ({
    type: 'register', userId, tenantId: input.tenantId, email: input.email, role: input.role, displayName: input.displayName ?? null,
    metadata: input.metadata ?? {}, registrationSource: input.registrationSource, tenant, now, ...(allowSystemRole ? { allowSystemRole: true } : {}),
    ...(input.confirmWithinSeconds !== undefined ? { confirmWithinSeconds: input.confirmWithinSeconds } : {}),
  });

  /**
   * A registration in the caller's transaction. The user id is new and random, so the stream is not
   * read and the append expects no stream. One statement reads the tenant's gate, claims the e-mail
   * (a concurrent registration of the same address waits here, then fails) and, for invitations,
   * writes the invitation and queues its mail; then decide, append (with the inline read model) and
   * the seat guard last. `afterCommit` wakes the mail outbox.
   */
  async function registerIn(tx: Transaction, input: RegisterInput, actor: Actor, options: { allowSystemRole?: boolean } = {}) {
    const userId = randomUUID();
    const { tenantId } = input;
    const invited = input.registrationSource === 'admin_invite';
    const { gate, claimed } = await tenantGateAndClaim(tx, tenantId, { scope: 'user.email', value: normalizeEmail(input.email), ownerId: userId },
      invited ? invitationsWrites(tenantId, [{ userId, email: input.email.trim(), language: input.language }]) : undefined);
    const before = userDecider.initialState();
    const events = userDecider.decide(registerCommand(input, userId, tenantContext(gate), gate.at, options.allowSystemRole), before);
    if (!claimed) throw userErrors.emailTaken();
    const context = { correlationId: actor.correlationId, userId: actor.userId, tenantId };
    await store.append(userStreamId(userId), events.map((e) => ({ type: e.type, data: e.data })), { expectedVersion: 'no_stream', context, tx });
    const state = events.reduce(userDecider.evolve, before);
    const user = await guard(tx, tenantId, userId, before, state, events, gate, registeredUser(events, gate.at));
    const afterCommit: AfterCommit = async () => { if (invited) deps.outbox.wake(); };
    return { userId, user, afterCommit };
  }

  /** What a group-committed registration assumes of the tenant; its statements check it (`gateClaimOrRefuse`, `seatsOrRefuse`). */
  const OPEN_TENANT: TenantContext = { status: 'active', allowsSelfService: true, seatLimit: Number.MAX_SAFE_INTEGER, seats: 0, admins: 0, activeAdmins: 0 };

  type Registration = { input: RegisterInput; actor: Actor; userId: string; email: string; events: UserEvent[]; seats: number; activeMembers: number };
  type Registered = { userId: string; user: User | null };
  /**
   * More work in the same transaction as a registration or an accepted invitation (the auth module
   * stores the password there): both commit, or neither does, so a crash or a lost connection
   * between them never leaves an account without a password and its e-mail address taken.
   */
  type WithinRegistration = (tx: Transaction, userId: string) => Promise<void>;

  /**
   * A registration decided up front, against an open tenant, for the group commit; null when it
   * cannot take part: the platform tenant, admins (their count is guarded on the gate row), or input
   * the decider refuses (the usual path reports it with the usual precedence).
   */
  function decideAhead(input: RegisterInput, actor: Actor): Registration | null {
    if (input.tenantId === PLATFORM_TENANT_ID) return null;
    const userId = randomUUID();
    const before = userDecider.initialState();
    let events: UserEvent[];
    try {
      events = userDecider.decide(registerCommand(input, userId, OPEN_TENANT, new Date()), before);
    } catch {
      return null;
    }
    const delta = userCounts(events.reduce(userDecider.evolve, before));
    if (delta.admins !== 0 || delta.activeAdmins !== 0) return null;
    return { input, actor, userId, email: normalizeEmail(input.email), events, seats: delta.seats, activeMembers: delta.activeMembers };
  }

  /**
   * Registrations of one tenant committed together in one round trip (`db.pipelined`): the claims
   * with the invitations and their mails, the new streams with their profiles, and the seats, each
   * a statement that refuses when the tenant is not open, an e-mail is taken or no seat stripe can
   * take them all. Null for each registration that must go the usual way: all of them after a
   * refusal or any failure of the batch (each then gets its own answer), and an e-mail repeated
   * within the batch.
   */
  async function registerTogether(tenantId: string, registrations: Registration[]): Promise<(Registered | null)[]> {
    const seen = new Set<string>();
    const members = registrations.filter((r) => !seen.has(r.email) && seen.add(r.email));
    const invited = members.filter((r) => r.input.registrationSource === 'admin_invite');
    const byEmail = [...members].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
    const claims = { scope: 'user.email' as const, values: byEmail.map((r) => r.email), ownerIds: byEmail.map((r) => r.userId) };
    const selfService = members.some((r) => r.input.registrationSource === 'self_service');
    const seats = { seats: members.reduce((n, r) => n + r.seats, 0), activeMembers: members.reduce((n, r) => n + r.activeMembers, 0) };
    const streams = members.map((r) => ({
      streamId: userStreamId(r.userId), events: r.events.map((e) => ({ type: e.type, data: e.data })),
      context: { correlationId: r.actor.correlationId, userId: r.actor.userId, tenantId },
    }));
    let appended: AppendResult[];
    try {
      appended = await db.pipelined((tx) => Promise.all([
        tx.query(gateClaimOrRefuse(tenantId, claims, { selfService }, invited.length > 0 ? invitationsWrites(tenantId, invited.map((r) => ({ userId: r.userId, email: r.input.email.trim(), language: r.input.language }))) : undefined)),
        store.appendNewStreams(streams, { tx, pipelined: true }),
        tx.query(seatsOrRefuse(tenantId, seats)),
      ]).then(([, results]) => results), { tenantId });
    } catch {
      // A refusal names no registration, and one registration's failure must not become another's
      // answer: on its own, each gets its own (a database that is down fails them there too).
      return registrations.map(() => null);
    }
    if (invited.length > 0) deps.outbox.wake();
    const outcomes = new Map(members.map((r, i) => [r, { userId: r.userId, user: registeredUser(r.events, new Date(appended[i]!.timestamp!)) ?? null }]));
    return registrations.map((r) => outcomes.get(r) ?? null);
  }

  /**
   * Concurrent registrations of a tenant share a transaction (see `createGroupCommit`): two batches
   * in flight per tenant keep PostgreSQL busy while the next one gathers.
   */
  const registrations = createGroupCommit({ commit: registerTogether, maxBatch: 64, maxInFlight: 2 });

  /**
   * Seat changes that find no free stripe lock the gate, then every stripe: under contention
   * PostgreSQL may pick such a command as a deadlock victim, and running it again succeeds.
   */
  const RETRIES = 3;

  const simple = (tenantId: string, userId: string, make: (tenant: TenantContext) => UserCommand, actor: Actor) =>
    db.transaction((tx) => execute(tx, tenantId, userId, make, actor), { tenantId, retries: RETRIES });

  const provisionAdmin: ProvisionAdmin = (tx, input) =>
    registerIn(tx, { tenantId: input.tenantId, email: input.email, role: 'admin', registrationSource: 'admin_invite', language: input.language }, input.actor);

  return {
    store,
    /** For the tenants module: registers a new tenant's admin (role admin, invited) in its creation transaction. */
    provisionAdmin,

    /**
     * Registers a user; `admin_invite` users start `invited`; their invitation mail is sent by the
     * outbox after commit. Tries the group commit first (`registerTogether`, one round trip for
     * every registration of the tenant arriving meanwhile) and, when it refuses (tenant, e-mail, no
     * seat stripe for the whole batch), runs the command the usual way, which refuses with the exact
     * error or refills the seat stripes.
     */
    async register(input: RegisterInput, actor: Actor, within?: WithinRegistration): Promise<Registered> {
      const ahead = within ? null : decideAhead(input, actor);
      const fast = ahead && await registrations.submit(input.tenantId, ahead);
      if (fast) return fast;
      const result = await db.transaction(async (tx) => {
        const registered = await registerIn(tx, input, actor);
        await within?.(tx, registered.userId);
        return registered;
      }, { tenantId: input.tenantId, retries: RETRIES });
      await result.afterCommit();
      return { userId: result.userId, user: result.user };
    },

    updateProfile: (tenantId: string, userId: string, changes: Extract<UserCommand, { type: 'update_profile' }>['changes'], actor: Actor, language?: Language) =>
      simple(tenantId, userId, (tenant) => ({ type: 'update_profile', changes, tenant, now: new Date(), ...(language ? { language } : {}) }), actor),

    deactivate: (tenantId: string, userId: string, input: { reason: string; deactivationType: string; reactivationDate?: string | null }, actor: Actor) =>
      simple(tenantId, userId, (tenant) => ({ type: 'deactivate', ...input, tenant, now: new Date() }), actor),

    reactivate: (tenantId: string, userId: string, actor: Actor, automatic = false) =>
      simple(tenantId, userId, (tenant) => ({ type: 'reactivate', tenant, now: new Date(), automatic }), actor),

    confirmEmail: (tenantId: string, userId: string, actor: Actor) =>
      simple(tenantId, userId, (tenant) => ({ type: 'confirm_email', tenant }), actor),

    /** Withdraws a self-service registration not confirmed by its deadline (the due work): seat and address are freed. */
    expireRegistration: (tenantId: string, userId: string, actor: Actor, now = new Date()) =>
      simple(tenantId, userId, (tenant) => ({ type: 'expire_registration', tenant, now }), actor),

    /**
     * Sends a new invitation to a user who has not accepted one yet (an expired or lost link): the
     * earlier links stop working, the new one is valid for the usual seven days.
     */
    async resendInvitation(tenantId: string, userId: string, language: Language): Promise<User> {
      const user = await db.transaction(async (tx) => {
        const gate = await tenantGateForUserCommand(tx, tenantId);
        if (gate.status === 'none') throw tenantErrors.notFound();
        if (gate.status !== 'active') throw gate.status === 'deleted' ? tenantErrors.deleted() : tenantErrors.suspended();
        const current = await readUser(tx, tenantId, userId);
        if (!current) throw userErrors.notFound();
        if (current.status !== 'invited') throw userErrors.notInvited();
        await revokeInvitations(tx, tenantId, userId);
        const invitation = newInvitation(tenantId);
        await tx.query(invitationInsert({ tenantId: '$1', tokenHash: '$2', userId: '$3', expiresAt: '$4' }), [tenantId, invitation.tokenHash, userId, invitation.expiresAt]);
        await deps.outbox.enqueue(tx, {
          tenantId, template: 'invitation', language, to: current.email,
          params: { tenant: gate.name ?? 'ACCI', link: invitationLink(invitation.token), email: current.email },
        });
        return current;
      }, { tenantId });
      deps.outbox.wake();
      return user;
    },

    /** Whether `acceptInvitation` would find the token usable now, without consuming it (a cheap check before costly work). */
    async invitationPending(token: string): Promise<boolean> {
      const tenantId = invitationTenant(token);
      if (!tenantId) return false;
      return db.transaction((tx) => invitationPending(tx, tenantId, token), { tenantId });
    },

    /** Consumes an invitation token (single use, unexpired) and activates its user. */
    async acceptInvitation(token: string, correlationId: string, within?: WithinRegistration): Promise<{ tenantId: string; userId: string }> {
      const tenantId = invitationTenant(token);
      if (!tenantId) throw userErrors.invitationInvalid();
      return db.transaction(async (tx) => {
        const userId = await consumeInvitation(tx, tenantId, token);
        if (!userId) throw userErrors.invitationInvalid();
        await execute(tx, tenantId, userId, (tenant) => ({ type: 'accept_invitation', tenant }), { userId, correlationId });
        await within?.(tx, userId);
        return { tenantId, userId };
      }, { tenantId, retries: RETRIES });
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

/**
 * Active system admins (invited or locked ones cannot sign in), for the last-system-admin rule. The advisory lock serializes the platform
 * tenant's user commands, so two system admins deactivating each other cannot both see the other
 * one still there (those commands are rare).
 */
async function activeSystemAdmins(tx: Transaction): Promise<number> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('acci.system_admins'))`);
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM user_profiles WHERE tenant_id = $1 AND role = 'system_admin' AND status = 'active'`,
    [PLATFORM_TENANT_ID],
  );
  return rows[0]!.n;
}

const tenantContext = (gate: TenantGate): TenantContext =>
  ({ status: gate.status, allowsSelfService: gate.allowsSelfService, seatLimit: gate.seatLimit, seats: gate.seats, admins: gate.admins, activeAdmins: gate.activeAdmins });

/** The profile a registration creates, as the read model stores it (timestamps = the transaction's). */
function registeredUser(events: UserEvent[], at: Date): User | undefined {
  const event = events[0];
  if (event?.type !== 'user.registered') return undefined;
  const { userId, tenantId, email, displayName, role, status, metadata } = event.data;
  const stamp = at.toISOString();
  return { id: userId, userId, tenantId, email, displayName, role, status, metadata, createdAt: stamp, updatedAt: stamp, lastLogin: null };
}
