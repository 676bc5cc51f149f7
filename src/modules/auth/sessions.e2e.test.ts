import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createLogger } from '../../framework/observability/index.ts';
import { buildApp, type App } from '../../platform/app.ts';
import { createIdentityModules, identityServices } from '../users/index.ts';
import { identityDirectory } from './directory-identity.ts';
import { createAuthFixture, ADMIN_EMAIL, PASSWORD, type AuthFixture } from './e2e-fixture.ts';
import { createAuthModule } from './module.ts';

let f: AuthFixture;
let tenant: { tenantId: string; slug: string; adminEmail: string };
const GRACE_MS = 300;

before(async () => {
  f = await createAuthFixture({ refreshReuseGraceMs: GRACE_MS });
  tenant = await f.createTenant({ policy: { sessionTimeout: 'PT30M' } });
});
after(() => f.close());

const refresh = (refreshToken: string) => f.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
const me = (token: string) => f.inject({ method: 'GET', url: '/api/v1/auth/me', headers: f.bearer(token) });
const code = (res: { json: () => { code?: string } }) => res.json().code;

describe('sessions and tokens', () => {
  it('GET /auth/me answers user, tenant, permissions and session', async () => {
    const s = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    const res = await me(s.token);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.user.email, tenant.adminEmail);
    assert.equal(body.tenant.tenantId, tenant.tenantId);
    assert.equal(body.tenant.slug, tenant.slug);
    assert.equal(body.sessionId, s.sessionId);
    assert.ok(body.permissions.includes('sessions:revoke') && !body.permissions.includes('tenants:create'));
    const admin = await f.session({ email: ADMIN_EMAIL, password: PASSWORD });
    const adminMe = (await me(admin.token)).json();
    assert.equal(adminMe.tenant.slug, 'platform');
    assert.ok(adminMe.permissions.includes('tenants:create'));
  });

  it('follows the tenant sessionTimeout', async () => {
    const res = await f.login({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    const body = res.json();
    const lifetime = Date.parse(body.sessionExpiresAt) - Date.now();
    assert.ok(lifetime > 29 * 60_000 && lifetime <= 30 * 60_000, `session lives ${lifetime} ms`);
    assert.ok(Date.parse(body.expiresAt) <= Date.parse(body.sessionExpiresAt));
  });

  it('rotates the refresh token on every use and detects reuse by revoking the family', async () => {
    const s = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    const first = await refresh(s.refreshToken);
    assert.equal(first.statusCode, 200, first.body);
    const next = first.json();
    assert.equal(next.sessionId, s.sessionId);
    assert.notEqual(next.refreshToken, s.refreshToken);
    assert.equal((await me(next.token)).statusCode, 200);
    await new Promise((r) => setTimeout(r, GRACE_MS + 50));
    const reuse = await refresh(s.refreshToken);
    assert.equal(reuse.statusCode, 401);
    assert.equal(code(reuse), 'auth.refresh_token_reused');
    assert.equal(code(await refresh(next.refreshToken)), 'auth.invalid_refresh_token', 'the whole family is revoked');
    assert.equal(code(await me(next.token)), 'auth.session_revoked', 'access tokens of the family stop at once');
    const { rows } = await f.t.db.system.query(`SELECT data FROM events WHERE event_type = 'auth.token_reuse_detected' AND stream_id = $1`, [`session-${s.sessionId}`]);
    assert.equal(rows.length, 1);
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const s = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    const [a, b] = await Promise.all([refresh(s.refreshToken), refresh(s.refreshToken)]);
    const statuses = [a.statusCode, b.statusCode].sort();
    assert.deepEqual(statuses, [200, 401]);
    const winner = a.statusCode === 200 ? a.json() : b.json();
    const loser = a.statusCode === 200 ? b : a;
    assert.equal(code(loser), 'auth.invalid_refresh_token');
    assert.equal((await refresh(winner.refreshToken)).statusCode, 200, 'the winner keeps its session');
  });

  it('refuses malformed and foreign refresh tokens', async () => {
    assert.equal(code(await refresh('garbage')), 'auth.invalid_refresh_token');
    assert.equal(code(await refresh('A'.repeat(64))), 'auth.invalid_refresh_token');
    const res = await f.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: { nested: true } } });
    assert.equal(res.statusCode, 400);
  });

  it('logout ends the session at once', async () => {
    const s = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    const out = await f.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: f.bearer(s.token) });
    assert.equal(out.statusCode, 204);
    assert.equal(code(await me(s.token)), 'auth.session_revoked');
    assert.equal(code(await refresh(s.refreshToken)), 'auth.invalid_refresh_token');
    const { rows } = await f.t.db.system.query(`SELECT data FROM events WHERE event_type = 'auth.logout' AND stream_id = $1`, [`session-${s.sessionId}`]);
    assert.equal(rows.length, 1);
  });

  it('lists own sessions; tenant admins list and revoke their users\' sessions; others see 403/404', async () => {
    const email = `member@${tenant.slug}.example`;
    const userId = await f.addUser(tenant.tenantId, email);
    const one = await f.session({ tenant: tenant.slug, email, password: PASSWORD });
    const two = await f.session({ tenant: tenant.slug, email, password: PASSWORD });
    const mine = await f.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: f.bearer(one.token) });
    assert.equal(mine.statusCode, 200, mine.body);
    const items = mine.json().items as { sessionId: string; current: boolean }[];
    assert.equal(items.length, 2);
    assert.ok(items.find((i) => i.sessionId === one.sessionId)?.current);

    const admin = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    assert.equal((await f.inject({ method: 'GET', url: `/api/v1/auth/sessions?userId=${admin.user.userId}`, headers: f.bearer(one.token) })).statusCode, 403);
    const listed = await f.inject({ method: 'GET', url: `/api/v1/auth/sessions?userId=${userId}`, headers: f.bearer(admin.token) });
    assert.equal(listed.json().items.length, 2);
    const all = await f.inject({ method: 'GET', url: '/api/v1/auth/sessions?userId=all', headers: f.bearer(admin.token) });
    assert.ok(all.json().items.length >= 3);

    assert.equal((await f.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${admin.sessionId}`, headers: f.bearer(one.token) })).statusCode, 404);
    const other = await f.createTenant();
    const stranger = await f.session({ tenant: other.slug, email: other.adminEmail, password: PASSWORD });
    assert.equal((await f.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${two.sessionId}`, headers: f.bearer(stranger.token) })).statusCode, 404, 'another tenant\'s session is not found');
    assert.equal((await f.inject({ method: 'GET', url: `/api/v1/auth/sessions?tenantId=${tenant.tenantId}&userId=all`, headers: f.bearer(stranger.token) })).statusCode, 404);

    const revoked = await f.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${two.sessionId}`, headers: f.bearer(admin.token) });
    assert.equal(revoked.statusCode, 204);
    assert.equal(code(await me(two.token)), 'auth.session_revoked');
    assert.equal((await me(one.token)).statusCode, 200, 'other sessions continue');
    const own = await f.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${one.sessionId}`, headers: f.bearer(one.token) });
    assert.equal(own.statusCode, 204);
    assert.equal(code(await me(one.token)), 'auth.session_revoked');

    const root = await f.session({ email: ADMIN_EMAIL, password: PASSWORD });
    const adminView = await f.inject({ method: 'GET', url: `/api/v1/auth/sessions?tenantId=${tenant.tenantId}&userId=all`, headers: f.bearer(root.token) });
    assert.equal(adminView.statusCode, 200);
  });

  it('rejects a session revoked in another process within the same second', async () => {
    const second: App = await buildApp({
      logger: createLogger({ level: 'silent', format: 'json' }),
      db: { app: f.t.db.app, system: f.t.db.system },
      modules: [...createIdentityModules(), createAuthModule({
        directory: (context) => identityDirectory(context),
        outbox: (context) => identityServices(context).outbox,
        masterKey: () => Buffer.alloc(32, 42),
      })],
      logRequests: false,
    });
    try {
      const s = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
      const viaSecond = () => second.http.inject({ method: 'GET', url: '/api/v1/auth/me', headers: f.bearer(s.token) });
      assert.equal((await viaSecond()).statusCode, 200, 'the other process accepts the token');
      assert.equal((await f.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: f.bearer(s.token) })).statusCode, 204);
      const revokedAt = Date.now();
      let res = await viaSecond();
      while (res.statusCode === 200) {
        assert.ok(Date.now() - revokedAt < 1_000, 'still accepted after a second');
        await new Promise((r) => setTimeout(r, 5));
        res = await viaSecond();
      }
      assert.equal(code(res), 'auth.session_revoked');
      assert.ok(Date.now() - revokedAt < 1_000);
    } finally {
      await second.http.close();
      await second.stopBackground();
    }
  });

  it('rotates signing keys without logging anyone out', async () => {
    const before = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    const oldKid = JSON.parse(Buffer.from(before.token.split('.')[0]!, 'base64url').toString()).kid;
    const newKid = await f.auth.deps().keys.rotate();
    assert.notEqual(newKid, oldKid);
    assert.equal((await me(before.token)).statusCode, 200, 'tokens of the old key still work');
    const after = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    assert.equal(JSON.parse(Buffer.from(after.token.split('.')[0]!, 'base64url').toString()).kid, newKid);
    const jwks = await f.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(jwks.statusCode, 200);
    const set = jwks.json();
    assert.ok(set.keys.some((k: { kid: string }) => k.kid === oldKid) && set.keys.some((k: { kid: string }) => k.kid === newKid));
    assert.ok(set.keys.every((k: { d?: string; kty: string; crv: string }) => k.d === undefined && k.kty === 'OKP' && k.crv === 'Ed25519'), 'public keys only');
    for (const token of [before.token, after.token]) {
      const { payload } = await jwtVerify(token, createLocalJWKSet(set));
      assert.equal(payload.tenant, tenant.tenantId);
    }
    const refreshed = await refresh(before.refreshToken);
    assert.equal(refreshed.statusCode, 200);
  });
});

describe('one session, sign out everywhere, pagination, ?lang', () => {
  const get = (url: string, token: string) => f.inject({ method: 'GET', url: `/api/v1/auth/${url}`, headers: f.bearer(token) });

  it('GET /auth/sessions/{id}: own 200; another user\'s, another tenant\'s, ended or unknown 404', async () => {
    const email = `viewer@${tenant.slug}.example`;
    const userId = await f.addUser(tenant.tenantId, email);
    const mine = await f.session({ tenant: tenant.slug, email, password: PASSWORD });
    const admin = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });

    const own = await get(`sessions/${mine.sessionId}`, mine.token);
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().sessionId, mine.sessionId);
    assert.equal(own.json().userId, userId);
    assert.equal(own.json().tenantId, tenant.tenantId);
    assert.equal(own.json().current, true);

    const notMine = await get(`sessions/${admin.sessionId}`, mine.token);
    assert.equal(notMine.statusCode, 404);
    assert.equal(code(notMine), 'auth.session_not_found');
    const asAdmin = await get(`sessions/${mine.sessionId}`, admin.token);
    assert.equal(asAdmin.statusCode, 200, 'a tenant admin sees the sessions of their users');
    assert.equal(asAdmin.json().current, false);

    const other = await f.createTenant();
    const stranger = await f.session({ tenant: other.slug, email: other.adminEmail, password: PASSWORD });
    for (const url of [`sessions/${mine.sessionId}`, `sessions/${mine.sessionId}?tenantId=${tenant.tenantId}`]) {
      const res = await get(url, stranger.token);
      assert.equal(res.statusCode, 404, url);
      assert.equal(code(res), 'auth.session_not_found', 'another tenant\'s session answers like an unknown one');
    }
    const root = await f.session({ email: ADMIN_EMAIL, password: PASSWORD });
    assert.equal((await get(`sessions/${mine.sessionId}?tenantId=${tenant.tenantId}`, root.token)).statusCode, 200, 'the system admin sees any');
    assert.equal(code(await get(`sessions/${mine.sessionId}`, root.token)), 'auth.session_not_found', 'without tenantId: the platform tenant');
    assert.equal(code(await get('sessions/00000000-0000-4000-8000-000000000000', mine.token)), 'auth.session_not_found');
    assert.equal((await get('sessions/not-a-uuid', mine.token)).statusCode, 400);

    const foreignDelete = await f.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${mine.sessionId}?tenantId=${tenant.tenantId}`, headers: f.bearer(stranger.token) });
    assert.equal(code(foreignDelete), 'auth.session_not_found', 'DELETE answers the same');
    const second = await f.session({ tenant: tenant.slug, email, password: PASSWORD });
    assert.equal((await f.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${second.sessionId}`, headers: f.bearer(mine.token) })).statusCode, 204);
    assert.equal(code(await get(`sessions/${second.sessionId}`, mine.token)), 'auth.session_not_found', 'an ended session is gone');
  });

  it('DELETE /auth/sessions revokes every session of the caller, the current one included, at once', async () => {
    const email = `everywhere@${tenant.slug}.example`;
    const userId = await f.addUser(tenant.tenantId, email);
    const sessions = [];
    for (let i = 0; i < 3; i++) sessions.push(await f.session({ tenant: tenant.slug, email, password: PASSWORD }));
    const bystander = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });

    const res = await f.inject({ method: 'DELETE', url: '/api/v1/auth/sessions', headers: f.bearer(sessions[0]!.token) });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
    for (const s of sessions) {
      assert.equal(code(await me(s.token)), 'auth.session_revoked', 'access tokens stop at once');
      assert.equal(code(await refresh(s.refreshToken)), 'auth.invalid_refresh_token');
    }
    assert.equal((await me(bystander.token)).statusCode, 200, 'other users keep their sessions');
    const listed = await get(`sessions?userId=${userId}`, bystander.token);
    assert.equal(listed.json().total, 0);

    const { rows } = await f.t.db.system.query<{ data: { reason: string; revokedBy: string; userId: string } }>(
      `SELECT data FROM events WHERE event_type = 'auth.session_revoked' AND stream_id = ANY($1)`, [sessions.map((s) => `session-${s.sessionId}`)],
    );
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.data.reason === 'user_revoked' && r.data.revokedBy === userId && r.data.userId === userId));
    assert.equal((await f.inject({ method: 'DELETE', url: '/api/v1/auth/sessions', headers: f.bearer(sessions[1]!.token) })).statusCode, 401, 'a revoked token cannot call it again');
  });

  it('GET /auth/sessions is paginated as {items, page, pageSize, total} with bounds', async () => {
    const email = `pager@${tenant.slug}.example`;
    await f.addUser(tenant.tenantId, email);
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push(await f.session({ tenant: tenant.slug, email, password: PASSWORD }));
    const token = opened[2]!.token;

    const first = await get('sessions?page=1&pageSize=2', token);
    assert.equal(first.statusCode, 200, first.body);
    const body = first.json();
    assert.deepEqual(Object.keys(body).sort(), ['items', 'page', 'pageSize', 'total']);
    assert.equal(body.page, 1);
    assert.equal(body.pageSize, 2);
    assert.equal(body.total, 3);
    assert.deepEqual(body.items.map((i: { sessionId: string }) => i.sessionId), [opened[2]!.sessionId, opened[1]!.sessionId], 'newest first');
    const second = (await get('sessions?page=2&pageSize=2', token)).json();
    assert.deepEqual(second.items.map((i: { sessionId: string }) => i.sessionId), [opened[0]!.sessionId]);
    assert.equal(second.total, 3);
    const past = (await get('sessions?page=9&pageSize=2', token)).json();
    assert.deepEqual([past.items.length, past.total], [0, 3]);
    const asc = (await get('sessions?pageSize=1&sortBy=createdAt&sortOrder=asc', token)).json();
    assert.equal(asc.items[0].sessionId, opened[0]!.sessionId);
    const defaults = (await get('sessions', token)).json();
    assert.deepEqual([defaults.page, defaults.pageSize, defaults.total], [1, 20, 3]);

    for (const [query, expected] of [
      ['pageSize=101', 'validation.out_of_range'], ['page=0', 'validation.out_of_range'], ['pageSize=0', 'validation.out_of_range'],
      ['page=abc', 'validation.invalid_type'], ['sortBy=ipAddress', 'validation.invalid_value'], ['bogus=1', 'validation.unknown_field'],
    ] as const) {
      const res = await get(`sessions?${query}`, token);
      assert.equal(res.statusCode, 400, query);
      assert.equal(code(res), expected, query);
    }
    assert.equal((await get('sessions?pageSize=100', token)).statusCode, 200);
  });

  it('accepts ?lang= on the session routes and localizes their errors', async () => {
    const s = await f.session({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    assert.equal((await get('sessions?lang=de', s.token)).statusCode, 200);
    assert.equal((await get(`sessions/${s.sessionId}?lang=de`, s.token)).statusCode, 200);
    assert.equal((await get('sessions?lang=xx', s.token)).statusCode, 200, 'an unsupported language falls back');
    const bounds = await get('sessions?lang=de&pageSize=101', s.token);
    assert.equal(code(bounds), 'validation.out_of_range');
    assert.match(bounds.json().message, /außerhalb des erlaubten Bereichs/);
    const missing = await get('sessions/00000000-0000-4000-8000-000000000000?lang=de', s.token);
    assert.equal(code(missing), 'auth.session_not_found');
    assert.equal(missing.json().message, 'Die Sitzung existiert nicht.');
    const everywhere = await f.inject({ method: 'DELETE', url: '/api/v1/auth/sessions?lang=de', headers: f.bearer(s.token) });
    assert.equal(everywhere.statusCode, 204);
    const after = await get('sessions?lang=de', s.token);
    assert.equal(code(after), 'auth.session_revoked');
    assert.match(after.json().message, /Sitzung wurde beendet/);
  });

  it('documents the session routes in the OpenAPI document', async () => {
    const doc = (await f.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const paths = doc.paths as Record<string, Record<string, { parameters?: { name: string }[] }>>;
    const list = paths['/api/v1/auth/sessions'];
    const one = paths['/api/v1/auth/sessions/{sessionId}'];
    assert.ok(list?.get && list.delete && one?.get && one.delete);
    const names = list.get.parameters?.map((p) => p.name) ?? [];
    for (const name of ['page', 'pageSize', 'sortBy', 'sortOrder', 'userId', 'tenantId', 'lang']) assert.ok(names.includes(name), name);
  });

  it('documents the errors each route can answer, as problem+json', async () => {
    const doc = (await f.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    const statuses = (path: string, method: string) => Object.keys(paths[path]![method]!.responses).sort();
    assert.deepEqual(statuses('/api/v1/auth/login', 'post'), ['200', '400', '401', '403', '413', '415', '423', '429', '500', '503']);
    // Routes that honour Idempotency-Key answer 409 while a twin runs and 422 for a reused key.
    assert.deepEqual(statuses('/api/v1/auth/register', 'post'), ['202', '400', '403', '409', '413', '415', '422', '429', '500', '503']);
    assert.deepEqual(statuses('/api/v1/auth/invitations/accept', 'post'), ['200', '400', '409', '413', '415', '422', '429', '500', '503']);
    // Authenticated routes can always answer 401 and 403; a route without input no 400.
    assert.deepEqual(statuses('/api/v1/auth/me', 'get'), ['200', '401', '403', '429', '500', '503']);
    for (const [path, operations] of Object.entries(paths)) {
      if (!path.startsWith('/api/v1')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400) assert.ok(response.content?.['application/problem+json'], `${method} ${path} ${status}`);
        }
      }
    }
  });
});
