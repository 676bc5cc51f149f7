import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createDatabase } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import { createEventStore, type EventStore, type NewEvent, type PostgresEventStore } from '../eventstore/index.ts';
import { handleCommand, loadAggregate } from './handle-command.ts';
import { createSnapshotStore, type SnapshotStore } from './snapshots.ts';
import { streamsInTurn } from './stream-queue.ts';
import { counterDecider } from '../../../test/support/counter-decider.ts';
import type { Decider } from './decider.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let snapshots: SnapshotStore;
const tenant = randomUUID();
const otherTenant = randomUUID();
const context = () => ({ correlationId: randomUUID(), userId: randomUUID() });
const increment = { type: 'increment', by: 1 } as const;
const stream = () => `counter-${randomUUID()}`;

/** The real store, counting what its reads return: proves how many events a load touched. */
function counting(inner: EventStore) {
  const counter = { eventsRead: 0, reads: 0 };
  const wrapped: EventStore = {
    ...inner,
    async readStream(streamId, options) {
      const events = await inner.readStream(streamId, options);
      counter.reads++;
      counter.eventsRead += events.length;
      return events;
    },
  };
  return { store: wrapped, counter };
}

before(async () => {
  db = await createTestDatabase();
  store = createEventStore({ db: db.app });
  snapshots = createSnapshotStore(db.app);
});
after(() => db.drop());

describe('handleCommand', () => {
  it('loads, decides, appends with the expected version and returns events, version and state', async () => {
    const streamId = stream();
    const first = await handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: { type: 'increment', by: 3 }, context: context() });
    assert.deepEqual(first.events, [{ type: 'counter.incremented', data: { by: 3 } }]);
    assert.equal(first.version, 1);
    assert.equal(first.previousVersion, 0);
    assert.deepEqual(first.state, { status: 'counting', count: 3 });
    assert.equal(first.attempts, 1);
    const second = await handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: { type: 'close' }, context: context() });
    assert.equal(second.version, 2);
    assert.deepEqual(second.state, { status: 'closed', count: 3 });
    const recorded = await store.readStream(streamId, { tenantId: tenant });
    assert.deepEqual(recorded.map((e) => [e.type, e.metadata.streamVersion, e.metadata.tenantId]), [
      ['counter.incremented', 1, tenant], ['counter.closed', 2, tenant],
    ]);
  });

  it('passes domain errors through without retrying and appends nothing when decide returns no events', async () => {
    const streamId = stream();
    const nothing = await handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: { type: 'close' }, context: context() });
    assert.deepEqual(nothing.events, []);
    assert.equal(nothing.version, 0);
    assert.equal(await store.streamVersion(streamId, { tenantId: tenant }), 0);
    await handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: increment, context: context() });
    await handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: { type: 'close' }, context: context() });
    await assert.rejects(
      handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: increment, context: context() }),
      (error: AppError) => error.code === 'counter.closed' && error.params.total === 1,
    );
  });

  it('writes the schema version of each event type from the decider', async () => {
    const streamId = stream();
    const versioned: typeof counterDecider = { ...counterDecider, eventSchemaVersions: { 'counter.incremented': 2 } };
    await handleCommand({ store, decider: versioned, streamId, tenantId: tenant, command: increment, context: context() });
    const { rows } = await db.system.query('SELECT schema_version FROM events WHERE stream_id = $1', [streamId]);
    assert.equal(rows[0]?.schema_version, 2);
  });

  for (const mode of ['store transaction', 'own transaction per attempt', 'caller transaction'] as const) {
    it(`16 concurrent increments on one stream all succeed through retries (${mode})`, async () => {
      const streamId = stream();
      const run = () => {
        // takeTurns: false races like 16 separate server processes would.
        const base = { store, decider: counterDecider, streamId, tenantId: tenant, command: increment, context: context(), takeTurns: false };
        if (mode === 'store transaction') return handleCommand(base);
        if (mode === 'own transaction per attempt') return handleCommand({ ...base, db: db.app });
        return db.app.transaction((tx) => handleCommand({ ...base, tx }), { tenantId: tenant });
      };
      const outcomes = await Promise.all(Array.from({ length: 16 }, run));
      assert.deepEqual(outcomes.map((o) => o.version).sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i + 1));
      assert.ok(outcomes.some((o) => o.attempts > 1), 'some commands had to retry');
      const loaded = await loadAggregate({ store, decider: counterDecider, streamId, tenantId: tenant });
      assert.equal(loaded.version, 16);
      assert.deepEqual(loaded.state, { status: 'counting', count: 16 });
    });
  }

  it('within one process, commands on one stream take turns instead of conflicting', async () => {
    const streamId = stream();
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: increment, context: context(), ...(i % 2 ? { db: db.app } : {}) })));
    assert.deepEqual(outcomes.map((o) => o.attempts), Array.from({ length: 16 }, () => 1));
    assert.deepEqual(outcomes.map((o) => o.version), Array.from({ length: 16 }, (_, i) => i + 1), 'in arrival order');
    assert.equal(streamsInTurn(), 0);
  });

  it('gives up after maxRetries with concurrency.version_conflict', async () => {
    const streamId = stream();
    await handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: increment, context: context() });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () =>
      handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: increment, context: context(), maxRetries: 0, db: db.app, takeTurns: false })));
    const failed = results.filter((r) => r.status === 'rejected');
    assert.ok(failed.length > 0, 'without retries some concurrent commands conflict');
    for (const r of failed) assert.equal((r.reason as AppError).code, 'concurrency.version_conflict');
    const succeeded = results.length - failed.length;
    assert.equal(await store.streamVersion(streamId, { tenantId: tenant }), 1 + succeeded);
  });

  it('keeps the caller transaction usable after a retried conflict and commits everything together', async () => {
    await db.system.query(`CREATE TABLE test_claims (tenant_id uuid NOT NULL, name text NOT NULL, PRIMARY KEY (tenant_id, name))`);
    await db.system.query('GRANT SELECT, INSERT ON test_claims TO acci_app');
    const claim = (name: string) => async (_outcome: unknown, tx: { query: (text: string, values: unknown[]) => Promise<unknown> }) => {
      await tx.query('INSERT INTO test_claims (tenant_id, name) VALUES ($1, $2)', [tenant, name]);
    };
    const streamId = stream();
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((name) =>
      db.app.transaction((tx) => handleCommand({ store, decider: counterDecider, streamId, tenantId: tenant, command: increment, context: context(), tx, inTransaction: claim(name), maxRetries: 10 }), { tenantId: tenant })));
    assert.equal(Math.max(...outcomes.map((o) => o.version)), 4);
    const claims = await db.system.query('SELECT name FROM test_claims WHERE tenant_id = $1 ORDER BY name', [tenant]);
    assert.deepEqual(claims.rows.map((r) => r.name), ['a', 'b', 'c', 'd']);

    const taken = stream();
    await assert.rejects(
      handleCommand({ store, decider: counterDecider, streamId: taken, tenantId: tenant, command: increment, context: context(), db: db.app, inTransaction: claim('a') }),
      { code: '23505' },
    );
    assert.equal(await store.streamVersion(taken, { tenantId: tenant }), 0, 'a failed claim rolls the events back');
    await assert.rejects(handleCommand({ store, decider: counterDecider, streamId: taken, tenantId: tenant, command: increment, context: context(), inTransaction: claim('z') }), /needs tx or db/);
  });
});

describe('snapshots', () => {
  const snapshotted: Decider<typeof increment | { type: 'close' }, Parameters<typeof counterDecider.evolve>[1], ReturnType<typeof counterDecider.initialState>> =
    { ...counterDecider, snapshot: { name: 'counter', every: 100, schemaVersion: 1 } };
  const bulk = (n: number): NewEvent[] => Array.from({ length: n }, () => ({ type: 'counter.incremented', data: { by: 1 } }));

  it('a 1,000-event stream loads from its snapshot plus only the newer events', async () => {
    const streamId = stream();
    await store.append(streamId, bulk(999), { expectedVersion: 'no_stream', context: { tenantId: tenant, ...context() } });
    const cold = counting(store);
    const thousandth = await handleCommand({ store: cold.store, decider: snapshotted, streamId, tenantId: tenant, command: increment, context: context(), snapshots });
    assert.equal(thousandth.version, 1000);
    assert.equal(thousandth.eventsRead, 999);
    assert.equal(cold.counter.eventsRead, 999, 'without a snapshot every event is read');

    const warm = counting(store);
    const loaded = await loadAggregate({ store: warm.store, decider: snapshotted, streamId, tenantId: tenant, snapshots });
    assert.deepEqual(loaded, { state: { status: 'counting', count: 1000 }, version: 1000, snapshotVersion: 1000, eventsRead: 0 });
    assert.equal(warm.counter.eventsRead, 0);

    for (let i = 0; i < 5; i++) await handleCommand({ store, decider: snapshotted, streamId, tenantId: tenant, command: increment, context: context(), snapshots });
    const later = counting(store);
    const after5 = await loadAggregate({ store: later.store, decider: snapshotted, streamId, tenantId: tenant, snapshots });
    assert.equal(after5.version, 1005);
    assert.equal(after5.snapshotVersion, 1000);
    assert.equal(later.counter.eventsRead, 5, 'only the 5 events newer than the snapshot are read');
    assert.deepEqual(after5.state, { status: 'counting', count: 1005 });
    assert.deepEqual(after5.state, (await loadAggregate({ store, decider: counterDecider, streamId, tenantId: tenant })).state, 'same state as a full fold');
  });

  it('takes a new snapshot every N events', async () => {
    const streamId = stream();
    const small = { ...snapshotted, snapshot: { name: 'counter', every: 3, schemaVersion: 1 } };
    const versions: number[] = [];
    for (let i = 0; i < 7; i++) {
      await handleCommand({ store, decider: small, streamId, tenantId: tenant, command: increment, context: context(), snapshots });
      const { rows } = await db.system.query('SELECT version FROM snapshots WHERE stream_id = $1', [streamId]);
      versions.push(Number(rows[0]?.version ?? 0));
    }
    assert.deepEqual(versions, [0, 0, 3, 3, 3, 6, 6]);
  });

  it('ignores a snapshot of another schema version (changed state shape) and replaces it', async () => {
    const streamId = stream();
    await store.append(streamId, bulk(150), { expectedVersion: 'no_stream', context: { tenantId: tenant, ...context() } });
    await handleCommand({ store, decider: snapshotted, streamId, tenantId: tenant, command: increment, context: context(), snapshots });
    type Shape2 = { total: number };
    const reshaped: Decider<typeof increment, Parameters<typeof counterDecider.evolve>[1], Shape2> = {
      initialState: () => ({ total: 0 }),
      decide: counterDecider.decide as unknown as Decider<typeof increment, Parameters<typeof counterDecider.evolve>[1], Shape2>['decide'],
      evolve: (state, event) => (event.type === 'counter.incremented' ? { total: state.total + event.data.by } : state),
      snapshot: { name: 'counter', every: 100, schemaVersion: 2 },
    };
    const read = counting(store);
    const loaded = await loadAggregate({ store: read.store, decider: reshaped, streamId, tenantId: tenant, snapshots });
    assert.equal(loaded.snapshotVersion, 0);
    assert.equal(read.counter.eventsRead, 151);
    assert.deepEqual(loaded.state, { total: 151 });
    await handleCommand({ store, decider: { ...reshaped, decide: () => [{ type: 'counter.incremented' as const, data: { by: 1 } }] }, streamId, tenantId: tenant, command: increment, context: context(), snapshots });
    const { rows } = await db.system.query('SELECT schema_version, version, state FROM snapshots WHERE stream_id = $1', [streamId]);
    assert.deepEqual(rows.map((r) => [r.schema_version, Number(r.version), r.state]), [[2, 152, { total: 152 }]]);
  });

  it('without a transaction, an unreachable snapshot store means a full fold, never a failed command', async () => {
    const unreachable = createDatabase({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      const streamId = stream();
      const small = { ...snapshotted, snapshot: { name: 'counter', every: 1, schemaVersion: 1 } };
      const outcome = await handleCommand({ store, decider: small, streamId, tenantId: tenant, command: increment, context: context(), snapshots: createSnapshotStore(unreachable), takeTurns: false });
      assert.equal(outcome.version, 1);
      assert.equal(await store.streamVersion(streamId, { tenantId: tenant }), 1);
      const loaded = await loadAggregate({ store, decider: small, streamId, tenantId: tenant, snapshots: createSnapshotStore(unreachable) });
      assert.deepEqual([loaded.version, loaded.snapshotVersion, loaded.eventsRead], [1, 0, 1]);
    } finally {
      await unreachable.close();
    }
  });

  it('a snapshot written in a rolled-back caller transaction disappears with its events', async () => {
    const streamId = stream();
    const small = { ...snapshotted, snapshot: { name: 'counter', every: 1, schemaVersion: 1 } };
    await assert.rejects(db.app.transaction(async (tx) => {
      await handleCommand({ store, decider: small, streamId, tenantId: tenant, command: increment, context: context(), snapshots, tx });
      throw new Error('caller fails later');
    }, { tenantId: tenant }), /caller fails later/);
    assert.equal((await db.system.query('SELECT 1 FROM snapshots WHERE stream_id = $1', [streamId])).rowCount, 0);
    assert.equal(await store.streamVersion(streamId, { tenantId: tenant }), 0);
  });

  it('snapshots are tenant-scoped by row-level security', async () => {
    const streamId = stream();
    const small = { ...snapshotted, snapshot: { name: 'counter', every: 1, schemaVersion: 1 } };
    await handleCommand({ store, decider: small, streamId, tenantId: tenant, command: increment, context: context(), snapshots });
    const policy = small.snapshot;
    assert.ok(await snapshots.load({ tenantId: tenant, streamId, policy }));
    assert.equal((await db.app.transaction((tx) => tx.query('SELECT * FROM snapshots WHERE stream_id = $1', [streamId]), { tenantId: otherTenant })).rowCount, 0);
    assert.equal((await db.app.query('SELECT * FROM snapshots')).rowCount, 0, 'no tenant set: nothing visible');
    await assert.rejects(db.app.transaction((tx) =>
      tx.query(`INSERT INTO snapshots (tenant_id, stream_id, name, schema_version, version, state) VALUES ($1, 's', 'n', 1, 1, '{}')`, [tenant]), { tenantId: otherTenant }),
    /row-level security/);
  });
});
