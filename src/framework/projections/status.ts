import type { Database } from '../db/index.ts';
import type { Transaction } from '../eventstore/types.ts';
import type { Metrics } from '../observability/index.ts';
import { LOCK_NAMESPACE } from './checkpoints.ts';
import { handledTypes, type Projection } from './types.ts';

export type ProjectionStatus = {
  name: string;
  version: number;
  /** Version the stored checkpoint belongs to (differs until a runner rebuilds). */
  storedVersion: number | null;
  checkpoint: { transactionId: string; globalPosition: string } | null;
  /** Handled events committed after the checkpoint (counted up to 1,000,000). */
  lagEvents: number;
  /** Age of the oldest handled event not yet applied (0 when caught up). */
  lagSeconds: number;
  parked: number;
  /** Some process holds this projection's runner lock. */
  active: boolean;
};

const STATUS_SQL = `
WITH cp AS (SELECT transaction_id, global_position, version FROM projection_checkpoints WHERE name = $1),
pos AS (SELECT coalesce((SELECT transaction_id FROM cp), '0'::xid8) AS t, coalesce((SELECT global_position FROM cp), 0) AS g)
SELECT (SELECT version FROM cp) AS stored_version,
       (SELECT transaction_id::text FROM cp) AS transaction_id,
       (SELECT global_position::text FROM cp) AS global_position,
       (SELECT count(*)::int FROM (SELECT 1 FROM events e, pos WHERE (e.transaction_id, e.global_position) > (pos.t, pos.g)
           AND (cardinality($2::text[]) = 0 OR e.event_type = ANY($2::text[])) LIMIT 1000000) x) AS lag_events,
       coalesce((SELECT extract(epoch FROM now() - e.created_at)::float8 FROM events e, pos
           WHERE (e.transaction_id, e.global_position) > (pos.t, pos.g) AND (cardinality($2::text[]) = 0 OR e.event_type = ANY($2::text[]))
           ORDER BY e.transaction_id, e.global_position LIMIT 1), 0) AS lag_seconds,
       (SELECT count(*)::int FROM projection_parked WHERE projection = $1) AS parked,
       EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND classid = hashtext('${LOCK_NAMESPACE}')::oid AND objid = hashtext($1)::oid AND objsubid = 2) AS active`;

type StatusRow = {
  stored_version: number | null; transaction_id: string | null; global_position: string | null;
  lag_events: number; lag_seconds: number; parked: number; active: boolean;
};

/**
 * Where each projection is: checkpoint, lag, parked events, whether a runner is active.
 *
 * @example
 *   for (const s of await projectionStatus(db.system.pool, projections)) console.log(s.name, s.lagEvents);
 */
export async function projectionStatus(q: Transaction, projections: readonly Projection[]): Promise<ProjectionStatus[]> {
  const statuses: ProjectionStatus[] = [];
  for (const projection of projections) {
    const row = (await q.query<StatusRow>(STATUS_SQL, [projection.name, handledTypes(projection)])).rows[0]!;
    statuses.push({
      name: projection.name,
      version: projection.version,
      storedVersion: row.stored_version,
      checkpoint: row.transaction_id === null ? null : { transactionId: row.transaction_id, globalPosition: row.global_position! },
      lagEvents: row.lag_events,
      lagSeconds: row.lag_seconds,
      parked: row.parked,
      active: row.active,
    });
  }
  return statuses;
}

/** Seconds the oldest open transaction that holds an xid has been running (it holds every subscriber back). */
export async function oldestWriterSeconds(q: Transaction): Promise<number> {
  const result = await q.query<{ s: number }>(
    `SELECT coalesce(extract(epoch FROM now() - min(xact_start)), 0)::float8 AS s FROM pg_stat_activity WHERE backend_xid IS NOT NULL`,
  );
  return result.rows[0]?.s ?? 0;
}

/**
 * Prometheus gauges, computed when /metrics is scraped: lag in events and seconds and parked
 * events per projection, and the age of the oldest in-flight writer transaction.
 */
export function registerProjectionMetrics(options: { metrics: Metrics; db: Database; projections: () => readonly Projection[] }): void {
  const { metrics, db } = options;
  let pending: Promise<ProjectionStatus[]> | undefined;
  // One status query per scrape, shared by the three gauges.
  const statuses = () => (pending ??= projectionStatus(db.pool, options.projections()).finally(() => {
    setTimeout(() => { pending = undefined; }, 100);
  }));
  const perProjection = (name: string, help: string, pick: (s: ProjectionStatus) => number) =>
    metrics.gauge(name, help, ['projection'], async function collect() {
      this.reset();
      for (const status of await statuses().catch(() => [])) this.set({ projection: status.name }, pick(status));
    });
  perProjection('acci_projection_lag_events', 'Handled events committed after the projection checkpoint', (s) => s.lagEvents);
  perProjection('acci_projection_lag_seconds', 'Age of the oldest event the projection has not applied yet', (s) => s.lagSeconds);
  perProjection('acci_projection_parked_events', 'Events the projection parked after bounded retries', (s) => s.parked);
  metrics.gauge('acci_eventstore_oldest_writer_seconds', 'Age of the oldest open transaction holding an xid (holds subscribers back)', [], async function collect() {
    this.set(await oldestWriterSeconds(db.pool).catch(() => 0));
  });
}
