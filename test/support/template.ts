import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/database/embedded.ts';
import { ensureRuntimeRole } from '../../src/platform/database/roles.ts';
import { migrateUp } from '../../src/platform/database/migrate.ts';

export const TEMPLATE_ENV = 'ACCI_TEST_TEMPLATE';
export const ADMIN_URL_ENV = 'ACCI_TEST_ADMIN_URL';

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A throw-away PostgreSQL for one test run, when no TEST_DATABASE_URL is given. */
export async function startTestPostgres(options: { durability?: 'full' | 'none' } = {}): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({
    baseDir: mkdtempSync(join(tmpdir(), 'acci-test-')),
    port: await freePort(),
    ephemeral: true,
    durability: options.durability ?? 'none',
  });
}

/**
 * Creates a database with every migration applied; each test file clones it in milliseconds
 * (`CREATE DATABASE ... TEMPLATE`) instead of migrating from scratch.
 */
export async function createTemplate(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const owner = new pg.Client({ connectionString: databaseUrl(adminUrl, name) });
  await owner.connect();
  try {
    await ensureRuntimeRole(owner, { login: true });
    await migrateUp(owner);
  } finally {
    await owner.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
