import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityServices } from '../users/index.ts';
import { createAuthFixture, PASSWORD, type AuthFixture } from './e2e-fixture.ts';

let f: AuthFixture;
before(async () => { f = await createAuthFixture(); });
after(() => f.close());

it('deactivating a user revokes every session they opened, so their access tokens stop at once', async () => {
  const tenant = await f.createTenant();
  const email = `leaver@${tenant.slug}.example`;
  const userId = await f.addUser(tenant.tenantId, email);
  const first = await f.session({ tenant: tenant.slug, email, password: PASSWORD });
  const second = await f.session({ tenant: tenant.slug, email, password: PASSWORD });
  const sessions = (token: string) => f.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: f.bearer(token) });
  assert.equal((await sessions(first.token)).statusCode, 200);

  await identityServices(f.t.context).users.deactivate(tenant.tenantId, userId, { reason: 'admin_action', deactivationType: 'permanent' }, { userId: null, correlationId: 'deactivation-test' });

  const revokedCount = async () => (await f.t.db.system.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM auth_sessions WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NOT NULL', [tenant.tenantId, userId])).rows[0]?.n ?? 0;
  const deadline = Date.now() + 10_000;
  while ((await revokedCount()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  assert.equal(await revokedCount(), 2, 'both sessions revoked by the reaction to user.deactivated');
  for (const token of [first.token, second.token]) assert.equal((await sessions(token)).statusCode, 401);
});
