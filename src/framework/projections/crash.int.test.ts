import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createProjectionRunner } from './runner.ts';
import { crashCounter, CRASH_EVENT } from './testdata/crash-projection.ts';
import { REPO_ROOT } from '../../../test/support/paths.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  await db.system.query('CREATE TABLE crash_counter (tenant_id uuid PRIMARY KEY, n bigint NOT NULL); CREATE TABLE crash_applied (event_id uuid PRIMARY KEY)');
});
after(() => db.drop());

const counted = async (tenant: string) =>
  Number((await db.system.query<{ n: string }>('SELECT n FROM crash_counter WHERE tenant_id = $1', [tenant])).rows[0]?.n ?? 0);
const stored = async (tenant: string) =>
  Number((await db.system.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND event_type = $2', [tenant, CRASH_EVENT])).rows[0]?.n);

it('kill -9 during appends and projection work: no acknowledged event lost, none applied twice, the projection catches up', async () => {
  const tenant = randomUUID();
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/framework/projections/testdata/crash-writer.ts'), db.ownerUrl, tenant], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged: string[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('ack ')) acknowledged.push(line.slice(4));
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

  const deadline = Date.now() + 30_000;
  while (acknowledged.length < 300 || (await counted(tenant)) < 100) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the writer did not get going: ${acknowledged.length} acks\n${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');

  const ids = (await db.system.query<{ event_id: string }>('SELECT event_id FROM events WHERE event_id = ANY($1::uuid[])', [acknowledged])).rows;
  assert.equal(ids.length, acknowledged.length, 'every acknowledged event is stored');
  const beforeRestart = await counted(tenant);
  assert.ok(beforeRestart <= (await stored(tenant)), 'the projection never counted more than is stored');

  const runner = createProjectionRunner({ projection: crashCounter, db: db.system, batchSize: 7 });
  // The killed process's session (and its runner lock) ends as soon as PostgreSQL notices.
  await runner.catchUp({ waitForLockMs: 10_000 });
  assert.ok(runner.isActive());
  await runner.stop();
  const total = await stored(tenant);
  assert.ok(total >= acknowledged.length);
  const parked = await db.system.query('SELECT error FROM projection_parked');
  assert.deepEqual(parked.rows, [], 'nothing parked: no event was applied twice');
  assert.equal(await counted(tenant), total, 'after restart every stored event is counted exactly once');
  const versions = await db.system.query<{ gaps: number }>(`SELECT count(*)::int AS gaps FROM (
      SELECT stream_version - lag(stream_version, 1, 0::bigint) OVER (PARTITION BY stream_id ORDER BY stream_version) AS step
        FROM events WHERE tenant_id = $1) s WHERE step <> 1`, [tenant]);
  assert.equal(versions.rows[0]?.gaps, 0, 'stream versions stay gapless');
});
