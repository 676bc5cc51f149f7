import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AcciModule } from '../framework/module.ts';
import { createLogger } from '../framework/observability/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { freePort } from '../../test/support/template.ts';
import { loadConfig } from './config.ts';
import { ListenError, startServer } from './server.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

/** Resolves once the slow request is being handled (a fixed wait was not enough on a busy machine). */
let entered: () => void = () => undefined;
const slow: AcciModule = {
  name: 'slow',
  register(app) {
    app.get('/slow', async () => {
      entered();
      await new Promise((r) => setTimeout(r, 400));
      return { done: true };
    });
  },
};

it('drains in-flight requests on shutdown, then refuses new connections', async () => {
  const port = await freePort();
  const config = loadConfig({ DATABASE_URL: db.ownerUrl, PORT: String(port), HOST: '127.0.0.1' }, '/');
  const server = await startServer(config, createLogger({ level: 'silent', format: 'json' }), { modules: [slow] });
  const handling = new Promise<void>((resolve) => { entered = resolve; });
  const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/slow`);
  await handling;
  const stopped = server.shutdown('test');
  const response = await inFlight;
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { done: true });
  await stopped;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health/live`));
});

it('a start that cannot listen rejects with one line naming PORT and leaves nothing running', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const config = loadConfig({ DATABASE_URL: db.ownerUrl, PORT: String(port), HOST: '127.0.0.1' }, '/');
    // Before: the auth module's revocation listener kept a pool connection, so closing the pools
    // never finished and this promise never settled.
    const failed = startServer(config, createLogger({ level: 'silent', format: 'json' }));
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('startServer did not settle')), 15_000).unref());
    await assert.rejects(Promise.race([failed, timeout]), (error: unknown) =>
      error instanceof ListenError && error.setting === 'PORT' && /PORT=\d+ is already in use/.test(error.message));
    const left = async () => (await db.system.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name IN ('acci', 'acci-system')`,
    )).rows[0]!.n;
    // A backend leaves pg_stat_activity a moment after its client hung up.
    for (let i = 0; i < 40 && (await left()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await left(), 0, 'every pool connection of the failed start is closed');
  } finally {
    blocker.close();
  }
});
