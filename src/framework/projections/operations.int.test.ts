import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createEventStore, START, type PostgresEventStore } from '../eventstore/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { loadConfig } from '../../platform/config.ts';
import { projectionsCommand } from '../../platform/cli/projections.ts';
import { createProjectionRunner } from './runner.ts';
import { defineProjection } from './types.ts';
import { rebaseAfterRestore } from './operations.ts';
import { projectionSpec } from './testing.ts';

let db: TestDatabase;
let store: PostgresEventStore;
const tenant = randomUUID();
const ctx = () => ({ tenantId: tenant, correlationId: randomUUID() });

before(async () => {
  db = await createTestDatabase();
  store = createEventStore({ db: db.app });
  await db.system.query(`CREATE TABLE tally (tenant_id uuid PRIMARY KEY, n int NOT NULL, seen uuid[] NOT NULL DEFAULT '{}')`);
});
after(() => db.drop());

const tally = defineProjection({
  name: 'tally',
  version: 1,
  handlers: {
    'tally.counted': async (event, tx) => {
      await tx.query(`INSERT INTO tally (tenant_id, n, seen) VALUES ($1, 1, ARRAY[$2::uuid])
        ON CONFLICT (tenant_id) DO UPDATE SET n = tally.n + 1, seen = tally.seen || $2::uuid`, [event.metadata.tenantId, event.metadata.eventId]);
    },
  },
  reset: async (tx) => { await tx.query('DELETE FROM tally'); },
});

const count = async () => Number((await db.system.query<{ n: number }>('SELECT coalesce(sum(n), 0)::int AS n FROM tally')).rows[0]?.n);
const order = async () => (await db.system.query<{ event_id: string }>(`SELECT event_id FROM events WHERE event_type = 'tally.counted' ORDER BY transaction_id, global_position`)).rows.map((r) => r.event_id);
const tick = (stream = `t-${randomUUID()}`) => store.append(stream, [{ type: 'tally.counted', data: {} }], { expectedVersion: 'any', context: ctx() });

describe('re-basing checkpoints after a restore into a new cluster', () => {
  it('renumbers transaction ids below the new cluster\'s, keeps the order, moves checkpoints: nothing lost, nothing twice', async () => {
    // A commit order that differs from position order: the slow writer took the lower position.
    const client = await db.app.pool.connect();
    await client.query(`BEGIN; SET LOCAL app.tenant_id = '${tenant}'`);
    await store.append(`slow-${randomUUID()}`, [{ type: 'tally.counted', data: {} }], { expectedVersion: 'no_stream', context: ctx(), tx: client });
    await tick();
    await client.query('COMMIT');
    client.release();
    for (let i = 0; i < 5; i++) await tick();

    const runner = createProjectionRunner({ projection: tally, db: db.system });
    assert.equal(await runner.catchUp(), 7);
    await runner.stop();
    for (let i = 0; i < 3; i++) await tick();
    const before = await order();

    // The "restore": the same rows, but their transaction ids come from a cluster far ahead of this one.
    await db.system.query(`UPDATE events SET transaction_id = ((transaction_id::text)::bigint + 1000000000)::text::xid8`);
    await db.system.query(`UPDATE projection_checkpoints SET transaction_id = ((transaction_id::text)::bigint + 1000000000)::text::xid8 WHERE name = 'tally'`);
    const stalled = await store.readAll({ tenantId: tenant, after: START });
    assert.equal(stalled.length, 0, 'before the rebase the restored events are invisible to subscribers');

    const rebased = await rebaseAfterRestore(db.system);
    assert.equal(rebased.needed, true);
    assert.equal(rebased.events, 10);
    assert.deepEqual(await order(), before, 'commit order kept');
    assert.deepEqual(await rebaseAfterRestore(db.system), { needed: false, events: 0, checkpoints: 0 });

    await tick();
    const resumed = createProjectionRunner({ projection: tally, db: db.system });
    assert.equal(await resumed.catchUp(), 4, 'the three pending events and the new one');
    await resumed.stop();
    assert.equal(await count(), 11);
    const seen = (await db.system.query<{ seen: string[] }>('SELECT seen FROM tally')).rows[0]!.seen;
    assert.equal(new Set(seen).size, 11, 'no event applied twice');
  });

  it('acci projections status and rebuild operate the registered projections', async () => {
    const config = loadConfig({ DATABASE_URL: db.ownerUrl, LOG_LEVEL: 'silent' });
    const modules = [{ name: 'tally', register: () => undefined, projections: [tally] }];
    let status = '';
    await projectionsCommand(() => config, modules, (text) => { status += text; }).parseAsync(['status'], { from: 'user' });
    assert.match(status, /^NAME\tVERSION\tCHECKPOINT\tLAG_EVENTS\tLAG_SECONDS\tPARKED\tRUNNER$/m);
    assert.match(status, /^tally\t1\t\d+\/\d+\t0\t0\.000\t0\tnone$/m);
    let rebuild = '';
    await projectionsCommand(() => config, modules, (text) => { rebuild += text; }).parseAsync(['rebuild', 'tally'], { from: 'user' });
    assert.match(rebuild, /rebuilt tally: 11 events applied/);
    assert.equal(await count(), 11);
  });
});

describe('projectionSpec', () => {
  it('runs a projection over given events on the test database', async () => {
    const spec = projectionSpec(tally, { db: db.system });
    await spec
      .given({ type: 'tally.counted', data: {} }, { type: 'tally.counted', data: {} }, { type: 'other.ignored', data: {} })
      .then(async (q, events) => {
        const rows = await q.query<{ n: number }>('SELECT n FROM tally WHERE tenant_id = $1', [spec.tenantId]);
        assert.deepEqual(rows.rows, [{ n: 2 }]);
        assert.deepEqual(events.map((e) => e.metadata.streamVersion), [1, 2, 3]);
      });
  });
});
