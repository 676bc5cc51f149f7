import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityTestApp, eventually, type IdentityTestApp } from '../../../test/support/identity.ts';
import { asSystemAdmin } from '../../../test/support/test-auth.ts';
import { getSeatUsage } from '../tenants/index.ts';
import { runDueWork } from './due.ts';
import { identity } from './service.ts';

let t: IdentityTestApp;
before(async () => { t = await createIdentityTestApp(); });
after(() => t.close());
const sys = asSystemAdmin();

it('reactivates temporarily deactivated users on their date and purges tenants after retention', async () => {
  const { tenantId } = await t.createTenant({ slug: 'due-tenant' });
  const user = (await t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: sys, payload: { email: 'due@x.test', role: 'user' } })).json();
  const date = new Date(Date.now() + 3_600_000);
  const deactivated = await t.http.inject({
    method: 'POST', url: `/api/v1/tenants/${tenantId}/users/${user.userId}/deactivate`, headers: sys,
    payload: { reason: 'inactive', deactivationType: 'temporary', reactivationDate: date.toISOString() },
  });
  assert.equal(deactivated.json().status, 'deactivated');
  const deps = { system: t.db.system, users: t.services().users, tenants: t.services().tenants, logger: t.context.logger };
  assert.deepEqual(await runDueWork({ ...deps, now: new Date() }), { reactivated: 0, purged: 0, expired: 0 });
  assert.deepEqual(await runDueWork({ ...deps, now: new Date(date.getTime() + 1000) }), { reactivated: 1, purged: 0, expired: 0 });
  const back = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users/${user.userId}`, headers: sys });
  assert.equal(back.json().status, 'invited');

  const deleted = await t.http.inject({ method: 'DELETE', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { deletionReason: 'user_requested', dataRetentionPeriod: 'P30D' } });
  assert.equal(deleted.statusCode, 200);
  assert.deepEqual(await runDueWork({ ...deps, now: new Date(Date.now() + 29 * 86_400_000) }), { reactivated: 0, purged: 0, expired: 0 });
  assert.deepEqual(await runDueWork({ ...deps, now: new Date(Date.now() + 31 * 86_400_000) }), { reactivated: 0, purged: 1, expired: 0 });
  for (const table of ['tenant_details', 'user_profiles', 'unique_claims', 'tenant_gates', 'tenant_seat_stripes', 'user_invitations']) {
    const rows = await t.db.system.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1`, [tenantId]);
    assert.equal(rows.rowCount, 0, table);
  }
  assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys })).statusCode, 404);
  const reuse = await t.createTenant({ slug: 'due-tenant' });
  assert.ok(reuse.tenantId, 'the slug is free again after the purge');
});

it('withdraws self-service registrations not confirmed in time: seat, activity and address freed, each once with two runs at once', async () => {
  const { tenantId } = await t.createTenant({ settings: { allowedAuthMethods: ['password'], maxUsers: 4, features: ['self_service_registration'] } });
  const id = identity(t.context);
  const register = (email: string) => id.registerSelfService({ tenantId, email, confirmWithinSeconds: 60 });
  const kept = await register('kept@x.test');
  await id.confirmEmail(tenantId, kept.userId);
  const squatters = [await register('squat1@x.test'), await register('squat2@x.test')];
  const invite = () => t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: sys, payload: { email: `real${Date.now()}@x.test`, role: 'user' } });
  assert.equal((await invite()).json().code, 'user.quota_exceeded', 'the admin and three registrations hold all four seats');
  const activeUsers = async (n: number) => eventually(async () =>
    (await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys })).json().metrics.activeUsers === n);
  await activeUsers(3);

  const failures: unknown[] = [];
  const logger = Object.assign(Object.create(t.context.logger) as typeof t.context.logger, { error: (entry: unknown) => { failures.push(entry); } });
  const deps = { system: t.db.system, users: t.services().users, tenants: t.services().tenants, logger };
  assert.equal((await runDueWork({ ...deps, now: new Date(Date.now() + 50_000) })).expired, 0, 'not before the deadline');
  // limit 1: each run pages through both registrations.
  const runs = await Promise.all([1, 2].map(() => runDueWork({ ...deps, now: new Date(Date.now() + 61_000), limit: 1 })));
  assert.equal(runs[0]!.expired + runs[1]!.expired, 2);
  const expiries = await t.db.system.query<{ stream_id: string; n: number }>(
    `SELECT stream_id, count(*)::int AS n FROM events WHERE tenant_id = $1 AND event_type = 'user.registration_expired' GROUP BY stream_id ORDER BY stream_id`, [tenantId]);
  assert.deepEqual(expiries.rows.map((r) => r.n), [1, 1], 'each registration expired once');
  assert.deepEqual(failures, [], 'the run that lost a race ignores it');

  for (const { userId } of squatters) assert.equal((await id.getUser(tenantId, userId))?.status, 'deactivated');
  const keeper = await id.getUser(tenantId, kept.userId);
  assert.deepEqual([keeper?.status, keeper?.emailConfirmed], ['active', true], 'a confirmed registration stays');
  assert.equal((await getSeatUsage(t.db.app, tenantId))?.used, 2);
  await activeUsers(1);
  assert.equal((await invite()).statusCode, 201, 'a freed seat takes an invitation');
  const again = await register('squat1@x.test');
  assert.notEqual(again.userId, squatters[0]!.userId);
  assert.equal((await id.findUserForLogin(tenantId, 'SQUAT1@x.test'))?.userId, again.userId, 'sign-in finds the new account, not the expired one');
  assert.equal((await runDueWork({ ...deps, now: new Date(Date.now() + 61_000) })).expired, 1, 'only the new registration, on its own deadline');
  assert.equal((await id.getUser(tenantId, kept.userId))?.status, 'active');
});
