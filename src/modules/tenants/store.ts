import type { Database } from '../../framework/db/index.ts';
import { createEventStore, type EventStore, type Transaction } from '../../framework/eventstore/index.ts';
import { loadAggregate } from '../../framework/cqrs/handle-command.ts';
import type { Projection } from '../../framework/projections/types.ts';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { tenantDecider, type TenantState } from './decider.ts';
import { tenantStreamId } from './events.ts';
import { tenantDetailsProjection } from './projections.ts';
import { createGate, readGate } from './guards.ts';

/** The event store the tenants module appends with: tenant details run inline (tenant metrics run asynchronously). */
export function createTenantStore(db: Database, extraProjections: readonly Projection[] = []): EventStore {
  return createEventStore({ db, inlineProjections: [tenantDetailsProjection, ...extraProjections] });
}

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
  let row = await readGate(tx, tenantId);
  if (!row && tenantId === PLATFORM_TENANT_ID) {
    await createGate(tx, tenantId, { name: 'ACCI', status: 'active', seatLimit: 1_000_000, selfService: false });
    row = await readGate(tx, tenantId);
  }
  if (!row) return { status: 'none', allowsSelfService: false, seatLimit: 0, seats: 0, admins: 0, name: null, at: new Date() };
  return {
    status: row.status, allowsSelfService: row.selfService, seatLimit: row.seatLimit, seats: row.seats, admins: row.admins,
    name: tenantId === PLATFORM_TENANT_ID ? null : row.name, at: row.at,
  };
}
