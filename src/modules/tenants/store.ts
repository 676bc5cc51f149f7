import type { Database } from '../../framework/db/index.ts';
import { createEventStore, type EventStore, type Transaction } from '../../framework/eventstore/index.ts';
import { loadAggregate } from '../../framework/cqrs/handle-command.ts';
import type { Projection } from '../../framework/projections/types.ts';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { tenantDecider, type TenantState } from './decider.ts';
import { tenantStreamId } from './events.ts';
import { allowsSelfService, seatLimit } from './domain.ts';
import { tenantDetailsProjection, tenantMetricsProjection } from './projections.ts';
import { lockCounters, type TenantCounters } from './guards.ts';

/** The event store the tenants module appends with: tenant read models run inline. */
export function createTenantStore(db: Database, extraProjections: readonly Projection[] = []): EventStore {
  return createEventStore({ db, inlineProjections: [tenantDetailsProjection, tenantMetricsProjection, ...extraProjections] });
}

/** A tenant's state folded from its stream, read inside the caller's transaction. */
export async function loadTenantState(store: EventStore, tx: Transaction, tenantId: string): Promise<TenantState> {
  const loaded = await loadAggregate({ store, decider: tenantDecider, streamId: tenantStreamId(tenantId), tenantId, tx });
  return loaded.state;
}

/** What user commands need to know about their tenant, read under the tenant's counter lock. */
export type TenantGate = {
  status: 'active' | 'suspended' | 'deleted' | 'none';
  allowsSelfService: boolean;
  seatLimit: number;
  counters: TenantCounters;
  /** The tenant's name, for mails (null for the platform tenant). */
  name: string | null;
};

/**
 * Locks the tenant's counters and reads its state, in the caller's transaction (tenant set).
 * The platform tenant (system admins) has no stream: it is always open and unlimited.
 *
 * @example
 *   const gate = await lockTenantForUserCommand(store, tx, tenantId);
 *   if (gate.counters.seats >= gate.seatLimit) ...
 */
export async function lockTenantForUserCommand(store: EventStore, tx: Transaction, tenantId: string): Promise<TenantGate> {
  const counters = await lockCounters(tx, tenantId);
  if (tenantId === PLATFORM_TENANT_ID) {
    return { status: 'active', allowsSelfService: false, seatLimit: 1_000_000, counters, name: null };
  }
  const state = await loadTenantState(store, tx, tenantId);
  switch (state.status) {
    case 'none':
    case 'purged':
      return { status: 'none', allowsSelfService: false, seatLimit: 0, counters, name: null };
    case 'deleted':
      return { status: 'deleted', allowsSelfService: false, seatLimit: 0, counters, name: state.tenant.name };
    case 'active':
    case 'suspended':
      return {
        status: state.status,
        allowsSelfService: allowsSelfService(state.tenant.settings),
        seatLimit: seatLimit(state.tenant.subscriptionPlan, state.tenant.settings),
        counters,
        name: state.tenant.name,
      };
    default: {
      const _exhaustive: never = state;
      return _exhaustive;
    }
  }
}
