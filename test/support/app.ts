import { createLogger } from '../../src/framework/observability/index.ts';
import type { AcciModule } from '../../src/framework/module.ts';
import { buildApp, type App } from '../../src/platform/app.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export type TestApp = App & { db: TestDatabase; close: () => Promise<void> };

/**
 * The full server (every hook, error mapping, module) on a fresh test database, driven with
 * `app.http.inject(...)` or by listening on a loopback port.
 *
 * @example
 *   const t = await createTestApp();
 *   after(() => t.close());
 *   const res = await t.http.inject({ method: 'GET', url: '/health/ready' });
 */
export async function createTestApp(options: { modules?: readonly AcciModule[]; bodyLimit?: number } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', format: 'json' });
  const app = await buildApp({
    logger,
    db: { app: db.app, system: db.system },
    ...(options.modules ? { modules: options.modules } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
  await app.startBackground();
  return {
    ...app,
    db,
    async close() {
      await app.http.close();
      await app.stopBackground();
      await db.drop();
    },
  };
}
