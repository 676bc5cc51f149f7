import type { RecordedEvent, Transaction } from '../../framework/eventstore/index.ts';
import { EVERY_EVENT, defineProjection, type Projection } from '../../framework/projections/types.ts';
import type { TenantEvent } from './events.ts';

type DataOf<T extends TenantEvent['type']> = Extract<TenantEvent, { type: T }>['data'];
const data = <T extends TenantEvent['type']>(event: RecordedEvent, _type: T): DataOf<T> => event.data as DataOf<T>;
const run = (tx: Transaction, text: string, values: unknown[]) => tx.query(text, values).then(() => undefined);

/**
 * Read model "tenant.details" (table `tenant_details`), one row per tenant keyed by its own id.
 * Runs inline: the row changes in the transaction that appends the event.
 */
export const tenantDetailsProjection = defineProjection({
  name: 'tenant_details',
  version: 1,
  tables: ['tenant_details'],
  handlers: {
    'tenant.created': (event, tx) => {
      const d = data(event, 'tenant.created');
      return run(tx, `INSERT INTO tenant_details (tenant_id, name, slug, subscription_plan, admin_email, metadata, settings, custom_domain,
          status, created_at, updated_at, version)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9, $10)
        ON CONFLICT (tenant_id) DO NOTHING`,
      [d.tenantId, d.name, d.slug, d.subscriptionPlan, d.adminEmail, d.metadata, d.settings, d.settings.customDomain, event.metadata.timestamp, event.metadata.streamVersion]);
    },
    'tenant.updated': (event, tx) => {
      const d = data(event, 'tenant.updated');
      return run(tx, `UPDATE tenant_details SET name = coalesce($2, name), subscription_plan = coalesce($3, subscription_plan),
          metadata = coalesce($4, metadata), settings = coalesce($5, settings),
          custom_domain = CASE WHEN $5::jsonb IS NULL THEN custom_domain ELSE $5::jsonb->>'customDomain' END,
          updated_at = $6, version = $7
        WHERE tenant_id = $1`,
      [d.tenantId, d.name ?? null, d.subscriptionPlan ?? null, d.metadata ?? null, d.settings ?? null, event.metadata.timestamp, event.metadata.streamVersion]);
    },
    'tenant.suspended': (event, tx) =>
      run(tx, `UPDATE tenant_details SET status = 'suspended', updated_at = $2, version = $3 WHERE tenant_id = $1`,
        [event.metadata.tenantId, event.metadata.timestamp, event.metadata.streamVersion]),
    'tenant.resumed': (event, tx) =>
      run(tx, `UPDATE tenant_details SET status = 'active', updated_at = $2, version = $3 WHERE tenant_id = $1`,
        [event.metadata.tenantId, event.metadata.timestamp, event.metadata.streamVersion]),
    'tenant.deleted': (event, tx) => {
      const d = data(event, 'tenant.deleted');
      return run(tx, `UPDATE tenant_details SET status = 'deleted', deletion_reason = $2, data_retention_period = $3, purge_after = $4,
          updated_at = $5, version = $6 WHERE tenant_id = $1`,
      [d.tenantId, d.deletionReason, d.dataRetentionPeriod, d.purgeAfter, event.metadata.timestamp, event.metadata.streamVersion]);
    },
    'tenant.purged': (event, tx) => run(tx, 'DELETE FROM tenant_details WHERE tenant_id = $1', [event.metadata.tenantId]),
  },
  reset: (tx) => run(tx, 'DELETE FROM tenant_details', []),
});

const touch = (event: RecordedEvent, tx: Transaction, activeDelta: number) =>
  run(tx, `UPDATE tenant_metrics SET active_users = greatest(0, active_users + $2), last_activity = greatest(last_activity, $3)
    WHERE tenant_id = $1`, [event.metadata.tenantId, activeDelta, event.metadata.timestamp]);

const registeredActive = (event: RecordedEvent): number => ((event.data as { status: string }).status === 'active' ? 1 : 0);

/**
 * A run of consecutive `user.registered` events in one statement: per tenant the count, the new
 * active users and the latest timestamp. The same effect as the handler applied one by one (it
 * only adds, and `greatest` ignores order).
 */
async function addRegistrations(events: readonly RecordedEvent[], tx: Transaction): Promise<void> {
  const perTenant = new Map<string, { users: number; active: number; last: string }>();
  for (const event of events) {
    const entry = perTenant.get(event.metadata.tenantId) ?? { users: 0, active: 0, last: event.metadata.timestamp };
    entry.users += 1;
    entry.active += registeredActive(event);
    if (Date.parse(event.metadata.timestamp) > Date.parse(entry.last)) entry.last = event.metadata.timestamp;
    perTenant.set(event.metadata.tenantId, entry);
  }
  const tenants = [...perTenant.keys()];
  const column = <K extends 'users' | 'active' | 'last'>(key: K) => tenants.map((t) => perTenant.get(t)![key]);
  await run(tx, `INSERT INTO tenant_metrics AS m (tenant_id, total_users, active_users, last_activity)
       SELECT t, n, a, l FROM unnest($1::uuid[], $2::int[], $3::int[], $4::timestamptz[]) AS x(t, n, a, l)
     ON CONFLICT (tenant_id) DO UPDATE SET total_users = m.total_users + EXCLUDED.total_users,
       active_users = m.active_users + EXCLUDED.active_users, last_activity = greatest(m.last_activity, EXCLUDED.last_activity)`,
  [tenants, column('users'), column('active'), column('last')]);
}

/** Sign-ins: per tenant the latest one, as last activity (the same effect as `touch` one by one). */
async function addActivity(events: readonly RecordedEvent[], tx: Transaction): Promise<void> {
  const latest = new Map<string, string>();
  for (const event of events) {
    const seen = latest.get(event.metadata.tenantId);
    if (!seen || Date.parse(event.metadata.timestamp) > Date.parse(seen)) latest.set(event.metadata.tenantId, event.metadata.timestamp);
  }
  await run(tx, `UPDATE tenant_metrics m SET last_activity = greatest(m.last_activity, x.at)
    FROM unnest($1::uuid[], $2::timestamptz[]) AS x(tenant_id, at) WHERE m.tenant_id = x.tenant_id`, [[...latest.keys()], [...latest.values()]]);
}

const metricsHandlers: Projection['handlers'] = {
    'tenant.created': (event, tx) =>
      run(tx, `INSERT INTO tenant_metrics (tenant_id, total_users, active_users, last_activity) VALUES ($1, 0, 0, $2)
        ON CONFLICT (tenant_id) DO NOTHING`, [event.metadata.tenantId, event.metadata.timestamp]),
    'tenant.updated': (event, tx) => touch(event, tx, 0),
    'tenant.purged': (event, tx) => run(tx, 'DELETE FROM tenant_metrics WHERE tenant_id = $1', [event.metadata.tenantId]),
    'user.registered': (event, tx) =>
      run(tx, `INSERT INTO tenant_metrics AS m (tenant_id, total_users, active_users, last_activity) VALUES ($1, 1, $2, $3)
        ON CONFLICT (tenant_id) DO UPDATE SET total_users = m.total_users + 1, active_users = m.active_users + $2,
          last_activity = greatest(m.last_activity, $3)`, [event.metadata.tenantId, registeredActive(event), event.metadata.timestamp]),
    'user.invitation_accepted': (event, tx) => touch(event, tx, 1),
    'user.profile_updated': (event, tx) => touch(event, tx, 0),
    'user.deactivated': (event, tx) => touch(event, tx, (event.data as { previousStatus: string }).previousStatus === 'active' ? -1 : 0),
    'user.reactivated': (event, tx) => touch(event, tx, (event.data as { status: string }).status === 'active' ? 1 : 0),
    'auth.login_succeeded': (event, tx) => touch(event, tx, 0),
};

/**
 * Read model "tenant.metrics" (table `tenant_metrics`): total users, active users, last activity.
 * Fed by tenant and user events alike, and sign-ins as activity, asynchronously. A batch applies
 * each run of registrations or sign-ins as one statement (a burst costs one round trip, not one per
 * event) and every other event by its handler, in order.
 */
export const tenantMetricsProjection = defineProjection({
  name: 'tenant_metrics',
  version: 1,
  tables: ['tenant_metrics'],
  handlers: metricsHandlers,
  // A sign-in is activity, but each one need not cost a run: picked up within a second.
  quietTypes: ['auth.login_succeeded'],
  applyBatch: async (events, tx) => {
    // Consecutive events of one of these types become one statement.
    const grouped: Record<string, (run: readonly RecordedEvent[], tx: Transaction) => Promise<void>> = {
      'user.registered': addRegistrations,
      'auth.login_succeeded': addActivity,
    };
    let run: RecordedEvent[] = [];
    const flush = async () => {
      if (run.length > 0) await grouped[run[0]!.type]!(run, tx);
      run = [];
    };
    for (const event of events) {
      if (run.length > 0 && run[0]!.type !== event.type) await flush();
      if (grouped[event.type]) run.push(event);
      else await metricsHandlers[event.type]?.(event, tx);
    }
    await flush();
  },
  reset: (tx) => run(tx, 'DELETE FROM tenant_metrics', []),
});

/** What one event occupies: its data as stored (JSON, UTF-8). Deterministic, so a rebuild agrees. */
const storedBytes = (event: RecordedEvent): number => Buffer.byteLength(JSON.stringify(event.data ?? null), 'utf8');

async function addStorage(events: readonly RecordedEvent[], tx: Transaction): Promise<void> {
  const perTenant = new Map<string, { bytes: number; events: number }>();
  for (const event of events) {
    const entry = perTenant.get(event.metadata.tenantId) ?? { bytes: 0, events: 0 };
    entry.bytes += storedBytes(event);
    entry.events += 1;
    perTenant.set(event.metadata.tenantId, entry);
  }
  const tenants = [...perTenant.keys()];
  await run(tx, `INSERT INTO tenant_storage (tenant_id, bytes, events, updated_at)
       SELECT t, b, n, now() FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS x(t, b, n)
     ON CONFLICT (tenant_id) DO UPDATE
       SET bytes = tenant_storage.bytes + EXCLUDED.bytes, events = tenant_storage.events + EXCLUDED.events, updated_at = now()`,
  [tenants, tenants.map((t) => perTenant.get(t)!.bytes), tenants.map((t) => perTenant.get(t)!.events)]);
}

/**
 * Read model "tenant.storage" (table `tenant_storage`): the bytes of every event a tenant
 * appended, counted asynchronously by polling (about a second behind; one upsert per tenant per
 * batch). Part of the tenant's
 * metrics; the access module's storage quota and the plan-downgrade rule read it.
 */
export const tenantStorageProjection = defineProjection({
  name: 'tenant_storage',
  version: 1,
  tables: ['tenant_storage'],
  handlers: { [EVERY_EVENT]: (event, tx) => addStorage([event], tx) },
  applyBatch: addStorage,
  // Every append would wake it: polling (each second, a whole batch per read) is enough for a quota.
  wakeOnAppend: false,
  reset: (tx) => run(tx, 'DELETE FROM tenant_storage', []),
});
