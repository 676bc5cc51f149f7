/**
 * The database a benchmark runs against: BENCH_DATABASE_URL / TEST_DATABASE_URL when set,
 * otherwise a throw-away embedded PostgreSQL. Returns a fresh migrated database.
 */
import { createTemplate, dropDatabase, databaseUrl, startTestPostgres } from '../test/support/template.ts';
import type { EmbeddedPostgres } from '../src/platform/database/embedded.ts';

export type BenchDatabase = { adminUrl: string; url: string; name: string; close: () => Promise<void> };

export async function benchDatabase(label: string): Promise<BenchDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  let adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    embedded = await startTestPostgres({ durability: 'full' }); // limits and figures both with fsync on
    adminUrl = embedded.adminUrl;
  }
  const name = `acci_bench_${label}_${process.pid}`;
  await createTemplate(adminUrl, name);
  const admin = adminUrl;
  return {
    adminUrl,
    url: databaseUrl(adminUrl, name),
    name,
    async close() {
      await dropDatabase(admin, name).catch(() => undefined);
      await embedded?.stop();
    },
  };
}
