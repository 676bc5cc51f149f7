import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import type { TestApp } from '../../test/support/app.ts';

/**
 * The server's real composition (src/platform/modules.ts: access, tenants, users, auth) end to
 * end: the bootstrapped system admin signs in, creates a tenant; its admin accepts the mailed
 * invitation, gets a custom role, and sees that role's permissions in GET /auth/me.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'acci-composition-'));
process.env.ACCI_DATA_DIR = dataDir;
const PASSWORD = 'Correct-Horse-Battery-9';
let t: TestApp;

before(async () => {
  // Imported after ACCI_DATA_DIR is set: the default modules read it when they load.
  const { createTestApp } = await import('../../test/support/app.ts');
  const { ensureSystemAdminWithPassword } = await import('./bootstrap.ts');
  t = await createTestApp();
  await ensureSystemAdminWithPassword(t.context, { email: 'root@composition.test', password: PASSWORD });
});
after(() => t.close());

const call = async (options: InjectOptions) => t.http.inject(options);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The invitation mail's token; the mail outbox sends it just after the inviting request commits. */
async function invitationToken(to: string): Promise<string> {
  const dir = join(dataDir, 'mail');
  for (let attempt = 0; attempt < 250; attempt++) {
    for (const file of existsSync(dir) ? readdirSync(dir) : []) {
      const text = readFileSync(join(dir, file), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (text.includes(to)) {
        const token = /token=([A-Za-z0-9._~%-]+)/.exec(text)?.[1];
        if (token) return decodeURIComponent(token);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no invitation mail to ${to}`);
}

it('system admin → tenant → invited admin with a custom role → /auth/me lists its permissions', async () => {
  const root = await call({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'root@composition.test', password: PASSWORD } });
  assert.equal(root.statusCode, 200, root.body);
  const rootToken = root.json().token as string;

  const tenant = await call({
    method: 'POST', url: '/api/v1/tenants', headers: bearer(rootToken),
    payload: { name: 'Composition Inc', subscriptionPlan: 'professional', adminEmail: 'boss@composition.test', settings: { allowedAuthMethods: ['password'], maxUsers: 50 } },
  });
  assert.equal(tenant.statusCode, 201, tenant.body);
  const tenantId = tenant.json().tenantId as string;

  const accepted = await call({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: await invitationToken('boss@composition.test'), password: PASSWORD } });
  assert.equal(accepted.statusCode, 200, accepted.body);
  const boss = await call({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: tenantId, email: 'boss@composition.test', password: PASSWORD } });
  assert.equal(boss.statusCode, 200, boss.body);
  const bossToken = boss.json().token as string;
  const bossId = boss.json().user.userId as string;

  const invited = await call({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: bearer(bossToken), payload: { email: 'clerk@composition.test', role: 'user' } });
  assert.equal(invited.statusCode, 201, invited.body);
  const clerkId = invited.json().userId as string;
  assert.equal((await call({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: await invitationToken('clerk@composition.test'), password: PASSWORD } })).statusCode, 200);
  const clerk = await call({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: tenantId, email: 'clerk@composition.test', password: PASSWORD } });
  const clerkToken = clerk.json().token as string;
  const before = await call({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(clerkToken) });
  assert.equal(before.statusCode, 200, before.body);
  assert.ok(!before.json().permissions.includes('audit:read'), 'a plain user cannot read the audit trail');

  const role = await call({ method: 'POST', url: `/api/v1/tenants/${tenantId}/roles`, headers: bearer(bossToken), payload: { name: 'custom:auditor', description: 'Reads the audit trail', permissions: ['audit:read'] } });
  assert.equal(role.statusCode, 201, role.body);
  const assigned = await call({ method: 'PUT', url: `/api/v1/tenants/${tenantId}/users/${clerkId}/roles/custom:auditor`, headers: bearer(bossToken) });
  assert.equal(assigned.statusCode, 200, assigned.body);

  const me = await call({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(clerkToken) });
  assert.equal(me.statusCode, 200, me.body);
  assert.equal(me.json().tenant.tenantId, tenantId);
  assert.ok(me.json().permissions.includes('profile:read'), 'user role permissions');
  assert.ok(me.json().permissions.includes('audit:read'), 'custom role permission from the access module');
  assert.equal((await call({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users`, headers: bearer(clerkToken) })).statusCode, 403, 'still no users:list');
  assert.ok(bossId);

  const otherTenant = await call({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: bearer(rootToken) });
  assert.equal(otherTenant.statusCode, 200, 'system admin reads any tenant');
  const anonymous = await call({ method: 'GET', url: `/api/v1/tenants/${tenantId}` });
  assert.equal(anonymous.statusCode, 401);
});
