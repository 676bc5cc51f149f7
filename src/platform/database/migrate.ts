import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../../migrations');
const LOCK_KEY = 0x0acc1_0001; // advisory lock: one migrator at a time across processes

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export type MigrationFile = { version: number; name: string; sql: string; checksum: string };
export type MigrationState = { version: number; name: string; state: 'applied' | 'pending' | 'changed'; appliedAt?: Date };

/** Reads `NNNN_name.sql` files in version order; checksums detect edits after they were applied. */
export function readMigrations(directory = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(directory).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const version = Number(file.slice(0, 4));
    if (seen.has(version)) throw new MigrationError(`two migrations share version ${version}`);
    seen.add(version);
    const sql = readFileSync(join(directory, file), 'utf8');
    return { version, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

async function ensureTable(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS acci_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function migrationStatus(client: pg.ClientBase, files = readMigrations()): Promise<MigrationState[]> {
  const exists = await client.query(`SELECT to_regclass('acci_migrations') IS NOT NULL AS ok`);
  const applied = new Map<number, { checksum: string; applied_at: Date }>();
  if (exists.rows[0]?.ok) {
    const rows = await client.query<{ version: number; checksum: string; applied_at: Date }>('SELECT version, checksum, applied_at FROM acci_migrations');
    for (const row of rows.rows) applied.set(row.version, row);
  }
  return files.map((file) => {
    const row = applied.get(file.version);
    if (!row) return { version: file.version, name: file.name, state: 'pending' as const };
    return { version: file.version, name: file.name, state: row.checksum === file.checksum ? 'applied' as const : 'changed' as const, appliedAt: row.applied_at };
  });
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so two
 * processes starting together apply each file once. Refuses to run if an applied file changed.
 */
export async function migrateUp(client: pg.ClientBase, files = readMigrations()): Promise<string[]> {
  await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await ensureTable(client);
    const status = await migrationStatus(client, files);
    const changed = status.filter((s) => s.state === 'changed');
    if (changed.length > 0) {
      throw new MigrationError(`migration ${changed.map((c) => c.name).join(', ')} changed after it was applied (checksum mismatch); restore the original file and add a new migration instead`);
    }
    const pending = files.filter((f) => status.find((s) => s.version === f.version)?.state === 'pending');
    for (const file of pending) {
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query('INSERT INTO acci_migrations (version, name, checksum) VALUES ($1, $2, $3)', [file.version, file.name, file.checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}`);
      }
    }
    return pending.map((p) => p.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}
