import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../../test/support/template.ts';
import { EmbeddedPortInUseError, embeddedClusterRegistry, startEmbeddedPostgres } from './embedded.ts';
import { recordCluster, sweepLeftoverClusters } from './leftovers.ts';

/** Whether a PostgreSQL answers on `url`. */
const answersAt = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

it('adopts a cluster left running by a killed process instead of failing on its lock file', async () => {
  const baseDir = mkdtempSync(join(tmpdir(), 'acci-adopt-'));
  const first = await startEmbeddedPostgres({ baseDir, port: await freePort(), durability: 'none' });
  // The owner of `first` "dies" without stopping it: a new start on the same data finds it running.
  const second = await startEmbeddedPostgres({ baseDir, port: await freePort(), ephemeral: true, durability: 'none' });
  try {
    assert.equal(second.port, first.port, 'connected to the running cluster, not a new one');
    const client = new pg.Client({ connectionString: second.adminUrl });
    await client.connect();
    const { rows } = await client.query<{ ok: number }>('SELECT 1 AS ok');
    await client.end();
    assert.equal(rows[0]?.ok, 1);
  } finally {
    await second.stop();
  }
  await assert.rejects(new pg.Client({ connectionString: first.adminUrl, connectionTimeoutMillis: 1000 }).connect(), 'stopping the adopted cluster stops it');
});

it('starts a fresh cluster when its data directory was deleted and made again', async () => {
  const baseDir = mkdtempSync(join(tmpdir(), 'acci-reset-'));
  const query = async (url: string, sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ found: string | null }>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const first = await startEmbeddedPostgres({ baseDir, port: await freePort(), durability: 'none' });
  await query(first.adminUrl, 'CREATE TABLE left_behind (id int)');
  await first.stop();
  // The user resets the server by deleting its data directory (and with it the key secret).
  rmSync(baseDir, { recursive: true, force: true });
  const second = await startEmbeddedPostgres({ baseDir, port: await freePort(), ephemeral: true, durability: 'none' });
  try {
    const rows = await query(second.adminUrl, "SELECT to_regclass('public.left_behind')::text AS found");
    assert.equal(rows[0]?.found, null, 'the old cluster was not reused');
  } finally {
    await second.stop();
  }
});

it('refuses a port that another cluster holds instead of using that cluster', async () => {
  const first = await startEmbeddedPostgres({ baseDir: mkdtempSync(join(tmpdir(), 'acci-port-a-')), port: await freePort(), ephemeral: true, durability: 'none' });
  try {
    await assert.rejects(
      startEmbeddedPostgres({ baseDir: mkdtempSync(join(tmpdir(), 'acci-port-b-')), port: first.port, ephemeral: true, durability: 'none' }),
      (error: Error) => error instanceof EmbeddedPortInUseError && error.message.includes(`port ${first.port}`) && error.message.includes('another PostgreSQL'),
    );
  } finally {
    await first.stop();
  }
});

it('removes a throw-away cluster whose process died, stopping its server, and leaves a live one alone', async () => {
  const orphanBase = mkdtempSync(join(tmpdir(), 'acci-orphan-'));
  const orphan = await startEmbeddedPostgres({ baseDir: orphanBase, port: await freePort(), ephemeral: true, durability: 'none' });
  const live = await startEmbeddedPostgres({ baseDir: mkdtempSync(join(tmpdir(), 'acci-live-')), port: await freePort(), ephemeral: true, durability: 'none' });
  try {
    // The orphan's owner "was killed": its record names a process that no longer exists.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    recordCluster(embeddedClusterRegistry(), { dataDirectory: orphan.dataDirectory, baseDir: orphanBase, ephemeral: true, pid: dead });
    const swept = await sweepLeftoverClusters(embeddedClusterRegistry());
    assert.ok(swept.includes(orphan.dataDirectory), 'the orphan was swept');
    assert.ok(!swept.includes(live.dataDirectory), 'a cluster whose process lives is left alone');
    assert.equal(await answersAt(orphan.adminUrl), false, "the orphan's server was stopped");
    assert.equal(existsSync(orphan.dataDirectory), false);
    assert.equal(existsSync(orphanBase), false);
    assert.equal(await answersAt(live.adminUrl), true);
  } finally {
    await live.stop();
    await orphan.stop();
  }
});

it("a second start beside a live owner (a CLI command beside the server) uses its cluster and leaves it running", async () => {
  const baseDir = mkdtempSync(join(tmpdir(), 'acci-shared-'));
  const server = await startEmbeddedPostgres({ baseDir, port: await freePort(), durability: 'none' });
  // The cluster's owner is another process that still runs (here: a sleeping child).
  const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    recordCluster(embeddedClusterRegistry(), { dataDirectory: server.dataDirectory, baseDir, ephemeral: false, pid: owner.pid! });
    const command = await startEmbeddedPostgres({ baseDir, port: await freePort(), durability: 'none' });
    assert.equal(command.port, server.port);
    await command.stop();
    assert.equal(await answersAt(server.adminUrl), true, "the command's exit left the owner's database running");
  } finally {
    owner.kill();
    await server.stop();
  }
  assert.equal(await answersAt(server.adminUrl), false);
  rmSync(baseDir, { recursive: true, force: true });
});

it('a kept cluster stays up at stop while other processes are connected to it', async () => {
  const baseDir = mkdtempSync(join(tmpdir(), 'acci-busy-'));
  const first = await startEmbeddedPostgres({ baseDir, port: await freePort(), durability: 'none' });
  const client = new pg.Client({ connectionString: first.adminUrl });
  await client.connect();
  await first.stop();
  assert.equal((await client.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok, 1, 'the connected client still works');
  await client.end();
  await first.stop();
  assert.equal(await answersAt(first.adminUrl), false, 'stopped once nobody else was connected');
  rmSync(baseDir, { recursive: true, force: true });
});

it('a supervised cluster whose postmaster is killed starts again, with its data', async () => {
  const crashes: string[] = [];
  const db = await startEmbeddedPostgres({
    // Durable commits: with synchronous_commit off the last commit could be lost with the crash.
    baseDir: mkdtempSync(join(tmpdir(), 'acci-crash-')), port: await freePort(), ephemeral: true, durability: 'full',
    restartOnCrash: true, onCrash: (line) => crashes.push(line),
  });
  try {
    const client = new pg.Client({ connectionString: db.adminUrl });
    await client.connect();
    await client.query('CREATE TABLE survivor (id int); INSERT INTO survivor VALUES (42)');
    await client.end();
    // Kill the postmaster as an out-of-memory killer would (its pid is the lock file's first line).
    const postmaster = Number(readFileSync(join(db.dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let rows: { id: number }[] = [];
    while (Date.now() < deadline) {
      const again = new pg.Client({ connectionString: db.adminUrl, connectionTimeoutMillis: 1000 });
      try {
        await again.connect();
        rows = (await again.query<{ id: number }>('SELECT id FROM survivor')).rows;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      } finally {
        await again.end().catch(() => undefined);
      }
    }
    assert.deepEqual(rows, [{ id: 42 }], 'answering again, data intact');
    // The server may answer a moment before the supervisor's own readiness check sees it and says so.
    const said = Date.now() + 10_000;
    while (!crashes.some((line) => /restarted/.test(line)) && Date.now() < said) await new Promise((r) => setTimeout(r, 50));
    assert.ok(crashes.some((line) => /exited unexpectedly/.test(line)) && crashes.some((line) => /restarted/.test(line)), crashes.join('\n'));
  } finally {
    await db.stop();
  }
});
