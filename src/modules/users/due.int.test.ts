import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityTestApp, type IdentityTestApp } from '../../../test/support/identity.ts';
import { asSystemAdmin } from '../../../test/support/test-auth.ts';
import { runDueWork } from './due.ts';

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
  assert.deepEqual(await runDueWork({ ...deps, now: new Date() }), { reactivated: 0, purged: 0 });
  assert.deepEqual(await runDueWork({ ...deps, now: new Date(date.getTime() + 1000) }), { reactivated: 1, purged: 0 });
  const back = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users/${user.userId}`, headers: sys });
  assert.equal(back.json().status, 'invited');

  const deleted = await t.http.inject({ method: 'DELETE', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { deletionReason: 'user_requested', dataRetentionPeriod: 'P30D' } });
  assert.equal(deleted.statusCode, 200);
  assert.deepEqual(await runDueWork({ ...deps, now: new Date(Date.now() + 29 * 86_400_000) }), { reactivated: 0, purged: 0 });
  assert.deepEqual(await runDueWork({ ...deps, now: new Date(Date.now() + 31 * 86_400_000) }), { reactivated: 0, purged: 1 });
  for (const table of ['tenant_details', 'user_profiles', 'unique_claims', 'tenant_gates', 'tenant_seat_stripes', 'user_invitations']) {
    const rows = await t.db.system.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1`, [tenantId]);
    assert.equal(rows.rowCount, 0, table);
  }
  assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys })).statusCode, 404);
  const reuse = await t.createTenant({ slug: 'due-tenant' });
  assert.ok(reuse.tenantId, 'the slug is free again after the purge');
});
