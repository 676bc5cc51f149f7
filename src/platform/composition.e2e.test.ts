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
  // Generous: the mail thread runs at the lowest priority, and the whole suite keeps both cores busy.
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
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

it('system admin → tenant → invited admin with a custom role (unknown custom roles refused) → /auth/me lists its permissions', async () => {
  const root = await call({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'root@composition.test', password: PASSWORD } });
  assert.equal(root.statusCode, 200, root.body);
  const rootToken = root.json().token as string;

  const tenant = await call({
    method: 'POST', url: '/api/v1/tenants', headers: bearer(rootToken),
    payload: { name: 'Composition Inc', subscriptionPlan: 'professional', adminEmail: 'boss@composition.test', settings: { allowedAuthMethods: ['password'], maxUsers: 50 } },
  });
  assert.equal(tenant.statusCode, 201, tenant.body);
  const tenantId = tenant.json().tenantId as string;
  const usage = await call({ method: 'GET', url: `/api/v1/tenants/${tenantId}/usage`, headers: bearer(rootToken) });
  assert.equal(usage.json().plan, 'professional', 'usage shows the plan as stored, not a cache not loaded yet');
  assert.equal(usage.json().users.limit, 50);

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

  // A user holds sessions:list and sessions:revoke on its own sessions only (the policy's `own`).
  const bossSession = boss.json().sessionId as string;
  assert.equal((await call({ method: 'GET', url: '/api/v1/auth/sessions?userId=all', headers: bearer(clerkToken) })).statusCode, 403);
  assert.equal((await call({ method: 'GET', url: `/api/v1/auth/sessions?userId=${bossId}`, headers: bearer(clerkToken) })).statusCode, 403);
  assert.equal((await call({ method: 'GET', url: `/api/v1/auth/sessions/${bossSession}`, headers: bearer(clerkToken) })).statusCode, 404);
  assert.equal((await call({ method: 'DELETE', url: `/api/v1/auth/sessions/${bossSession}`, headers: bearer(clerkToken) })).statusCode, 404);
  assert.equal((await call({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(bossToken) })).statusCode, 200, 'the admin is still signed in');
  const own = await call({ method: 'GET', url: '/api/v1/auth/sessions', headers: bearer(clerkToken) });
  assert.deepEqual((own.json().items as { userId: string }[]).map((s) => s.userId), [clerkId]);
  const everyone = await call({ method: 'GET', url: '/api/v1/auth/sessions?userId=all', headers: bearer(bossToken) });
  assert.equal(everyone.statusCode, 200, 'the tenant admin lists every session of its tenant');
  assert.ok((everyone.json().items as { userId: string }[]).some((s) => s.userId === clerkId));

  const role = await call({ method: 'POST', url: `/api/v1/tenants/${tenantId}/roles`, headers: bearer(bossToken), payload: { name: 'custom:auditor', description: 'Reads the audit trail', permissions: ['audit:read'] } });
  assert.equal(role.statusCode, 201, role.body);
  // A custom role must exist in the tenant: an unknown one would grant nothing, not even the user's own profile.
  const ghost = await call({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users?lang=de`, headers: bearer(bossToken), payload: { email: 'ghost@composition.test', role: 'custom:ghost' } });
  assert.equal(ghost.statusCode, 400, ghost.body);
  assert.equal(ghost.json().code, 'user.unknown_role');
  assert.match(ghost.json().message, /custom:ghost.*nicht definiert/);
  const ghostly = await call({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}/users/${clerkId}`, headers: bearer(bossToken), payload: { role: 'custom:ghost' } });
  assert.equal(ghostly.json().code, 'user.unknown_role', ghostly.body);
  const auditor = await call({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: bearer(bossToken), payload: { email: 'auditor@composition.test', role: 'custom:auditor' } });
  assert.equal(auditor.statusCode, 201, auditor.body);
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

it('a token follows its user and tenant as they are now: demotion, a custom role, suspension (within the 1 s user cache)', async () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));
  const login = async (tenant: string | undefined, email: string) => {
    const res = await call({ method: 'POST', url: '/api/v1/auth/login', payload: { ...(tenant ? { tenant } : {}), email, password: PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { token: string; refreshToken: string; user: { userId: string } };
  };
  const root = await login(undefined, 'root@composition.test');
  const tenant = await call({
    method: 'POST', url: '/api/v1/tenants', headers: bearer(root.token),
    payload: { name: 'Live Claims Inc', subscriptionPlan: 'professional', adminEmail: 'chief@live.test', settings: { allowedAuthMethods: ['password'], maxUsers: 50 } },
  });
  const tenantId = tenant.json().tenantId as string;
  await call({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: await invitationToken('chief@live.test'), password: PASSWORD } });
  const chief = await login(tenantId, 'chief@live.test');
  const invited = await call({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: bearer(chief.token), payload: { email: 'deputy@live.test', role: 'admin' } });
  const deputyId = invited.json().userId as string;
  await call({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token: await invitationToken('deputy@live.test'), password: PASSWORD } });
  const deputy = await login(tenantId, 'deputy@live.test');
  const users = `/api/v1/tenants/${tenantId}/users`;

  // Demoted: the old token and a refreshed one act as a user, and cannot promote themselves back.
  assert.equal((await call({ method: 'PATCH', url: `${users}/${deputyId}`, headers: bearer(chief.token), payload: { role: 'user' } })).statusCode, 200);
  await settle();
  const selfPromotion = await call({ method: 'PATCH', url: `${users}/${deputyId}`, headers: bearer(deputy.token), payload: { role: 'admin' } });
  assert.equal(selfPromotion.statusCode, 403, selfPromotion.body);
  assert.equal((await call({ method: 'POST', url: users, headers: bearer(deputy.token), payload: { email: 'x@live.test', role: 'admin' } })).statusCode, 403);
  const refreshed = await call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: deputy.refreshToken } });
  assert.equal(refreshed.statusCode, 200, refreshed.body);
  const claims = JSON.parse(Buffer.from((refreshed.json().token as string).split('.')[1]!, 'base64url').toString());
  assert.equal(claims.role, 'user', 'a refresh carries the role the user has now');

  // A custom primary role without profile:read still reads /auth/me and signs out.
  await call({ method: 'POST', url: `/api/v1/tenants/${tenantId}/roles`, headers: bearer(chief.token), payload: { name: 'custom:lister', description: 'Lists users', permissions: ['users:list'] } });
  assert.equal((await call({ method: 'PATCH', url: `${users}/${deputyId}`, headers: bearer(chief.token), payload: { role: 'custom:lister' } })).statusCode, 200);
  await settle();
  const custom = refreshed.json().token as string;
  assert.equal((await call({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(custom) })).statusCode, 200);
  assert.equal((await call({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(custom) })).statusCode, 204);

  // Suspended: existing tokens and refreshes stop; resumed: they work again.
  assert.equal((await call({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: bearer(root.token), payload: { status: 'suspended' } })).statusCode, 200);
  await settle();
  const whileSuspended = await call({ method: 'GET', url: users, headers: bearer(chief.token) });
  assert.equal(whileSuspended.statusCode, 403, whileSuspended.body);
  assert.equal(whileSuspended.json().code, 'auth.tenant_suspended');
  const refreshSuspended = await call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: chief.refreshToken } });
  assert.equal(refreshSuspended.json().code, 'auth.tenant_suspended', refreshSuspended.body);
  assert.equal((await call({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: bearer(root.token), payload: { status: 'active' } })).statusCode, 200);
  await settle();
  assert.equal((await call({ method: 'GET', url: users, headers: bearer(chief.token) })).statusCode, 200);
  assert.equal((await call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: chief.refreshToken } })).statusCode, 200, 'the refresh token was kept for the resume');
});
