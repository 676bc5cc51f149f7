import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identityServices, runDueWork } from '../users/index.ts';
import { pairedTimings } from '../../../test/support/timing.ts';
import { createAuthFixture, PASSWORD, type AuthFixture } from './e2e-fixture.ts';

let f: AuthFixture;
let open: { tenantId: string; slug: string; adminEmail: string };

before(async () => {
  f = await createAuthFixture();
  open = await f.createTenant({ settings: { features: ['self_service_registration'] } });
});
after(() => f.close());

const post = (url: string, payload: object, query = '') => f.inject({ method: 'POST', url: `/api/v1/auth/${url}${query}`, payload });

describe('self-service registration of an address someone else registered', () => {
  it('lets the owner take the address over with a password reset, which confirms it', async () => {
    const email = `squatted@${open.slug}.example`;
    assert.equal((await post('register', { tenant: open.slug, email, password: 'Squatter-Secret-91' })).statusCode, 202);
    assert.equal((await post('password/forgot', { tenant: open.slug, email })).statusCode, 202);
    const token = await f.tokenFromMail(email, 'reset-password');
    assert.equal((await post('password/reset', { token, password: PASSWORD })).statusCode, 204);
    const session = await f.login({ tenant: open.slug, email, password: PASSWORD });
    assert.equal(session.statusCode, 200, session.body);
  });
});

describe('self-service registration of an address that has an account', () => {
  it('mails the owner a notice instead of an account, in the request language, at most once an hour', async () => {
    const email = `notified@${open.slug}.example`;
    await f.addUser(open.tenantId, email);
    const notices = () => f.mail.filter((m) => m.to === email && /registrieren/.test(m.subject));
    const answers = await Promise.all([1, 2, 3, 4].map((i) => f.inject({
      method: 'POST', url: '/api/v1/auth/register?lang=de', remoteAddress: `10.7.0.${i}`, payload: { tenant: open.slug, email, password: 'Another-Secret-55' },
    })));
    assert.deepEqual(answers.map((a) => a.statusCode), [202, 202, 202, 202]);
    await f.mailSettled();
    assert.equal(notices().length, 1, 'one notice, not one per request');
    assert.match(notices()[0]!.text, new RegExp(`Tenant ${open.slug}`));
    assert.doesNotMatch(notices()[0]!.text, /token=/);
    await f.t.db.system.query(`UPDATE auth_registration_notices SET sent_at = sent_at - interval '1 hour' WHERE tenant_id = $1`, [open.tenantId]);
    assert.equal((await post('register', { tenant: open.slug, email, password: 'Another-Secret-55' }, '?lang=de')).statusCode, 202);
    await f.mailSettled();
    assert.equal(notices().length, 2, 'the next one an hour later');
    assert.equal((await f.login({ tenant: open.slug, email, password: PASSWORD })).statusCode, 200, 'the account is unchanged');
  });

  it('frees the address of a registration not confirmed in time: its owner registers, confirms and signs in', async () => {
    const email = `taken-back@${open.slug}.example`;
    assert.equal((await post('register', { tenant: open.slug, email, password: 'Squatter-Secret-91' })).statusCode, 202);
    await f.mailSettled();
    const staleLink = await f.tokenFromMail(email, 'confirm-email');
    const services = identityServices(f.t.context);
    const ttl = f.auth.deps().settings.emailConfirmationTtlSeconds;
    const { expired } = await runDueWork({ system: f.t.db.system, users: services.users, tenants: services.tenants, logger: f.t.context.logger, now: new Date(Date.now() + (ttl + 1) * 1000) });
    assert.ok(expired >= 1);
    const stale = await post('email/confirm', { token: staleLink });
    assert.equal(stale.statusCode, 400, 'the expired registration\'s link no longer works');
    assert.equal(stale.json().code, 'auth.invalid_action_token');
    assert.equal((await post('register', { tenant: open.slug, email, password: PASSWORD })).statusCode, 202);
    await f.mailSettled();
    assert.equal((await post('email/confirm', { token: await f.tokenFromMail(email, 'confirm-email') })).statusCode, 200);
    const session = await f.login({ tenant: open.slug, email, password: PASSWORD });
    assert.equal(session.statusCode, 200, session.body);
  });
});

describe('self-service registration timing', () => {
  it('takes about as long for an address already registered as for a new one', async (t) => {
    let ip = 0;
    const attempt = async (email: string) => {
      const started = performance.now();
      const res = await f.t.http.inject({ method: 'POST', url: '/api/v1/auth/register', remoteAddress: `10.8.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`, payload: { tenant: open.slug, email, password: PASSWORD } });
      assert.equal(res.statusCode, 202, res.body);
      return performance.now() - started;
    };
    let fresh = 0;
    const newAddress = () => `new${++fresh}-${process.pid}@${open.slug}.example`;
    await attempt(newAddress());
    await attempt(open.adminEmail);
    // Skipping the hash for existing addresses would give about 0.2; the notice mail keeps it near 0.85.
    const { alike, rounds } = await pairedTimings({
      a: () => attempt(open.adminEmail), b: () => attempt(newAddress()), within: [0.6, 1.5], labels: ['existing', 'new'],
    });
    for (const summary of rounds) t.diagnostic(summary);
    assert.ok(alike, `three rounds told existing from new addresses: ${rounds.join('; ')}`);
  });
});
