import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AcciModule } from '../framework/module.ts';
import { createLogger } from '../framework/observability/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { freePort } from '../../test/support/template.ts';
import { loadConfig } from './config.ts';
import { startServer } from './server.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const slow: AcciModule = {
  name: 'slow',
  register(app) {
    app.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, 400));
      return { done: true };
    });
  },
};

it('drains in-flight requests on shutdown, then refuses new connections', async () => {
  const port = await freePort();
  const config = loadConfig({ DATABASE_URL: db.ownerUrl, PORT: String(port), HOST: '127.0.0.1' }, '/');
  const server = await startServer(config, createLogger({ level: 'silent', format: 'json' }), { modules: [slow] });
  const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/slow`);
  await new Promise((r) => setTimeout(r, 100));
  const stopped = server.shutdown('test');
  const response = await inFlight;
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { done: true });
  await stopped;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health/live`));
});
