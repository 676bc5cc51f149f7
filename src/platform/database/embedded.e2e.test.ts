import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../../test/support/template.ts';
import { EmbeddedPortInUseError, startEmbeddedPostgres } from './embedded.ts';

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
