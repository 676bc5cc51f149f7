import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { AppError } from '../errors/index.ts';
import { defineProjection } from '../projections/types.ts';
import { createEventStore, type PostgresEventStore } from './postgres.ts';
import { EVENTS_CHANNEL, notifiedTypes } from './notifier.ts';
import { START, type Checkpoint, type NewEvent, type RecordedEvent, type Transaction } from './types.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let system: PostgresEventStore;
const tenantA = randomUUID();
const tenantB = randomUUID();
const ctx = (tenantId: string = tenantA) => ({ tenantId, correlationId: randomUUID() });
const ev = (type: string, data: unknown = {}): NewEvent => ({ type, data });

before(async () => {
  db = await createTestDatabase();
  store = createEventStore({ db: db.app });
  system = createEventStore({ db: db.system });
});
after(() => db.drop());

const codeOf = (error: unknown) => (error instanceof AppError ? error.code : String(error));

async function readEverything(reader: PostgresEventStore, after: Checkpoint = START, options: { typePrefixes?: string[]; tenantId?: string; types?: string[] } = {}) {
  const seen: RecordedEvent[] = [];
  let checkpoint = after;
  for (;;) {
    const batch = await reader.readAll({ ...options, after: checkpoint, limit: 7 });
    if (batch.length === 0) return { seen, checkpoint };
    seen.push(...batch);
    const last = batch.at(-1)!.metadata;
    checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
  }
}

/** Reads until `count` events arrived: other transactions in the cluster may hold the snapshot back for a while. */
async function readUntil(reader: PostgresEventStore, count: number, after: Checkpoint = START, options: { typePrefixes?: string[]; tenantId?: string; types?: string[] } = {}) {
  const deadline = Date.now() + 15_000;
  let result = await readEverything(reader, after, options);
  let seen = result.seen;
  while (seen.length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    result = await readEverything(reader, result.checkpoint, options);
    seen = [...seen, ...result.seen];
  }
  return { seen, checkpoint: result.checkpoint };
}

describe('append and readStream', () => {
  it('appends atomically with gapless versions and SPEC §3 metadata', async () => {
    const stream = `order-${randomUUID()}`;
    const context = { tenantId: tenantA, correlationId: randomUUID(), causationId: randomUUID(), userId: randomUUID() };
    const first = await store.append(stream, [ev('order.placed', { n: 1 }), ev('order.paid', { n: 2 })], { expectedVersion: 'no_stream', context });
    assert.equal(first.nextExpectedVersion, 2);
    assert.equal(first.globalPositions.length, 2);
    const second = await store.append(stream, [ev('order.shipped')], { expectedVersion: 2, context });
    assert.equal(second.nextExpectedVersion, 3);
    const events = await store.readStream(stream, { tenantId: tenantA });
    assert.deepEqual(events.map((e) => [e.type, e.metadata.streamVersion]), [['order.placed', 1], ['order.paid', 2], ['order.shipped', 3]]);
    const m = events[0]!.metadata;
    assert.equal(m.tenantId, tenantA);
    assert.equal(m.correlationId, context.correlationId);
    assert.equal(m.causationId, context.causationId);
    assert.equal(m.userId, context.userId);
    assert.equal(m.eventVersion, 1);
    assert.equal(m.globalPosition, first.globalPositions[0]);
    assert.equal(m.transactionId, first.transactionId);
    assert.ok(!Number.isNaN(Date.parse(m.timestamp)));
    assert.deepEqual(events[1]!.data, { n: 2 });
    assert.deepEqual((await store.readStream(stream, { tenantId: tenantA, fromVersion: 2, limit: 1 })).map((e) => e.metadata.streamVersion), [2]);
    assert.equal(await store.streamVersion(stream, { tenantId: tenantA }), 3);
    assert.equal(await store.streamVersion(`missing-${randomUUID()}`, { tenantId: tenantA }), 0);
  });

  it('enforces no_stream, stream_exists and exact versions', async () => {
    const stream = `s-${randomUUID()}`;
    await assert.rejects(store.append(stream, [ev('x.a')], { expectedVersion: 'stream_exists', context: ctx() }), (e) => codeOf(e) === 'concurrency.version_conflict');
    await assert.rejects(store.append(stream, [ev('x.a')], { expectedVersion: 3, context: ctx() }), (e) => codeOf(e) === 'concurrency.version_conflict');
    await store.append(stream, [ev('x.a')], { expectedVersion: 'no_stream', context: ctx() });
    await assert.rejects(store.append(stream, [ev('x.b')], { expectedVersion: 'no_stream', context: ctx() }), (e) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'concurrency.version_conflict');
      assert.equal(e.status, 409);
      assert.deepEqual(e.params, { streamId: stream, expected: 'no_stream', actual: '1' });
      return true;
    });
    await assert.rejects(store.append(stream, [ev('x.b')], { expectedVersion: 0, context: ctx() }), (e) => codeOf(e) === 'concurrency.version_conflict');
    await store.append(stream, [ev('x.b')], { expectedVersion: 'stream_exists', context: ctx() });
    await store.append(stream, [ev('x.c')], { expectedVersion: 'any', context: ctx() });
    assert.equal(await store.streamVersion(stream, { tenantId: tenantA }), 3);
    // The same stream id in another tenant is another stream.
    await store.append(stream, [ev('x.a')], { expectedVersion: 'no_stream', context: ctx(tenantB) });
  });

  it('16 concurrent no_stream appends to one stream: exactly one wins', async () => {
    const stream = `race-${randomUUID()}`;
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) =>
      store.append(stream, [ev('race.won', { i })], { expectedVersion: 'no_stream', context: ctx() })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal(codeOf(r.reason), 'concurrency.version_conflict');
    assert.equal((await store.readStream(stream, { tenantId: tenantA })).length, 1);
  });

  it('16 writers at the same expected version: exactly one wins', async () => {
    const stream = `race-${randomUUID()}`;
    await store.append(stream, [ev('race.started'), ev('race.started')], { expectedVersion: 'no_stream', context: ctx() });
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) =>
      store.append(stream, [ev('race.won', { i }), ev('race.won', { i })], { expectedVersion: 2, context: ctx() })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal(codeOf(r.reason), 'concurrency.version_conflict');
    assert.deepEqual((await store.readStream(stream, { tenantId: tenantA })).map((e) => e.metadata.streamVersion), [1, 2, 3, 4]);
  });

  it('keeps versions gapless under concurrent `any` appends', async () => {
    const stream = `busy-${randomUUID()}`;
    await Promise.all(Array.from({ length: 16 }, (_, i) =>
      store.append(stream, Array.from({ length: 1 + (i % 3) }, () => ev('busy.tick', { i })), { expectedVersion: 'any', context: ctx() })));
    const versions = (await store.readStream(stream, { tenantId: tenantA })).map((e) => e.metadata.streamVersion);
    const total = Array.from({ length: 16 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);
    assert.deepEqual(versions, Array.from({ length: total }, (_, i) => i + 1));
    // Each append's events are contiguous.
    const events = await store.readStream(stream, { tenantId: tenantA });
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1]!, events[i]!];
      if (a.metadata.transactionId === b.metadata.transactionId) assert.deepEqual(a.data, b.data);
    }
  });

  it('rejects a duplicate event id with a stable code and appends nothing of that batch', async () => {
    const stream = `dup-${randomUUID()}`;
    const eventId = randomUUID();
    await store.append(stream, [{ type: 'dup.first', data: {}, eventId }], { expectedVersion: 'no_stream', context: ctx() });
    await assert.rejects(
      store.append(stream, [ev('dup.other'), { type: 'dup.again', data: {}, eventId }], { expectedVersion: 1, context: ctx() }),
      (e) => codeOf(e) === 'eventstore.duplicate_event' && (e as AppError).status === 409 && String((e as AppError).params.eventId).includes(eventId),
    );
    assert.equal(await store.streamVersion(stream, { tenantId: tenantA }), 1);
    await assert.rejects(store.append(`dup-${randomUUID()}`, [{ type: 'dup.elsewhere', data: {}, eventId }], { expectedVersion: 'any', context: ctx() }),
      (e) => codeOf(e) === 'eventstore.duplicate_event');
  });

  it('appends inside a caller transaction: rolled back together, committed together', async () => {
    const stream = `tx-${randomUUID()}`;
    await assert.rejects(db.app.transaction(async (tx) => {
      await store.append(stream, [ev('tx.one')], { expectedVersion: 'no_stream', context: ctx(), tx });
      throw new Error('abort');
    }, { tenantId: tenantA }), /abort/);
    assert.equal(await store.streamVersion(stream, { tenantId: tenantA }), 0);
    await db.app.transaction(async (tx) => {
      await store.append(stream, [ev('tx.one')], { expectedVersion: 'no_stream', context: ctx(), tx });
      await store.append(stream, [ev('tx.two')], { expectedVersion: 1, context: ctx(), tx });
      assert.equal((await store.readStream(stream, { tenantId: tenantA, tx })).length, 2);
    }, { tenantId: tenantA });
    assert.equal(await store.streamVersion(stream, { tenantId: tenantA }), 2);
    await assert.rejects(db.app.transaction((tx) => store.append(stream, [ev('tx.x')], { expectedVersion: 'any', context: ctx(tenantB), tx }), { tenantId: tenantA }));
  });

  it('refuses empty appends and malformed tenants', async () => {
    await assert.rejects(store.append('x', [], { expectedVersion: 'any', context: ctx() }), (e) => codeOf(e) === 'eventstore.invalid_append');
    await assert.rejects(store.append('x', [ev('a')], { expectedVersion: 'any', context: ctx('nope') }), (e) => codeOf(e) === 'eventstore.invalid_append');
    await assert.rejects(store.append('x', [ev('a')], { expectedVersion: -5, context: ctx() }), (e) => codeOf(e) === 'eventstore.invalid_append');
  });
});

describe('tenant isolation', () => {
  it('a tenant-scoped reader sees only its tenant; the runtime role cannot change events', async () => {
    const stream = `iso-${randomUUID()}`;
    const t1 = randomUUID();
    const t2 = randomUUID();
    await store.append(stream, [ev('iso.one', { t: 1 })], { expectedVersion: 'no_stream', context: ctx(t1) });
    await store.append(stream, [ev('iso.one', { t: 2 })], { expectedVersion: 'no_stream', context: ctx(t2) });
    const mine = (await readUntil(store, 1, START, { tenantId: t1 })).seen;
    assert.ok(mine.length >= 1 && mine.every((e) => e.metadata.tenantId === t1));
    assert.deepEqual((await store.readStream(stream, { tenantId: t2 })).map((e) => e.data), [{ t: 2 }]);
    const raw = await db.app.transaction((tx) => tx.query('SELECT DISTINCT tenant_id FROM events'), { tenantId: t1 });
    assert.deepEqual(raw.rows.map((r) => r.tenant_id), [t1]);
    assert.equal((await db.app.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]?.n, 0, 'no tenant set: nothing visible');
    assert.equal((await store.readAll({ limit: 10 })).length, 0);
    for (const statement of ['UPDATE events SET data = \'{}\'', 'DELETE FROM events', 'TRUNCATE events']) {
      await assert.rejects(db.app.transaction((tx) => tx.query(statement), { tenantId: t1 }), /permission denied/);
    }
    await assert.rejects(db.app.transaction((tx) => tx.query(
      `INSERT INTO events (tenant_id, stream_id, stream_version, event_id, event_type, data, correlation_id) VALUES ($1, 'x', 1, gen_random_uuid(), 'x', '{}', 'c')`, [t2]), { tenantId: t1 }),
    /row-level security/);
    const all = (await readUntil(system, 2, START, { types: ['iso.one'] })).seen;
    assert.ok(all.some((e) => e.metadata.tenantId === t1) && all.some((e) => e.metadata.tenantId === t2));
  });
});

describe('readAll', () => {
  it('filters by tenant and type prefixes in commit order, in bounded batches', async () => {
    const t = randomUUID();
    const stream = `f-${randomUUID()}`;
    await system.append(stream, [ev('user.registered'), ev('tenant.created'), ev('user_x.other'), ev('user.deactivated')], { expectedVersion: 'no_stream', context: ctx(t) });
    const { seen } = await readUntil(system, 2, START, { tenantId: t, typePrefixes: ['user.'] });
    assert.deepEqual(seen.map((e) => e.type), ['user.registered', 'user.deactivated']);
    const exact = (await readUntil(system, 1, START, { tenantId: t, types: ['tenant.created'] })).seen;
    assert.deepEqual(exact.map((e) => e.type), ['tenant.created']);
    const bounded = await system.readAll({ tenantId: t, limit: 2 });
    assert.equal(bounded.length, 2);
  });

  it('never skips an event committed late by a transaction that started earlier', async () => {
    const t = randomUUID();
    const { checkpoint: start } = await readEverything(system);
    const client = await db.app.pool.connect();
    try {
      await client.query(`BEGIN; SET LOCAL app.tenant_id = '${t}'`);
      const slow = await store.append(`slow-${randomUUID()}`, [ev('late.slow')], { expectedVersion: 'no_stream', context: ctx(t), tx: client });
      const fast = await store.append(`fast-${randomUUID()}`, [ev('late.fast')], { expectedVersion: 'no_stream', context: ctx(t) });
      assert.ok(BigInt(slow.globalPositions[0]!) < BigInt(fast.globalPositions[0]!), 'the slow writer took the lower position');

      const during = await readEverything(system, start, { tenantId: t });
      assert.deepEqual(during.seen.map((e) => e.type), [], 'nothing at or after the open writer is delivered yet');

      await client.query('COMMIT');
      const later = await readUntil(system, 2, during.checkpoint, { tenantId: t });
      assert.deepEqual(later.seen.map((e) => e.type), ['late.slow', 'late.fast']);
      const again = await readEverything(system, later.checkpoint, { tenantId: t });
      assert.equal(again.seen.length, 0, 'delivered exactly once');
    } finally {
      client.release();
    }
  });

  it('applies upcasters on every read path', async () => {
    const upcasting = createEventStore({
      db: db.system,
      upcasters: [
        { eventType: 'shape.drawn', fromVersion: 1, upcast: (d) => ({ ...(d as object), colour: 'black' }) },
        { eventType: 'shape.drawn', fromVersion: 2, upcast: (d) => ({ ...(d as object), width: 1 }) },
      ],
    });
    const t = randomUUID();
    const stream = `shape-${randomUUID()}`;
    await upcasting.append(stream, [{ type: 'shape.drawn', data: { kind: 'circle' } }, { type: 'shape.drawn', data: { kind: 'square', colour: 'red', width: 3 }, schemaVersion: 3 }], { expectedVersion: 'any', context: ctx(t) });
    const fromStream = await upcasting.readStream(stream, { tenantId: t });
    const fromAll = (await readUntil(upcasting, 2, START, { tenantId: t })).seen;
    for (const events of [fromStream, fromAll]) {
      assert.deepEqual(events.map((e) => e.data), [{ kind: 'circle', colour: 'black', width: 1 }, { kind: 'square', colour: 'red', width: 3 }]);
      assert.deepEqual(events.map((e) => e.metadata.eventVersion), [3, 3]);
    }
  });
});

describe('commit order', () => {
  it('orders by (transaction id, position) numerically, across digit boundaries', async () => {
    const t = randomUUID();
    const stream = `digits-${randomUUID()}`;
    for (let i = 0; i < 3; i++) {
      await system.append(stream, Array.from({ length: 11 }, (_, j) => ev('digits.n', { n: i * 11 + j })), { expectedVersion: 'any', context: ctx(t) });
    }
    const { seen } = await readUntil(system, 33, START, { tenantId: t });
    assert.deepEqual(seen.map((e) => e.metadata.streamVersion), Array.from({ length: 33 }, (_, i) => i + 1));
  });
});

describe('inline projections', () => {
  it('run in the append transaction: committed together, rolled back together, a failure refuses the append', async () => {
    await db.system.query('CREATE TABLE inline_counts (tenant_id uuid PRIMARY KEY, n int NOT NULL)');
    const inline = defineProjection({
      name: 'inline_counts',
      version: 1,
      handlers: {
        'inline.counted': async (event, tx) => {
          if ((event.data as { fail?: boolean }).fail) throw new Error('inline handler failed');
          await tx.query(`INSERT INTO inline_counts VALUES ($1, 1) ON CONFLICT (tenant_id) DO UPDATE SET n = inline_counts.n + 1`, [event.metadata.tenantId]);
        },
      },
      reset: async (tx) => { await tx.query('DELETE FROM inline_counts'); },
    });
    const inlineStore = createEventStore({ db: db.app, inlineProjections: [inline] });
    const t = randomUUID();
    const n = async () => (await db.system.query<{ n: number }>('SELECT n FROM inline_counts WHERE tenant_id = $1', [t])).rows[0]?.n ?? 0;
    const stream = `inline-${randomUUID()}`;
    await inlineStore.append(stream, [ev('inline.counted'), ev('inline.other'), ev('inline.counted')], { expectedVersion: 'no_stream', context: ctx(t) });
    assert.equal(await n(), 2);
    await assert.rejects(db.app.transaction(async (tx) => {
      await inlineStore.append(stream, [ev('inline.counted')], { expectedVersion: 3, context: ctx(t), tx });
      throw new Error('caller aborts');
    }, { tenantId: t }), /caller aborts/);
    await assert.rejects(inlineStore.append(stream, [ev('inline.counted', { fail: true })], { expectedVersion: 3, context: ctx(t) }), /inline handler failed/);
    assert.equal(await n(), 2);
    assert.equal(await inlineStore.streamVersion(stream, { tenantId: t }), 3);
  });

  it('hands inline projections the same metadata every read path returns, for single and batch appends', async () => {
    const applied: RecordedEvent[] = [];
    const capture = defineProjection({
      name: 'inline_capture',
      version: 1,
      handlers: { 'inline.seen': async (event) => { applied.push(event); } },
      reset: async () => undefined,
    });
    const inlineStore = createEventStore({ db: db.app, inlineProjections: [capture] });
    const stream = `inline-meta-${randomUUID()}`;
    const context = { tenantId: tenantA, correlationId: randomUUID(), causationId: randomUUID(), userId: randomUUID() };
    await inlineStore.append(stream, [ev('inline.seen', { n: 1 })], { expectedVersion: 'no_stream', context });
    await inlineStore.append(stream, [ev('inline.seen', { n: 2 }), ev('inline.seen', { n: 3 })], { expectedVersion: 1, context });
    const stored = await store.readStream(stream, { tenantId: tenantA });
    assert.equal(stored.length, 3);
    assert.deepEqual(applied, stored);
  });
});

describe('pipelined appends (db.pipelined)', () => {
  it('append and inline projection in one write: the projection gets the timestamp stored with the event and the version the stream gets', async () => {
    await db.system.query('CREATE TABLE IF NOT EXISTS inline_stamps (stream_id text, version int, at text, PRIMARY KEY (stream_id, version))');
    const stamps = defineProjection({
      name: 'inline_stamps',
      version: 1,
      handlers: {
        'stamp.made': (event, tx) => tx.query('INSERT INTO inline_stamps VALUES ($1, $2, $3)', [event.metadata.streamId, event.metadata.streamVersion, event.metadata.timestamp]).then(() => undefined),
      },
      reset: async () => undefined,
    });
    const inlineStore = createEventStore({ db: db.app, inlineProjections: [stamps] });
    const stream = `pipelined-${randomUUID()}`;
    const first = await db.app.pipelined((tx) => inlineStore.append(stream, [ev('stamp.made'), ev('stamp.made')], { expectedVersion: 'no_stream', context: ctx(), tx, pipelined: true }), { tenantId: tenantA });
    const second = await db.app.pipelined((tx) => inlineStore.append(stream, [ev('stamp.made')], { expectedVersion: 2, context: ctx(), tx, pipelined: true }), { tenantId: tenantA });
    assert.equal(first.nextExpectedVersion, 2);
    assert.equal(second.nextExpectedVersion, 3);
    assert.equal(first.globalPositions.length, 2);
    const stored = await store.readStream(stream, { tenantId: tenantA });
    const projected = await db.system.query<{ version: number; at: string }>('SELECT version, at FROM inline_stamps WHERE stream_id = $1 ORDER BY version', [stream]);
    assert.deepEqual(projected.rows, stored.map((e) => ({ version: e.metadata.streamVersion, at: e.metadata.timestamp })));
    assert.deepEqual(stored.map((e) => e.metadata.globalPosition), [...first.globalPositions, ...second.globalPositions]);
  });

  it('a version conflict refuses the append and rolls back the projection; positions are off limits to pipelined handlers', async () => {
    const seen: string[] = [];
    const positional = defineProjection({
      name: 'inline_positional',
      version: 1,
      handlers: { 'pos.read': async (event) => { seen.push(event.metadata.globalPosition); } },
      reset: async () => undefined,
    });
    const inlineStore = createEventStore({ db: db.app, inlineProjections: [positional] });
    const stream = `pipelined-conflict-${randomUUID()}`;
    await store.append(stream, [ev('x.y')], { expectedVersion: 'no_stream', context: ctx() });
    await assert.rejects(db.app.pipelined((tx) => store.append(stream, [ev('x.y')], { expectedVersion: 'no_stream', context: ctx(), tx, pipelined: true }), { tenantId: tenantA }),
      (error) => codeOf(error) === 'concurrency.version_conflict');
    const positionalStream = `p-${randomUUID()}`;
    await assert.rejects(db.app.pipelined((tx) => inlineStore.append(positionalStream, [ev('pos.read')], { expectedVersion: 'no_stream', context: ctx(), tx, pipelined: true }), { tenantId: tenantA }),
      /globalPosition of pos.read is not known during a pipelined append/);
    await assert.rejects(db.app.pipelined((tx) => store.append(stream, [ev('x.y')], { expectedVersion: 'any', context: ctx(), tx, pipelined: true }), { tenantId: tenantA }),
      (error) => codeOf(error) === 'eventstore.invalid_append');
    assert.equal(await store.streamVersion(stream, { tenantId: tenantA }), 1);
    assert.equal(await store.streamVersion(positionalStream, { tenantId: tenantA }), 0, 'the refused projection rolled the append back');
    assert.deepEqual(seen, []);
  });

  it('an exact expected version the stream has not reached fails the transaction instead of committing the other writes', async () => {
    await db.system.query('CREATE TABLE IF NOT EXISTS pipelined_side (id text PRIMARY KEY)');
    const stream = `pipelined-exact-${randomUUID()}`;
    await store.append(stream, [ev('x.y')], { expectedVersion: 'no_stream', context: ctx() });
    await assert.rejects(db.app.pipelined((tx) => Promise.all([
      tx.query('INSERT INTO pipelined_side VALUES ($1)', [stream]),
      store.append(stream, [ev('x.y')], { expectedVersion: 5, context: ctx(), tx, pipelined: true }),
    ]), { tenantId: tenantA }), (error) => codeOf(error) === 'concurrency.version_conflict');
    assert.equal(await store.streamVersion(stream, { tenantId: tenantA }), 1);
    assert.equal((await db.system.query('SELECT 1 FROM pipelined_side WHERE id = $1', [stream])).rowCount, 0, 'the side write rolled back with the refused append');
  });
});

describe('appendNewStreams (several new streams in one statement)', () => {
  const stampsTable = async () => {
    await db.system.query('CREATE TABLE IF NOT EXISTS new_stream_rows (stream_id text, version int, at text, position text, corr text, PRIMARY KEY (stream_id, version))');
    const calls: number[] = [];
    const projection = defineProjection({
      name: 'new_stream_rows',
      version: 1,
      handlers: { 'row.made': async () => { throw new Error('applyBatch is used for several events'); } },
      applyBatch: async (events, tx) => {
        calls.push(events.length);
        await tx.query(`INSERT INTO new_stream_rows SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[])`, [
          events.map((e) => e.metadata.streamId), events.map((e) => e.metadata.streamVersion), events.map((e) => e.metadata.timestamp),
          events.map((e) => { try { return e.metadata.globalPosition; } catch { return 'unknown'; } }), events.map((e) => e.metadata.correlationId),
        ]);
      },
      reset: async () => undefined,
    });
    return { calls, inlineStore: createEventStore({ db: db.app, inlineProjections: [projection] }) };
  };
  const rows = async (streams: string[]) => (await db.system.query<{ stream_id: string; version: number; at: string; position: string; corr: string }>(
    'SELECT * FROM new_stream_rows WHERE stream_id = ANY($1) ORDER BY stream_id, version', [streams])).rows;

  for (const pipelined of [false, true]) {
    it(`starts every stream at version 1 with its own context; the projection sees all events at once${pipelined ? ' (pipelined)' : ''}`, async () => {
      const { calls, inlineStore } = await stampsTable();
      const streams = [0, 1, 2].map((i) => ({
        streamId: `new-${i}-${randomUUID()}`,
        events: i === 1 ? [ev('row.made', { i }), ev('row.made', { i, second: true })] : [ev('row.made', { i })],
        context: { tenantId: tenantA, correlationId: randomUUID(), userId: randomUUID(), causationId: randomUUID() },
      }));
      const work = (tx: Transaction) => inlineStore.appendNewStreams(streams, { tx, pipelined });
      const results = pipelined ? await db.app.pipelined(work, { tenantId: tenantA }) : await db.app.transaction(work, { tenantId: tenantA });
      assert.deepEqual(results.map((r) => r.nextExpectedVersion), [1, 2, 1]);
      assert.deepEqual(calls, [4]);
      const stored = (await Promise.all(streams.map((s) => store.readStream(s.streamId, { tenantId: tenantA })))).flat();
      assert.deepEqual(stored.map((e) => e.data), [{ i: 0 }, { i: 1 }, { i: 1, second: true }, { i: 2 }]);
      assert.deepEqual(stored.map((e) => [e.metadata.streamVersion, e.metadata.correlationId, e.metadata.userId, e.metadata.causationId]),
        streams.flatMap((s) => s.events.map((_, j) => [j + 1, s.context.correlationId, s.context.userId, s.context.causationId])));
      const positions = stored.map((e) => BigInt(e.metadata.globalPosition));
      assert.deepEqual(positions, [...positions].sort((a, b) => (a < b ? -1 : 1)), 'positions follow the order given');
      assert.equal(new Set(stored.map((e) => e.metadata.transactionId)).size, 1, 'one transaction');
      const projected = await rows(streams.map((s) => s.streamId));
      const expected = stored.map((e) => ({ stream_id: e.metadata.streamId, version: e.metadata.streamVersion, at: e.metadata.timestamp, corr: e.metadata.correlationId,
        position: pipelined ? 'unknown' : e.metadata.globalPosition })).sort((a, b) => a.stream_id.localeCompare(b.stream_id) || a.version - b.version);
      assert.deepEqual(projected, expected, 'the projection saw what a read returns (positions only when not pipelined)');
      if (pipelined) assert.equal(results[0]!.timestamp, stored[0]!.metadata.timestamp);
      else assert.deepEqual(results.flatMap((r) => r.globalPositions), stored.map((e) => e.metadata.globalPosition));
    });
  }

  it('a stream that exists already fails them all, with a version conflict naming it; other tenants and empty input are refused', async () => {
    const { inlineStore } = await stampsTable();
    const taken = `taken-${randomUUID()}`;
    await store.append(taken, [ev('x.y')], { expectedVersion: 'no_stream', context: ctx() });
    const fresh = `fresh-${randomUUID()}`;
    const attempt = (streams: { streamId: string; events: NewEvent[]; context: ReturnType<typeof ctx> }[]) =>
      db.app.pipelined((tx) => inlineStore.appendNewStreams(streams, { tx, pipelined: true }), { tenantId: tenantA });
    await assert.rejects(attempt([{ streamId: fresh, events: [ev('row.made')], context: ctx() }, { streamId: taken, events: [ev('row.made')], context: ctx() }]),
      (error) => codeOf(error) === 'concurrency.version_conflict' && JSON.stringify((error as AppError).params).includes(taken));
    assert.equal(await store.streamVersion(fresh, { tenantId: tenantA }), 0, 'nothing of the statement stays');
    assert.deepEqual(await rows([fresh]), []);
    await assert.rejects(attempt([{ streamId: fresh, events: [ev('row.made')], context: ctx() }, { streamId: `o-${randomUUID()}`, events: [ev('row.made')], context: ctx(tenantB) }]),
      (error) => codeOf(error) === 'eventstore.invalid_append');
    await assert.rejects(attempt([]), (error) => codeOf(error) === 'eventstore.invalid_append');
    await assert.rejects(attempt([{ streamId: fresh, events: [], context: ctx() }]), (error) => codeOf(error) === 'eventstore.invalid_append');
  });
});

describe('notifications', () => {
  it('NOTIFY after appends names the appended types, so subscribers can skip what they do not handle', async () => {
    const listener = await db.system.pool.connect();
    try {
      const payloads: string[] = [];
      listener.on('notification', (message) => { if (message.channel === EVENTS_CHANNEL) payloads.push(message.payload ?? ''); });
      await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
      const tenantId = randomUUID();
      await store.append(`n-${randomUUID()}`, [{ type: 'n.first', data: {} }, { type: 'n.second', data: {} }], { expectedVersion: 'no_stream', context: { tenantId, correlationId: 'c' } });
      const deadline = Date.now() + 5_000;
      while (!payloads.some((p) => p.includes('n.second')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const types = new Set(payloads.flatMap((p) => notifiedTypes(p) ?? []));
      assert.ok(types.has('n.first') && types.has('n.second'), payloads.join(' | '));
      assert.equal(notifiedTypes(''), undefined, 'an empty payload means: anything may have been appended');
    } finally {
      await listener.query(`UNLISTEN ${EVENTS_CHANNEL}`);
      listener.release();
    }
  });
});
