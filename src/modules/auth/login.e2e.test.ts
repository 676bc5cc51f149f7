import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pairedTimings } from '../../../test/support/timing.ts';
import { createAuthFixture, ADMIN_EMAIL, PASSWORD, type AuthFixture } from './e2e-fixture.ts';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { createPasswordHasher } from './passwords/hasher.ts';

let f: AuthFixture;
let acme: { tenantId: string; slug: string; adminEmail: string };
let ip = 0;
/** A fresh client address per test, so per-IP throttling of one test does not leak into another. */
const nextIp = () => `10.9.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`;

before(async () => {
  f = await createAuthFixture({ throttle: { lockoutBaseSeconds: 1, ipMaxFailures: 8, ipWindowSeconds: 60 } });
  acme = await f.createTenant({ slug: 'acme', settings: { customDomain: 'login.acme.example' } });
});
after(() => f.close());

const events = async (type: string) => (await f.t.db.system.query<{ data: Record<string, unknown>; tenant_id: string }>(
  `SELECT data, tenant_id FROM events WHERE event_type = $1 ORDER BY global_position`, [type],
)).rows;

const problem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => { code: string } }, status: number, code: string) => {
  assert.equal(res.statusCode, status, JSON.stringify(res.json()));
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().code, code);
};

describe('POST /auth/login', () => {
  it('signs the system admin in without a tenant and tenant users in by slug, id or custom domain', async () => {
    const admin = await f.login({ email: ADMIN_EMAIL, password: PASSWORD });
    assert.equal(admin.statusCode, 200, admin.body);
    const body = admin.json();
    assert.equal(body.user.tenantId, PLATFORM_TENANT_ID);
    assert.equal(body.user.id, body.user.userId);
    assert.equal(body.user.role, 'system_admin');
    assert.ok(body.sessionId && body.token && body.refreshToken && body.expiresAt);
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    assert.deepEqual([claims.sub, claims.tenant, claims.role, claims.sid], [body.user.userId, PLATFORM_TENANT_ID, 'system_admin', body.sessionId]);
    assert.ok(claims.exp - claims.iat <= 300, 'short-lived access token');

    const bySlug = await f.login({ tenant: 'ACME', email: acme.adminEmail, password: PASSWORD });
    assert.equal(bySlug.statusCode, 200, bySlug.body);
    assert.equal(bySlug.json().user.role, 'admin');
    assert.equal((await f.login({ tenant: acme.tenantId, email: acme.adminEmail, password: PASSWORD })).statusCode, 200);
    const byHost = await f.login({ email: acme.adminEmail, password: PASSWORD }, { host: 'login.acme.example:443' });
    assert.equal(byHost.statusCode, 200, byHost.body);
    assert.equal(byHost.json().user.tenantId, acme.tenantId);
    const mixedCase = await f.login({ tenant: 'acme', email: acme.adminEmail.toUpperCase(), password: PASSWORD });
    assert.equal(mixedCase.statusCode, 200, 'e-mail is case-insensitive');
    const metrics = await f.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /acci_auth_logins_total\{outcome="succeeded"\} \d+/);
  });

  it('answers a wrong password, an unknown e-mail and an unknown tenant alike', async () => {
    const remoteAddress = nextIp();
    const wrong = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { tenant: 'acme', email: acme.adminEmail, password: 'Wrong-Password-1!' } });
    const unknown = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { tenant: 'acme', email: 'nobody@acme.example', password: 'Wrong-Password-1!' } });
    const noTenant = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { tenant: 'no-such-tenant', email: acme.adminEmail, password: PASSWORD } });
    for (const res of [wrong, unknown, noTenant]) problem(res, 401, 'auth.invalid_credentials');
    assert.equal(wrong.json().message, unknown.json().message);
    assert.equal(wrong.headers['retry-after'], undefined);
  });

  it('takes about as long for an unknown e-mail as for a known one', async () => {
    const tenant = await f.createTenant({ policy: { maxLoginAttempts: 0 } });
    const attempt = async (email: string, i: number) => {
      const started = performance.now();
      const res = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), payload: { tenant: tenant.slug, email, password: `Wrong-${i}-Password!` } });
      assert.equal(res.statusCode, 401);
      return performance.now() - started;
    };
    await attempt(`warm-up@${tenant.slug}.example`, 0);
    // Skipping the hash for unknown addresses makes the ratio 3 or more in every round.
    const { alike, rounds } = await pairedTimings({
      a: (i) => attempt(tenant.adminEmail, i), b: (i) => attempt(`ghost${i}@${tenant.slug}.example`, i), within: [0.67, 1.5], labels: ['known', 'unknown'],
    });
    assert.ok(alike, `three rounds told known from unknown addresses: ${rounds.join('; ')}`);
  });

  it('records auth.login_succeeded and auth.login_failed with device and IP', async () => {
    await f.login({ tenant: 'acme', email: acme.adminEmail, password: PASSWORD }, { 'user-agent': 'Probe/7.1' });
    await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.77.0.1', headers: { 'user-agent': 'Probe/7.2' }, payload: { tenant: 'acme', email: 'phantom@acme.example', password: 'Nope-Nope-123!' } });
    const ok = (await events('auth.login_succeeded')).find((e) => (e.data.deviceInfo as { userAgent: string }).userAgent === 'Probe/7.1');
    assert.ok(ok, 'success event');
    assert.equal(ok.tenant_id, acme.tenantId);
    assert.equal(ok.data.authMethod, 'password');
    assert.ok(ok.data.sessionId && ok.data.ipAddress);
    const failed = (await events('auth.login_failed')).find((e) => e.data.ipAddress === '10.77.0.1');
    assert.ok(failed, 'failure event');
    assert.equal(failed.data.failureReason, 'invalid_credentials');
    assert.equal(failed.data.userId, null);
    assert.deepEqual(failed.data.deviceInfo, { userAgent: 'Probe/7.2' });
    const leaked = await f.t.db.system.query(`SELECT 1 FROM events WHERE data::text LIKE '%argon2%' OR data::text LIKE '%Nope-Nope%'`);
    assert.equal(leaked.rowCount, 0, 'no secret in the event log');
  });

  it('refuses deactivated users and suspended tenants with their codes', async () => {
    const tenant = await f.createTenant({ settings: { features: ['self_service_registration'] } });
    const { identity, identityServices } = await import('../users/index.ts');
    const { setPassword } = await import('./set-password.ts');
    const { userId } = await identity(f.t.context).registerSelfService({ tenantId: tenant.tenantId, email: `leaver@${tenant.slug}.example` });
    await identity(f.t.context).confirmEmail(tenant.tenantId, userId);
    await setPassword(f.t.context, { userId, tenantId: tenant.tenantId, password: PASSWORD });
    assert.equal((await f.login({ tenant: tenant.slug, email: `leaver@${tenant.slug}.example`, password: PASSWORD })).statusCode, 200);
    const services = identityServices(f.t.context);
    await services.users.deactivate(tenant.tenantId, userId, { reason: 'admin_action', deactivationType: 'permanent' }, { userId: null, correlationId: 'test' });
    problem(await f.login({ tenant: tenant.slug, email: `leaver@${tenant.slug}.example`, password: PASSWORD }), 403, 'auth.account_disabled');
    problem(await f.login({ tenant: tenant.slug, email: `leaver@${tenant.slug}.example`, password: 'Wrong-Password-1!' }), 401, 'auth.invalid_credentials');
    await services.tenants.setStatus(tenant.tenantId, 'suspended', { userId: null, correlationId: 'test' }, 'unpaid');
    // At once: the cached tenant (up to a second old) is checked again against the stored status.
    problem(await f.login({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD }), 403, 'auth.tenant_suspended');
  });

  it('refuses addresses outside allowedIpRanges, at sign-in and on every use of the session', async () => {
    const tenant = await f.createTenant({ policy: { allowedIpRanges: ['192.168.10.0/24'] } });
    const body = { tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD };
    problem(await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.1.1.1', payload: body }), 403, 'auth.ip_not_allowed');
    const inside = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '192.168.10.7', payload: body });
    assert.equal(inside.statusCode, 200, inside.body);
    // The ranges hold for the whole session: its tokens are refused from outside, and work inside.
    const { token, refreshToken } = inside.json() as { token: string; refreshToken: string };
    const me = (remoteAddress: string) => f.t.http.inject({ method: 'GET', url: '/api/v1/auth/me', remoteAddress, headers: { authorization: `Bearer ${token}` } });
    problem(await me('10.1.1.1'), 403, 'auth.ip_not_allowed');
    assert.equal((await me('192.168.10.8')).statusCode, 200);
    const refresh = (remoteAddress: string) => f.t.http.inject({ method: 'POST', url: '/api/v1/auth/refresh', remoteAddress, payload: { refreshToken } });
    problem(await refresh('10.1.1.1'), 403, 'auth.ip_not_allowed');
    assert.equal((await refresh('192.168.10.9')).statusCode, 200, 'the refused refresh did not use up the token');
  });

  it('admits 127.0.0.1 when allowedIpRanges gives it IPv4-mapped (::ffff:127.0.0.1/128), stored as 127.0.0.1/32', async () => {
    const tenant = await f.createTenant({ policy: { allowedIpRanges: ['::ffff:127.0.0.1/128'] } });
    const stored = await f.auth.deps().directory.findTenant({ id: tenant.tenantId });
    assert.deepEqual(stored?.settings.securityPolicy.allowedIpRanges, ['127.0.0.1/32']);
    const body = { tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD };
    for (const remoteAddress of ['127.0.0.1', '::ffff:127.0.0.1']) {
      const res = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: body });
      assert.equal(res.statusCode, 200, `${remoteAddress}: ${res.body}`);
    }
    problem(await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '127.0.0.2', payload: body }), 403, 'auth.ip_not_allowed');
  });

  it('answers an MFA challenge instead of a session when the tenant requires MFA', async () => {
    const tenant = await f.createTenant({ policy: { requireMfa: true }, settings: { allowedAuthMethods: ['password', 'totp'] } });
    const res = await f.login({ tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.mfaRequired, true);
    assert.deepEqual(body.methods, ['totp']);
    assert.ok(body.challengeToken && body.expiresAt);
    assert.equal(body.token, undefined, 'no session before the second factor');
  });

  it('commits a sign-in in one round trip: session, refresh token and event agree on its end', async () => {
    const db = f.t.db.app;
    const { pipelined, transaction } = db;
    // Reads may open transactions (a tenant the cache no longer holds); writes go in the one pipelined.
    const seen = { pipelined: 0, writesOutside: [] as string[] };
    db.pipelined = ((...args: Parameters<typeof pipelined>) => { seen.pipelined++; return pipelined(...args); }) as typeof pipelined;
    db.transaction = ((work: Parameters<typeof transaction>[0], options: Parameters<typeof transaction>[1]) => transaction(async (tx) => {
      const query = tx.query;
      tx.query = ((...a: unknown[]) => {
        const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text: string }).text;
        if (/\b(INSERT|UPDATE|DELETE)\b/i.test(text)) seen.writesOutside.push(text.slice(0, 60));
        return (query as (...b: unknown[]) => unknown).apply(tx, a);
      }) as typeof tx.query;
      try {
        return await work(tx);
      } finally {
        tx.query = query; // the client goes back to the pool
      }
    }, options)) as typeof transaction;
    let res;
    try {
      res = await f.login({ tenant: 'acme', email: acme.adminEmail, password: PASSWORD }, { 'user-agent': 'Pipelined/1.0' });
    } finally {
      db.pipelined = pipelined;
      db.transaction = transaction;
    }
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(seen, { pipelined: 1, writesOutside: [] });
    const { sessionId, sessionExpiresAt } = res.json();
    const { rows } = await f.t.db.system.query<{ session_end: Date; token_end: Date; user_agent: string }>(
      `SELECT s.expires_at AS session_end, r.expires_at AS token_end, s.user_agent
         FROM auth_sessions s JOIN auth_refresh_tokens r USING (tenant_id, session_id) WHERE s.session_id = $1`, [sessionId]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.user_agent, 'Pipelined/1.0');
    assert.equal(rows[0]!.session_end.toISOString(), sessionExpiresAt);
    assert.equal(rows[0]!.token_end.toISOString(), sessionExpiresAt);
    const event = (await events('auth.login_succeeded')).find((e) => e.data.sessionId === sessionId);
    assert.equal(event?.data.expiresAt, sessionExpiresAt);
    const profile = await f.t.db.system.query<{ last_login: Date }>('SELECT last_login FROM user_profiles WHERE tenant_id = $1 AND email_lower = $2', [acme.tenantId, acme.adminEmail.toLowerCase()]);
    assert.ok(profile.rows[0]!.last_login.getTime() > Date.now() - 60_000, 'the inline projection recorded the sign-in');
    // Signed in for real: the access token and the refresh token work.
    assert.equal((await f.t.http.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${res.json().token}` } })).statusCode, 200);
    assert.equal((await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: res.json().refreshToken } })).statusCode, 200);
  });

  it('re-hashes transparently when the stored hash has other parameters', async () => {
    const tenant = await f.createTenant();
    const userId = await f.addUser(tenant.tenantId, `old@${tenant.slug}.example`);
    const legacy = await createPasswordHasher({ memoryCost: 4_096, timeCost: 3, parallelism: 1 }).hash(PASSWORD);
    await f.t.db.system.query('UPDATE auth_credentials SET password_hash = $1 WHERE user_id = $2', [legacy, userId]);
    const res = await f.login({ tenant: tenant.slug, email: `old@${tenant.slug}.example`, password: PASSWORD });
    assert.equal(res.statusCode, 200, res.body);
    const { rows } = await f.t.db.system.query<{ password_hash: string }>('SELECT password_hash FROM auth_credentials WHERE user_id = $1', [userId]);
    assert.match(rows[0]!.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok((await events('user.password_changed')).some((e) => e.data.userId === userId && e.data.reason === 'rehashed'));
    assert.equal((await f.login({ tenant: tenant.slug, email: `old@${tenant.slug}.example`, password: PASSWORD })).statusCode, 200);
  });
});

describe('brute force', () => {
  it('locks the account after maxLoginAttempts, refuses even the right password, unlocks by itself', async () => {
    const tenant = await f.createTenant({ policy: { maxLoginAttempts: 3 } });
    const wrong = { tenant: tenant.slug, email: tenant.adminEmail, password: 'Wrong-Password-1!' };
    const right = { ...wrong, password: PASSWORD };
    const send = (payload: object) => f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), payload });
    problem(await send(wrong), 401, 'auth.invalid_credentials');
    problem(await send(wrong), 401, 'auth.invalid_credentials');
    const locked = await send(wrong);
    problem(locked, 423, 'auth.account_locked');
    assert.equal(locked.headers['retry-after'], '1');
    problem(await send(right), 423, 'auth.account_locked');
    const ghost = { ...wrong, email: `ghost@${tenant.slug}.example` };
    await send(ghost);
    await send(ghost);
    problem(await send(ghost), 423, 'auth.account_locked');
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await send(right)).statusCode, 200, 'unlocked automatically');
  });

  it('verifies no more passwords than maxLoginAttempts when guesses arrive at once', async () => {
    const tenant = await f.createTenant({ policy: { maxLoginAttempts: 3 } });
    const guess = (i: number) => ({ tenant: tenant.slug, email: tenant.adminEmail, password: `Wrong-Password-${i}!` });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), payload: guess(i) })));
    const statuses = answers.map((a) => a.statusCode);
    // Three guesses were verified: two answered 401, the third locked the account (423); the other
    // seventeen were refused as locked without a verification.
    assert.equal(statuses.filter((s) => s === 401).length, 2, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 423).length, 18, statuses.join(','));
    problem(await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), payload: { ...guess(0), password: PASSWORD } }), 423, 'auth.account_locked');
  });

  it('never locks out the right password, however many sign-ins of one account run at once', async () => {
    const tenant = await f.createTenant({ policy: { maxLoginAttempts: 3 } });
    const body = { tenant: tenant.slug, email: tenant.adminEmail, password: PASSWORD };
    // The attempts are counted before the verification; the last allowed one holds the others back
    // until it is decided instead of locking the account in advance.
    const answers = await Promise.all(Array.from({ length: 16 }, () => f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), payload: body })));
    assert.deepEqual(answers.map((a) => a.statusCode), Array.from({ length: 16 }, () => 200), answers.map((a) => a.body).find((b) => !b.includes('"token"')));
  });

  it('does not count sign-ins with the right password against the IP', async () => {
    const remoteAddress = '10.200.1.1';
    // More than the IP's allowance of failures (8 here): each success gives its attempt back.
    for (let i = 0; i < 10; i++) {
      const res = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { tenant: 'acme', email: acme.adminEmail, password: PASSWORD } });
      assert.equal(res.statusCode, 200, `sign-in ${i + 1}: ${res.body}`);
    }
  });

  it('throttles one IP across accounts with 429 and Retry-After', async () => {
    const remoteAddress = '10.200.0.1';
    for (let i = 0; i < 8; i++) {
      const res = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { tenant: 'acme', email: `spray${i}@acme.example`, password: 'Spray-Spray-1!' } });
      assert.equal(res.statusCode, 401);
    }
    const blocked = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { tenant: 'acme', email: acme.adminEmail, password: PASSWORD } });
    problem(blocked, 429, 'auth.too_many_attempts');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    const elsewhere = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.200.0.2', payload: { tenant: 'acme', email: acme.adminEmail, password: PASSWORD } });
    assert.equal(elsewhere.statusCode, 200);
  });
});

describe('bad input', () => {
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), payload: payload as string, headers: { 'content-type': 'application/json', ...headers } });

  it('answers wrong types, missing and unknown fields with 400 problem+json', async () => {
    problem(await post({ email: { at: 'acme' }, password: 'x' }), 400, 'validation.invalid_type');
    // JSON types are not coerced: a number, a boolean or a list is not a string.
    problem(await post({ email: 12345, password: 'x' }), 400, 'validation.invalid_type');
    problem(await post({ tenant: 'acme', email: acme.adminEmail, password: true }), 400, 'validation.invalid_type');
    problem(await post({ tenant: 'acme', email: acme.adminEmail, password: ['a'] }), 400, 'validation.invalid_type');
    problem(await post({ tenant: 123, email: acme.adminEmail, password: PASSWORD }), 400, 'validation.invalid_type');
    problem(await post({ email: acme.adminEmail }), 400, 'validation.required');
    problem(await post({ email: acme.adminEmail, password: { value: 'a' } }), 400, 'validation.invalid_type');
    problem(await post({ email: acme.adminEmail, password: PASSWORD, admin: true }), 400, 'validation.unknown_field');
    problem(await post({ tenant: '../etc', email: acme.adminEmail, password: PASSWORD }), 400, 'validation.invalid_format');
    problem(await post('{"email":'), 400, 'request.malformed_json');
    problem(await post({ email: acme.adminEmail, password: '' }), 400, 'validation.field_too_short');
  });

  it('refuses unicode tricks in e-mail addresses', async () => {
    for (const email of ['admin＠acme.example', 'admin@acme。example', 'admin@äcme.example', 'admin\u200b@acme.example', ' admin@acme.example', 'admin@acme.example\n']) {
      problem(await post({ tenant: 'acme', email, password: PASSWORD }), 400, 'validation.invalid_format');
    }
  });

  it('answers oversized bodies with 413', async () => {
    problem(await post({ email: acme.adminEmail, password: 'x'.repeat(20_000) }), 413, 'request.body_too_large');
    problem(await post({ email: acme.adminEmail, password: `Aa1!${'x'.repeat(2_000)}` }), 400, 'validation.field_too_long');
  });

  it('ignores a bad bearer token on public routes but refuses it elsewhere', async () => {
    const res = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextIp(), headers: { authorization: 'Bearer not.a.token' }, payload: { tenant: 'acme', email: acme.adminEmail, password: PASSWORD } });
    assert.equal(res.statusCode, 200);
    problem(await f.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer not.a.token' } }), 401, 'auth.invalid_token');
    problem(await f.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic abc' } }), 401, 'auth.invalid_token');
    problem(await f.inject({ method: 'GET', url: '/api/v1/auth/me' }), 401, 'auth.unauthenticated');
  });
});
