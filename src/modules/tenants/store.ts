import type { EventStore, Transaction } from '../../framework/eventstore/index.ts';
import { loadAggregate } from '../../framework/cqrs/handle-command.ts';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { tenantDecider, type TenantState } from './decider.ts';
import { tenantStreamId } from './events.ts';
import { createGate, readGate, readGateAndClaim, type TenantGateRow } from './guards.ts';

/** A tenant's state folded from its stream, read inside the caller's transaction. */
export async function loadTenantState(store: EventStore, tx: Transaction, tenantId: string): Promise<TenantState> {
  const loaded = await loadAggregate({ store, decider: tenantDecider, streamId: tenantStreamId(tenantId), tenantId, tx });
  return loaded.state;
}

/** What user commands need to know about their tenant (read without locks; `applySeatDelta` is the final guard). */
export type TenantGate = {
  status: 'active' | 'suspended' | 'deleted' | 'none';
  allowsSelfService: boolean;
  seatLimit: number;
  seats: number;
  admins: number;
  /** Admins who are active (can sign in). */
  activeAdmins: number;
  /** The tenant's name, for mails (null for the platform tenant). */
  name: string | null;
  /** The transaction's timestamp: the timestamp of the events it appends. */
  at: Date;
};

/**
 * The tenant facts a user command decides with, in the caller's transaction (tenant set). The
 * platform tenant (system admins) gets its gate on first use: always open, a million seats.
 *
 * @example
 *   const gate = await tenantGateForUserCommand(tx, tenantId);
 */
export async function tenantGateForUserCommand(tx: Transaction, tenantId: string): Promise<TenantGate> {
  return toTenantGate(tenantId, await readGate(tx, tenantId) ?? await platformGate(tx, tenantId));
}

/**
 * `tenantGateForUserCommand` and a uniqueness claim in one round trip, with the command's own
 * writes folded in (see `readGateAndClaim`): for registrations, which know their claim up front.
 *
 * @example
 *   const { gate, claimed } = await tenantGateAndClaim(tx, tenantId, { scope: 'user.email', value, ownerId: userId });
 */
export async function tenantGateAndClaim(
  tx: Transaction,
  tenantId: string,
  claimed: Parameters<typeof readGateAndClaim>[2],
  writes?: Parameters<typeof readGateAndClaim>[3],
): Promise<{ gate: TenantGate; claimed: boolean }> {
  const read = await readGateAndClaim(tx, tenantId, claimed, writes);
  return { gate: toTenantGate(tenantId, read.gate ?? await platformGate(tx, tenantId)), claimed: read.claimed };
}

/** The platform tenant (system admins) gets its gate on first use: always open, a million seats. */
async function platformGate(tx: Transaction, tenantId: string): Promise<TenantGateRow | null> {
  if (tenantId !== PLATFORM_TENANT_ID) return null;
  await createGate(tx, tenantId, { name: 'ACCI', status: 'active', seatLimit: 1_000_000, selfService: false });
  return readGate(tx, tenantId);
}

function toTenantGate(tenantId: string, row: TenantGateRow | null): TenantGate {
  if (!row) return { status: 'none', allowsSelfService: false, seatLimit: 0, seats: 0, admins: 0, activeAdmins: 0, name: null, at: new Date() };
  return {
    status: row.status, allowsSelfService: row.selfService, seatLimit: row.seatLimit, seats: row.seats, admins: row.admins, activeAdmins: row.activeAdmins,
    name: tenantId === PLATFORM_TENANT_ID ? null : row.name, at: row.at,
  };
}
