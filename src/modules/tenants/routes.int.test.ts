import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityTestApp, eventually, mailText, type IdentityTestApp } from '../../../test/support/identity.ts';
import { asSystemAdmin, asTenantUser } from '../../../test/support/test-auth.ts';
import { getSeatUsage } from './queries.ts';
import { isUuid } from '../../framework/validation/index.ts';

let t: IdentityTestApp;
before(async () => { t = await createIdentityTestApp(); });
after(() => t.close());

const sys = asSystemAdmin();
const settings = { allowedAuthMethods: ['password'], maxUsers: 100 };
const post = (payload: unknown, headers: Record<string, string> = sys) => t.http.inject({ method: 'POST', url: '/api/v1/tenants', headers, payload: payload as object });

describe('POST /tenants', () => {
  it('creates a tenant, registers its invited admin and mails a localized invitation', async () => {
    const before = (await t.mails()).length;
    const res = await t.http.inject({
      method: 'POST', url: '/api/v1/tenants?lang=de', headers: sys,
      payload: { name: 'Müller & Söhne', subscriptionPlan: 'professional', adminEmail: 'Chef@Mueller.test', metadata: { crm: 42 }, settings },
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.slug, 'muller-sohne');
    assert.equal(body.id, body.tenantId, 'SPEC §3 names the id `id`');
    assert.equal(body.status, 'active');
    assert.equal(body.settings.securityPolicy.passwordMinLength, 12);
    const metrics = await eventually(async () => {
      const detail = (await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${body.tenantId}`, headers: sys })).json();
      return detail.metrics.totalUsers === 1 && detail.metrics.storageBytes > 0 ? detail.metrics : null;
    });
    // Storage: the bytes of the tenant's events (tenant created, admin registered, ...) as JSON.
    const events = await t.db.system.query<{ data: unknown }>('SELECT data FROM events WHERE tenant_id = $1', [body.tenantId]);
    const stored = events.rows.reduce((sum, row) => sum + Buffer.byteLength(JSON.stringify(row.data)), 0);
    assert.deepEqual(metrics, { totalUsers: 1, activeUsers: 0, lastActivity: body.createdAt, storageBytes: stored });
    assert.equal(res.headers.location, `/api/v1/tenants/${body.tenantId}`);
    const users = (await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${body.tenantId}/users`, headers: sys })).json();
    assert.equal(users.total, 1);
    assert.equal(users.items[0].role, 'admin');
    assert.equal(users.items[0].status, 'invited');
    const mail = mailText((await t.mails()).slice(before).find((m) => m.includes('Chef@Mueller.test')) ?? '');
    assert.match(mail, /Subject: Einladung zu M/);
    assert.match(mail, /https:\/\/acci\.test\/invitations\/accept\?token=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}/);
  });

  it('refuses invalid input with 400 and stable codes', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'ab', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings }, 'validation.field_too_short'],
      // JSON types are not coerced.
      [{ name: true, subscriptionPlan: 'free', adminEmail: 'a@b.test', settings }, 'validation.invalid_type'],
      [{ name: ['Valid'], subscriptionPlan: 'free', adminEmail: 'a@b.test', settings }, 'validation.invalid_type'],
      [{ name: null, subscriptionPlan: 'free', adminEmail: 'a@b.test', settings }, 'validation.invalid_type'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings: { ...settings, maxUsers: '5' } }, 'validation.invalid_type'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings: { ...settings, allowedAuthMethods: 'password' } }, 'validation.invalid_type'],
      [{ name: 'Valid', subscriptionPlan: 'gold', adminEmail: 'a@b.test', settings }, 'validation.invalid_format'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'nope', settings }, 'validation.invalid_format'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings: { ...settings, maxUsers: 0 } }, 'validation.out_of_range'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings: { ...settings, allowedAuthMethods: [] } }, 'validation.too_few_items'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings: { ...settings, customDomain: 'localhost' } }, 'tenant.invalid_settings'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings: { ...settings, securityPolicy: { passwordMinLength: 8, requireMfa: false, maxLoginAttempts: 3, sessionTimeout: 'PT30S', allowedIpRanges: [] } } }, 'tenant.invalid_settings'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings, metadata: { big: 'x'.repeat(70_000) } }, 'tenant.metadata_too_large'],
      [{ name: 'Valid', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings, extra: 1 }, 'validation.unknown_field'],
    ];
    for (const [payload, code] of cases) {
      const res = await post(payload);
      assert.equal(res.statusCode, 400, `${code}: ${res.body}`);
      assert.equal(res.json().code, code);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    }
  });

  it('keeps slugs and custom domains unique (409)', async () => {
    const first = await post({ name: 'Slug One', slug: 'shared-slug', subscriptionPlan: 'free', adminEmail: 'a@one.test', settings: { ...settings, maxUsers: 5, customDomain: 'login.one.test' } });
    assert.equal(first.statusCode, 201, first.body);
    const slug = await post({ name: 'Slug Two', slug: 'shared-slug', subscriptionPlan: 'free', adminEmail: 'a@two.test', settings });
    assert.equal(slug.statusCode, 409);
    assert.equal(slug.json().code, 'tenant.slug_taken');
    const domain = await post({ name: 'Slug Three', subscriptionPlan: 'free', adminEmail: 'a@three.test', settings: { ...settings, customDomain: 'LOGIN.one.test' } });
    assert.equal(domain.statusCode, 409);
    assert.equal(domain.json().code, 'tenant.custom_domain_taken');
  });

  it('derives a free slug from the name when the caller gives none (acme, acme-2, then a random suffix)', async () => {
    const slugs: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await post({ name: 'Same Name Co', subscriptionPlan: 'free', adminEmail: `a${n}@same.test`, settings });
      assert.equal(res.statusCode, 201, res.body);
      slugs.push(res.json().slug);
    }
    assert.deepEqual(slugs.slice(0, 2), ['same-name-co', 'same-name-co-2']);
    assert.match(slugs[2]!, /^same-name-co-[a-z0-9]{6}$/);
  });

  it('refuses reserved slugs (platform, UUID-shaped) with 400 tenant.slug_reserved and derives a free slug from such names', async () => {
    for (const slug of ['platform', '123e4567-e89b-12d3-a456-426614174000']) {
      const res = await post({ name: 'Reserved Slug', slug, subscriptionPlan: 'free', adminEmail: 'a@reserved.test', settings });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'tenant.slug_reserved');
      assert.deepEqual(res.json().details, [{ field: 'slug' }]);
    }
    const german = await t.http.inject({ method: 'POST', url: '/api/v1/tenants?lang=de', headers: sys, payload: { name: 'Reserved Slug', slug: 'platform', subscriptionPlan: 'free', adminEmail: 'a@reserved.test', settings } });
    assert.match(german.json().message, /„platform“ ist reserviert/);
    const platform = await post({ name: 'Platform', subscriptionPlan: 'free', adminEmail: 'a@platform-name.test', settings });
    assert.equal(platform.statusCode, 201, platform.body);
    assert.equal(platform.json().slug, 'platform-tenant');
    const uuidName = '123e4567-e89b-12d3-a456-426614174000';
    const named = await post({ name: uuidName, subscriptionPlan: 'free', adminEmail: 'a@uuid-name.test', settings });
    assert.equal(named.statusCode, 201, named.body);
    assert.equal(isUuid(named.json().slug), false, named.json().slug);
    // Sign-in reads `tenant` as an id or a slug: the derived slug finds the tenant.
    const { identity } = await import('../users/index.ts');
    assert.equal((await identity(t.context).findTenant({ idOrSlug: named.json().slug }))?.tenantId, named.json().tenantId);
  });

  it('refuses names without visible text or with control/format characters (400 tenant.invalid_name), on create and update', async () => {
    for (const name of ['\u200b\u200b\u200b', 'Evil\r\nBcc: victim@example.org', 'Acme\u202eCorp', '\u3164\u3164\u3164', 'a \u200b b']) {
      const res = await post({ name, subscriptionPlan: 'free', adminEmail: 'a@names.test', settings });
      assert.equal(res.statusCode, 400, `${JSON.stringify(name)}: ${res.body}`);
      assert.equal(res.json().code, 'tenant.invalid_name');
    }
    const { tenantId, body } = await t.createTenant();
    const patched = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { name: 'Evil\r\nBcc: victim@example.org' } });
    assert.equal(patched.statusCode, 400, patched.body);
    assert.equal(patched.json().code, 'tenant.invalid_name');
    assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys })).json().name, body.name);
    const persian = await post({ name: 'شرکت می‌خواهم', subscriptionPlan: 'free', adminEmail: 'a@zwnj.test', settings });
    assert.equal(persian.statusCode, 201, 'a ZWNJ between two letters is spelling, not hidden text');
  });

  it('is for system admins only (401 anonymous, 403 tenant admin)', async () => {
    const payload = { name: 'Nope', subscriptionPlan: 'free', adminEmail: 'a@b.test', settings };
    assert.equal((await post(payload, {})).statusCode, 401);
    const { tenantId } = await t.createTenant();
    const res = await post(payload, asTenantUser(tenantId, 'admin'));
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'auth.forbidden');
  });

  it('replays the first response for the same Idempotency-Key and body, refuses another body (422)', async () => {
    const headers = { ...sys, 'idempotency-key': 'create-tenant-42' };
    const payload = { name: 'Idem Potent', subscriptionPlan: 'free', adminEmail: 'a@idem.test', settings };
    const first = await post(payload, headers);
    const second = await post(payload, headers);
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 201);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.deepEqual(second.json(), first.json());
    assert.ok(first.headers.location, 'a 201 names what it created');
    assert.equal(second.headers.location, first.headers.location, 'the replay names it too');
    const reordered = await post({ settings: { maxUsers: settings.maxUsers, allowedAuthMethods: settings.allowedAuthMethods }, adminEmail: payload.adminEmail, subscriptionPlan: 'free', name: 'Idem Potent' }, headers);
    assert.equal(reordered.statusCode, 201, 'the same body with its keys in another order is the same request');
    assert.equal(reordered.headers['idempotent-replayed'], 'true');
    const list = (await t.http.inject({ method: 'GET', url: '/api/v1/tenants?pageSize=100', headers: sys })).json();
    assert.equal(list.items.filter((x: { name: string }) => x.name === 'Idem Potent').length, 1);
    const other = await post({ ...payload, name: 'Idem Other' }, headers);
    assert.equal(other.statusCode, 422);
    assert.equal(other.json().code, 'idempotency.key_reused');
    const bad = await post(payload, { ...sys, 'idempotency-key': 'bad key with spaces' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'idempotency.invalid_key');
  });
});

describe('GET /tenants', () => {
  it('paginates, filters by status and plan, and sorts', async () => {
    await t.createTenant({ name: 'Zeta Free', subscriptionPlan: 'free', settings: { ...settings, maxUsers: 5 } });
    await t.createTenant({ name: 'Alpha Free', subscriptionPlan: 'free', settings: { ...settings, maxUsers: 5 } });
    const page = (await t.http.inject({ method: 'GET', url: '/api/v1/tenants?page=1&pageSize=2&sortBy=name&sortOrder=asc', headers: sys })).json();
    assert.equal(page.page, 1);
    assert.equal(page.pageSize, 2);
    assert.equal(page.items.length, 2);
    assert.ok(page.total >= 3);
    assert.ok(page.items[0].name <= page.items[1].name);
    const free = (await t.http.inject({ method: 'GET', url: '/api/v1/tenants?plan=free&sortBy=name&sortOrder=desc&pageSize=100', headers: sys })).json();
    assert.ok(free.items.every((x: { subscriptionPlan: string }) => x.subscriptionPlan === 'free'));
    const names = free.items.map((x: { name: string }) => x.name);
    assert.deepEqual(names, [...names].sort().reverse());
    const suspended = (await t.http.inject({ method: 'GET', url: '/api/v1/tenants?status=suspended', headers: sys })).json();
    assert.ok(suspended.items.every((x: { status: string }) => x.status === 'suspended'));
    const tooBig = await t.http.inject({ method: 'GET', url: '/api/v1/tenants?pageSize=101', headers: sys });
    assert.equal(tooBig.statusCode, 400);
    assert.equal(tooBig.json().code, 'validation.out_of_range');
  });

  it('is refused to tenant admins', async () => {
    const { tenantId } = await t.createTenant();
    assert.equal((await t.http.inject({ method: 'GET', url: '/api/v1/tenants', headers: asTenantUser(tenantId, 'admin') })).statusCode, 403);
  });
});

describe('GET/PATCH/DELETE /tenants/{tenantId}', () => {
  it('lets the tenant admin read its own tenant and answers 404 for any other', async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    const own = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${a.tenantId}`, headers: asTenantUser(a.tenantId, 'admin') });
    assert.equal(own.statusCode, 200);
    const other = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${b.tenantId}`, headers: asTenantUser(a.tenantId, 'admin') });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'tenant.not_found');
    const unknown = await t.http.inject({ method: 'GET', url: '/api/v1/tenants/7f1b0b0e-0000-4000-8000-000000000000', headers: sys });
    assert.equal(unknown.statusCode, 404);
  });

  it('updates name, metadata and settings, refuses a downgrade beyond the new plan and an empty update', async () => {
    const { tenantId } = await t.createTenant();
    const admin = asTenantUser(tenantId, 'admin');
    const res = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: admin, payload: { name: 'Renamed Tenant', metadata: { tier: 'gold' } } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().name, 'Renamed Tenant');
    assert.deepEqual(res.json().metadata, { tier: 'gold' });
    const features = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: admin, payload: { settings: { ...settings, features: ['self_service_registration'] } } });
    assert.deepEqual(features.json().settings.features, ['self_service_registration']);
    for (let i = 0; i < 10; i++) {
      const invite = await t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: admin, payload: { email: `u${i}@down.test`, role: 'user' } });
      assert.equal(invite.statusCode, 201, invite.body);
    }
    const ownPlan = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: admin, payload: { subscriptionPlan: 'enterprise' } });
    assert.equal(ownPlan.statusCode, 403, 'a tenant admin does not choose what the tenant pays for');
    const downgrade = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { subscriptionPlan: 'free' } });
    assert.equal(downgrade.statusCode, 409);
    assert.equal(downgrade.json().code, 'tenant.plan_limit_exceeded');
    assert.match(downgrade.json().message, /free allows 10 users, but the tenant has 11/);
    const empty = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: admin, payload: {} });
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().code, 'tenant.nothing_to_update');
  });

  it('refuses maxUsers below the seats in use with 409 tenant.max_users_below_usage; deactivated users hold no seat', async () => {
    const { tenantId } = await t.createTenant({ settings: { ...settings, maxUsers: 5 } });
    const url = `/api/v1/tenants/${tenantId}`;
    const patch = (maxUsers: number, query = '') => t.http.inject({ method: 'PATCH', url: `${url}${query}`, headers: sys, payload: { settings: { maxUsers } } });
    const member = await t.http.inject({ method: 'POST', url: `${url}/users`, headers: sys, payload: { email: 'member@seats.test', role: 'user' } });
    assert.equal(member.statusCode, 201, member.body);
    const low = await patch(1);
    assert.equal(low.statusCode, 409, low.body);
    assert.equal(low.json().code, 'tenant.max_users_below_usage');
    assert.equal(low.json().message, 'maxUsers cannot be 1: the tenant already has 2 users holding a seat (deactivated users hold none). Deactivate users first or choose a higher limit.');
    assert.deepEqual(low.json().details, [{ field: 'settings.maxUsers', maxUsers: 1, used: 2 }]);
    assert.match((await patch(1, '?lang=fr')).json().message, /le locataire a déjà 2 utilisateurs/);
    assert.equal((await t.http.inject({ method: 'GET', url, headers: sys })).json().settings.maxUsers, 5, 'nothing changed');
    assert.equal((await patch(2)).statusCode, 200, 'as many seats as are in use');
    const off = await t.http.inject({ method: 'POST', url: `${url}/users/${member.json().userId}/deactivate`, headers: sys, payload: { reason: 'inactive', deactivationType: 'permanent' } });
    assert.equal(off.statusCode, 200, off.body);
    const one = await patch(1);
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(one.json().settings.maxUsers, 1);
  });

  it('changes only the settings a PATCH names; the rest, security policy included, stays', async () => {
    const policy = { passwordMinLength: 20, requireMfa: true, maxLoginAttempts: 3, sessionTimeout: 'PT1H', allowedIpRanges: ['10.0.0.0/8'] };
    const { tenantId } = await t.createTenant({ settings: { ...settings, customDomain: 'keep.example.com', securityPolicy: policy } });
    const patch = (payload: Record<string, unknown>) => t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload });
    const seats = await patch({ settings: { maxUsers: 7 } });
    assert.equal(seats.statusCode, 200, seats.body);
    assert.deepEqual(seats.json().settings, { allowedAuthMethods: ['password'], maxUsers: 7, features: [], customDomain: 'keep.example.com', securityPolicy: policy });
    const mfaOff = await patch({ settings: { securityPolicy: { requireMfa: false } } });
    assert.deepEqual(mfaOff.json().settings.securityPolicy, { ...policy, requireMfa: false });
    assert.equal(mfaOff.json().settings.maxUsers, 7);
    const noDomain = await patch({ settings: { customDomain: null } });
    assert.equal(noDomain.json().settings.customDomain, null);
    const wrong = await patch({ settings: { securityPolicy: { maxLoginAttempts: 11 } } });
    assert.equal(wrong.statusCode, 400);
    const stored = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys });
    assert.deepEqual(stored.json().settings, { allowedAuthMethods: ['password'], maxUsers: 7, features: [], customDomain: null, securityPolicy: { ...policy, requireMfa: false } });
  });

  it('refuses the platform\'s own host (PUBLIC_URL, here https://acci.test) as customDomain', async () => {
    const { tenantId } = await t.createTenant();
    const patch = (customDomain: string, query = '') => t.http.inject({
      method: 'PATCH', url: `/api/v1/tenants/${tenantId}${query}`, headers: asTenantUser(tenantId, 'admin'), payload: { settings: { customDomain } },
    });
    for (const spelling of ['acci.test', 'ACCI.Test.']) {
      const res = await patch(spelling);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'tenant.domain_reserved');
      assert.deepEqual(res.json().details, [{ field: 'settings.customDomain' }]);
    }
    assert.match((await patch('acci.test', '?lang=de')).json().message, /„acci\.test“ ist reserviert/);
    const created = await post({ name: 'Domain Thief', subscriptionPlan: 'free', adminEmail: 'a@thief.test', settings: { ...settings, customDomain: 'acci.test' } });
    assert.equal(created.json().code, 'tenant.domain_reserved', 'not at creation either');
    assert.equal((await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys })).json().settings.customDomain, null);
    const own = await patch('login.acci.test');
    assert.equal(own.statusCode, 200, 'a subdomain of the platform host is an ordinary domain');
  });

  it('suspends and resumes (system admin only)', async () => {
    const { tenantId } = await t.createTenant();
    const byAdmin = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: asTenantUser(tenantId, 'admin'), payload: { status: 'suspended' } });
    assert.equal(byAdmin.statusCode, 403);
    const suspended = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { status: 'suspended' } });
    assert.equal(suspended.json().status, 'suspended');
    const invite = await t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: sys, payload: { email: 'x@susp.test', role: 'user' } });
    assert.equal(invite.statusCode, 409);
    assert.equal(invite.json().code, 'tenant.suspended');
    const resumed = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { status: 'active' } });
    assert.equal(resumed.json().status, 'active');
  });

  it('deletes with a reason and retention, refuses while non-admin users are active, then accepts no commands', async () => {
    const { tenantId } = await t.createTenant();
    const url = `/api/v1/tenants/${tenantId}`;
    const badRetention = await t.http.inject({ method: 'DELETE', url, headers: sys, payload: { deletionReason: 'inactive', dataRetentionPeriod: 'P10D' } });
    assert.equal(badRetention.statusCode, 400);
    assert.equal(badRetention.json().code, 'tenant.invalid_retention_period');
    const badReason = await t.http.inject({ method: 'DELETE', url, headers: sys, payload: { deletionReason: 'bored' } });
    assert.equal(badReason.statusCode, 400);

    const self = await t.http.inject({ method: 'PATCH', url, headers: sys, payload: { settings: { ...settings, features: ['self_service_registration'] } } });
    assert.equal(self.statusCode, 200);
    const { identity } = await import('../users/index.ts');
    const id = identity(t.context);
    const member = await id.registerSelfService({ tenantId, email: 'member@del.test' });
    const blocked = await t.http.inject({ method: 'DELETE', url, headers: sys, payload: { deletionReason: 'user_requested' } });
    assert.equal(blocked.statusCode, 409);
    assert.equal(blocked.json().code, 'tenant.has_active_users');
    await t.http.inject({ method: 'POST', url: `${url}/users/${member.userId}/deactivate`, headers: sys, payload: { reason: 'user_requested', deactivationType: 'permanent' } });

    const deleted = await t.http.inject({ method: 'DELETE', url, headers: sys, payload: { deletionReason: 'other:merged' } });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(deleted.json().status, 'deleted');
    const again = await t.http.inject({ method: 'PATCH', url, headers: sys, payload: { name: 'Zombie' } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'tenant.deleted');
    const invite = await t.http.inject({ method: 'POST', url: `${url}/users`, headers: sys, payload: { email: 'late@del.test', role: 'user' } });
    assert.equal(invite.json().code, 'tenant.deleted');
    const row = await t.db.system.query<{ purge_after: Date; data_retention_period: string }>('SELECT purge_after, data_retention_period FROM tenant_details WHERE tenant_id = $1', [tenantId]);
    assert.equal(row.rows[0]?.data_retention_period, 'P90D');
    assert.ok(row.rows[0]!.purge_after.getTime() > Date.now() + 89 * 86_400_000);
  });

  it('validates path parameters', async () => {
    const res = await t.http.inject({ method: 'GET', url: '/api/v1/tenants/not-a-uuid', headers: sys });
    assert.equal(res.statusCode, 400);
  });
});

describe('seat usage', () => {
  it('counts the seats the limit is enforced on: deactivated users hold none, totalUsers still counts them', async () => {
    const { tenantId } = await t.createTenant({ settings: { ...settings, maxUsers: 2 } });
    const url = `/api/v1/tenants/${tenantId}/users`;
    const invite = (email: string) => t.http.inject({ method: 'POST', url, headers: sys, payload: { email, role: 'user' } });
    const u1 = await invite('u1@usage.test');
    assert.equal(u1.statusCode, 201, u1.body);
    assert.deepEqual(await getSeatUsage(t.db.app, tenantId), { used: 2, limit: 2 });
    const off = await t.http.inject({ method: 'POST', url: `${url}/${u1.json().userId}/deactivate`, headers: sys, payload: { reason: 'inactive', deactivationType: 'permanent' } });
    assert.equal(off.statusCode, 200, off.body);
    assert.deepEqual(await getSeatUsage(t.db.app, tenantId), { used: 1, limit: 2 });
    assert.equal((await invite('u2@usage.test')).statusCode, 201, 'the deactivated user\'s seat is free again');
    const full = await invite('u3@usage.test');
    assert.equal(full.json().code, 'user.quota_exceeded');
    assert.deepEqual(await getSeatUsage(t.db.app, tenantId), { used: 2, limit: 2 }, 'never more than the limit');
    const metrics = await eventually(async () => {
      const detail = (await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}`, headers: sys })).json();
      return detail.metrics.totalUsers === 3 ? detail.metrics : null;
    });
    assert.equal(metrics.totalUsers, 3, 'every user registered, the deactivated one included');
    assert.equal(await getSeatUsage(t.db.app, '7f1b0b0e-0000-4000-8000-000000000000'), null);
  });
});

describe('OpenAPI', () => {
  it('documents every route with its permission-bearing operation', async () => {
    const doc = (await t.http.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const path of ['/api/v1/tenants', '/api/v1/tenants/{tenantId}', '/api/v1/tenants/{tenantId}/users', '/api/v1/tenants/{tenantId}/users/{userId}',
      '/api/v1/tenants/{tenantId}/users/{userId}/deactivate', '/api/v1/tenants/{tenantId}/users/{userId}/reactivate']) {
      assert.ok(doc.paths[path], `missing ${path}`);
    }
    assert.ok(doc.paths['/api/v1/tenants/{tenantId}'].delete.requestBody);
    // Who may call it: a bearer token and the permission it must carry; errors are problem+json.
    const create = doc.paths['/api/v1/tenants'].post;
    assert.deepEqual(create.security, [{ bearerAuth: [] }]);
    assert.equal(create['x-permission'], 'tenants:create');
    assert.ok(create.responses['409'].content['application/problem+json']);
    assert.equal(create.responses['409'].content['application/json'], undefined);
    assert.ok(create.responses['201'].content['application/json'], 'success stays application/json');
    assert.deepEqual(doc.paths['/health/ready'].get.security, [], 'public routes need no token');
    const page = (doc.paths['/api/v1/tenants'].get.parameters as { name: string; required?: boolean }[]).find((p) => p.name === 'page');
    assert.ok(page && !page.required, 'a parameter with a default is optional');
  });

});

describe('route declarations', () => {
  it('every tenants/users route declares a permission from the shared vocabulary', async () => {
    const { createTestApp } = await import('../../../test/support/app.ts');
    const { createIdentityModules } = await import('../users/index.ts');
    const { PERMISSIONS } = await import('./access.ts');
    const seen: { url: string; method: string | string[]; permission?: string; isPublic?: boolean }[] = [];
    const modules = createIdentityModules({ mailer: t.services().mailer }).map((m) => ({
      ...m,
      register: (app: Parameters<typeof m.register>[0], ctx: Parameters<typeof m.register>[1]) => {
        app.addHook('onRoute', (route) => { seen.push({ url: route.url, method: route.method, permission: route.config?.permission, isPublic: route.config?.public }); });
        return m.register(app, ctx);
      },
    }));
    const app = await createTestApp({ modules });
    try {
      assert.equal(seen.filter((r) => r.method !== 'HEAD').length, 12);
      for (const route of seen) assert.ok(route.permission && (PERMISSIONS as readonly string[]).includes(route.permission), `${String(route.method)} ${route.url}`);
    } finally {
      await app.close();
    }
  });
});
