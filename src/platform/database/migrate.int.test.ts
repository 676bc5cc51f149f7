import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, withClient as withClientAt, type TestDatabase } from '../../../test/support/database.ts';
import { MigrationError, migrateUp, migrationStatus, readMigrations } from './migrate.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const withClient = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => withClientAt(db.ownerUrl, work);

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'acci-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

it('the shipped migrations are all applied in a fresh test database', async () => {
  const states = await withClient((c) => migrationStatus(c));
  assert.ok(states.length >= 1);
  assert.ok(states.every((s) => s.state === 'applied'), JSON.stringify(states));
});

it('applies pending files once, even with two migrators at the same time', async () => {
  const dir = migrationsDir({
    '9001_probe.sql': 'CREATE TABLE probe_once (id int PRIMARY KEY); INSERT INTO probe_once VALUES (1);',
  });
  const files = [...readMigrations(), ...readMigrations(dir)];
  const [a, b] = await Promise.all([withClient((c) => migrateUp(c, files)), withClient((c) => migrateUp(c, files))]);
  assert.deepEqual([...a, ...b], ['9001_probe.sql'], 'exactly one migrator applied it');
  const rows = await db.system.query('SELECT count(*)::int AS n FROM probe_once');
  assert.equal(rows.rows[0]?.n, 1);
});

it('refuses to run when an applied file was changed, naming the file', async () => {
  const original = migrationsDir({ '9002_changed.sql': 'CREATE TABLE probe_changed (id int);' });
  await withClient((c) => migrateUp(c, [...readMigrations(), ...readMigrations(original)]));
  const edited = migrationsDir({ '9002_changed.sql': 'CREATE TABLE probe_changed (id bigint);' });
  const files = [...readMigrations(), ...readMigrations(edited)];
  await assert.rejects(withClient((c) => migrateUp(c, files)), (error: unknown) =>
    error instanceof MigrationError && /9002_changed\.sql changed after it was applied/.test(error.message));
  const states = await withClient((c) => migrationStatus(c, files));
  assert.equal(states.find((s) => s.version === 9002)?.state, 'changed');
});

it('rolls back a failing migration and reports it', async () => {
  const dir = migrationsDir({ '9003_broken.sql': 'CREATE TABLE probe_broken (id int); SELECT * FROM no_such_table;' });
  await assert.rejects(withClient((c) => migrateUp(c, [...readMigrations(), ...readMigrations(dir)])), /9003_broken\.sql failed/);
  const exists = await db.system.query(`SELECT to_regclass('probe_broken') IS NOT NULL AS ok`);
  assert.equal(exists.rows[0]?.ok, false);
});

it('the runtime role owns nothing and cannot bypass row-level security', async () => {
  const role = await db.app.query<{ rolbypassrls: boolean; rolsuper: boolean; current_user: string }>(
    'SELECT rolbypassrls, rolsuper, current_user FROM pg_roles WHERE rolname = current_user');
  assert.deepEqual(role.rows[0], { rolbypassrls: false, rolsuper: false, current_user: 'acci_app' });
  const owned = await db.system.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'acci_app'`);
  assert.equal(owned.rows[0]?.n, 0);
});
