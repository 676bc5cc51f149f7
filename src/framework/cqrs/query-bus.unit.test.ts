import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import type { Principal } from '../http/principal.ts';
import { createQueryBus } from './query-bus.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const alice: Principal = { userId: 'alice', tenantId: TENANT, role: 'member', isSystemAdmin: false };
const bob: Principal = { ...alice, userId: 'bob' };
const envelope = { tenantId: TENANT, principal: alice, correlationId: 'c' };
const ById = Type.Object({ id: Type.String({ minLength: 1 }) }, { additionalProperties: false });

describe('query bus', () => {
  it('validates params, authorizes, then runs the handler', async () => {
    const asked: unknown[] = [];
    const bus = createQueryBus({ authorize: (principal, request) => { asked.push(request); return principal?.role === 'member'; } });
    const get = bus.register({ type: 'item.get', schema: ById, permission: 'item:read', handler: async (query) => ({ id: query.params.id }) });
    assert.deepEqual(await get({ ...envelope, params: { id: 'a' } }), { id: 'a' });
    assert.deepEqual(asked[0], { kind: 'query', type: 'item.get', payload: { id: 'a' }, tenantId: TENANT, permission: 'item:read', public: false });
    await assert.rejects(bus.execute({ ...envelope, type: 'item.get', params: { id: '' } }), { code: 'validation.field_too_short' });
    assert.equal(asked.length, 1, 'invalid params never reach the authorizer');
    await assert.rejects(get({ ...envelope, principal: null, params: { id: 'a' } }), { code: 'auth.unauthenticated' });
    await assert.rejects(get({ ...envelope, principal: { ...alice, role: 'guest' }, params: { id: 'a' } }), { code: 'auth.forbidden' });
    await assert.rejects(bus.execute({ ...envelope, type: 'nope', params: {} }), /no handler registered/);
    assert.throws(() => bus.register({ type: 'item.get', schema: ById, handler: async () => null }), /already registered/);
  });

  it('defaults to the tenant boundary', async () => {
    const bus = createQueryBus();
    const get = bus.register({ type: 'item.get', schema: ById, handler: async () => 'ok' });
    assert.equal(await get({ ...envelope, params: { id: 'a' } }), 'ok');
    await assert.rejects(get({ ...envelope, tenantId: OTHER, params: { id: 'a' } }), { code: 'auth.forbidden' });
  });

  it('caches per tenant, params and principal for the TTL; shared caches ignore the principal', async () => {
    let calls = 0;
    const bus = createQueryBus();
    const get = bus.register({ type: 'item.get', schema: ById, cache: { ttlMs: 60_000 }, handler: async (query) => ({ id: query.params.id, call: ++calls }) });
    const a1 = await get({ ...envelope, params: { id: 'a' } });
    assert.deepEqual(await get({ ...envelope, params: { id: 'a' } }), a1);
    assert.equal(calls, 1);
    await get({ ...envelope, params: { id: 'b' } });
    await get({ ...envelope, principal: bob, params: { id: 'a' } });
    await get({ ...envelope, tenantId: OTHER, principal: { ...alice, tenantId: OTHER }, params: { id: 'a' } });
    assert.equal(calls, 4);

    let sharedCalls = 0;
    const list = bus.register({ type: 'item.count', schema: Type.Object({}), cache: { ttlMs: 60_000, shared: true }, handler: async () => ++sharedCalls });
    await list({ ...envelope, params: {} });
    await list({ ...envelope, principal: bob, params: {} });
    assert.equal(sharedCalls, 1);
  });

  it('authorization runs even on a cache hit', async () => {
    let allow = true;
    const bus = createQueryBus({ authorize: () => allow });
    const get = bus.register({ type: 'item.get', schema: ById, cache: { ttlMs: 60_000 }, handler: async () => 'secret' });
    assert.equal(await get({ ...envelope, params: { id: 'a' } }), 'secret');
    allow = false;
    await assert.rejects(get({ ...envelope, params: { id: 'a' } }), { code: 'auth.forbidden' });
  });

  it('expires entries after the TTL, forgets failures, shares concurrent misses, and invalidates explicitly', async () => {
    let calls = 0;
    let fail = true;
    const bus = createQueryBus();
    const get = bus.register({
      type: 'item.get', schema: ById, cache: { ttlMs: 30 },
      handler: async () => { calls++; await new Promise((r) => setTimeout(r, 5)); if (fail) throw new Error('read failed'); return calls; },
    });
    await assert.rejects(get({ ...envelope, params: { id: 'a' } }), /read failed/);
    fail = false;
    const [x, y] = await Promise.all([get({ ...envelope, params: { id: 'a' } }), get({ ...envelope, params: { id: 'a' } })]);
    assert.equal(x, y);
    assert.equal(calls, 2, 'the failure was not cached; the two concurrent misses ran once');
    await new Promise((r) => setTimeout(r, 40));
    await get({ ...envelope, params: { id: 'a' } });
    assert.equal(calls, 3, 'expired after the TTL');
    await get({ ...envelope, params: { id: 'a' } });
    assert.equal(calls, 3);
    bus.invalidate('item.get', OTHER);
    await get({ ...envelope, params: { id: 'a' } });
    assert.equal(calls, 3, 'invalidating another tenant keeps this one');
    bus.invalidate('item.get', TENANT);
    await get({ ...envelope, params: { id: 'a' } });
    assert.equal(calls, 4);
    bus.invalidate('item.get');
    await get({ ...envelope, params: { id: 'a' } });
    assert.equal(calls, 5);
  });

  it('bounds the number of cached entries', async () => {
    let calls = 0;
    const bus = createQueryBus({ maxCacheEntries: 2 });
    const get = bus.register({ type: 'item.get', schema: ById, cache: { ttlMs: 60_000 }, handler: async () => ++calls });
    for (const id of ['a', 'b', 'c']) await get({ ...envelope, params: { id } });
    await get({ ...envelope, params: { id: 'c' } });
    assert.equal(calls, 3);
    await get({ ...envelope, params: { id: 'a' } });
    assert.equal(calls, 4, 'the oldest entry was evicted');
  });

  it('read() needs a database', async () => {
    const bus = createQueryBus();
    const get = bus.register({ type: 'item.get', schema: ById, handler: (_query, { read }) => read(async () => 1) });
    await assert.rejects(get({ ...envelope, params: { id: 'a' } }), /no database configured/);
  });
});
