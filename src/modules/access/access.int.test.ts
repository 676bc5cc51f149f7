import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { seedTenant, seedUser } from '../../../test/support/read-models.ts';
import { periodOf } from './quotas.ts';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { createLogger } from '../../framework/observability/index.ts';
import { buildApp } from '../../platform/app.ts';
import type { AcciModule } from '../../framework/module.ts';
import type { Principal } from '../../framework/http/index.ts';
import { createAccess, type Access } from './module.ts';
import { DEFAULT_RATE_LIMITS } from './limits.ts';
import { createApiCallCounter } from './quotas.ts';
import { DEFAULT_POLICY_FILE } from './policy/files.ts';
import { asHeaders, principalFromHeader } from './test-support.ts';
import { tenantStorageProjection } from '../tenants/index.ts';

const T1 = randomUUID();
const T2 = randomUUID();
const as = (role: string, tenantId = T1): Principal => ({ userId: randomUUID(), tenantId, role, isSystemAdmin: false });
const admin = as('admin');
const user = as('user');
const until = async (check: () => boolean, what: string, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A module with one read route, to see enforcement and the limits from outside. */
const sample: AcciModule = {
  name: 'sample',
  register(app) {
    app.get('/tenants/:tenantId/things', {
      config: { permission: 'users:list' },
      schema: { tags: ['sample'], params: Type.Object({ tenantId: Type.String() }), response: { 200: Type.Object({ ok: Type.Boolean() }) } },
    }, async () => ({ ok: true }));
    app.post('/sample/login', {
      config: { public: true, rateLimit: { limit: 3, windowSeconds: 60, scope: 'ip' } },
      schema: { tags: ['sample'], response: { 200: Type.Object({ ok: Type.Boolean() }) } },
    }, async () => ({ ok: true }));
  },
};

const policyDir = mkdtempSync(join(tmpdir(), 'acci-policy-'));
const policyFile = join(policyDir, 'policy.csv');
writeFileSync(policyFile, readFileSync(DEFAULT_POLICY_FILE, 'utf8'));

let access: Access;
let t: TestApp;
before(async () => {
  access = createAccess({
    policyFile,
    rateLimits: { ...DEFAULT_RATE_LIMITS, perTenant: { free: { limit: 1000, windowSeconds: 60 } } },
    quotas: { flushMs: 50, plans: { free: { apiCallsPerMonth: 1_000_000, storageBytes: null } } },
    planOf: (tenantId) => (tenantId === T2 ? 'tiny' : 'free'),
  });
  t = await createTestApp({ modules: [access.module, sample, principalFromHeader()] });
  // The role and usage routes answer 404 for tenants and users the read models do not hold.
  await Promise.all([seedTenant(t.db.system, T1), seedTenant(t.db.system, T2), seedUser(t.db.system, T1, user.userId)]);
});
after(() => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, who: Principal | null, payload?: object) =>
  t.http.inject({ method, url: `/api/v1${url}`, headers: asHeaders(who), ...(payload ? { payload } : {}) });

test('401 anonymous, 403 lacking permission, 404 another tenant (same answer as a missing tenant)', async () => {
  assert.equal((await call('GET', `/tenants/${T1}/things`, null)).json().code, 'auth.unauthenticated');
  assert.equal((await call('GET', `/tenants/${T1}/things`, user)).json().code, 'auth.forbidden');
  const other = await call('GET', `/tenants/${T2}/things`, admin);
  assert.equal(other.statusCode, 404);
  assert.equal(other.json().code, 'tenant.not_found');
  assert.equal((await call('GET', `/tenants/${T1}/things`, admin)).statusCode, 200);
});

test('custom roles: create, read, update, assign, delete — effective at once', async () => {
  const created = await call('POST', `/tenants/${T1}/roles`, admin, { name: 'custom:support', description: 'Help desk', permissions: ['users:read'] });
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual(created.json().permissions, ['users:read']);
  const support = as('custom:support');
  assert.equal((await call('GET', `/tenants/${T1}/things`, support)).statusCode, 403);

  const patched = await call('PATCH', `/tenants/${T1}/roles/custom:support`, admin, { permissions: ['users:list', 'users:read'] });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal((await call('GET', `/tenants/${T1}/things`, support)).statusCode, 200);
  assert.deepEqual(access.effectivePermissions(support), ['users:list', 'users:read', 'profile:read'], 'plus the baseline on its own account');

  const list = (await call('GET', `/tenants/${T1}/roles`, admin)).json().items.map((r: { name: string }) => r.name);
  assert.deepEqual(list, ['admin', 'user', 'read_only', 'custom:support']);
  assert.equal((await call('GET', `/tenants/${T2}/roles`, admin)).statusCode, 404);

  const assigned = await call('PUT', `/tenants/${T1}/users/${user.userId}/roles/custom:support`, admin);
  assert.deepEqual(assigned.json().roles, ['custom:support']);
  assert.equal((await call('GET', `/tenants/${T1}/things`, user)).statusCode, 200);
  assert.deepEqual(access.rolesOf(user), ['user', 'custom:support']);

  const inUse = await call('DELETE', `/tenants/${T1}/roles/custom:support`, admin);
  assert.equal(inUse.statusCode, 409);
  assert.equal(inUse.json().code, 'access.role_in_use');
  await call('DELETE', `/tenants/${T1}/users/${user.userId}/roles/custom:support`, admin);
  assert.equal((await call('GET', `/tenants/${T1}/things`, user)).statusCode, 403);
  assert.equal((await call('DELETE', `/tenants/${T1}/roles/custom:support`, admin)).statusCode, 204);
  assert.equal((await call('GET', `/tenants/${T1}/roles/custom:support`, admin)).json().code, 'access.role_not_found');
  assert.equal((await call('GET', `/tenants/${T1}/things`, support)).statusCode, 403);
});

test('role input is validated with clear codes', async () => {
  const unknown = await call('POST', `/tenants/${T1}/roles`, admin, { name: 'custom:bad', permissions: ['users:fly'] });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().code, 'access.unknown_permission');
  const platform = await call('POST', `/tenants/${T1}/roles`, admin, { name: 'custom:bad', permissions: ['tenants:create'] });
  assert.equal(platform.json().code, 'access.platform_permission');
  const name = await call('POST', `/tenants/${T1}/roles`, admin, { name: 'superuser', permissions: [] });
  assert.equal(name.statusCode, 400);
  assert.equal((await call('DELETE', `/tenants/${T1}/roles/admin`, admin)).json().code, 'access.role_built_in');
  assert.equal((await call('POST', `/tenants/${T1}/roles`, user, { name: 'custom:mine', permissions: [] })).statusCode, 403);
});

test('two concurrent creates of one role: one wins, the other conflicts', async () => {
  const body = { name: 'custom:race', permissions: ['audit:read'] };
  const results = await Promise.all([call('POST', `/tenants/${T1}/roles`, admin, body), call('POST', `/tenants/${T1}/roles`, admin, body)]);
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409]);
});

test('tenants and users that do not exist, or belong to another tenant, are 404: nothing is stored for them', async () => {
  const sysadmin: Principal = { userId: randomUUID(), tenantId: '00000000-0000-0000-0000-000000000000', role: 'system_admin', isSystemAdmin: true };
  const nowhere = randomUUID();
  for (const [method, url, payload] of [
    ['GET', `/tenants/${nowhere}/roles`], ['GET', `/tenants/${nowhere}/roles/admin`], ['GET', `/tenants/${nowhere}/usage`],
    ['POST', `/tenants/${nowhere}/roles`, { name: 'custom:ghost', permissions: ['users:read'] }],
    ['PUT', `/tenants/${nowhere}/users/${randomUUID()}/roles/user`],
  ] as const) {
    const res = await call(method, url, sysadmin, payload);
    assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    assert.equal(res.json().code, 'tenant.not_found');
  }
  const stranger = randomUUID(); // a user of T2, or of no tenant at all
  await seedUser(t.db.system, T2, stranger);
  for (const userId of [stranger, randomUUID()]) {
    for (const method of ['PUT', 'DELETE', 'GET'] as const) {
      const res = await call(method, `/tenants/${T1}/users/${userId}/roles${method === 'GET' ? '' : '/admin'}`, admin);
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().code, 'user.not_found');
    }
  }
  const { rows } = await t.db.system.query('SELECT 1 FROM access_role_assignments WHERE user_id = $1 UNION ALL SELECT 1 FROM access_roles WHERE tenant_id = $2', [stranger, nowhere]);
  assert.equal(rows.length, 0);
  // The role list takes no parameters and, like the paginated lists, refuses unknown ones.
  const paged = await call('GET', `/tenants/${T1}/roles?page=1`, admin);
  assert.equal(paged.statusCode, 400);
  assert.equal(paged.json().code, 'validation.unknown_field');
  assert.equal((await call('GET', `/tenants/${T1}/roles?lang=de`, admin)).statusCode, 200);
});

test('Idempotency-Key on role creation: replayed per caller, another body is 422 idempotency.key_reused', async () => {
  const key = `roles-${randomUUID()}`;
  const create = (name: string, who: Principal = admin) => t.http.inject({
    method: 'POST', url: `/api/v1/tenants/${T1}/roles`, headers: { ...asHeaders(who), 'idempotency-key': key }, payload: { name, permissions: ['users:read'] },
  });
  const first = await create('custom:idem');
  assert.equal(first.statusCode, 201, first.body);
  const again = await create('custom:idem');
  assert.equal(again.statusCode, 201);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.body, first.body);
  const other = await create('custom:other');
  assert.equal(other.statusCode, 422);
  assert.equal(other.json().code, 'idempotency.key_reused');
  const anotherCaller = await create('custom:idem', as('admin'));
  assert.equal(anotherCaller.statusCode, 409, 'a new request for another caller: the role exists');
  assert.equal(anotherCaller.json().code, 'access.role_exists');
});

test('the policy file reloads without restart; an invalid edit is refused and the old policy stays', async () => {
  const readOnly = as('read_only');
  assert.equal((await call('GET', `/tenants/${T1}/things`, readOnly)).statusCode, 200);
  const before = access.engine().version();
  writeFileSync(policyFile, readFileSync(DEFAULT_POLICY_FILE, 'utf8').replace('p, read_only, *, users:list, any\n', ''));
  await until(() => access.engine().version() > before, 'policy reload');
  assert.equal((await call('GET', `/tenants/${T1}/things`, readOnly)).statusCode, 403);
  const reloaded = access.engine().version();
  writeFileSync(policyFile, 'p, read_only, *, users:teleport, any\n');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(access.engine().version(), reloaded);
  assert.equal((await call('GET', `/tenants/${T1}/things`, admin)).statusCode, 200);
  writeFileSync(policyFile, readFileSync(DEFAULT_POLICY_FILE, 'utf8'));
  await until(() => access.engine().version() > reloaded, 'policy restore');
  assert.equal((await call('GET', `/tenants/${T1}/things`, readOnly)).statusCode, 200);
});

test('another instance on the same database sees role changes through NOTIFY', async () => {
  const second = createAccess({ watchPolicy: false, quotas: false });
  const logger = createLogger({ level: 'silent', format: 'json' });
  const app = await buildApp({ logger, db: { app: t.db.app, system: t.db.system }, modules: [second.module, principalFromHeader()] });
  await app.startBackground();
  after(async () => {
    await app.http.close();
    await app.stopBackground();
  });
  const auditor = as('custom:auditors');
  assert.deepEqual(second.effectivePermissions(auditor), ['profile:read'], 'an unknown role holds only the baseline');
  const created = await call('POST', `/tenants/${T1}/roles`, admin, { name: 'custom:auditors', permissions: ['audit:read'] });
  assert.equal(created.statusCode, 201);
  await until(() => second.effectivePermissions(auditor).includes('audit:read'), 'notification');
});

test('a route limit answers 429 with Retry-After and RateLimit headers', async () => {
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 4; i++) {
    last = await t.http.inject({ method: 'POST', url: '/api/v1/sample/login', remoteAddress: '10.0.0.7' });
    statuses.push(last.statusCode);
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  assert.equal(last?.json().code, 'rate_limit.exceeded');
  assert.equal(last?.headers['retry-after'], '20');
  assert.equal(last?.headers['ratelimit-limit'], '3');
  const elsewhere = await t.http.inject({ method: 'POST', url: '/api/v1/sample/login', remoteAddress: '10.0.0.8' });
  assert.equal(elsewhere.statusCode, 200);
});

test('tenant quota: API calls per month are counted and refused past the plan; usage is visible', async () => {
  const quotaAccess = createAccess({
    watchPolicy: false,
    rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
    quotas: { flushMs: 20, plans: { free: { apiCallsPerMonth: 5, storageBytes: null } } },
  });
  const q = await createTestApp({ modules: [quotaAccess.module, sample, principalFromHeader()] });
  after(() => q.close());
  const tenantAdmin = as('admin', randomUUID());
  await seedTenant(q.db.system, tenantAdmin.tenantId);
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    const res = await q.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantAdmin.tenantId}/things`, headers: asHeaders(tenantAdmin) });
    statuses.push(res.statusCode);
    if (res.statusCode === 429) {
      assert.equal(res.json().code, 'quota.api_calls_exceeded');
      assert.ok(Number(res.headers['retry-after']) > 0);
    }
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  const sysadmin: Principal = { userId: randomUUID(), tenantId: '00000000-0000-0000-0000-000000000000', role: 'system_admin', isSystemAdmin: true };
  const usage = await q.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantAdmin.tenantId}/usage`, headers: asHeaders(sysadmin) });
  assert.equal(usage.statusCode, 200, usage.body);
  assert.deepEqual(usage.json().apiCalls, { used: 5, limit: 5 });
  let stored = 0;
  const deadline = Date.now() + 5000;
  while (stored < 5 && Date.now() < deadline) {
    const { rows } = await q.db.system.query<{ api_calls: string }>('SELECT api_calls FROM access_usage WHERE tenant_id = $1', [tenantAdmin.tenantId]);
    stored = Number(rows[0]?.api_calls ?? 0);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(stored, 5);
});

test('tenant quota: a tenant\'s first request in a process is counted against its own plan, not the strictest one', async () => {
  // No planOf override: the plan comes from the tenants read model, as in production.
  const planned = createAccess({
    watchPolicy: false,
    rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
    quotas: { flushMs: 20, plans: { free: { apiCallsPerMonth: 5, storageBytes: null }, enterprise: { apiCallsPerMonth: null, storageBytes: null } } },
  });
  const p = await createTestApp({ modules: [planned.module, sample, principalFromHeader()] });
  after(() => p.close());
  const paying = as('admin', randomUUID());
  await seedTenant(p.db.system, paying.tenantId, 'enterprise');
  await p.db.system.query('INSERT INTO access_usage (tenant_id, period, api_calls) VALUES ($1, $2, 20)', [paying.tenantId, periodOf(new Date())]);
  const first = await p.http.inject({ method: 'GET', url: `/api/v1/tenants/${paying.tenantId}/things`, headers: asHeaders(paying) });
  assert.equal(first.statusCode, 200, first.body);
  const free = as('admin', randomUUID());
  await seedTenant(p.db.system, free.tenantId, 'free');
  await p.db.system.query('INSERT INTO access_usage (tenant_id, period, api_calls) VALUES ($1, $2, 20)', [free.tenantId, periodOf(new Date())]);
  const spent = await p.http.inject({ method: 'GET', url: `/api/v1/tenants/${free.tenantId}/things`, headers: asHeaders(free) });
  assert.equal(spent.statusCode, 429, 'a free tenant past its quota is still refused');
  assert.equal(spent.json().code, 'quota.api_calls_exceeded');
});

test('tenant quota: storage is the bytes of a tenant\'s events (tenant metrics); writes past the plan are refused, reads and deletes are not', async () => {
  /** Stores each request body as an event of the caller's tenant. */
  const writer: AcciModule = {
    name: 'writer',
    register(app, context) {
      const Params = Type.Object({ tenantId: Type.String() });
      app.post('/tenants/:tenantId/things', {
        config: { permission: 'users:invite' },
        schema: { tags: ['sample'], params: Params, body: Type.Object({ text: Type.String() }), response: { 200: Type.Object({ ok: Type.Boolean() }) } },
      }, async (request) => {
        const { tenantId } = request.params as { tenantId: string };
        await context.eventStore.append(`thing-${randomUUID()}`, [{ type: 'sample.thing_stored', data: request.body }], {
          expectedVersion: 'no_stream', context: { tenantId, correlationId: request.correlationId },
        });
        return { ok: true };
      });
      app.delete('/tenants/:tenantId/things', {
        config: { permission: 'users:invite' },
        schema: { tags: ['sample'], params: Params, response: { 200: Type.Object({ ok: Type.Boolean() }) } },
      }, async () => ({ ok: true }));
    },
  };
  const storageAccess = createAccess({
    watchPolicy: false,
    rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
    quotas: { storageTtlMs: 0, plans: { free: { apiCallsPerMonth: null, storageBytes: 600 } } },
  });
  // The tenants module's storage projection counts the bytes (here without the rest of that module).
  const counting: AcciModule = { name: 'tenant-storage', projections: [tenantStorageProjection], register: () => undefined };
  const s = await createTestApp({ modules: [storageAccess.module, writer, counting, principalFromHeader()] });
  after(() => s.close());
  const tenantAdmin = as('admin', randomUUID());
  await seedTenant(s.db.system, tenantAdmin.tenantId);
  const url = `/api/v1/tenants/${tenantAdmin.tenantId}/things`;
  const text = 'x'.repeat(300);
  const store = () => s.http.inject({ method: 'POST', url, headers: asHeaders(tenantAdmin), payload: { text } });
  const usage = async () => (await s.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantAdmin.tenantId}/usage`, headers: asHeaders(tenantAdmin) })).json().storageBytes;

  assert.equal((await store()).statusCode, 200);
  const stored = Buffer.byteLength(JSON.stringify({ text }));
  const deadline = Date.now() + 5000;
  let seen = await usage();
  while (seen.used < stored && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    seen = await usage();
  }
  assert.deepEqual(seen, { used: stored, limit: 600 }, 'the projection counted the event');

  const refused = await store();
  assert.equal(refused.statusCode, 409, refused.body);
  assert.equal(refused.json().code, 'quota.storage_exceeded');
  assert.match(refused.json().detail ?? refused.json().title, /600/);
  assert.equal((await s.http.inject({ method: 'DELETE', url, headers: asHeaders(tenantAdmin) })).statusCode, 200);
  assert.equal((await s.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantAdmin.tenantId}/usage`, headers: asHeaders(tenantAdmin) })).statusCode, 200);
  const other = as('admin', randomUUID());
  assert.equal((await s.http.inject({ method: 'POST', url: `/api/v1/tenants/${other.tenantId}/things`, headers: asHeaders(other), payload: { text } })).statusCode, 200,
    'another tenant has its own storage');
});

test('API-call counter: calls being flushed still count, so the quota never reopens during a flush', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  const system = t.db.system;
  // The flush's INSERT waits until released: the window in which the counts are neither pending nor stored.
  const slow = { ...system, query: async (text: string, values?: unknown[]) => {
    if (text.includes('INSERT INTO access_usage')) await held;
    return system.query(text, values);
  } } as unknown as typeof system;
  const counter = createApiCallCounter({ db: slow, flushMs: 3_600_000, quotas: { free: { apiCallsPerMonth: 3, storageBytes: null } } });
  const tenant = randomUUID();
  for (let i = 0; i < 3; i++) await counter.check(tenant, 'free');
  const flushing = counter.flush();
  assert.equal(await counter.used(tenant), 3);
  await assert.rejects(async () => counter.check(tenant, 'free'), { code: 'quota.api_calls_exceeded' });
  release();
  await flushing;
  assert.equal(await counter.used(tenant), 3);
  await assert.rejects(async () => counter.check(tenant, 'free'), { code: 'quota.api_calls_exceeded' });
  await counter.stop();
});

test('a route without a declaration stops the server from starting', async () => {
  const careless: AcciModule = {
    name: 'careless',
    register(app) {
      app.get('/forgotten', { schema: { tags: ['x'] } }, async () => ({}));
    },
  };
  await assert.rejects(
    createTestApp({ modules: [createAccess({ watchPolicy: false }).module, careless] }),
    /GET \/api\/v1\/forgotten declares neither config.permission nor config.public/,
  );
});

test('the command and query buses ask the access policy: 401, 403, 404 for another tenant, own-resource rules', async () => {
  const touch = t.context.commandBus.register({
    type: 'sample.touch', schema: Type.Object({ userId: Type.Optional(Type.String()) }), permission: 'users:update', handler: async () => 'done',
  });
  const look = t.context.queryBus.register({
    type: 'sample.look', schema: Type.Object({}), permission: 'users:list', handler: async () => 'seen',
  });
  const envelope = (principal: Principal | null, tenantId = T1) => ({ tenantId, principal, correlationId: randomUUID() });
  assert.equal(await touch({ ...envelope(admin), payload: {} }), 'done');
  await assert.rejects(touch({ ...envelope(null), payload: {} }), { code: 'auth.unauthenticated' });
  await assert.rejects(touch({ ...envelope(user), payload: {} }), { code: 'auth.forbidden' });
  assert.equal(await touch({ ...envelope(user), payload: { userId: user.userId } }), 'done');
  await assert.rejects(touch({ ...envelope(admin, T2), payload: {} }), { code: 'tenant.not_found' });
  assert.equal(await look({ ...envelope(as('read_only')), params: {} }), 'seen');
  await assert.rejects(look({ ...envelope(user), params: {} }), { code: 'auth.forbidden' });
});
