/**
 * `npm run bench -- eventstore`: the event store against its physical limit (raw pg INSERTs of the
 * same payload, same database, same run) and against Emmett's PostgreSQL event store.
 *   a  raw single-row INSERT transactions at c16                      (the limit for b)
 *      and, for context, the same rows INSERTed straight into the events table (schema cost)
 *   b  append_single_c16: one event per append, new stream each, c16   (ACCI and Emmett)
 *   c  append_batch100: 100 events per append vs raw 100-row INSERTs  (ACCI and Emmett)
 *   d  projection_catchup: an async runner over 100k events (read + upsert + checkpoint)
 *   e  append_to_projection p50/p95: append → NOTIFY → runner applied, one at a time
 * The contenders of a and b (and of c) run interleaved in short slices, several rounds, so load
 * from other processes on the machine hits them alike. Every phase is bounded in time.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { concurrently, percentile, report, result, round } from './lib.ts';
import { benchDatabase } from './database.ts';
import { createDatabase } from '../src/framework/db/index.ts';
import { createEventStore, uuidv7 } from '../src/framework/eventstore/index.ts';
import { createProjectionRunner, defineProjection } from '../src/framework/projections/index.ts';

const CONCURRENCY = 16;
const ROUNDS = 3;
const SLICE_MS = 1_200;
const CATCHUP_EVENTS = 100_000;
const log = (line: string) => process.stderr.write(`${line}\n`);

const bench = await benchDatabase('eventstore');
const raw = new pg.Pool({ connectionString: bench.url, max: CONCURRENCY });
const app = createDatabase({ connectionString: bench.url, role: 'acci_app', max: CONCURRENCY, applicationName: 'bench-app' });
const system = createDatabase({ connectionString: bench.url, max: 4, applicationName: 'bench-system' });
const emmettPool = new pg.Pool({ connectionString: bench.url, max: CONCURRENCY });
for (const pool of [raw, emmettPool]) pool.on('error', () => undefined);
const emmett = getPostgreSQLEventStore(bench.url, { connectionOptions: { pool: emmettPool } });
const store = createEventStore({ db: app });
const tenantId = randomUUID();
const context = { tenantId, correlationId: randomUUID() };

const data = { amount: 42, currency: 'EUR', note: 'x'.repeat(160) };
const payload = JSON.stringify(data);
/** The same rows written straight into the events table (owner, no store logic): what the schema itself costs. */
const EVENT_INSERT = 'INSERT INTO events (tenant_id, stream_id, stream_version, event_id, event_type, schema_version, data, correlation_id, causation_id, user_id)';
const batchOf = (type: string) => Array.from({ length: 100 }, () => ({ type, data }));

try {
  await raw.query('CREATE TABLE bench_raw (id bigserial PRIMARY KEY, data jsonb NOT NULL)');
  await raw.query('CREATE TABLE bench_counts (stream_id text PRIMARY KEY, n bigint NOT NULL)');
  await emmett.schema.migrate();
  // Warm-up: connections open and statements prepared for every contender.
  await concurrently({ concurrency: CONCURRENCY, durationMs: 300 }, () => raw.query('SELECT 1'));
  await concurrently({ concurrency: CONCURRENCY, durationMs: 400 }, () => store.append(randomUUID(), [{ type: 'bench.warm', data }], { expectedVersion: 'no_stream', context }));
  await concurrently({ concurrency: CONCURRENCY, durationMs: 400 }, () => emmett.appendToStream(`warm-${randomUUID()}`, [{ type: 'bench.warm', data }]));

  async function interleaved(contenders: Record<string, () => Promise<unknown>>, perOp: number): Promise<Record<string, number>> {
    const totals: Record<string, { ops: number; seconds: number }> = {};
    for (let roundNo = 0; roundNo < ROUNDS; roundNo++) {
      for (const [name, operation] of Object.entries(contenders)) {
        const run = await concurrently({ concurrency: CONCURRENCY, durationMs: SLICE_MS }, operation);
        const entry = (totals[name] ??= { ops: 0, seconds: 0 });
        entry.ops += run.count;
        entry.seconds += run.count / run.opsPerSecond;
      }
    }
    return Object.fromEntries(Object.entries(totals).map(([name, t]) => [name, (t.ops * perOp) / t.seconds]));
  }

  log('a/b: single-event appends at c16 (raw INSERT, ACCI, Emmett) ...');
  const single = await interleaved({
    raw: () => raw.query({ name: 'raw1', text: 'INSERT INTO bench_raw (data) VALUES ($1)', values: [payload] }),
    table: () => raw.query({ name: 'table1', text: `${EVENT_INSERT} VALUES ($1, $2, 1, $3, 'bench.table', 1, $4, $5, NULL, NULL)`, values: [tenantId, randomUUID(), uuidv7(), payload, context.correlationId] }),
    acci: () => store.append(randomUUID(), [{ type: 'bench.single', data }], { expectedVersion: 'no_stream', context }),
    emmett: () => emmett.appendToStream(`single-${randomUUID()}`, [{ type: 'bench.single', data }], { expectedStreamVersion: STREAM_DOES_NOT_EXIST }),
  }, 1);

  log('c: 100-event appends at c16 (raw 100-row INSERT, ACCI, Emmett) ...');
  const rawRows = Array.from({ length: 100 }, () => payload);
  const batch = await interleaved({
    raw: () => raw.query({ name: 'raw100', text: 'INSERT INTO bench_raw (data) SELECT unnest($1::jsonb[])', values: [rawRows] }),
    table: () => raw.query({
      name: 'table100',
      text: `${EVENT_INSERT} SELECT $1, $2, x.ord, x.id, 'bench.table', 1, x.data, $3, NULL, NULL FROM unnest($4::uuid[], $5::jsonb[]) WITH ORDINALITY AS x(id, data, ord)`,
      values: [tenantId, randomUUID(), context.correlationId, Array.from({ length: 100 }, () => uuidv7()), rawRows],
    }),
    acci: () => store.append(randomUUID(), batchOf('bench.batch'), { expectedVersion: 'no_stream', context }),
    emmett: () => emmett.appendToStream(`batch-${randomUUID()}`, batchOf('bench.batch'), { expectedStreamVersion: STREAM_DOES_NOT_EXIST }),
  }, 100);

  log('d: seeding 100k events, then catching a projection up ...');
  await concurrently({ concurrency: 8, durationMs: 60_000, maxOps: CATCHUP_EVENTS / 100 }, (worker, i) =>
    store.append(`catchup-${worker}-${i}`, Array.from({ length: 100 }, () => ({ type: 'bench.catchup', data })), { expectedVersion: 'no_stream', context }));
  const counts = defineProjection({
    name: 'bench_counts',
    version: 1,
    handlers: {
      'bench.catchup': async (event, tx) => {
        await tx.query('INSERT INTO bench_counts (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = bench_counts.n + 1', [event.metadata.streamId]);
      },
    },
    applyBatch: async (events, tx) => {
      await tx.query(`INSERT INTO bench_counts (stream_id, n) SELECT s, count(*) FROM unnest($1::text[]) s GROUP BY s
        ON CONFLICT (stream_id) DO UPDATE SET n = bench_counts.n + EXCLUDED.n`, [events.map((e) => e.metadata.streamId)]);
    },
    reset: async (tx) => { await tx.query('TRUNCATE bench_counts'); },
  });
  // Measure steady state: statistics current, the write burst above flushed by a checkpoint.
  await raw.query('ANALYZE events');
  await raw.query('CHECKPOINT');
  const catchUpRunner = createProjectionRunner({ projection: counts, db: system, batchSize: 5_000 });
  const catchUpStarted = performance.now();
  const caughtUp = await catchUpRunner.catchUp();
  const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
  await catchUpRunner.stop();
  const counted = Number((await raw.query<{ n: string }>('SELECT sum(n) AS n FROM bench_counts')).rows[0]?.n ?? 0);
  if (counted !== caughtUp || caughtUp < CATCHUP_EVENTS) throw new Error(`catch-up applied ${caughtUp}, counted ${counted}`);

  log('e: append → NOTIFY → projection applied, one event at a time ...');
  await raw.query('CHECKPOINT');
  const waiting = new Map<string, () => void>();
  const latency = defineProjection({
    name: 'bench_latency',
    version: 1,
    handlers: {
      'bench.latency': async (event, tx) => {
        await tx.query('INSERT INTO bench_counts (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = bench_counts.n + 1', [event.metadata.streamId]);
      },
    },
    reset: async () => undefined,
  });
  const follower = createProjectionRunner({
    projection: latency,
    db: system,
    pollIntervalMs: 60_000,
    onApplied: (events) => { for (const e of events) waiting.get(e.metadata.eventId)?.(); },
  });
  await follower.start();
  while (!follower.isActive()) await new Promise((r) => setTimeout(r, 10));
  const latencies: number[] = [];
  const deadline = performance.now() + 4_000;
  while (performance.now() < deadline && latencies.length < 500) {
    const eventId = randomUUID();
    const applied = new Promise<void>((resolve) => waiting.set(eventId, resolve));
    const t0 = performance.now();
    await store.append(`latency-${latencies.length % 20}`, [{ type: 'bench.latency', data, eventId }], { expectedVersion: 'any', context });
    await applied;
    latencies.push(performance.now() - t0);
    waiting.delete(eventId);
  }
  await follower.stop();

  const results = [
    result('raw_insert_c16', single.raw!, 'rows/s', { notes: 'single-row INSERT transactions, same jsonb payload, pg, c16' }),
    result('events_table_insert_c16', single.table!, 'rows/s', { limit: single.raw!, notes: 'bare INSERT of one event row into the events table (3 indexes), owner: the schema\'s own cost' }),
    result('append_single_c16', single.acci!, 'events/s', { limit: single.raw!, peers: { emmett: single.emmett! }, notes: 'one event per append, new stream each (no_stream), runtime role with RLS' }),
    result('raw_insert_batch100', batch.raw!, 'rows/s', { notes: '100-row INSERT statements, c16' }),
    result('events_table_insert_batch100', batch.table!, 'rows/s', { limit: batch.raw!, notes: 'bare 100-row INSERT into the events table, owner' }),
    result('append_batch100', batch.acci!, 'events/s', { limit: batch.raw!, peers: { emmett: batch.emmett! }, notes: '100 events per append, new stream each, c16' }),
    result('projection_catchup', caughtUp / catchUpSeconds, 'events/s', { notes: `${caughtUp} events, batches of 5000: read + upsert + checkpoint per batch` }),
    result('append_to_projection_p50_ms', percentile(latencies, 50), 'ms', { notes: `${latencies.length} sequential appends` }),
    result('append_to_projection_p95_ms', percentile(latencies, 95), 'ms', { notes: 'append start → runner committed (NOTIFY wake-up)' }),
  ];
  log(`emmett/acci: single ${round(single.emmett! / single.acci!, 2)}, batch ${round(batch.emmett! / batch.acci!, 2)}`);
  report('eventstore', results);
} finally {
  // Emmett does not end a pool it was handed; an idle client left open would be killed by the
  // database drop below and crash the run after its JSON line.
  await Promise.allSettled([emmett.close(), emmettPool.end(), raw.end(), app.close(), system.close()]);
  await bench.close();
}
