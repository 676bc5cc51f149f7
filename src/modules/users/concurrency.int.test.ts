import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityTestApp, eventually, mailText, tokenOf, type IdentityTestApp } from '../../../test/support/identity.ts';
import { identity } from './index.ts';
import { asSystemAdmin } from '../../../test/support/test-auth.ts';

let t: IdentityTestApp;
before(async () => { t = await createIdentityTestApp(); });
after(() => t.close());

const sys = asSystemAdmin();
const register = (tenantId: string, email: string, headers: Record<string, string> = sys) =>
  t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers, payload: { email, role: 'user' } });

describe('concurrency', () => {
  it('50 parallel registrations of one e-mail (mixed case): exactly one succeeds', async () => {
    const { tenantId } = await t.createTenant();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => register(tenantId, i % 2 ? 'Race@Example.org' : 'race@example.ORG')));
    const codes = results.map((r) => r.statusCode);
    assert.equal(codes.filter((c) => c === 201).length, 1, JSON.stringify(codes));
    assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 409 && r.json().code === 'user.email_taken'));
    const rows = await t.db.system.query('SELECT count(*)::int AS n FROM user_profiles WHERE tenant_id = $1 AND email_lower = $2', [tenantId, 'race@example.org']);
    assert.equal(rows.rows[0]?.n, 1);
  });

  it('parallel registrations around maxUsers never exceed it', async () => {
    const { tenantId } = await t.createTenant({ settings: { allowedAuthMethods: ['password'], maxUsers: 10 } });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => register(tenantId, `seat${i}@example.org`)));
    const created = results.filter((r) => r.statusCode === 201).length;
    assert.equal(created, 9, 'the admin holds the tenth seat');
    assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.json().code === 'user.quota_exceeded'), JSON.stringify(results.map((r) => r.json().code)));
    const rows = await t.db.system.query('SELECT count(*)::int AS n FROM user_profiles WHERE tenant_id = $1', [tenantId]);
    assert.equal(rows.rows[0]?.n, 10);
    const counters = await t.db.system.query('SELECT sum(used)::int AS seats, sum(allowance)::int AS allowance FROM tenant_seat_stripes WHERE tenant_id = $1', [tenantId]);
    assert.equal(counters.rows[0]?.seats, 10);
    assert.equal(counters.rows[0]?.allowance, 10);
  });

  it('lowering maxUsers while registrations run never leaves more seats in use than the limit', async () => {
    for (let round = 0; round < 3; round++) {
      const { tenantId } = await t.createTenant({ settings: { allowedAuthMethods: ['password'], maxUsers: 20 } });
      const lower = () => t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { settings: { maxUsers: 4 } } });
      const requests = Array.from({ length: 12 }, (_, i) => register(tenantId, `lower${round}-${i}@example.org`));
      requests.splice(3 + round * 3, 0, lower());
      const results = await Promise.all(requests);
      const patched = results[3 + round * 3]!;
      const registered = results.filter((r) => r !== patched && r.statusCode === 201).length;
      const tenant = (await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys })).json();
      const seats = await t.db.system.query<{ seats: number }>('SELECT sum(used)::int AS seats FROM tenant_seat_stripes WHERE tenant_id = $1', [tenantId]);
      assert.equal(seats.rows[0]?.seats, registered + 1, 'the admin holds a seat too');
      assert.ok(seats.rows[0]!.seats <= tenant.settings.maxUsers, `${seats.rows[0]!.seats} seats, maxUsers ${tenant.settings.maxUsers}`);
      if (patched.statusCode === 200) {
        assert.equal(tenant.settings.maxUsers, 4);
        assert.ok(results.filter((r) => r !== patched && r.statusCode !== 201).every((r) => r.json().code === 'user.quota_exceeded'));
      } else {
        assert.equal(patched.statusCode, 409, patched.body);
        assert.equal(patched.json().code, 'tenant.max_users_below_usage');
        assert.ok(patched.json().details[0].used > 4);
        assert.equal(tenant.settings.maxUsers, 20);
        assert.equal(registered, 12);
      }
    }
  });

  it('two admins deactivating each other at once leave one admin', async () => {
    const { tenantId, adminUserId } = await t.createTenant();
    const second = (await t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: sys, payload: { email: 'admin2@x.test', role: 'admin' } })).json();
    const deactivate = (userId: string) => t.http.inject({
      method: 'POST', url: `/api/v1/tenants/${tenantId}/users/${userId}/deactivate`, headers: sys, payload: { reason: 'admin_action', deactivationType: 'permanent' },
    });
    const results = await Promise.all([deactivate(adminUserId), deactivate(second.userId)]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409]);
    assert.equal(results.find((r) => r.statusCode === 409)?.json().code, 'user.last_admin');
  });

  it('the last active admin stays even when invited admins remain, also under concurrent demotions', async () => {
    const { tenantId, adminUserId, body } = await t.createTenant();
    const url = (userId: string) => `/api/v1/tenants/${tenantId}/users/${userId}`;
    const invite = async (email: string) => (await t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: sys, payload: { email, role: 'admin' } })).json().userId as string;
    const accept = async (email: string) => {
      const mail = await eventually(async () => (await t.mails()).find((m) => mailText(m).includes(email)), 30_000);
      await identity(t.context).acceptInvitation(tokenOf(mail));
    };
    const demote = (userId: string) => t.http.inject({ method: 'PATCH', url: url(userId), headers: sys, payload: { role: 'user' } });
    const deactivate = (userId: string) => t.http.inject({ method: 'POST', url: `${url(userId)}/deactivate`, headers: sys, payload: { reason: 'admin_action', deactivationType: 'permanent' } });
    await accept(String(body.adminEmail));
    const invited = await invite('invited-admin@x.test');
    // One active admin and one invited: the active one can neither be demoted nor deactivated.
    for (const res of [await demote(adminUserId), await deactivate(adminUserId)]) {
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().code, 'user.last_admin');
    }
    // A second active admin: demoting both at once leaves exactly one.
    const second = await invite('second-admin@x.test');
    await accept('second-admin@x.test');
    const results = await Promise.all([demote(adminUserId), demote(second)]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409], results.map((r) => r.body).join(' '));
    const active = await t.db.system.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM user_profiles WHERE tenant_id = $1 AND role = 'admin' AND status = 'active'`, [tenantId]);
    assert.equal(active.rows[0]?.n, 1);
    // The invited admin may go while an active one remains.
    assert.equal((await deactivate(invited)).statusCode, 200);
  });

  it('parallel tenant creations with one slug: exactly one succeeds', async () => {
    const payload = (i: number) => ({ name: `Slug Race ${i}`, slug: 'slug-race', subscriptionPlan: 'free', adminEmail: `a${i}@race.test`, settings: { allowedAuthMethods: ['password'], maxUsers: 5 } });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => t.http.inject({ method: 'POST', url: '/api/v1/tenants', headers: sys, payload: payload(i) })));
    assert.equal(results.filter((r) => r.statusCode === 201).length, 1);
    assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.json().code === 'tenant.slug_taken'));
  });

  it('parallel requests with one Idempotency-Key create one user; the others replay or wait (409)', async () => {
    const { tenantId } = await t.createTenant();
    const headers = { ...sys, 'idempotency-key': 'same-key-for-all' };
    const results = await Promise.all(Array.from({ length: 10 }, () => register(tenantId, 'idem@example.org', headers)));
    const created = results.filter((r) => r.statusCode === 201);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((r) => r.json().userId)).size, 1);
    assert.ok(results.every((r) => r.statusCode === 201 || (r.statusCode === 409 && r.json().code === 'idempotency.in_progress')));
    const replay = await register(tenantId, 'idem@example.org', headers);
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
  });
});
