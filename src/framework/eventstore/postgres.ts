import { refusalOf, type Database } from '../db/index.ts';
import type { Metrics } from '../observability/index.ts';
import { applyPipelined, applyToProjection, type Projection } from '../projections/types.ts';
import { STREAM_LOCK_SQL, appendStatement, modeOf, newStreamsStatement, readsCurrentVersion } from './append-sql.ts';
import { eventStoreErrors, isVersionCollision, translateAppendError } from './errors.ts';
import { createNotifier } from './notifier.ts';
import {
  DEFAULT_READ_ALL_LIMIT, DEFAULT_STREAM_LIMIT, MAX_READ_ALL_LIMIT, MAX_STREAM_LIMIT, boundLimit, readAllQuery,
} from './read.ts';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows.ts';
import {
  START, type AppendNewStreamsOptions, type AppendOptions, type AppendResult, type EventContext, type EventStore, type ExpectedVersion, type NewEvent, type NewStream,
  type RecordedEvent, type Transaction,
} from './types.ts';
import { createUpcasters, type Upcaster, type Upcasters } from './upcasters.ts';
import { uuidv7 } from './uuid7.ts';
import { isUuid } from '../validation/index.ts';

const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM acci_read_stream($1, $2, $3, $4)`;
const STREAM_VERSION_SQL = 'SELECT acci_stream_version($1, $2)::int4 AS v';
/** Own-transaction `any` appends that lost a race for the next version simply try again. */
const MAX_APPEND_ATTEMPTS = 100;
class NothingAppended extends Error {}

export type EventStoreOptions = {
  /** Usually `db.app` (row-level security applies); `db.system` for platform work across tenants. */
  db: Database;
  upcasters?: readonly Upcaster[] | Upcasters;
  /** Run in the append's transaction: the read model changes atomically with the events. */
  inlineProjections?: readonly Projection[];
  metrics?: Metrics;
  /** `NOTIFY acci_events` after appends (coalesced, see notifier.ts) so async projections wake (default true). */
  notify?: boolean;
};

export type PostgresEventStore = EventStore & { upcasters: Upcasters };

/** Single-event statements return the position as text, batches as an array (see append-sql.ts). */
type AppendRow = { v: number; p: string | string[]; t: string; created_at?: string };

function assertExpected(expected: ExpectedVersion): void {
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw eventStoreErrors.invalidAppend(`expected version ${String(expected)}`);
  }
}

function assertTenant(tenantId: string): void {
  if (!isUuid(tenantId)) throw eventStoreErrors.invalidAppend(`tenant id ${tenantId}`);
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
  const notifier = options.notify === false ? undefined : createNotifier(db.pool);
  const appended = options.metrics?.counter('acci_events_appended_total', 'Events appended to the event store');
  const conflicts = options.metrics?.counter('acci_eventstore_version_conflicts_total', 'Appends refused by a version conflict');

  const toRecorded = (row: EventRow) => toRecordedEvent(row, upcasters);

  /**
   * A pipelined append (see AppendOptions.pipelined): the statement and every inline handler are
   * issued before anything is awaited, with RecordedEvents built from what is known up front.
   */
  function appendPipelined(tx: Transaction, streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions, ids: string[]): Promise<AppendResult> {
    const mode = modeOf(appendOptions.expectedVersion);
    if (mode !== 'no_stream' && mode !== 'exact') throw eventStoreErrors.invalidAppend(`a pipelined append needs a known expected version, not ${String(appendOptions.expectedVersion)}`);
    const { context } = appendOptions;
    const base = mode === 'exact' ? appendOptions.expectedVersion as number : 0;
    // Millisecond precision: what reads return, so a rebuild hands projections the same value.
    const timestamp = new Date();
    const correlationId = context.correlationId;
    const causationId = context.causationId ?? null;
    const userId = context.userId ?? null;
    const appended = tx.query<AppendRow>(appendStatement({
      tenantId: context.tenantId, streamId, expected: appendOptions.expectedVersion,
      events: events.map((e, i) => ({ id: ids[i]!, type: e.type, v: e.schemaVersion ?? 1, data: e.data ?? null })),
      correlationId, causationId, userId, inCallerTransaction: true, withTimestamp: false, timestamp,
    }));
    const recorded = events.map((e, i) => unpositioned(toRecorded(appendedRow(context, streamId, base + i + 1, ids[i]!, e, timestamp))));
    const projected = inline.map((projection) => applyPipelined(projection, recorded, tx));
    return Promise.all([appended, ...projected]).catch((error: unknown) => {
      throw refusalOf(error) === 'stream_version' ? new NothingAppended() : error;
    }).then(([result]) => {
      const row = result.rows[0];
      if (!row) throw new NothingAppended();
      return { nextExpectedVersion: row.v, globalPositions: typeof row.p === 'string' ? [row.p] : row.p, transactionId: row.t, timestamp: timestamp.toISOString() };
    });
  }

  async function appendWith(q: Transaction, streamId: string, events: readonly NewEvent[], appendOptions: AppendOptions, ids: string[]): Promise<AppendResult> {
    const { context } = appendOptions;
    const inCallerTransaction = q !== db.pool;
    if (inCallerTransaction && readsCurrentVersion(modeOf(appendOptions.expectedVersion))) {
      await q.query({ name: 'acci_stream_lock', text: STREAM_LOCK_SQL, values: [context.tenantId, streamId] });
    }
    const correlationId = context.correlationId;
    const causationId = context.causationId ?? null;
    const userId = context.userId ?? null;
    const withTimestamp = inline.length > 0;
    const result = await q.query<AppendRow>(appendStatement({
      tenantId: context.tenantId,
      streamId,
      expected: appendOptions.expectedVersion,
      events: events.map((e, i) => ({ id: ids[i]!, type: e.type, v: e.schemaVersion ?? 1, data: e.data ?? null })),
      correlationId, causationId, userId,
      inCallerTransaction,
      withTimestamp,
    }));
    const row = result.rows[0];
    if (!row) throw new NothingAppended();
    const positions = typeof row.p === 'string' ? [row.p] : row.p;
    if (withTimestamp) {
      const first = row.v - events.length + 1;
      const recorded: RecordedEvent[] = events.map((e, i) => toRecorded(appendedRow(context, streamId, first + i, ids[i]!, e, row.created_at!, positions[i]!, row.t)));
      for (const projection of inline) await applyToProjection(projection, recorded, q);
    }
    return { nextExpectedVersion: row.v, globalPositions: positions, transactionId: row.t };
  }

  /**
   * `appendNewStreams`: one INSERT for every stream; pipelined, the inline handlers are issued with
   * it (stamped with the application's clock, unpositioned), otherwise after it with positions.
   */
  async function appendNew(streams: readonly NewStream[], options: AppendNewStreamsOptions): Promise<AppendResult[]> {
    if (streams.length === 0) throw eventStoreErrors.invalidAppend('no streams');
    const tenantId = streams[0]!.context.tenantId;
    assertTenant(tenantId);
    for (const stream of streams) {
      if (stream.events.length === 0) throw eventStoreErrors.invalidAppend(`no events for ${stream.streamId}`);
      if (stream.context.tenantId !== tenantId) throw eventStoreErrors.invalidAppend('new streams of several tenants in one statement');
    }
    const ids = streams.map((s) => s.events.map((e) => e.eventId ?? uuidv7()));
    const timestamp = options.pipelined ? new Date() : null;
    const statement = newStreamsStatement(tenantId, streams.map((s, i) => ({
      streamId: s.streamId, correlationId: s.context.correlationId, causationId: s.context.causationId ?? null, userId: s.context.userId ?? null,
      events: s.events.map((e, j) => ({ id: ids[i]![j]!, type: e.type, v: e.schemaVersion ?? 1, data: e.data ?? null })),
    })), timestamp);
    const recordedAt = (positions: readonly string[], transactionId: string, createdAt: Date | string) => {
      let n = 0;
      return streams.flatMap((s, i) => s.events.map((e, j) => toRecorded(appendedRow(s.context, s.streamId, j + 1, ids[i]![j]!, e, createdAt, positions[n++] ?? '', transactionId))));
    };
    const results = (row: { p: string[]; t: string } | undefined, stamp?: string): AppendResult[] => {
      let n = 0;
      return streams.map((s) => ({
        nextExpectedVersion: s.events.length, globalPositions: row ? row.p.slice(n, (n += s.events.length)) : [],
        transactionId: row?.t ?? '', ...(stamp ? { timestamp: stamp } : {}),
      }));
    };
    try {
      if (timestamp) {
        const inserted = options.tx.query<{ p: string[]; t: string }>(statement);
        const recorded = recordedAt([], '', timestamp).map(unpositioned);
        const [result] = await Promise.all([inserted, ...inline.map((projection) => applyPipelined(projection, recorded, options.tx))]);
        return results(result.rows[0], timestamp.toISOString());
      }
      const result = await options.tx.query<{ p: string[]; t: string; created_at: string }>(statement);
      const row = result.rows[0]!;
      const recorded = recordedAt(row.p, row.t, row.created_at);
      for (const projection of inline) await applyToProjection(projection, recorded, options.tx);
      return results(row);
    } catch (error) {
      if (isVersionCollision(error)) conflicts?.inc();
      const collided = /\(tenant_id, stream_id, stream_version\)=\([^,]+, (.+), \d+\)/.exec((error as { detail?: string }).detail ?? '')?.[1];
      throw translateAppendError(error, collided ?? streams.map((s) => s.streamId).join(', '), 'no_stream', ids.flat(), 'a stream');
    }
  }

  return {
    upcasters,
    async appendNewStreams(streams, options) {
      const results = await appendNew(streams, options);
      const types = streams.flatMap((s) => s.events.map((e) => e.type));
      appended?.inc(types.length);
      notifier?.appended(types);
      return results;
    },

    async append(streamId, events, appendOptions) {
      if (events.length === 0) throw eventStoreErrors.invalidAppend('no events');
      assertTenant(appendOptions.context.tenantId);
      assertExpected(appendOptions.expectedVersion);
      const ids = events.map((e) => e.eventId ?? uuidv7());
      const { tx } = appendOptions;
      const needsTransaction = !tx && (inlineTypes.has('*') || events.some((e) => inlineTypes.has(e.type)));
      const retryRaces = !tx && readsCurrentVersion(modeOf(appendOptions.expectedVersion));
      for (let attempt = 1; ; attempt++) {
        try {
          const result = tx && appendOptions.pipelined
            ? await appendPipelined(tx, streamId, events, appendOptions, ids)
            : tx
            ? await appendWith(tx, streamId, events, appendOptions, ids)
            : needsTransaction
              ? await db.transaction((own) => appendWith(own, streamId, events, appendOptions, ids), { tenantId: appendOptions.context.tenantId })
              : await appendWith(db.pool, streamId, events, appendOptions, ids);
          appended?.inc(events.length);
          notifier?.appended(events.map((e) => e.type));
          return result;
        } catch (error) {
          if (retryRaces && isVersionCollision(error) && attempt < MAX_APPEND_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)));
            continue;
          }
          const conflict = error instanceof NothingAppended || isVersionCollision(error);
          if (!conflict) throw translateAppendError(error, streamId, String(appendOptions.expectedVersion), ids);
          conflicts?.inc();
          // A caller's transaction is aborted after a unique violation, a pipelined one is over: the version stays unknown.
          const actual = tx && (appendOptions.pipelined || !(error instanceof NothingAppended)) ? '?' : String(await this.streamVersion(streamId, { tenantId: appendOptions.context.tenantId, ...(tx ? { tx } : {}) }));
          throw eventStoreErrors.versionConflict(streamId, String(appendOptions.expectedVersion), actual);
        }
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

/** The row a read returns for an event being appended (position and transaction id empty while unknown). */
function appendedRow(context: EventContext, streamId: string, version: number, eventId: string, event: NewEvent, createdAt: Date | string, position = '', transactionId = ''): EventRow {
  return {
    tenant_id: context.tenantId, stream_id: streamId, stream_version: version, global_position: position, transaction_id: transactionId,
    event_id: eventId, event_type: event.type, schema_version: event.schemaVersion ?? 1, data: event.data ?? null,
    correlation_id: context.correlationId, causation_id: context.causationId ?? null, user_id: context.userId ?? null, created_at: createdAt,
  };
}

/** A RecordedEvent of a pipelined append: its global position and transaction id are not known yet. */
function unpositioned(event: RecordedEvent): RecordedEvent {
  const unknown = (field: string) => () => {
    throw new Error(`${field} of ${event.type} is not known during a pipelined append: this inline projection cannot take part in one`);
  };
  const metadata = { ...event.metadata };
  Object.defineProperty(metadata, 'globalPosition', { get: unknown('globalPosition'), enumerable: true });
  Object.defineProperty(metadata, 'transactionId', { get: unknown('transactionId'), enumerable: true });
  return { ...event, metadata };
}
