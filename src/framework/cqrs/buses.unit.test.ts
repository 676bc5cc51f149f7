import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import type { Database } from '../db/index.ts';
import type { AcciModule, ModuleContext } from '../module.ts';
import { createLogger } from '../observability/index.ts';
import { createPlatformBuses, resolveBusPolicy } from './buses.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const principal = { userId: 'u', tenantId: TENANT, role: 'member', isSystemAdmin: false };
const noDatabase = {} as Database;
const module = (name: string, extra: Partial<AcciModule>): AcciModule => ({ name, register: () => undefined, ...extra });

describe('platform buses', () => {
  it('use the tenant boundary until a module provides an authorizer, then that one, for commands and queries', async () => {
    const buses = createPlatformBuses({ db: noDatabase, logger: createLogger({ level: 'silent', format: 'json' }) });
    assert.deepEqual(buses.commandBus.middlewareNames(), ['logging', 'validation', 'authorization', 'rate_limit', 'idempotency']);
    const ping = buses.commandBus.register({ type: 'ping', schema: Type.Object({}), handler: async () => 'pong' });
    const look = buses.queryBus.register({ type: 'look', schema: Type.Object({}), handler: async () => 'seen' });
    const envelope = { payload: {}, tenantId: TENANT, principal, correlationId: 'c' };
    assert.equal(await ping(envelope), 'pong');
    await assert.rejects(ping({ ...envelope, principal: null }), { code: 'auth.unauthenticated' });

    const context = { ...buses } as unknown as ModuleContext;
    buses.setPolicy(resolveBusPolicy([
      module('access', { authorizer: () => (_p, request) => request.type !== 'ping' }),
      module('auth', { rateLimiter: () => () => ({ allowed: false, retryAfterSeconds: 7 }) }),
    ], context));
    await assert.rejects(ping(envelope), { code: 'auth.forbidden' });
    assert.equal(await look({ params: {}, tenantId: TENANT, principal, correlationId: 'c' }), 'seen');
    buses.setPolicy(resolveBusPolicy([module('auth', { rateLimiter: () => () => ({ allowed: false, retryAfterSeconds: 7 }) })], context));
    await assert.rejects(ping(envelope), { code: 'rate_limit.exceeded' });
  });

  it('refuses two modules providing the same policy', () => {
    const authorizer = () => () => true;
    assert.throws(() => resolveBusPolicy([module('a', { authorizer }), module('b', { authorizer })], {} as ModuleContext), /only one module may provide authorizer: a, b/);
  });
});
