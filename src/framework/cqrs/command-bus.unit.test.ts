import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { createLogger, createMetrics } from '../observability/index.ts';
import type { Principal } from '../http/principal.ts';
import { AppError } from '../errors/index.ts';
import { createCommandBus, eventContextOf, type Command, type CommandMiddleware } from './command-bus.ts';
import { authorizationMiddleware, loggingMiddleware, rateLimitMiddleware, validationMiddleware, type Authorize } from './middleware/index.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const alice: Principal = { userId: 'u-alice', tenantId: TENANT, role: 'member', isSystemAdmin: false };
const envelope = { tenantId: TENANT, principal: alice, correlationId: 'corr-1' };
const Rename = Type.Object({ name: Type.String({ minLength: 2, maxLength: 10 }) }, { additionalProperties: false });

const tracer = (name: string, trace: string[]): CommandMiddleware => ({
  name,
  async handle(execution, next) {
    trace.push(`>${name}`);
    const result = await next(execution);
    trace.push(`<${name}`);
    return result;
  },
});

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', format: 'json' }, { write: (line: string) => { lines.push(JSON.parse(line)); } });
  return { logger, lines };
}

describe('command bus', () => {
  it('runs middleware in order around the handler and returns its result', async () => {
    const trace: string[] = [];
    const bus = createCommandBus({ middleware: ['logging', 'validation', 'authorization', 'rate_limit', 'idempotency'].map((n) => tracer(n, trace)) });
    bus.use(tracer('module_audit', trace));
    bus.use(tracer('first', trace), { before: 'logging' });
    bus.use(tracer('after_auth', trace), { after: 'authorization' });
    const rename = bus.register({ type: 'item.rename', schema: Rename, handler: async (command) => { trace.push('handler'); return command.payload.name.toUpperCase(); } });
    assert.equal(await rename({ ...envelope, payload: { name: 'box' } }), 'BOX');
    assert.deepEqual(trace, [
      '>first', '>logging', '>validation', '>authorization', '>after_auth', '>rate_limit', '>idempotency', '>module_audit',
      'handler',
      '<module_audit', '<idempotency', '<rate_limit', '<after_auth', '<authorization', '<validation', '<logging', '<first',
    ]);
    assert.deepEqual(bus.middlewareNames().slice(0, 3), ['first', 'logging', 'validation']);
  });

  it('refuses the standard middleware out of order, duplicates and duplicate handlers', () => {
    const trace: string[] = [];
    assert.throws(() => createCommandBus({ middleware: [tracer('validation', trace), tracer('logging', trace)] }), /out of order/);
    const bus = createCommandBus({ middleware: [tracer('logging', trace), tracer('idempotency', trace)] });
    assert.throws(() => bus.use(tracer('authorization', trace), { after: 'idempotency' }), /out of order/);
    assert.throws(() => bus.use(tracer('logging', trace)), /duplicate/);
    assert.throws(() => bus.use(tracer('x', trace), { before: 'nope' }), /no command middleware/);
    bus.register({ type: 'a', schema: Type.Object({}), handler: async () => 1 });
    assert.throws(() => bus.register({ type: 'a', schema: Type.Object({}), handler: async () => 2 }), /already registered/);
    assert.equal(bus.has('a'), true);
  });

  it('rejects an unknown command type', async () => {
    await assert.rejects(createCommandBus().execute({ ...envelope, type: 'nope', payload: {} }), /no handler registered/);
  });

  it('a middleware may stop the chain or hand a changed execution on', async () => {
    const bus = createCommandBus({
      middleware: [{ name: 'maintenance', handle: async (execution, next) => (execution.command.payload === 'stop' ? 'stopped' : next({ ...execution, command: { ...execution.command, payload: 'changed' } })) }],
    });
    bus.register({ type: 'x', schema: Type.String(), handler: async (command) => command.payload });
    assert.equal(await bus.execute({ ...envelope, type: 'x', payload: 'stop' }), 'stopped');
    assert.equal(await bus.execute({ ...envelope, type: 'x', payload: 'go' }), 'changed');
  });
});

describe('validation middleware', () => {
  const bus = createCommandBus({ middleware: [validationMiddleware()] });
  let ran = 0;
  const rename = bus.register({ type: 'item.rename', schema: Rename, handler: async () => { ran++; return 'ok'; } });

  it('answers invalid payloads with the stable validation codes and field details, before the handler', async () => {
    const cases: [unknown, string, string][] = [
      [{}, 'validation.required', 'name'],
      [{ name: 'x' }, 'validation.field_too_short', 'name'],
      [{ name: 'x'.repeat(11) }, 'validation.field_too_long', 'name'],
      [{ name: 'ok', admin: true }, 'validation.unknown_field', 'admin'],
      [{ name: 3 }, 'validation.invalid_type', 'name'],
      [null, 'validation.invalid_type', 'payload'],
    ];
    for (const [payload, code, field] of cases) {
      await assert.rejects(bus.execute({ ...envelope, type: 'item.rename', payload }), (error: AppError) => {
        assert.equal(error.code, code, JSON.stringify(payload));
        assert.equal(error.status, 400);
        assert.equal(error.params.field, field);
        assert.ok(Array.isArray(error.details));
        return true;
      });
    }
    assert.equal(ran, 0);
    assert.equal(await rename({ ...envelope, payload: { name: 'fine' } }), 'ok');
    assert.equal(ran, 1);
  });
});

describe('authorization middleware', () => {
  const seen: unknown[] = [];
  const authorize: Authorize = (principal, request) => {
    seen.push({ user: principal?.userId ?? null, ...request });
    return request.public || principal?.role === 'admin';
  };
  const bus = createCommandBus({ middleware: [validationMiddleware(), authorizationMiddleware({ authorize })] });
  bus.register({ type: 'item.delete', schema: Type.Object({}), permission: 'item:delete', handler: async () => 'deleted' });
  bus.register({ type: 'item.ping', schema: Type.Object({}), public: true, handler: async () => 'pong' });

  it('passes principal and request to the hook; 401 anonymous, 403 authenticated when denied', async () => {
    await assert.rejects(bus.execute({ ...envelope, principal: null, type: 'item.delete', payload: {} }), { code: 'auth.unauthenticated', status: 401 });
    await assert.rejects(bus.execute({ ...envelope, type: 'item.delete', payload: {} }), { code: 'auth.forbidden', status: 403 });
    assert.equal(await bus.execute({ ...envelope, principal: { ...alice, role: 'admin' }, type: 'item.delete', payload: {} }), 'deleted');
    assert.equal(await bus.execute({ ...envelope, principal: null, type: 'item.ping', payload: {} }), 'pong');
    assert.deepEqual(seen[0], { user: null, kind: 'command', type: 'item.delete', payload: {}, tenantId: TENANT, permission: 'item:delete', public: false });
  });

  it('uses the tenant boundary by default: own tenant or system admin, anonymous only for public commands', async () => {
    const fallback = createCommandBus({ middleware: [authorizationMiddleware({ authorize: (await import('./middleware/index.ts')).tenantBoundaryAuthorize })] });
    fallback.register({ type: 'x', schema: Type.Object({}), handler: async () => 'ok' });
    assert.equal(await fallback.execute({ ...envelope, type: 'x', payload: {} }), 'ok');
    await assert.rejects(fallback.execute({ ...envelope, tenantId: OTHER, type: 'x', payload: {} }), { code: 'auth.forbidden' });
    assert.equal(await fallback.execute({ ...envelope, tenantId: OTHER, principal: { ...alice, isSystemAdmin: true }, type: 'x', payload: {} }), 'ok');
    await assert.rejects(fallback.execute({ ...envelope, principal: null, type: 'x', payload: {} }), { code: 'auth.unauthenticated' });
  });
});

describe('rate limit middleware', () => {
  it('throws 429 with Retry-After when the limiter refuses, and the handler never runs', async () => {
    const counts = new Map<string, number>();
    let handled = 0;
    const bus = createCommandBus({
      middleware: [rateLimitMiddleware({
        limit: (principal, command) => {
          const key = `${principal?.userId}:${command.type}`;
          const n = (counts.get(key) ?? 0) + 1;
          counts.set(key, n);
          return n <= 2 ? { allowed: true } : { allowed: false, retryAfterSeconds: 2.5 };
        },
      })],
    });
    bus.register({ type: 'x', schema: Type.Object({}), handler: async () => ++handled });
    const send = (principal: Principal) => bus.execute({ ...envelope, principal, type: 'x', payload: {} });
    await send(alice);
    await send(alice);
    await assert.rejects(send(alice), (error: AppError) => {
      assert.equal(error.code, 'rate_limit.exceeded');
      assert.equal(error.status, 429);
      assert.equal(error.headers['retry-after'], '3');
      return true;
    });
    await send({ ...alice, userId: 'u-bob' });
    assert.equal(handled, 3);
  });
});

describe('logging middleware', () => {
  it('logs type, ids, outcome and duration, never the payload, and counts commands in metrics', async () => {
    const { logger, lines } = captureLogger();
    const metrics = createMetrics({ defaultMetrics: false });
    const bus = createCommandBus({ middleware: [loggingMiddleware({ logger, metrics }), validationMiddleware()] });
    bus.register({
      type: 'user.set_password', schema: Type.Object({ password: Type.String() }),
      handler: async (command) => { if (command.payload.password === 'bad') throw new AppError('user.weak_password', 422); return 'ok'; },
    });
    bus.register({ type: 'crash', schema: Type.Object({}), handler: async () => { throw new Error('boom'); } });
    const send = (command: Omit<Command, keyof typeof envelope>) => bus.execute({ ...envelope, commandId: 'c-1', ...command });
    await send({ type: 'user.set_password', payload: { password: 'hunter2-secret' } });
    await assert.rejects(send({ type: 'user.set_password', payload: { password: 'bad' } }));
    await assert.rejects(send({ type: 'user.set_password', payload: {} }));
    await assert.rejects(send({ type: 'crash', payload: {} }));
    assert.deepEqual(lines.map((l) => [l.msg, l.outcome, l.errorCode ?? null]), [
      ['command executed', 'ok', null],
      ['command rejected', 'rejected', 'user.weak_password'],
      ['command rejected', 'rejected', 'validation.required'],
      ['command failed', 'failed', null],
    ]);
    assert.equal(lines[0]?.commandType, 'user.set_password');
    assert.equal(lines[0]?.commandId, 'c-1');
    assert.equal(lines[0]?.tenantId, TENANT);
    assert.equal(lines[0]?.userId, 'u-alice');
    assert.equal(typeof lines[0]?.durationMs, 'number');
    assert.equal(lines[3]?.level, 50, 'pino level error');
    assert.doesNotMatch(JSON.stringify(lines), /hunter2/);
    const exposition = await metrics.registry.metrics();
    assert.match(exposition, /acci_commands_total\{type="user.set_password",outcome="ok"\} 1/);
    assert.match(exposition, /acci_commands_total\{type="user.set_password",outcome="rejected"\} 2/);
    assert.match(exposition, /acci_commands_total\{type="crash",outcome="failed"\} 1/);
  });
});

describe('eventContextOf', () => {
  it('carries correlation, causation (event, else command id) and actor into event metadata', () => {
    const command: Command = { ...envelope, type: 'x', payload: {}, commandId: 'cmd-1' };
    assert.deepEqual(eventContextOf(command), { correlationId: 'corr-1', causationId: 'cmd-1', userId: 'u-alice' });
    assert.deepEqual(eventContextOf({ ...command, causationId: 'evt-9', principal: null }), { correlationId: 'corr-1', causationId: 'evt-9', userId: null });
    assert.equal(eventContextOf({ ...envelope, type: 'x', payload: {} }).causationId, null);
  });
});
