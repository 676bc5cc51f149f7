import { randomUUID } from 'node:crypto';
import type { Database } from '../../framework/db/index.ts';
import { isAppError } from '../../framework/errors/index.ts';
import type { EventStore, Transaction } from '../../framework/eventstore/index.ts';
import { handleCommand, type CommandOutcome } from '../../framework/cqrs/handle-command.ts';
import type { Language } from '../../framework/i18n/index.ts';
import { tenantDecider, type TenantCommand, type TenantState, type TenantUsage } from './decider.ts';
import { tenantStreamId, type TenantEvent } from './events.ts';
import { allowsSelfService, seatLimit, type TenantSettings } from './domain.ts';
import { tenantErrors } from './errors.ts';
import { claimGlobal, createGate, lockGate, releaseGlobal, updateGate } from './guards.ts';
import { derivedSlug, validateDomainNotReserved } from './validators.ts';
import { loadTenantState } from './store.ts';

/** Attempts at a free slug derived from the name before `tenant.slug_taken` is answered. */
const MAX_SLUG_ATTEMPTS = 5;

/** Who acts, for event metadata. */
export type Actor = { userId: string | null; correlationId: string };

/**
 * Registers a new tenant's admin user inside the tenant-creation transaction (the users module
 * provides it; the invitation mail is queued in that transaction). Call `afterCommit` once it has
 * committed: it wakes the mail outbox.
 */
export type ProvisionAdmin = (
  tx: Transaction,
  input: { tenantId: string; email: string; tenantName: string; language: Language; actor: Actor },
) => Promise<{ userId: string; afterCommit: () => Promise<void> }>;

export type CreateTenantInput = {
  name: string;
  slug?: string;
  subscriptionPlan: string;
  adminEmail: string;
  metadata?: Record<string, unknown>;
  settings: TenantSettings;
  /** Language of the invitation e-mail. */
  language: Language;
};

export type TenantCommands = ReturnType<typeof createTenantCommands>;

/**
 * Command handlers of the tenant aggregate: each runs in one transaction scoped to the tenant,
 * with uniqueness claims and usage figures read under lock in that same transaction.
 *
 * @example
 *   const commands = createTenantCommands({ db: ctx.db.app, store, provisionAdmin });
 *   const { tenantId, adminUserId } = await commands.create(input, actor);
 */
export function createTenantCommands(deps: {
  db: Database;
  store: EventStore;
  provisionAdmin: ProvisionAdmin;
  /** Hosts no tenant may take as customDomain: the platform's own (see `platformHosts`). */
  reservedDomains?: readonly string[];
}) {
  const { db, store } = deps;

  const run = (tx: Transaction, tenantId: string, command: TenantCommand, actor: Actor,
    inTransaction?: (outcome: CommandOutcome<TenantEvent, TenantState>, tx: Transaction) => Promise<void>) =>
    handleCommand({
      store, decider: tenantDecider, streamId: tenantStreamId(tenantId), tenantId, command, tx,
      context: { correlationId: actor.correlationId, userId: actor.userId },
      ...(inTransaction ? { inTransaction } : {}),
    });

  /** Exact user counts under the gate lock, which stays held until the command commits; stored bytes as last counted. */
  async function usage(tx: Transaction, tenantId: string): Promise<TenantUsage> {
    const gate = await lockGate(tx, tenantId);
    const stored = await tx.query<{ bytes: string }>('SELECT bytes FROM tenant_storage WHERE tenant_id = $1', [tenantId]);
    return { users: gate?.seats ?? 0, activeNonAdminUsers: gate?.activeMembers ?? 0, storageBytes: Number(stored.rows[0]?.bytes ?? 0) };
  }

  /** Keeps the write-side gate in step with the tenant's state, in the command's transaction. */
  async function syncGate(tx: Transaction, tenantId: string, state: TenantState): Promise<void> {
    if (state.status === 'active' || state.status === 'suspended' || state.status === 'deleted') {
      const { name, subscriptionPlan, settings } = state.tenant;
      await updateGate(tx, tenantId, { name, status: state.status, seatLimit: seatLimit(subscriptionPlan, settings), selfService: allowsSelfService(settings) });
    }
  }

  async function claimDomain(tx: Transaction, tenantId: string, before: string | null, after: string | null) {
    if (before === after) return;
    validateDomainNotReserved(after, deps.reservedDomains ?? []);
    if (after && !(await claimGlobal(tx, 'tenant.custom_domain', after, tenantId))) throw tenantErrors.customDomainTaken(after);
    if (before) await releaseGlobal(tx, 'tenant.custom_domain', before, tenantId);
  }

  async function createWithSlug(input: CreateTenantInput, slug: string, actor: Actor): Promise<{ tenantId: string; adminUserId: string }> {
    const tenantId = randomUUID();
    let afterCommit: () => Promise<void> = async () => undefined;
    const adminUserId = await db.transaction(async (tx) => {
      const command: TenantCommand = {
        type: 'create', tenantId, name: input.name, slug, subscriptionPlan: input.subscriptionPlan,
        adminEmail: input.adminEmail, metadata: input.metadata ?? {}, settings: input.settings,
      };
      const outcome = await run(tx, tenantId, command, actor);
      const created = outcome.events[0];
      if (created?.type !== 'tenant.created') throw tenantErrors.alreadyExists();
      if (!(await claimGlobal(tx, 'tenant.slug', created.data.slug, tenantId))) throw tenantErrors.slugTaken(created.data.slug);
      await claimDomain(tx, tenantId, null, created.data.settings.customDomain);
      await createGate(tx, tenantId, {
        name: created.data.name, status: 'active', selfService: allowsSelfService(created.data.settings),
        seatLimit: seatLimit(created.data.subscriptionPlan, created.data.settings),
      });
      const admin = await deps.provisionAdmin(tx, {
        tenantId, email: created.data.adminEmail, tenantName: created.data.name, language: input.language, actor,
      });
      afterCommit = admin.afterCommit;
      return admin.userId;
    }, { tenantId });
    await afterCommit();
    return { tenantId, adminUserId };
  }

  return {
    /**
     * Creates a tenant. A slug the caller chose must be free (409 `tenant.slug_taken`); a slug
     * derived from the name gets a suffix when taken (`acme`, `acme-2`, then `acme-<random>`).
     */
    async create(input: CreateTenantInput, actor: Actor): Promise<{ tenantId: string; adminUserId: string }> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await createWithSlug(input, input.slug ?? derivedSlug(input.name, attempt), actor);
        } catch (error) {
          const taken = isAppError(error) && error.code === 'tenant.slug_taken';
          if (!taken || input.slug !== undefined || attempt >= MAX_SLUG_ATTEMPTS) throw error;
        }
      }
    },

    async update(tenantId: string, changes: Extract<TenantCommand, { type: 'update' }>['changes'], actor: Actor): Promise<TenantEvent[]> {
      return db.transaction(async (tx) => {
        const command: TenantCommand = { type: 'update', changes, usage: await usage(tx, tenantId) };
        const before = await loadTenantState(store, tx, tenantId);
        const previousDomain = before.status === 'active' || before.status === 'suspended' ? before.tenant.settings.customDomain : null;
        const outcome = await run(tx, tenantId, command, actor, async (result, innerTx) => {
          const event = result.events[0];
          if (event?.type !== 'tenant.updated') return;
          if (event.data.settings) await claimDomain(innerTx, tenantId, previousDomain, event.data.settings.customDomain);
          await syncGate(innerTx, tenantId, result.state);
        });
        return outcome.events;
      }, { tenantId });
    },

    async setStatus(tenantId: string, status: 'active' | 'suspended', actor: Actor, reason?: string | null): Promise<TenantEvent[]> {
      const command: TenantCommand = status === 'suspended' ? { type: 'suspend', reason: reason ?? null } : { type: 'resume' };
      return db.transaction(async (tx) => {
        await lockGate(tx, tenantId);
        return (await run(tx, tenantId, command, actor, (result, innerTx) => syncGate(innerTx, tenantId, result.state))).events;
      }, { tenantId });
    },

    async delete(tenantId: string, input: { deletionReason: string; dataRetentionPeriod?: string }, actor: Actor): Promise<TenantEvent[]> {
      return db.transaction(async (tx) => {
        const command: TenantCommand = { type: 'delete', ...input, usage: await usage(tx, tenantId), now: new Date() };
        return (await run(tx, tenantId, command, actor, (result, innerTx) => syncGate(innerTx, tenantId, result.state))).events;
      }, { tenantId });
    },

    /**
     * Purges a deleted tenant whose retention period has ended (called by the purge job): appends
     * `tenant.purged` (read models drop the tenant's rows) and frees its slug and custom domain.
     */
    async purge(tenantId: string, actor: Actor, now = new Date()): Promise<TenantEvent[]> {
      return db.transaction(async (tx) => {
        const before = await loadTenantState(store, tx, tenantId);
        const outcome = await run(tx, tenantId, { type: 'purge', now }, actor, async (_result, innerTx) => {
          for (const table of ['unique_claims', 'tenant_seat_stripes', 'tenant_gates', 'user_invitations', 'mail_outbox']) {
            await innerTx.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
          }
          if (before.status !== 'deleted') return;
          await releaseGlobal(innerTx, 'tenant.slug', before.tenant.slug, tenantId);
          const domain = before.tenant.settings.customDomain;
          if (domain) await releaseGlobal(innerTx, 'tenant.custom_domain', domain, tenantId);
        });
        return outcome.events;
      }, { tenantId });
    },
  };
}
