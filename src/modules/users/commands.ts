import { randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID, type Database } from '../../framework/db/index.ts';
import { createEventStore, type EventStore, type Transaction } from '../../framework/eventstore/index.ts';
import { handleCommand } from '../../framework/cqrs/handle-command.ts';
import type { Language, Translations } from '../../framework/i18n/index.ts';
import { renderMail, type Mailer } from '../../framework/mail/index.ts';
import type { Logger } from '../../framework/observability/index.ts';
import {
  adjustCounters, claim, claimOwner, lockTenantForUserCommand, release, tenantMetricsProjection, type Actor, type ProvisionAdmin,
} from '../tenants/index.ts';
import { userCounts, userDecider, type TenantContext, type UserCommand, type UserState } from './decider.ts';
import type { RegistrationSource } from './domain.ts';
import { userErrors } from './errors.ts';
import { userStreamId, type UserEvent } from './events.ts';
import { consumeInvitation, createInvitation, invitationTenant, revokeInvitations } from './invitations.ts';
import { userProfilesProjection } from './projections.ts';
import { normalizeEmail } from './validators.ts';

export type UserCommandDeps = {
  db: Database;
  mailer: Mailer;
  translations: Translations;
  logger: Logger;
  /** Base URL of links in mails (PUBLIC_URL). */
  publicUrl: string;
  /** The tenants module's store, to read tenant state (usually `createTenantStore(db)`). */
  tenantStore: EventStore;
};

type Outcome = { events: UserEvent[]; state: UserState };
type AfterCommit = () => Promise<void>;

/**
 * The user command handlers. Every command of a tenant first locks the tenant's counter row, so
 * `maxUsers` and the last-admin rule hold under concurrency; e-mails are claimed (case-insensitive)
 * in the same transaction as the append.
 *
 * @example
 *   const users = createUserCommands({ db, mailer, translations, logger, publicUrl, tenantStore });
 *   const { userId } = await users.register({ tenantId, email, role: 'user', registrationSource: 'admin_invite', language: 'de' }, actor);
 */
export function createUserCommands(deps: UserCommandDeps) {
  const { db } = deps;
  const store = createEventStore({ db, inlineProjections: [userProfilesProjection, tenantMetricsProjection] });

  async function execute(
    tx: Transaction,
    tenantId: string,
    userId: string,
    make: (tenant: TenantContext) => UserCommand,
    actor: Actor,
  ): Promise<Outcome & { gateName: string | null }> {
    const gate = await lockTenantForUserCommand(deps.tenantStore, tx, tenantId);
    const tenant: TenantContext = {
      status: gate.status, allowsSelfService: gate.allowsSelfService, seatLimit: gate.seatLimit,
      seats: gate.counters.seats, admins: gate.counters.admins,
    };
    let before: UserState = userDecider.initialState();
    const decider = { ...userDecider, decide: (command: UserCommand, state: UserState) => { before = state; return userDecider.decide(command, state); } };
    const outcome = await handleCommand({
      store, decider, streamId: userStreamId(userId), tenantId, command: make(tenant), tx,
      context: { correlationId: actor.correlationId, userId: actor.userId },
      inTransaction: async (result, innerTx) => {
        const was = userCounts(before);
        const now = userCounts(result.state);
        await adjustCounters(innerTx, tenantId, { seats: now.seats - was.seats, admins: now.admins - was.admins, activeMembers: now.activeMembers - was.activeMembers });
        for (const event of result.events) await guardEvent(innerTx, event, before);
      },
    });
    return { events: outcome.events, state: outcome.state, gateName: gate.name };
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
    const { gateName } = await execute(tx, input.tenantId, userId, (tenant) => ({
      type: 'register', userId, tenantId: input.tenantId, email: input.email, role: input.role,
      displayName: input.displayName ?? null, metadata: input.metadata ?? {}, registrationSource: input.registrationSource, tenant,
      ...(options.allowSystemRole ? { allowSystemRole: true } : {}),
    }), actor);
    let afterCommit: AfterCommit = async () => undefined;
    if (input.registrationSource === 'admin_invite') {
      const { token } = await createInvitation(tx, input.tenantId, userId);
      afterCommit = invitationMail(input.email.trim(), token, gateName ?? 'ACCI', input.language);
    }
    return { userId, afterCommit };
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
    async register(input: RegisterInput, actor: Actor): Promise<{ userId: string }> {
      const result = await db.transaction((tx) => registerIn(tx, input, actor), { tenantId: input.tenantId });
      await result.afterCommit();
      return { userId: result.userId };
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
        await lockTenantForUserCommand(deps.tenantStore, tx, tenantId);
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
