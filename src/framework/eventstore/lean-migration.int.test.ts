import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, withClient, type TestDatabase } from '../../../test/support/database.ts';
import { migrateUp, readMigrations } from '../../platform/database/migrate.ts';
import { createEventStore } from './postgres.ts';
import { START } from './types.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const withOwner = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => withClient(db.ownerUrl, work);

it('0005 converts events written with the metadata jsonb in place, every read path keeps their metadata', async () => {
  const tenantId = randomUUID();
  const [withUser, platform] = [randomUUID(), randomUUID()];
  const correlation = randomUUID();
  const causation = randomUUID();
  const userId = randomUUID();
  // A database as it was before 0005: every other migration applied, events carrying metadata jsonb.
  await withOwner(async (c) => {
    await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrateUp(c, readMigrations().filter((m) => m.version !== 5));
    const old = await c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'metadata'`);
    assert.equal(old.rowCount, 1, 'the old shape');
    await c.query(`INSERT INTO events (tenant_id, stream_id, stream_version, event_id, event_type, data, metadata) VALUES
      ($1, 'old-1', 1, $2, 'old.happened', '{"n": 1}', $4),
      ($1, 'old-1', 2, $3, 'old.happened', '{"n": 2}', '{"correlationId": "c-2", "causationId": null, "userId": null}')`,
      [tenantId, withUser, platform, JSON.stringify({ correlationId: correlation, causationId: causation, userId })]);
    assert.deepEqual(await migrateUp(c), ['0005_events_lean.sql']);
    const columns = await c.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'events'`);
    assert.ok(!columns.rows.some((r) => r.column_name === 'metadata'));
    const indexes = await c.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'events' ORDER BY 1`);
    assert.deepEqual(indexes.rows.map((r) => r.indexname), ['events_commit_order_idx', 'events_event_id_key', 'events_pkey']);
  });

  const store = createEventStore({ db: db.app, notify: false });
  const system = createEventStore({ db: db.system, notify: false });
  const stream = await store.readStream('old-1', { tenantId });
  assert.deepEqual(stream.map((e) => [e.metadata.eventId, e.metadata.correlationId, e.metadata.causationId, e.metadata.userId]), [
    [withUser, correlation, causation, userId],
    [platform, 'c-2', null, null],
  ]);
  // readAll only sees below the cluster-wide xmin: other test files' open transactions hold it back a moment.
  let all = await system.readAll({ after: START });
  for (const deadline = Date.now() + 10_000; all.length < 2 && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 20));
    all = await system.readAll({ after: START });
  }
  assert.deepEqual(all.map((e) => e.metadata.correlationId), [correlation, 'c-2']);
  // New appends continue the converted stream.
  const appended = await store.append('old-1', [{ type: 'new.happened', data: {} }], {
    expectedVersion: 2, context: { tenantId, correlationId: 'c-3', causationId: platform, userId },
  });
  assert.equal(appended.nextExpectedVersion, 3);
  const third = (await store.readStream('old-1', { tenantId, fromVersion: 3 }))[0]!;
  assert.deepEqual([third.metadata.correlationId, third.metadata.causationId, third.metadata.userId], ['c-3', platform, userId]);
});
