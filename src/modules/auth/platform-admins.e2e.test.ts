import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { ADMIN_EMAIL, PASSWORD, createAuthFixture, type AuthFixture } from './e2e-fixture.ts';

let f: AuthFixture;
before(async () => { f = await createAuthFixture(); });
after(() => f.close());

const users = `/api/v1/tenants/${PLATFORM_TENANT_ID}/users`;

describe('the platform tenant and its system admins', () => {
  it('an admin added to the platform tenant cannot change, deactivate or add users there; the last system admin cannot be deactivated or demoted', async () => {
    const root = await f.session({ email: ADMIN_EMAIL, password: PASSWORD });
    const rootId = root.user.userId;
    const email = 'helper@platform.example';
    await f.addUser(PLATFORM_TENANT_ID, email, 'admin');
    const helper = await f.session({ email, password: PASSWORD });
    const as = (token: string) => f.bearer(token);

    const patch = await f.inject({ method: 'PATCH', url: `${users}/${rootId}`, headers: as(helper.token), payload: { displayName: 'Taken over' } });
    assert.equal(patch.statusCode, 403, patch.body);
    const deactivate = await f.inject({ method: 'POST', url: `${users}/${rootId}/deactivate`, headers: as(helper.token), payload: { reason: 'admin_action', deactivationType: 'permanent' } });
    assert.equal(deactivate.statusCode, 403, deactivate.body);
    const invite = await f.inject({ method: 'POST', url: users, headers: as(helper.token), payload: { email: 'another@platform.example', role: 'admin' } });
    assert.equal(invite.statusCode, 403, invite.body);
    const sessions = await f.inject({ method: 'GET', url: '/api/v1/auth/sessions?userId=all', headers: as(helper.token) });
    assert.equal(sessions.statusCode, 403, 'no list of the system admins\' sessions');
    const rootSession = await f.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${root.sessionId}`, headers: as(helper.token) });
    assert.equal(rootSession.statusCode, 404, 'and no signing them out');
    assert.equal((await f.inject({ method: 'GET', url: '/api/v1/auth/me', headers: as(root.token) })).statusCode, 200);
    const own = await f.inject({ method: 'PATCH', url: `${users}/${helper.user.userId}`, headers: as(helper.token), payload: { displayName: 'Helper' } });
    assert.equal(own.statusCode, 200, 'their own profile stays theirs to edit');

    const self = await f.inject({ method: 'POST', url: `${users}/${rootId}/deactivate`, headers: as(root.token), payload: { reason: 'admin_action', deactivationType: 'permanent' } });
    assert.equal(self.statusCode, 409, self.body);
    assert.equal(self.json().code, 'user.last_admin');
    const demote = await f.inject({ method: 'PATCH', url: `${users}/${rootId}`, headers: as(root.token), payload: { role: 'admin' } });
    assert.equal(demote.json().code, 'user.last_admin', demote.body);
    assert.equal((await f.login({ email: ADMIN_EMAIL, password: PASSWORD })).statusCode, 200, 'the system admin still signs in');

    const byRoot = await f.inject({ method: 'POST', url: `${users}/${helper.user.userId}/deactivate`, headers: as(root.token), payload: { reason: 'admin_action', deactivationType: 'permanent' } });
    assert.equal(byRoot.statusCode, 200, 'a system admin manages the platform tenant');
  });
});
