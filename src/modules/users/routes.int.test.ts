import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityTestApp, mailText, tokenOf, type IdentityTestApp } from '../../../test/support/identity.ts';
import { asPrincipal, asSystemAdmin, asTenantUser } from '../../../test/support/test-auth.ts';
import { identity } from './index.ts';

let t: IdentityTestApp;
let tenantId: string;
let adminUserId: string;
let admin: Record<string, string>;
before(async () => {
  t = await createIdentityTestApp();
  ({ tenantId, adminUserId } = await t.createTenant());
  admin = asTenantUser(tenantId, 'admin', adminUserId);
});
after(() => t.close());

const users = () => `/api/v1/tenants/${tenantId}/users`;
const invite = (payload: Record<string, unknown>, headers = admin, url = users()) => t.http.inject({ method: 'POST', url, headers, payload });

describe('POST /tenants/{tenantId}/users', () => {
  it('invites a user (201, invited) and mails a localized link with token=', async () => {
    const res = await t.http.inject({ method: 'POST', url: `${users()}?lang=fr`, headers: admin, payload: { email: 'Grace@Example.org', role: 'read_only', displayName: 'Grace', metadata: { team: 'ops' } } });
    assert.equal(res.statusCode, 201, res.body);
    const user = res.json();
    assert.equal(user.status, 'invited');
    assert.equal(user.role, 'read_only');
    assert.equal(user.email, 'Grace@Example.org');
    assert.equal(user.tenantId, tenantId);
    assert.equal(user.id, user.userId, 'SPEC §3 names the id `id`');
    assert.equal(res.headers.location, `${users()}/${user.userId}`);
    assert.deepEqual((await t.http.inject({ method: 'GET', url: `${users()}/${user.userId}`, headers: admin })).json(), user, 'the 201 body is the stored profile');
    const mail = mailText((await t.mails()).find((m) => m.includes('Grace@') || m.includes('grace@')) ?? '');
    assert.match(mail, /Subject: Invitation à rejoindre/);
    assert.match(mail, /token=/);
  });

  it('refuses display names without visible text or with control/format characters (400), on invite and update', async () => {
    for (const displayName of ['\u200b', '\u200b\u2060\ufeff', 'Ada\r\nBcc: victim@example.org', 'Ada\u202eecalevol']) {
      const res = await invite({ email: 'hidden@example.org', role: 'user', displayName });
      assert.equal(res.statusCode, 400, `${JSON.stringify(displayName)}: ${res.body}`);
      assert.equal(res.json().code, 'user.invalid_display_name');
    }
    const updated = await t.http.inject({ method: 'PATCH', url: `${users()}/${adminUserId}`, headers: admin, payload: { displayName: '\u200b\u200b' } });
    assert.equal(updated.statusCode, 400, updated.body);
    assert.equal(updated.json().code, 'user.invalid_display_name');
    assert.match(updated.json().message, /at least 1 of them visible/);
  });

  it('refuses an e-mail already used in the tenant, whatever its case (409)', async () => {
    assert.equal((await invite({ email: 'dup@example.org', role: 'user' })).statusCode, 201);
    const res = await invite({ email: 'DUP@Example.ORG', role: 'user' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'user.email_taken');
    assert.match((await invite({ email: 'DUP@Example.ORG', role: 'user' }, { ...admin, 'accept-language': 'sq' })).json().message, /përdoret tashmë/);
  });

  it('validates input (400) and permissions (403 read_only, 404 other tenant)', async () => {
    assert.equal((await invite({ email: 'nope', role: 'user' })).json().code, 'validation.invalid_format');
    assert.equal((await invite({ email: 'a@b.test', role: 'root' })).json().code, 'validation.invalid_format');
    assert.equal((await invite({ email: 'a@b.test', role: ['admin'] })).json().code, 'validation.invalid_type', 'a list is not a role');
    assert.equal((await invite({ email: 'a@b.test', role: 'user', displayName: false })).json().code, 'validation.invalid_type');
    assert.equal((await invite({ email: 'a@b.test', role: 'user', displayName: '' })).json().code, 'validation.field_too_short');
    assert.equal((await invite({ email: 'a@b.test', role: 'user', displayName: 'x'.repeat(101) })).json().code, 'validation.field_too_long');
    assert.equal((await invite({ email: 'a@b.test' })).json().code, 'validation.required');
    assert.equal((await invite({ email: 'a@b.test', role: 'user' }, asTenantUser(tenantId, 'read_only'))).statusCode, 403);
    const other = await t.createTenant();
    const cross = await invite({ email: 'a@b.test', role: 'user' }, asTenantUser(other.tenantId, 'admin'));
    assert.equal(cross.statusCode, 404);
    assert.equal(cross.json().code, 'tenant.not_found');
  });

  it('enforces maxUsers (409 user.quota_exceeded)', async () => {
    const small = await t.createTenant({ settings: { allowedAuthMethods: ['password'], maxUsers: 2 } });
    const headers = asSystemAdmin();
    const url = `/api/v1/tenants/${small.tenantId}/users`;
    assert.equal((await invite({ email: 'one@q.test', role: 'user' }, headers, url)).statusCode, 201);
    const full = await invite({ email: 'two@q.test', role: 'user' }, headers, url);
    assert.equal(full.statusCode, 409);
    assert.equal(full.json().code, 'user.quota_exceeded');
    const mails = await t.mails();
    assert.ok(mails.some((m) => m.includes('one@q.test')), 'the accepted invitation is mailed');
    assert.ok(!mails.some((m) => m.includes('two@q.test')), 'a refused invitation queues no mail');
    const queued = await t.db.system.query('SELECT count(*)::int AS n FROM mail_outbox WHERE tenant_id = $1', [small.tenantId]);
    assert.equal(queued.rows[0]?.n, 0);
  });

  it('queues the invitation mail with the registration, so it is sent even when the sender stops right after commit', async () => {
    const { outbox } = t.services();
    await outbox.stop();
    try {
      const res = await invite({ email: 'after-crash@example.org', role: 'user' });
      assert.equal(res.statusCode, 201, res.body);
      const queued = await t.db.system.query<{ recipient: string; template: string }>('SELECT recipient, template FROM mail_outbox WHERE tenant_id = $1', [tenantId]);
      assert.deepEqual(queued.rows, [{ recipient: 'after-crash@example.org', template: 'invitation' }]);
    } finally {
      outbox.start(t.db.system);
    }
    const mail = (await t.mails()).find((m) => m.includes('after-crash@example.org'));
    assert.ok(mail && tokenOf(mail).startsWith(`${tenantId}.`), 'sent once a worker runs again');
  });
});

describe('GET /tenants/{tenantId}/users', () => {
  it('paginates, filters by status, role and e-mail prefix, and sorts', async () => {
    const scoped = await t.createTenant();
    const headers = asSystemAdmin();
    const url = `/api/v1/tenants/${scoped.tenantId}/users`;
    for (const [email, role] of [['carol@list.test', 'user'], ['bob@list.test', 'read_only'], ['alice@list.test', 'user'], ['zed@other.test', 'custom:auditor']]) {
      assert.equal((await invite({ email, role }, headers, url)).statusCode, 201);
    }
    const page = (await t.http.inject({ method: 'GET', url: `${url}?page=2&pageSize=2&sortBy=email&sortOrder=asc`, headers })).json();
    assert.equal(page.total, 5);
    assert.deepEqual(page.items.map((u: { email: string }) => u.email), ['bob@list.test', 'carol@list.test']);
    const byRole = (await t.http.inject({ method: 'GET', url: `${url}?role=user&sortBy=email&sortOrder=desc`, headers })).json();
    assert.deepEqual(byRole.items.map((u: { email: string }) => u.email), ['carol@list.test', 'alice@list.test']);
    const byPrefix = (await t.http.inject({ method: 'GET', url: `${url}?email=ZED`, headers })).json();
    assert.deepEqual(byPrefix.items.map((u: { role: string }) => u.role), ['custom:auditor']);
    const wildcard = (await t.http.inject({ method: 'GET', url: `${url}?email=%25`, headers })).json();
    assert.equal(wildcard.total, 0);
    const invited = (await t.http.inject({ method: 'GET', url: `${url}?status=invited`, headers })).json();
    assert.equal(invited.total, 5);
    assert.equal((await t.http.inject({ method: 'GET', url: `${url}?status=gone`, headers })).statusCode, 400);
    const unknown = await t.http.inject({ method: 'GET', url: '/api/v1/tenants/5a5a5a5a-0000-4000-8000-000000000000/users', headers });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'tenant.not_found');
  });
});

describe('GET/PATCH /tenants/{tenantId}/users/{userId}', () => {
  it('reads a user; a plain user reads only their own profile; other tenants get 404', async () => {
    const created = (await invite({ email: 'reader@example.org', role: 'user' })).json();
    const url = `${users()}/${created.userId}`;
    assert.equal((await t.http.inject({ method: 'GET', url, headers: admin })).json().email, 'reader@example.org');
    assert.equal((await t.http.inject({ method: 'GET', url, headers: asTenantUser(tenantId, 'user', created.userId) })).statusCode, 200);
    assert.equal((await t.http.inject({ method: 'GET', url, headers: asTenantUser(tenantId, 'user') })).statusCode, 403);
    const other = await t.createTenant();
    assert.equal((await t.http.inject({ method: 'GET', url, headers: asTenantUser(other.tenantId, 'admin') })).statusCode, 404);
    assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${other.tenantId}/users/${created.userId}`, headers: asSystemAdmin() })).statusCode, 404);
  });

  it('updates the profile; e-mail changes have a cooldown (429 with Retry-After)', async () => {
    const created = (await invite({ email: 'change@example.org', role: 'user' })).json();
    const url = `${users()}/${created.userId}`;
    const first = await t.http.inject({ method: 'PATCH', url, headers: admin, payload: { email: 'changed@example.org', displayName: 'Changed', metadata: { a: 1 } } });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().email, 'changed@example.org');
    assert.equal(first.json().displayName, 'Changed');
    const second = await t.http.inject({ method: 'PATCH', url, headers: admin, payload: { email: 'again@example.org' } });
    assert.equal(second.statusCode, 429);
    assert.equal(second.json().code, 'user.email_change_cooldown');
    assert.ok(Number(second.headers['retry-after']) > 80_000);
    const reuseOld = await invite({ email: 'change@example.org', role: 'user' });
    assert.equal(reuseOld.statusCode, 201, 'the old address is free again');
    const self = await t.http.inject({ method: 'PATCH', url, headers: asTenantUser(tenantId, 'user', created.userId), payload: { displayName: 'Me' } });
    assert.equal(self.statusCode, 200);
    const escalate = await t.http.inject({ method: 'PATCH', url, headers: asTenantUser(tenantId, 'user', created.userId), payload: { role: 'admin' } });
    assert.equal(escalate.statusCode, 403);
    const empty = await t.http.inject({ method: 'PATCH', url, headers: admin, payload: {} });
    assert.equal(empty.json().code, 'user.nothing_to_update');
    const taken = await t.http.inject({ method: 'PATCH', url: `${users()}/${reuseOld.json().userId}`, headers: admin, payload: { email: 'CHANGED@example.org' } });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().code, 'user.email_taken');
  });

  it('never demotes or deactivates the last admin (409)', async () => {
    const lone = await t.createTenant();
    const url = `/api/v1/tenants/${lone.tenantId}/users/${lone.adminUserId}`;
    const headers = asSystemAdmin();
    const demote = await t.http.inject({ method: 'PATCH', url, headers, payload: { role: 'user' } });
    assert.equal(demote.statusCode, 409);
    assert.equal(demote.json().code, 'user.last_admin');
    const deactivate = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers, payload: { reason: 'admin_action', deactivationType: 'permanent' } });
    assert.equal(deactivate.json().code, 'user.last_admin');
    const second = await invite({ email: 'second-admin@lone.test', role: 'admin' }, headers, `/api/v1/tenants/${lone.tenantId}/users`);
    assert.equal(second.statusCode, 201);
    assert.equal((await t.http.inject({ method: 'PATCH', url, headers, payload: { role: 'user' } })).statusCode, 200);
  });
});

describe('POST .../deactivate and .../reactivate', () => {
  it('deactivates users who accepted their invitation (seat and membership counted in different stripes)', async () => {
    // Stripes are picked at random, so several users make a split between two stripes near certain.
    for (let i = 0; i < 8; i++) {
      const email = `accepted${i}@example.org`;
      const created = (await invite({ email, role: 'user' })).json();
      const mail = (await t.mails()).find((m) => mailText(m).includes(email));
      await identity(t.context).acceptInvitation(tokenOf(mail ?? ''));
      const done = await t.http.inject({ method: 'POST', url: `${users()}/${created.userId}/deactivate`, headers: admin, payload: { reason: 'admin_action', deactivationType: 'permanent' } });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().status, 'deactivated');
    }
  });

  it('deactivates temporarily with a future date and reactivates', async () => {
    const created = (await invite({ email: 'temp@example.org', role: 'user' })).json();
    const url = `${users()}/${created.userId}`;
    const past = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'inactive', deactivationType: 'temporary', reactivationDate: '2020-01-01T00:00:00Z' } });
    assert.equal(past.json().code, 'user.invalid_reactivation_date');
    const missing = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'inactive', deactivationType: 'temporary' } });
    assert.equal(missing.json().code, 'user.missing_reactivation_date');
    const badReason = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'meh', deactivationType: 'permanent' } });
    assert.equal(badReason.statusCode, 400);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const done = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'other:parental leave', deactivationType: 'temporary', reactivationDate: future } });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().status, 'deactivated');
    const twice = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'inactive', deactivationType: 'permanent' } });
    assert.equal(twice.json().code, 'user.already_deactivated');
    const update = await t.http.inject({ method: 'PATCH', url, headers: admin, payload: { displayName: 'X' } });
    assert.equal(update.json().code, 'user.deactivated');
    const back = await t.http.inject({ method: 'POST', url: `${url}/reactivate`, headers: admin });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().status, 'invited');
    assert.equal((await t.http.inject({ method: 'POST', url: `${url}/reactivate`, headers: admin })).json().code, 'user.not_deactivated');
  });

  it('refuses reactivation dates the calendar does not have (400), instead of rolling them over', async () => {
    const created = (await invite({ email: 'calendar@example.org', role: 'user' })).json();
    const url = `${users()}/${created.userId}`;
    for (const reactivationDate of ['2030-02-30T00:00:00Z', '2030-13-01T00:00:00Z', '2031-02-29T00:00:00Z', '2030-06-31T12:00:00+02:00']) {
      const res = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'inactive', deactivationType: 'temporary', reactivationDate } });
      assert.equal(res.statusCode, 400, `${reactivationDate}: ${res.body}`);
      assert.equal(res.json().code, 'user.invalid_reactivation_date');
    }
    assert.equal((await t.http.inject({ method: 'GET', url, headers: admin })).json().status, 'invited', 'nothing was deactivated');
    const leap = await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'inactive', deactivationType: 'temporary', reactivationDate: '2032-02-29T00:00:00+01:00' } });
    assert.equal(leap.statusCode, 200, leap.body);
    const { rows } = await t.db.system.query<{ data: { reactivationDate: string } }>(
      `SELECT data FROM events WHERE stream_id = $1 AND event_type = 'user.deactivated'`, [`user-${created.userId}`]);
    assert.equal(rows[0]?.data.reactivationDate, '2032-02-28T23:00:00.000Z', 'stored in UTC');
  });

  it('keeps permanent deactivation permanent and voids open invitations', async () => {
    const before = (await t.mails()).length;
    const created = (await invite({ email: 'perm@example.org', role: 'user' })).json();
    const token = tokenOf((await t.mails()).slice(before).find((m) => m.includes('perm@')) ?? '');
    const url = `${users()}/${created.userId}`;
    assert.equal((await t.http.inject({ method: 'POST', url: `${url}/deactivate`, headers: admin, payload: { reason: 'security_violation', deactivationType: 'permanent' } })).statusCode, 200);
    assert.equal((await t.http.inject({ method: 'POST', url: `${url}/reactivate`, headers: admin })).json().code, 'user.permanently_deactivated');
    await assert.rejects(identity(t.context).acceptInvitation(token), { code: 'user.invitation_invalid' });
  });

  it('answers 404 for unknown users and 403 without users:deactivate', async () => {
    const url = `${users()}/6d0a7f6e-0000-4000-8000-000000000000/deactivate`;
    assert.equal((await t.http.inject({ method: 'POST', url, headers: admin, payload: { reason: 'inactive', deactivationType: 'permanent' } })).statusCode, 404);
    assert.equal((await t.http.inject({ method: 'POST', url, headers: asTenantUser(tenantId, 'read_only'), payload: { reason: 'inactive', deactivationType: 'permanent' } })).statusCode, 403);
    assert.equal((await t.http.inject({ method: 'POST', url, payload: { reason: 'inactive', deactivationType: 'permanent' } })).statusCode, 401);
  });
});

describe('identity API (for the auth module)', () => {
  it('accepts an invitation once: invited → active', async () => {
    const before = (await t.mails()).length;
    const created = (await invite({ email: 'accept@example.org', role: 'user' })).json();
    const token = tokenOf((await t.mails()).slice(before).find((m) => m.includes('accept@')) ?? '');
    const id = identity(t.context);
    assert.deepEqual(await id.acceptInvitation(token), { tenantId, userId: created.userId });
    assert.equal((await id.getUser(tenantId, created.userId))?.status, 'active');
    await assert.rejects(id.acceptInvitation(token), { code: 'user.invitation_invalid' });
    await assert.rejects(id.acceptInvitation('garbage'), { code: 'user.invitation_invalid' });
    await assert.rejects(id.acceptInvitation(`${tenantId}.${'A'.repeat(43)}`), { code: 'user.invitation_invalid' });
  });

  it('finds tenants by id, slug and custom domain, and users for login case-insensitively', async () => {
    const { tenantId: found } = await t.createTenant({ slug: 'find-me', settings: { allowedAuthMethods: ['password'], maxUsers: 10, customDomain: 'login.find.test' } });
    const id = identity(t.context);
    assert.equal((await id.findTenant({ id: found }))?.slug, 'find-me');
    assert.equal((await id.findTenant({ slug: 'FIND-ME' }))?.tenantId, found);
    assert.equal((await id.findTenant({ idOrSlug: 'find-me' }))?.tenantId, found);
    assert.equal((await id.findTenant({ idOrSlug: found }))?.tenantId, found);
    assert.equal((await id.findTenant({ customDomain: 'Login.Find.Test:443' }))?.settings.securityPolicy.maxLoginAttempts, 5);
    assert.equal(await id.findTenant({ slug: 'nobody' }), null);
    const user = await id.findUserForLogin(tenantId, 'DUP@EXAMPLE.ORG');
    assert.equal(user?.email, 'dup@example.org');
    assert.equal(user?.emailConfirmed, true);
    assert.equal(await id.findUserForLogin(found, 'dup@example.org'), null);
  });

  it('registers self-service users only where the tenant allows it, then confirms their e-mail', async () => {
    const id = identity(t.context);
    await assert.rejects(id.registerSelfService({ tenantId, email: 'self@example.org' }), { code: 'user.self_service_disabled' });
    const open = await t.createTenant({ settings: { allowedAuthMethods: ['password'], maxUsers: 10, features: ['self_service_registration'] } });
    const { userId } = await id.registerSelfService({ tenantId: open.tenantId, email: 'self@example.org', displayName: 'Self' });
    const user = await id.findUserForLogin(open.tenantId, 'self@example.org');
    assert.equal(user?.status, 'active');
    assert.equal(user?.emailConfirmed, false);
    await id.confirmEmail(open.tenantId, userId);
    assert.equal((await id.findUserForLogin(open.tenantId, 'self@example.org'))?.emailConfirmed, true);
  });

  it('ensures one system admin, idempotently, even with concurrent callers', async () => {
    const id = identity(t.context);
    const results = await Promise.all(Array.from({ length: 5 }, () => id.ensureSystemAdmin({ email: 'root@acci.test' })));
    const ids = new Set(results.map((r) => r.userId));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
    const again = await id.ensureSystemAdmin({ email: 'other-root@acci.test' });
    assert.equal(again.userId, results[0]?.userId);
    const user = await id.findUserForLogin('00000000-0000-0000-0000-000000000000', 'ROOT@acci.test');
    assert.equal(user?.role, 'system_admin');
    assert.equal(user?.status, 'active');
    const asRoot = asPrincipal({ userId: user!.userId, tenantId: '00000000-0000-0000-0000-000000000000', role: 'system_admin', isSystemAdmin: true });
    assert.equal((await t.http.inject({ method: 'GET', url: users(), headers: asRoot })).statusCode, 200);
  });
});
