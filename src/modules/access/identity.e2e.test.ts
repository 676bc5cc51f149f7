import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { asSystemAdmin, asTenantUser, testAuthModule } from '../../../test/support/test-auth.ts';
import { createMailer } from '../../framework/mail/index.ts';
import { createLogger } from '../../framework/observability/index.ts';
import { createIdentityModules } from '../users/index.ts';
import { createAccess } from './module.ts';

/** The access module in front of the real tenants and users modules. */
let t: TestApp;
let tenantId: string;
let adminUserId: string;
before(async () => {
  const mailer = createMailer({ directory: mkdtempSync(join(tmpdir(), 'acci-mail-')), from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }) });
  t = await createTestApp({ modules: [createAccess({ watchPolicy: false }).module, testAuthModule, ...createIdentityModules({ mailer, publicUrl: 'https://acci.test' })] });
  const created = await t.http.inject({
    method: 'POST', url: '/api/v1/tenants', headers: asSystemAdmin(),
    payload: { name: `Access ${randomUUID().slice(0, 8)}`, subscriptionPlan: 'enterprise', adminEmail: 'boss@access.test', settings: { allowedAuthMethods: ['password'], maxUsers: 100 } },
  });
  assert.equal(created.statusCode, 201, created.body);
  tenantId = created.json().tenantId;
  const users = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users`, headers: asSystemAdmin() });
  adminUserId = users.json().items[0].userId;
});
after(() => t.close());

test('limits and quotas follow the tenant plan recorded by the tenants module', async () => {
  const headers = asTenantUser(tenantId, 'admin', adminUserId);
  // The plan is cached in the background and the user count comes from an asynchronous projection.
  let usage = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/usage`, headers });
  const deadline = Date.now() + 15_000;
  while ((usage.json().plan !== 'enterprise' || usage.json().users.used !== 1) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    usage = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/usage`, headers });
  }
  assert.equal(usage.json().plan, 'enterprise');
  assert.equal(usage.json().apiCalls.limit, null);
  assert.equal(usage.json().users.limit, 100, 'the seat limit the users module enforces: settings.maxUsers within the plan');
  assert.equal(usage.json().storageBytes.limit, null);
  assert.equal(usage.json().users.used, 1);
  assert.ok(usage.json().apiCalls.used >= 1);
});

test('usage counts the seats the limit is enforced on: deactivated users hold none', async () => {
  const created = await t.http.inject({
    method: 'POST', url: '/api/v1/tenants', headers: asSystemAdmin(),
    payload: { name: `Seats ${randomUUID().slice(0, 8)}`, subscriptionPlan: 'enterprise', adminEmail: 'boss@seats.test', settings: { allowedAuthMethods: ['password'], maxUsers: 2 } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const seatsTenant: string = created.json().tenantId;
  const url = `/api/v1/tenants/${seatsTenant}/users`;
  const invite = (email: string) => t.http.inject({ method: 'POST', url, headers: asSystemAdmin(), payload: { email, role: 'user' } });
  const u1 = await invite('u1@seats.test');
  assert.equal(u1.statusCode, 201, u1.body);
  const off = await t.http.inject({ method: 'POST', url: `${url}/${u1.json().userId}/deactivate`, headers: asSystemAdmin(), payload: { reason: 'inactive', deactivationType: 'permanent' } });
  assert.equal(off.statusCode, 200, off.body);
  assert.equal((await invite('u2@seats.test')).statusCode, 201, 'the deactivated user\'s seat is free again');
  assert.equal((await invite('u3@seats.test')).json().code, 'user.quota_exceeded');
  // Seats come from the write side (exact at once); totalUsers (every user registered) from a projection.
  const usage = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${seatsTenant}/usage`, headers: asSystemAdmin() });
  assert.equal(usage.statusCode, 200, usage.body);
  assert.deepEqual(usage.json().users, { used: 2, limit: 2 });
  const deadline = Date.now() + 15_000;
  let total = 0;
  while (total !== 3 && Date.now() < deadline) {
    total = (await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${seatsTenant}`, headers: asSystemAdmin() })).json().metrics.totalUsers;
    if (total !== 3) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(total, 3, 'metrics.totalUsers counts every user registered, the deactivated one included');
  assert.deepEqual((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${seatsTenant}/usage`, headers: asSystemAdmin() })).json().users, { used: 2, limit: 2 });
});

test('tenant and user routes: own profile yes, someone else\'s no, another tenant not found', async () => {
  const me = randomUUID();
  const asUser = asTenantUser(tenantId, 'user', me);
  assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users`, headers: asUser })).statusCode, 403);
  const someoneElse = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users/${adminUserId}`, headers: asUser });
  assert.equal(someoneElse.statusCode, 403);
  const asAdmin = asTenantUser(tenantId, 'admin', adminUserId);
  assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users/${adminUserId}`, headers: asAdmin })).statusCode, 200);
  const foreign = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: asTenantUser(randomUUID(), 'admin') });
  assert.equal(foreign.statusCode, 404);
  assert.equal(foreign.json().code, 'tenant.not_found');
  const create = await t.http.inject({ method: 'POST', url: '/api/v1/tenants', headers: asAdmin, payload: {} });
  assert.equal(create.statusCode, 403);
});
