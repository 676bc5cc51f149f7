import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.ts';
import type { Metrics } from '../observability/index.ts';
import { applyToProjection, type Projection } from '../projections/types.ts';
import { eventStoreErrors, translateAppendError } from './errors.ts';
import {
  DEFAULT_READ_ALL_LIMIT, DEFAULT_STREAM_LIMIT, MAX_READ_ALL_LIMIT, MAX_STREAM_LIMIT, boundLimit, readAllQuery,
} from './read.ts';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows.ts';
import { START, type AppendOptions, type AppendResult, type EventStore, type ExpectedVersion, type NewEvent, type RecordedEvent, type Transaction } from './types.ts';
import { createUpcasters, type Upcaster, type Upcasters } from './upcasters.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APPEND_SQL = `SELECT stream_version::int4 AS v, global_positions::text[] AS p, transaction_id::text AS t, created_at
  FROM acci_append_events($1, $2, $3, $4, $5, $6)`;
const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM acci_read_stream($1, $2, $3, $4)`;
const STREAM_VERSION_SQL = 'SELECT acci_stream_version($1, $2)::int4 AS v';

export type EventStoreOptions = {
  /** Usually `db.app` (row-level security applies); `db.system` for platform work across tenants. */
  db: Database;
  upcasters?: readonly Upcaster[] | Upcasters;
  /** Run in the append's transaction: the read model changes atomically with the events. */
  inlineProjections?: readonly Projection[];
  metrics?: Metrics;
  /** `pg_notify('acci_events')` in every append, so async projections wake at commit (default true). */
  notify?: boolean;
};

export type PostgresEventStore = EventStore & { upcasters: Upcasters };

type AppendRow = { v: number; p: string[]; t: string; created_at: Date };

const encodeExpected = (expected: ExpectedVersion): number => {
  if (expected === 'any') return -1;
  if (expected === 'no_stream') return 0;
  if (expected === 'stream_exists') return -3;
  if (!Number.isSafeInteger(expected) || expected < 0) throw eventStoreErrors.invalidAppend(`expected version ${String(expected)}`);
  return expected;
};

function assertTenant(tenantId: string): void {
  if (!UUID.test(tenantId)) throw eventStoreErrors.invalidAppend(`tenant id ${tenantId}`);
}

/**
 * The PostgreSQL event store (migration 0002). An append is one statement (`acci_append_events`):
 * one round trip, atomic, gapless stream versions, expected version enforced under concurrency.
 *
 * @example
 *   const store = createEventStore({ db: ctx.db.app });
 *   await store.append(`user-${id}`, [{ type: 'user.registered', data }], {
 *     expectedVersion: 'no_stream', context: { tenantId, correlationId },
 *   });
 *   const events = await store.readStream(`user-${id}`, { tenantId });
 */
export function createEventStore(options: EventStoreOptions): PostgresEventStore {
  const { db } = options;
  const upcasters: Upcasters = Array.isArray(options.upcasters) || options.upcasters === undefined
    ? createUpcasters(options.upcasters as readonly Upcaster[] | undefined)
    : options.upcasters as Upcasters;
  const inline = options.inlineProjections ?? [];
  const inlineTypes = new Set(inline.flatMap((p) => Object.keys(p.handlers)));
  const notify = options.notify ?? true;
  const appended = options.metrics?.counter('acci_events_appended_total', 'Events appended to the event store');
  const conflicts = options.metrics?.counter('acci_eventstore_version_conflicts_total', 'Appends refused by a version conflict');

  const toRecorded = (row: EventRow) => toRecordedEvent(row, upcasters);

  async function appendWith(q: Transaction, streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions, ids: string[]): Promise<AppendResult> {
    const { context } = appendOptions;
    const payload = events.map((e, i) => ({ id: ids[i], type: e.type, v: e.schemaVersion ?? 1, data: e.data ?? null }));
    const metadata = { correlationId: context.correlationId, causationId: context.causationId ?? null, userId: context.userId ?? null };
    const result = await q.query<AppendRow>({
      name: 'acci_append',
      text: APPEND_SQL,
      values: [context.tenantId, streamId, encodeExpected(appendOptions.expectedVersion), JSON.stringify(payload), JSON.stringify(metadata), notify],
    });
    const row = result.rows[0]!;
    if (inline.length > 0) {
      const first = row.v - events.length + 1;
      const recorded: RecordedEvent[] = events.map((e, i) => toRecorded({
        tenant_id: context.tenantId, stream_id: streamId, stream_version: first + i, global_position: row.p[i]!, transaction_id: row.t,
        event_id: ids[i]!, event_type: e.type, schema_version: e.schemaVersion ?? 1, data: e.data ?? null, metadata, created_at: row.created_at,
      }));
      for (const projection of inline) await applyToProjection(projection, recorded, q);
    }
    return { nextExpectedVersion: row.v, globalPositions: row.p, transactionId: row.t };
  }

  return {
    upcasters,
    async append(streamId, events, appendOptions) {
      if (events.length === 0) throw eventStoreErrors.invalidAppend('no events');
      assertTenant(appendOptions.context.tenantId);
      const ids = events.map((e) => e.eventId ?? randomUUID());
      const needsTransaction = !appendOptions.tx && events.some((e) => inlineTypes.has(e.type));
      try {
        const result = appendOptions.tx
          ? await appendWith(appendOptions.tx, streamId, events, appendOptions, ids)
          : needsTransaction
            ? await db.transaction((tx) => appendWith(tx, streamId, events, appendOptions, ids), { tenantId: appendOptions.context.tenantId })
            : await appendWith(db.pool, streamId, events, appendOptions, ids);
        appended?.inc(events.length);
        return result;
      } catch (error) {
        const translated = translateAppendError(error, streamId, String(appendOptions.expectedVersion), ids);
        if ((translated as { code?: string }).code === 'concurrency.version_conflict') conflicts?.inc();
        throw translated;
      }
    },

    async readStream(streamId, readOptions) {
      assertTenant(readOptions.tenantId);
      const values = [
        readOptions.tenantId, streamId, Math.max(1, Math.floor(readOptions.fromVersion ?? 1)),
        boundLimit(readOptions.limit, DEFAULT_STREAM_LIMIT, MAX_STREAM_LIMIT),
      ];
      const q: Transaction = readOptions.tx ?? db.pool;
      const result = await q.query<EventRow>({ name: 'acci_read_stream', text: READ_STREAM_SQL, values });
      return result.rows.map(toRecorded);
    },

    async readAll(readOptions = {}) {
      if (readOptions.tenantId !== undefined) assertTenant(readOptions.tenantId);
      const query = readAllQuery({
        ...readOptions,
        after: readOptions.after ?? START,
        limit: boundLimit(readOptions.limit, DEFAULT_READ_ALL_LIMIT, MAX_READ_ALL_LIMIT),
      });
      const run = (q: Transaction) => q.query<EventRow>(query);
      const result = readOptions.tx
        ? await run(readOptions.tx)
        : readOptions.tenantId !== undefined
          ? await db.transaction(run, { tenantId: readOptions.tenantId })
          : await run(db.pool);
      return result.rows.map(toRecorded);
    },

    async streamVersion(streamId, versionOptions) {
      assertTenant(versionOptions.tenantId);
      const q: Transaction = versionOptions.tx ?? db.pool;
      const result = await q.query<{ v: number }>({ name: 'acci_stream_version', text: STREAM_VERSION_SQL, values: [versionOptions.tenantId, streamId] });
      return result.rows[0]?.v ?? 0;
    },
  };
}
