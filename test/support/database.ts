import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Database } from '../../src/framework/db/index.ts';
import { RUNTIME_ROLE } from '../../src/platform/database/roles.ts';
import { ADMIN_URL_ENV, TEMPLATE_ENV, createTemplate, databaseUrl, dropDatabase } from './template.ts';

export type TestDatabase = {
  name: string;
  /** Owner connection string (migrations, system work). */
  ownerUrl: string;
  /** Runtime role: row-level security applies. */
  app: Database;
  /** Owner role. */
  system: Database;
  drop: () => Promise<void>;
};

let lazyTemplate: Promise<{ adminUrl: string; template: string }> | undefined;

/** Outside `npm test` (a single file run by hand) the template is made on first use. */
function templateFromEnvironment(): Promise<{ adminUrl: string; template: string }> {
  const adminUrl = process.env[ADMIN_URL_ENV];
  const template = process.env[TEMPLATE_ENV];
  if (adminUrl && template) return Promise.resolve({ adminUrl, template });
  const fallback = process.env.TEST_DATABASE_URL;
  if (!fallback) throw new Error(`run tests through "npm test", or set TEST_DATABASE_URL`);
  return (lazyTemplate ??= (async () => {
    const name = `acci_tpl_${process.pid}`;
    await createTemplate(fallback, name);
    process.once('beforeExit', () => void dropDatabase(fallback, name));
    return { adminUrl: fallback, template: name };
  })());
}

/**
 * A fresh, fully migrated database for one test file, cloned from the run's template.
 *
 * @example
 *   const db = await createTestDatabase();
 *   after(() => db.drop());
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, template } = await templateFromEnvironment();
  const name = `acci_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        break;
      } catch (error) {
        // 55006: the template is briefly in use by a concurrent clone; retry.
        if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 50));
      }
    }
  } finally {
    await admin.end();
  }
  const ownerUrl = databaseUrl(adminUrl, name);
  const app = createDatabase({ connectionString: ownerUrl, role: RUNTIME_ROLE, max: 10, applicationName: 'acci-test' });
  const system = createDatabase({ connectionString: ownerUrl, max: 5, applicationName: 'acci-test-system' });
  return {
    name,
    ownerUrl,
    app,
    system,
    async drop() {
      await Promise.allSettled([app.close(), system.close()]);
      await dropDatabase(adminUrl, name);
    },
  };
}

/**
 * Runs `work` on a dedicated client (not from a pool), e.g. to migrate or LISTEN, and closes it.
 *
 * @example
 *   await withClient(db.ownerUrl, (client) => migrateUp(client));
 */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
