import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AcciModule } from '../module.ts';
import { AppError } from '../errors/index.ts';
import { createLogger } from '../observability/index.ts';
import { buildApp, type App } from '../../platform/app.ts';
import { modules } from '../../platform/modules.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';

const probe: AcciModule = {
  name: 'log-probe',
  register(app) {
    const open = { config: { public: true } };
    app.get('/log-probe/crash', open, async () => { throw new Error('boom'); });
    app.get('/log-probe/conflict', open, async () => { throw new AppError('concurrency.version_conflict', 409); });
    app.get('/log-probe/request', open, async (request) => {
      request.log.info({ req: request }, 'handler logs its request');
      return {};
    });
  },
};

let db: TestDatabase;
let app: App;
let port: number;
const logText: string[] = [];

before(async () => {
  db = await createTestDatabase();
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { logText.push(chunk.toString()); done(); } });
  app = await buildApp({ logger: createLogger({ level: 'info', format: 'json' }, sink), db, modules: [...modules, probe] });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  port = (app.http.server.address() as AddressInfo).port;
});
after(async () => {
  await app.http.close();
  await app.stopBackground();
  await db.drop();
});

/** A GET over a real socket with the request target sent as written (no URL normalization). */
function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
}

const secret = () => randomBytes(18).toString('base64url');

describe('request logs over HTTP', () => {
  it('never contain the value of a token in the query string, whatever the outcome of the request', async () => {
    const cases = [
      { path: (t: string) => `/reset-password?token=${t}&lang=de`, status: 404 },
      { path: (t: string) => `/api/v1/auth/me?access_token=${t}`, status: 401 },
      { path: (t: string) => `/api/v1/log-probe/conflict?code=${t}`, status: 409 },
      { path: (t: string) => `/api/v1/log-probe/crash?token=${t}`, status: 500 },
      { path: (t: string) => `/api/v1/log-probe/request?SAMLResponse=${t}`, status: 200 },
      { path: (t: string) => `/api/v1/%zz?token=${t}`, status: 400 },
    ];
    const tokens: string[] = [];
    for (const { path, status } of cases) {
      const token = secret();
      tokens.push(token);
      assert.equal(await get(path(token)), status, path('…'));
    }
    await new Promise((resolve) => setImmediate(resolve)); // the completion line is written after the response
    const text = logText.join('');
    for (const token of tokens) assert.ok(!text.includes(token), `token ${token} leaked into the log`);

    const lines = logText.map((line) => JSON.parse(line) as Record<string, unknown>);
    const completed = lines.filter((line) => line.msg === 'request completed').map((line) => line.url);
    assert.ok(completed.includes('/reset-password?token=[REDACTED]&lang=de'), 'the request was logged, its other parameters kept');
    assert.ok(lines.some((line) => line.msg === 'request failed'));
    assert.ok(lines.some((line) => line.msg === 'request rejected'));
    assert.deepEqual(lines.find((line) => line.msg === 'handler logs its request')?.req, {
      method: 'GET', url: '/api/v1/log-probe/request?SAMLResponse=[REDACTED]', remoteAddress: '127.0.0.1',
    });
  });
});
