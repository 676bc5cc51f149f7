import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createHttpServer } from '../http/index.ts';
import { createLogger, createMetrics } from '../observability/index.ts';
import { loadTranslations } from '../i18n/index.ts';
import { createMemoryStore, createRedisStore, registerRateLimit, type RateLimitStore } from './index.ts';
import { redisForTests } from './services.ts';
import { REPO_ROOT } from '../../../test/support/paths.ts';

const redis = redisForTests();
const translations = loadTranslations(new URL('../../../locales', import.meta.url).pathname);

function appWith(store: RateLimitStore, limit: number) {
  const app = createHttpServer({ logger: createLogger({ level: 'silent', format: 'json' }), metrics: createMetrics(), translations });
  registerRateLimit(app, { store, bucketsFor: (request) => [{ key: `ip:${request.ip}`, capacity: limit, windowSeconds: 60 }] });
  app.get('/limited', { config: { public: true } }, async () => ({ ok: true }));
  return app;
}

test('429 problem+json with Retry-After and RateLimit-* headers once the bucket is empty', async () => {
  const app = appWith(createMemoryStore(), 2);
  after(() => app.close());
  const first = await app.inject({ method: 'GET', url: '/limited' });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['ratelimit-limit'], '2');
  assert.equal(first.headers['ratelimit-remaining'], '1');
  assert.equal(first.headers['ratelimit-reset'], '30');
  await app.inject({ method: 'GET', url: '/limited' });
  const refused = await app.inject({ method: 'GET', url: '/limited', headers: { 'accept-language': 'de' } });
  assert.equal(refused.statusCode, 429);
  assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
  assert.equal(refused.headers['retry-after'], '30');
  assert.equal(refused.headers['ratelimit-remaining'], '0');
  const body = refused.json();
  assert.equal(body.code, 'rate_limit.exceeded');
  assert.match(body.message, /30/);
});

test('a Redis outage lets requests through instead of failing them', async () => {
  const store = createRedisStore({ url: 'redis://127.0.0.1:1', prefix: 'x:' });
  const app = appWith(store, 1);
  after(async () => {
    await app.close();
    await store.close();
  });
  const res = await app.inject({ method: 'GET', url: '/limited' });
  assert.equal(res.statusCode, 200);
});

test('Redis: concurrent takes never overspend one bucket', { skip: redis.skip }, async () => {
  const store = createRedisStore({ url: redis.url ?? '', prefix: `acci:test:${randomUUID()}:` });
  after(() => store.close());
  const spec = [{ key: 'shared', capacity: 20, windowSeconds: 3600 }];
  const results = await Promise.all(Array.from({ length: 50 }, () => store.take(spec)));
  assert.equal(results.filter((r) => r.allowed).length, 20);
  const refused = results.find((r) => !r.allowed);
  assert.ok((refused?.buckets[0]?.retryAfterMs ?? 0) > 0);
});

async function startServer(prefix: string, limit: number): Promise<{ child: ChildProcess; port: number }> {
  const fixture = join(REPO_ROOT, 'src/framework/ratelimit/fixtures/server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, redis.url ?? '', prefix, String(limit)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port: Number(line) };
}

test('Redis: two server processes share one limit', { skip: redis.skip, timeout: 60_000 }, async () => {
  const prefix = `acci:test:${randomUUID()}:`;
  const servers = await Promise.all([startServer(prefix, 6), startServer(prefix, 6)]);
  after(() => {
    for (const s of servers) s.child.kill('SIGTERM');
  });
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const server = servers[i % 2]!;
    const res = await fetch(`http://127.0.0.1:${server.port}/limited`);
    statuses.push(res.status);
    await res.arrayBuffer();
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
});
