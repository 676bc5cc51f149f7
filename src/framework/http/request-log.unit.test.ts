import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger, createMetrics } from '../observability/index.ts';
import { translations } from '../../platform/app.ts';
import { createHttpServer } from './server.ts';

/** A JSON logger writing into an array, and how many per-request pino children it made. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
  const logger = createLogger({ level: 'info', format: 'json' }, sink);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => { children++; return child(...args); }) as typeof logger.child;
  return { logger, lines, children: () => children };
}

async function server(logRequests: boolean) {
  const log = capturingLogger();
  const app = createHttpServer({ logger: log.logger, metrics: createMetrics(), translations: translations(), logRequests });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/chatty', async (request) => {
    request.log.info({ step: 1 }, 'handler says hello');
    return { ok: true };
  });
  let level: FastifyBaseLogger['level'] | undefined;
  app.get('/level', async (request) => { level = request.log.level; return {}; });
  await app.ready();
  const before = log.children(); // Fastify derives its own logger once at start
  return { app, lines: log.lines, children: () => log.children() - before, level: () => level };
}

describe('request logging', () => {
  it('writes one completion line with the request and correlation ids, without a per-request child logger', async () => {
    const { app, lines, children } = await server(true);
    const res = await app.inject({ method: 'GET', url: '/quiet', headers: { 'x-correlation-id': 'trace-42' } });
    assert.equal(res.statusCode, 200);
    assert.equal(children(), 0, 'Fastify checking the logger methods must not create the child');
    const completed = lines.filter((l) => l.msg === 'request completed');
    assert.equal(completed.length, 1);
    assert.equal(completed[0]!.correlationId, 'trace-42');
    assert.equal(completed[0]!.route, '/quiet');
    assert.equal(completed[0]!.statusCode, 200);
    assert.equal(typeof completed[0]!.requestId, 'string');
    await app.close();
  });

  it('binds the ids to lines a handler writes (the child is made on first use)', async () => {
    const { app, lines, children } = await server(false);
    await app.inject({ method: 'GET', url: '/chatty', headers: { 'x-correlation-id': 'trace-43' } });
    assert.equal(children(), 1);
    const hello = lines.find((l) => l.msg === 'handler says hello');
    assert.ok(hello);
    assert.equal(hello.correlationId, 'trace-43');
    assert.equal(hello.step, 1);
    assert.equal(typeof hello.requestId, 'string');
    assert.equal(lines.filter((l) => l.msg === 'request completed').length, 0, 'request logging is off');
    await app.close();
  });

  it('reports the level of the parent until the child exists', async () => {
    const { app, level, children } = await server(false);
    await app.inject({ method: 'GET', url: '/level' });
    assert.equal(level(), 'info');
    assert.equal(children(), 0);
    await app.close();
  });
});
