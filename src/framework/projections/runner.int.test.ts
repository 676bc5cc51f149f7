import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createDatabase, type Database } from '../db/index.ts';
import { createEventStore, type PostgresEventStore } from '../eventstore/index.ts';
import { createMetrics } from '../observability/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createProjectionRunner, type ProjectionRunner } from './runner.ts';
import { defineProjection, type Projection } from './types.ts';
import { projectionStatus, registerProjectionMetrics } from './status.ts';
import { rebuildProjection } from './operations.ts';
import { CHECKPOINT_MOVED, advanceCheckpointOrRefuse, ensureCheckpoint, readCheckpoint } from './checkpoints.ts';
import { refusalOf } from '../db/index.ts';

let db: TestDatabase;
let store: PostgresEventStore;
const tenant = randomUUID();
const runners: ProjectionRunner[] = [];

before(async () => {
  db = await createTestDatabase();
  store = createEventStore({ db: db.app });
  await db.system.query(`CREATE TABLE counted (projection text, tenant_id uuid, stream_id text, n int NOT NULL, PRIMARY KEY (projection, tenant_id, stream_id));
    CREATE TABLE applied_once (projection text, event_id uuid, PRIMARY KEY (projection, event_id))`);
});
after(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await db.drop();
});

/** Counts events per stream and records each event id once (a second apply would violate the key). */
function counter(name: string, type: string, options: { version?: number; poison?: (data: unknown) => boolean } = {}): Projection {
  return defineProjection({
    name,
    version: options.version ?? 1,
    handlers: {
      [type]: async (event, tx) => {
        if (options.poison?.(event.data)) throw new Error('poisoned event');
        await tx.query('INSERT INTO applied_once (projection, event_id) VALUES ($1, $2)', [name, event.metadata.eventId]);
        await tx.query(`INSERT INTO counted VALUES ($1, $2, $3, 1) ON CONFLICT (projection, tenant_id, stream_id) DO UPDATE SET n = counted.n + 1`,
          [name, event.metadata.tenantId, event.metadata.streamId]);
      },
    },
    reset: async (tx) => {
      await tx.query('DELETE FROM counted WHERE projection = $1', [name]);
      await tx.query('DELETE FROM applied_once WHERE projection = $1', [name]);
    },
  });
}

const total = async (name: string) =>
  Number((await db.system.query<{ n: string | null }>('SELECT sum(n) AS n FROM counted WHERE projection = $1', [name])).rows[0]?.n ?? 0);

async function append(type: string, count: number, stream = `s-${randomUUID()}`, data: (i: number) => unknown = (i) => ({ i })) {
  for (let i = 0; i < count; i++) await store.append(stream, [{ type, data: data(i) }], { expectedVersion: 'any', context: { tenantId: tenant, correlationId: randomUUID() } });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const runner = (projection: Projection, options: Partial<Parameters<typeof createProjectionRunner>[0]> = {}, database: Database = db.system) => {
  const created = createProjectionRunner({ projection, db: database, pollIntervalMs: 60_000, lockRetryMs: 50, retryDelayMs: 5, ...options });
  runners.push(created);
  return created;
};

describe('asynchronous projection runner', () => {
  it('moves its checkpoint with a compare-and-set that fails the whole transaction when someone else moved it', async () => {
    const projection = counter(`cas_${randomUUID().slice(0, 8)}`, 'cas.tick');
    const start = await ensureCheckpoint(db.system.pool, projection);
    const next = { transactionId: '5', globalPosition: '7' };
    const stale = { transactionId: '1', globalPosition: '1' };
    const attempt = (from: typeof next) => db.system.transaction((tx) => Promise.all([
      advanceCheckpointOrRefuse(tx, projection.name, from, { transactionId: '9', globalPosition: '9' }),
      tx.query(`INSERT INTO counted VALUES ($1, $2, 'cas', 1)`, [projection.name, tenant]),
    ]));
    await db.system.transaction((tx) => advanceCheckpointOrRefuse(tx, projection.name, start, next));
    await assert.rejects(attempt(stale), (error) => refusalOf(error) === CHECKPOINT_MOVED);
    assert.equal(await total(projection.name), 0, 'the write behind a refused compare-and-set never counts');
    await attempt(next);
    assert.equal(await total(projection.name), 1);
    assert.deepEqual(await readCheckpoint(db.system.pool, projection.name), { transactionId: '9', globalPosition: '9', version: 1 });
  });

  it('catches up from the start, then follows appends woken by NOTIFY (no polling)', async () => {
    const type = `a${randomUUID().slice(0, 8)}.tick`;
    const projection = counter(`p_${randomUUID().slice(0, 8)}`, type);
    await append(type, 25);
    const r = runner(projection, { batchSize: 10 });
    await r.start();
    await eventually(async () => (await total(projection.name)) === 25);
    const started = Date.now();
    await append(type, 1);
    await eventually(async () => (await total(projection.name)) === 26, 5_000);
    assert.ok(Date.now() - started < 2_000, 'woken by NOTIFY, not by the 60 s poll');
    await r.stop();
    assert.equal(r.isActive(), false);
  });

  it('does not wake for its quiet types: they wait for the next poll, or ride along with a waking append', async () => {
    const loud = `l${randomUUID().slice(0, 8)}.tick`;
    const quiet = `q${randomUUID().slice(0, 8)}.tick`;
    const quietCounter = (name: string) => {
      const base = counter(name, loud);
      return defineProjection({ ...base, handlers: { ...base.handlers, [quiet]: base.handlers[loud]! }, quietTypes: [quiet] });
    };
    // No poll during the test: a quiet append stays unapplied until a loud one wakes the runner.
    const waiting = quietCounter(`quiet_${randomUUID().slice(0, 8)}`);
    const r = runner(waiting);
    await r.start();
    await eventually(async () => r.isActive());
    // Past the first drain (it follows the lock at once; found nothing, so the next poll is 60 s away).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await append(quiet, 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(await total(waiting.name), 0, 'a quiet append does not wake the runner');
    await append(loud, 1);
    await eventually(async () => (await total(waiting.name)) === 2, 5_000);
    await r.stop();
    // With a short poll, a quiet append alone is applied by the poll.
    const polled = quietCounter(`quiet_${randomUUID().slice(0, 8)}`);
    const p = runner(polled, { pollIntervalMs: 500 });
    await p.start();
    await eventually(async () => p.isActive() && (await total(polled.name)) === 2); // caught up
    await append(quiet, 1);
    await eventually(async () => (await total(polled.name)) === 3, 10_000);
    await p.stop();
  });

  it('applies a lone event at once, but after a run that found several it gathers before reading again', async () => {
    const type = `g${randomUUID().slice(0, 8)}.tick`;
    const projection = counter(`g_${randomUUID().slice(0, 8)}`, type);
    const applied: { at: number; n: number }[] = [];
    const r = runner(projection, { busyGatherMs: 3_000, onApplied: (events) => applied.push({ at: performance.now(), n: events.length }) });
    await r.start();
    await eventually(async () => r.isActive());
    const stream = `s-${randomUUID()}`;
    const context = { tenantId: tenant, correlationId: randomUUID() };
    const lone = performance.now();
    await store.append(stream, [{ type, data: {} }], { expectedVersion: 'any', context });
    await eventually(async () => applied.length === 1);
    // Margins of seconds: a loaded CI machine can delay a wake-up by hundreds of milliseconds.
    assert.ok(applied[0]!.at - lone < 1_500, `a lone event is applied without gathering (${Math.round(applied[0]!.at - lone)} ms)`);
    // One commit of three events: the run finds several, so the next read waits for the gather.
    await store.append(stream, [{ type, data: {} }, { type, data: {} }, { type, data: {} }], { expectedVersion: 'any', context });
    await eventually(async () => applied.length === 2);
    assert.equal(applied[1]!.n, 3);
    await store.append(stream, [{ type, data: {} }], { expectedVersion: 'any', context });
    await eventually(async () => applied.length === 3, 10_000);
    assert.ok(applied[2]!.at - applied[1]!.at >= 2_700, `the next read waited for the gather (${Math.round(applied[2]!.at - applied[1]!.at)} ms)`);
    assert.equal(await total(projection.name), 5);
    await r.stop();
  });

  it('runs exactly one active runner per projection across two pools, and fails over', async () => {
    const type = `b${randomUUID().slice(0, 8)}.tick`;
    const projection = counter(`p_${randomUUID().slice(0, 8)}`, type);
    const otherPool = createDatabase({ connectionString: db.ownerUrl, max: 3 });
    const first = runner(projection);
    const second = runner(projection, {}, otherPool);
    await first.start();
    await eventually(async () => first.isActive());
    await second.start();
    await append(type, 10);
    await eventually(async () => (await total(projection.name)) === 10);
    assert.equal(second.isActive(), false, 'the second runner stays on standby');
    await first.stop();
    await eventually(async () => second.isActive());
    await append(type, 5);
    await eventually(async () => (await total(projection.name)) === 15);
    const applied = await db.system.query<{ n: number }>('SELECT count(*)::int AS n FROM applied_once WHERE projection = $1', [projection.name]);
    assert.equal(applied.rows[0]?.n, 15);
    await second.stop();
    await otherPool.close();
  });

  it('retries a failing event a bounded number of times, parks it with its error and moves on', async () => {
    const type = `c${randomUUID().slice(0, 8)}.tick`;
    let attempts = 0;
    const projection = counter(`p_${randomUUID().slice(0, 8)}`, type, {
      poison: (data) => {
        const poisoned = (data as { i: number }).i === 3;
        if (poisoned) attempts++;
        return poisoned;
      },
    });
    await append(type, 6);
    const r = runner(projection, { maxAttempts: 3 });
    assert.equal(await r.catchUp(), 6);
    assert.equal(await total(projection.name), 5);
    assert.equal(attempts, 1 + 3, 'one failed batch, then three attempts alone');
    const parked = await db.system.query('SELECT event_type, attempts, error FROM projection_parked WHERE projection = $1', [projection.name]);
    assert.deepEqual(parked.rows, [{ event_type: type, attempts: 3, error: 'Error: poisoned event' }]);
    const [status] = await projectionStatus(db.system.pool, [projection]);
    assert.equal(status!.parked, 1);
    assert.equal(status!.lagEvents, 0);
    await r.stop();
  });

  it('rebuilds from zero without applying anything twice; a new version rebuilds by itself', async () => {
    const type = `d${randomUUID().slice(0, 8)}.tick`;
    const projection = counter(`p_${randomUUID().slice(0, 8)}`, type);
    await append(type, 8);
    const r = runner(projection);
    await r.start();
    await eventually(async () => (await total(projection.name)) === 8);
    await rebuildProjection(db.system, projection);
    await append(type, 2);
    await eventually(async () => (await total(projection.name)) === 10);
    await r.stop();

    const bumped = { ...projection, version: 2 };
    await db.system.query(`UPDATE counted SET n = n + 100 WHERE projection = $1`, [projection.name]);
    const next = runner(bumped);
    await next.catchUp();
    assert.equal(await total(projection.name), 10);
    const [status] = await projectionStatus(db.system.pool, [bumped]);
    assert.equal(status!.storedVersion, 2);
    await next.stop();
  });

  it('reports lag, parked events and the oldest writer as Prometheus gauges', async () => {
    const type = `e${randomUUID().slice(0, 8)}.tick`;
    const projection = counter(`p_${randomUUID().slice(0, 8)}`, type);
    await append(type, 4);
    const metrics = createMetrics({ defaultMetrics: false });
    registerProjectionMetrics({ metrics, db: db.system, projections: () => [projection] });
    const before = await metrics.registry.metrics();
    assert.match(before, new RegExp(`acci_projection_lag_events\\{projection="${projection.name}"\\} 4`));
    assert.match(before, /acci_eventstore_oldest_writer_seconds \d/);
    const lagSeconds = new RegExp(`acci_projection_lag_seconds\\{projection="${projection.name}"\\} ([0-9.e-]+)`).exec(before);
    assert.ok(lagSeconds && Number(lagSeconds[1]) >= 0);
    const r = runner(projection);
    await r.catchUp();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const after = await metrics.registry.metrics();
    assert.match(after, new RegExp(`acci_projection_lag_events\\{projection="${projection.name}"\\} 0`));
    assert.match(after, new RegExp(`acci_projection_parked_events\\{projection="${projection.name}"\\} 0`));
    const [status] = await projectionStatus(db.system.pool, [projection]);
    assert.equal(status!.active, true, 'the runner still holds its lock');
    await r.stop();
    const [stopped] = await projectionStatus(db.system.pool, [projection]);
    assert.equal(stopped!.active, false);
  });
});
