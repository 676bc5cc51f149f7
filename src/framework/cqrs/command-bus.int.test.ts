import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { AppError } from '../errors/index.ts';
import { createEventStore, type PostgresEventStore } from '../eventstore/index.ts';
import type { Principal } from '../http/principal.ts';
import { createLogger } from '../observability/index.ts';
import { createCommandBus, type CommandBus, type CommandMiddleware } from './command-bus.ts';
import { handleCommand } from './handle-command.ts';
import { pruneCommandLog } from './command-log.ts';
import { standardCommandMiddleware } from './standard.ts';
import { counterDecider } from '../../../test/support/counter-decider.ts';

let db: TestDatabase;
let store: PostgresEventStore;
let bus: CommandBus;
const tenant = randomUUID();
const otherTenant = randomUUID();
const alice: Principal = { userId: randomUUID(), tenantId: tenant, role: 'member', isSystemAdmin: false };
const bob: Principal = { ...alice, userId: randomUUID() };
const Increment = Type.Object({ counterId: Type.String({ minLength: 1 }), by: Type.Integer({ minimum: 1, maximum: 100 }) }, { additionalProperties: false });
let executions = 0;
const trace: string[] = [];
const limited = new Set<string>();

const spy = (name: string): CommandMiddleware => ({ name, handle: async (execution, next) => { trace.push(name); return next(execution); } });

before(async () => {
  db = await createTestDatabase();
  store = createEventStore({ db: db.app });
  const standard = standardCommandMiddleware({
    logger: createLogger({ level: 'silent', format: 'json' }),
    db: db.app,
    authorize: (principal, request) => { trace.push('authorize'); return principal !== null && principal.tenantId === request.tenantId; },
    rateLimit: (principal) => { trace.push('rate_limit'); return limited.has(principal?.userId ?? '') ? { allowed: false, retryAfterSeconds: 1 } : { allowed: true }; },
  });
  bus = createCommandBus({ middleware: standard });
  bus.use(spy('inner'));
  bus.register({
    type: 'counter.increment',
    schema: Increment,
    async handler(command, { tx }) {
      executions++;
      const outcome = await handleCommand({
        store, decider: counterDecider, streamId: `counter-${command.payload.counterId}`, tenantId: command.tenantId,
        command: { type: 'increment', by: command.payload.by },
        context: { correlationId: command.correlationId, userId: command.principal?.userId ?? null },
        ...(tx ? { tx } : { db: db.app }),
      });
      if (command.payload.by === 99) throw new Error('handler fails after appending');
      return { version: outcome.version, state: outcome.state };
    },
  });
});
after(() => db.drop());

const send = (payload: unknown, options: { commandId?: string; principal?: Principal | null; tenantId?: string } = {}) => bus.execute({
  type: 'counter.increment', payload, tenantId: options.tenantId ?? tenant, principal: options.principal === undefined ? alice : options.principal,
  correlationId: randomUUID(), ...(options.commandId ? { commandId: options.commandId } : {}),
});
const versionOf = (counterId: string, tenantId = tenant) => store.streamVersion(`counter-${counterId}`, { tenantId });

describe('standard middleware on a real database', () => {
  it('runs logging → validation → authorization → rate limiting → idempotency → added middleware → handler', async () => {
    assert.deepEqual(bus.middlewareNames(), ['logging', 'validation', 'authorization', 'rate_limit', 'idempotency', 'inner']);
    trace.length = 0;
    await send({ counterId: randomUUID(), by: 1 }, { commandId: randomUUID() });
    assert.deepEqual(trace, ['authorize', 'rate_limit', 'inner']);

    trace.length = 0;
    await assert.rejects(send({ counterId: '' , by: 1 }, { principal: null }), { code: 'validation.field_too_short' });
    assert.deepEqual(trace, [], 'validation runs before authorization');
    await assert.rejects(send({ counterId: 'x', by: 1 }, { principal: null }), { code: 'auth.unauthenticated' });
    assert.deepEqual(trace, ['authorize'], 'authorization runs before rate limiting');

    trace.length = 0;
    const counterId = randomUUID();
    const commandId = randomUUID();
    await send({ counterId, by: 1 }, { commandId });
    limited.add(alice.userId);
    await assert.rejects(send({ counterId, by: 1 }, { commandId }), { code: 'rate_limit.exceeded' });
    limited.delete(alice.userId);
    assert.deepEqual(trace, ['authorize', 'rate_limit', 'inner', 'authorize', 'rate_limit'], 'rate limiting runs before idempotency: a limited replay is refused');
  });
});

describe('idempotency', () => {
  it('a repeated command id returns the first result and appends nothing', async () => {
    const counterId = randomUUID();
    const commandId = randomUUID();
    const before = executions;
    const first = await send({ counterId, by: 5 }, { commandId });
    assert.deepEqual(first, { version: 1, state: { status: 'counting', count: 5 } });
    for (let i = 0; i < 3; i++) assert.deepEqual(await send({ counterId, by: 5 }, { commandId }), first);
    assert.equal(executions - before, 1);
    assert.equal(await versionOf(counterId), 1);
    const without = await send({ counterId, by: 5 });
    assert.equal((without as { version: number }).version, 2, 'no command id: no idempotency');
    const log = await db.system.query('SELECT command_type, result FROM command_log WHERE command_id = $1', [commandId]);
    assert.deepEqual(log.rows, [{ command_type: 'counter.increment', result: first }]);
  });

  it('16 identical command ids at once: one executes, every caller gets its result', async () => {
    const counterId = randomUUID();
    const commandId = randomUUID();
    const before = executions;
    const results = await Promise.all(Array.from({ length: 16 }, () => send({ counterId, by: 2 }, { commandId })));
    assert.equal(executions - before, 1);
    for (const result of results) assert.deepEqual(result, { version: 1, state: { status: 'counting', count: 2 } });
    assert.equal(await versionOf(counterId), 1);
  });

  it('distinct command ids at once on one stream all execute (the append retries inside the idempotent transaction)', async () => {
    const counterId = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => send({ counterId, by: 1 }, { commandId: randomUUID() })));
    assert.deepEqual(results.map((r) => (r as { version: number }).version).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(await versionOf(counterId), 8);
  });

  it('refuses the same id for another payload or another user (422), and malformed ids (400)', async () => {
    const counterId = randomUUID();
    const commandId = randomUUID();
    await send({ counterId, by: 1 }, { commandId });
    await assert.rejects(send({ counterId, by: 2 }, { commandId }), (error: AppError) => error.code === 'command.id_reused' && error.status === 422 && error.params.commandId === commandId);
    await assert.rejects(send({ counterId, by: 1 }, { commandId, principal: bob }), { code: 'command.id_reused' });
    await assert.rejects(send({ counterId, by: 1 }, { commandId: 'has spaces' }), { code: 'command.invalid_id', status: 400 });
    await assert.rejects(send({ counterId, by: 1 }, { commandId: 'x'.repeat(201) }), { code: 'command.invalid_id' });
    assert.equal(await versionOf(counterId), 1);
  });

  it('the same payload hashes the same whatever its key order', async () => {
    const counterId = randomUUID();
    const commandId = randomUUID();
    const first = await send({ counterId, by: 3 }, { commandId });
    assert.deepEqual(await send({ by: 3, counterId }, { commandId }), first);
  });

  it('a failed command records nothing and rolls its events back, so the id can be retried', async () => {
    const counterId = randomUUID();
    const commandId = randomUUID();
    await assert.rejects(send({ counterId, by: 99 }, { commandId }), /handler fails after appending/);
    assert.equal(await versionOf(counterId), 0, 'the events rolled back with the command log entry');
    assert.equal((await db.system.query('SELECT 1 FROM command_log WHERE command_id = $1', [commandId])).rowCount, 0);
    const retried = await send({ counterId, by: 1 }, { commandId: randomUUID() });
    assert.equal((retried as { version: number }).version, 1);
  });

  it('command ids are per tenant, and the log is tenant-scoped by row-level security', async () => {
    const commandId = randomUUID();
    const counterId = randomUUID();
    const carol: Principal = { ...alice, userId: randomUUID(), tenantId: otherTenant };
    await send({ counterId, by: 1 }, { commandId });
    const other = await send({ counterId, by: 7 }, { commandId, principal: carol, tenantId: otherTenant });
    assert.deepEqual(other, { version: 1, state: { status: 'counting', count: 7 } });
    const visible = await db.app.transaction((tx) => tx.query('SELECT tenant_id FROM command_log WHERE command_id = $1', [commandId]), { tenantId: otherTenant });
    assert.deepEqual(visible.rows, [{ tenant_id: otherTenant }]);
    assert.equal((await db.app.query('SELECT 1 FROM command_log')).rowCount, 0);
    await assert.rejects(db.app.transaction((tx) => tx.query('DELETE FROM command_log'), { tenantId: tenant }), /permission denied/);
  });

  it('old records are pruned by platform work; a pruned id runs again', async () => {
    const counterId = randomUUID();
    const commandId = randomUUID();
    await send({ counterId, by: 1 }, { commandId });
    await db.system.query(`UPDATE command_log SET created_at = now() - interval '8 days' WHERE command_id = $1`, [commandId]);
    const pruned = await pruneCommandLog(db.system, { olderThan: new Date(Date.now() - 7 * 86_400_000), batchSize: 1 });
    assert.equal(pruned, 1);
    assert.ok((await db.system.query('SELECT count(*)::int AS n FROM command_log')).rows[0]?.n > 0, 'recent records stay');
    assert.equal(((await send({ counterId, by: 1 }, { commandId })) as { version: number }).version, 2);
  });
});
