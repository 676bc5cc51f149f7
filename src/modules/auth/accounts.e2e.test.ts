import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../../framework/canonical-json.ts';
import { createAuthFixture, PASSWORD, type AuthFixture } from './e2e-fixture.ts';

let f: AuthFixture;
let open: { tenantId: string; slug: string; adminEmail: string };
let closed: { tenantId: string; slug: string; adminEmail: string };

before(async () => {
  f = await createAuthFixture();
  open = await f.createTenant({ settings: { features: ['self_service_registration'] } });
  closed = await f.createTenant();
});
after(() => f.close());

const post = (url: string, payload: object, query = '') => f.inject({ method: 'POST', url: `/api/v1/auth/${url}${query}`, payload });
const code = (res: { json: () => { code?: string } }) => res.json().code;

describe('invitations', () => {
  it('checks the password against the tenant policy before consuming the invitation, then works once', async () => {
    const email = `invitee@${closed.slug}.example`;
    const { identityServices } = await import('../users/index.ts');
    await identityServices(f.t.context).users.register({ tenantId: closed.tenantId, email, role: 'user', registrationSource: 'admin_invite', language: 'en' }, { userId: null, correlationId: 'test' });
    const token = await f.tokenFromMail(email, 'invitations/accept');
    const weak = await post('invitations/accept', { token, password: 'Password123!' });
    assert.equal(weak.statusCode, 400);
    assert.equal(code(weak), 'auth.password_too_common');
    const short = await post('invitations/accept', { token, password: 'Sh0rt-pw!' }, '?lang=de');
    assert.equal(code(short), 'auth.password_too_short');
    assert.match(short.json().message, /mindestens 12 Zeichen/);
    const ok = await post('invitations/accept', { token, password: PASSWORD });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().user.status, 'active');
    assert.equal(code(await post('invitations/accept', { token, password: PASSWORD })), 'auth.invalid_action_token', 'single use');
    assert.equal((await f.login({ tenant: closed.slug, email, password: PASSWORD })).statusCode, 200);
    assert.equal(code(await post('invitations/accept', { token: 'nonsense', password: PASSWORD })), 'auth.invalid_action_token');
  });
});

describe('no password hash for a bad token', () => {
  /** Counts the hasher's `hash` calls while `work` runs (the flows' only seam to argon2id). */
  async function countingHashes(work: (hashes: () => number) => Promise<void>): Promise<void> {
    const hasher = f.auth.deps().hasher;
    const original = hasher.hash;
    let calls = 0;
    hasher.hash = (password) => { calls++; return original(password); };
    try {
      await work(() => calls);
    } finally {
      hasher.hash = original;
    }
  }

  it('an unknown, used or raced invitation token is refused before hashing; parallel accepts of one token: exactly one wins', async () => {
    const { identityServices } = await import('../users/index.ts');
    const email = `racer@${closed.slug}.example`;
    await identityServices(f.t.context).users.register({ tenantId: closed.tenantId, email, role: 'user', registrationSource: 'admin_invite', language: 'en' }, { userId: null, correlationId: 'test' });
    const token = await f.tokenFromMail(email, 'invitations/accept');
    await countingHashes(async (hashes) => {
      const guessed = await post('invitations/accept', { token: `${closed.tenantId}.${'A'.repeat(43)}`, password: PASSWORD });
      assert.equal(code(guessed), 'auth.invalid_action_token');
      assert.equal(hashes(), 0, 'a guessed token costs no hash');
      const answers = await Promise.all(Array.from({ length: 10 }, () => post('invitations/accept', { token, password: PASSWORD })));
      assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, ...Array.from({ length: 9 }, () => 400)], answers.map((a) => a.body).join(' '));
      assert.ok(answers.filter((a) => a.statusCode === 400).every((a) => code(a) === 'auth.invalid_action_token'));
      const afterRace = hashes();
      assert.equal(code(await post('invitations/accept', { token, password: PASSWORD })), 'auth.invalid_action_token');
      assert.equal(hashes(), afterRace, 'a used token costs no hash');
    });
    assert.equal((await f.login({ tenant: closed.slug, email, password: PASSWORD })).statusCode, 200);
  });

  it('an unknown reset token is refused before hashing', async () => {
    const { mintToken } = await import('./tokens/opaque.ts');
    await countingHashes(async (hashes) => {
      assert.equal(code(await post('password/reset', { token: mintToken(closed.tenantId).token, password: PASSWORD })), 'auth.invalid_action_token');
      assert.equal(hashes(), 0);
    });
  });
});

describe('all or nothing', () => {
  it('a registration or an invitation whose password cannot be stored leaves nothing behind: the address and the link still work', async () => {
    const { identity, identityServices } = await import('../users/index.ts');
    const failing = async () => { throw new Error('connection lost while storing the password'); };
    const email = `half-way@${open.slug}.example`;
    await assert.rejects(identity(f.t.context).registerSelfService({ tenantId: open.tenantId, email }, failing), /connection lost/);
    assert.equal(await identity(f.t.context).findUserForLogin(open.tenantId, email), null, 'no account without a password');
    assert.equal((await post('register', { tenant: open.slug, email, password: PASSWORD })).statusCode, 202);
    await post('email/confirm', { token: await f.tokenFromMail(email, 'confirm-email') });
    assert.equal((await f.login({ tenant: open.slug, email, password: PASSWORD })).statusCode, 200, 'the address registers normally afterwards');

    const invitee = `half-invited@${closed.slug}.example`;
    await identityServices(f.t.context).users.register({ tenantId: closed.tenantId, email: invitee, role: 'user', registrationSource: 'admin_invite', language: 'en' }, { userId: null, correlationId: 'test' });
    const token = await f.tokenFromMail(invitee, 'invitations/accept');
    await assert.rejects(identity(f.t.context).acceptInvitation(token, 'test', failing), /connection lost/);
    const accepted = await post('invitations/accept', { token, password: PASSWORD });
    assert.equal(accepted.statusCode, 200, `the link was not used up: ${accepted.body}`);
    assert.equal((await f.login({ tenant: closed.slug, email: invitee, password: PASSWORD })).statusCode, 200);
  });
});

describe('self-service registration and e-mail confirmation', () => {
  it('registers where the tenant allows it, requires confirmation, confirms once', async () => {
    const email = `new@${open.slug}.example`;
    const res = await post('register', { tenant: open.slug, email, password: PASSWORD, displayName: 'New Person' }, '?lang=fr');
    assert.equal(res.statusCode, 202, res.body);
    await f.mailSettled();
    const mail = f.mail.find((m) => m.to === email);
    assert.ok(mail, 'confirmation mail sent');
    assert.match(mail.subject, /Confirmez/);
    const unconfirmed = await f.login({ tenant: open.slug, email, password: PASSWORD });
    assert.equal(unconfirmed.statusCode, 403);
    assert.equal(code(unconfirmed), 'auth.email_not_confirmed');
    const token = await f.tokenFromMail(email, 'confirm-email');
    const confirmed = await post('email/confirm', { token });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.equal(code(await post('email/confirm', { token })), 'auth.invalid_action_token', 'single use');
    const session = await f.login({ tenant: open.slug, email, password: PASSWORD });
    assert.equal(session.statusCode, 200, session.body);
    assert.equal(session.json().user.displayName, 'New Person');
  });

  it('answers an address already registered the same way without a second account', async () => {
    await f.mailSettled();
    const before = f.mail.length;
    const res = await post('register', { tenant: open.slug, email: open.adminEmail, password: PASSWORD });
    assert.equal(res.statusCode, 202);
    await f.mailSettled();
    const sent = f.mail.slice(before);
    assert.deepEqual(sent.map((m) => m.to), [open.adminEmail], 'a notice to the owner (registration.e2e.test.ts)');
    assert.doesNotMatch(sent[0]!.text, /token=/, 'no confirmation link, no account');
  });

  it('refuses tenants without self-service and weak passwords', async () => {
    const res = await post('register', { tenant: closed.slug, email: `x@${closed.slug}.example`, password: PASSWORD });
    assert.equal(res.statusCode, 403);
    assert.equal(code(res), 'auth.registration_closed');
    assert.equal(code(await post('register', { tenant: 'no-such-tenant', email: 'x@y.example', password: PASSWORD })), 'auth.registration_closed');
    const weak = await post('register', { tenant: open.slug, email: `weak@${open.slug}.example`, password: 'alllowercase-letters' });
    assert.equal(code(weak), 'auth.password_missing_class');
  });
});

describe('Idempotency-Key on the account flows', () => {
  const send = (url: string, payload: object, key: string) => f.inject({ method: 'POST', url: `/api/v1/auth/${url}`, payload, headers: { 'idempotency-key': key } });

  it('replays a registration; the same key with another body is another request (anonymous callers)', async () => {
    const key = `reg-${Date.now()}`;
    const body = { tenant: open.slug, email: `idem@${open.slug}.example`, password: PASSWORD };
    await f.mailSettled();
    const before = f.mail.length;
    const first = await send('register', body, key);
    const again = await send('register', body, key);
    assert.deepEqual([first.statusCode, again.statusCode], [202, 202]);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    // Keys of anonymous callers are scoped to their request: someone else's body is never refused
    // nor answered with the first caller's response.
    const other = await send('register', { ...body, email: `idem2@${open.slug}.example` }, key);
    assert.equal(other.statusCode, 202);
    assert.equal(other.headers['idempotent-replayed'], undefined);
    await f.mailSettled();
    assert.equal(f.mail.length, before + 2, 'one confirmation mail per address, none for the replay');
    // The body holds a password: what is stored is not its plain SHA-256.
    const { rows } = await f.t.db.system.query<{ caller: string; request_hash: string }>('SELECT caller, request_hash FROM idempotency_keys WHERE key = $1', [key]);
    const plain = (b: object) => createHash('sha256').update(`POST /api/v1/auth/register\n${canonicalJson(b)}`).digest('hex');
    assert.equal(rows.length, 2);
    for (const row of rows) for (const b of [body, { ...body, email: `idem2@${open.slug}.example` }]) {
      assert.notEqual(row.request_hash, plain(b));
      assert.notEqual(row.caller, `anonymous:${plain(b)}`);
    }
  });

  it('never replays sign-in or refresh: their answers carry new credentials, which are not stored', async () => {
    const key = `login-${Date.now()}`;
    const body = { tenant: open.slug, email: open.adminEmail, password: PASSWORD };
    const first = await send('login', body, key);
    const second = await send('login', body, key);
    assert.deepEqual([first.statusCode, second.statusCode], [200, 200], first.body);
    assert.notEqual(first.json().sessionId, second.json().sessionId);
    assert.equal(second.headers['idempotent-replayed'], undefined);
    const { rows } = await f.t.db.system.query("SELECT 1 FROM idempotency_keys WHERE key = $1", [key]);
    assert.equal(rows.length, 0);
  });
});

describe('password reset', () => {
  it('always answers 202 and mails only existing active accounts, in the request language', async () => {
    const email = `forgetful@${closed.slug}.example`;
    await f.addUser(closed.tenantId, email);
    const unknown = await post('password/forgot', { tenant: closed.slug, email: `ghost@${closed.slug}.example` });
    const known = await post('password/forgot', { tenant: closed.slug, email }, '?lang=de');
    assert.equal(unknown.statusCode, 202);
    assert.equal(known.statusCode, 202);
    assert.deepEqual(unknown.json(), known.json());
    const token = await f.tokenFromMail(email, 'reset-password');
    assert.ok(token);
    assert.match(f.mail.find((m) => m.to === email && m.text.includes('reset-password'))!.subject, /Passwort zurücksetzen/);
    assert.ok(!f.mail.some((m) => m.to === `ghost@${closed.slug}.example`));
    assert.equal((await post('password/forgot', { email: 'nobody@platform.example' })).statusCode, 202);
  });

  it('takes the tenant from the Host when it is a tenant\'s customDomain, as sign-in does', async () => {
    const domain = `login.${randomUUID().slice(0, 8)}.example`;
    const hosted = await f.createTenant({ settings: { customDomain: domain } });
    const email = `hosted@${hosted.slug}.example`;
    await f.addUser(hosted.tenantId, email);
    const forgot = (body: object, host: string) => f.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', payload: body, headers: { host } });
    const res = await forgot({ email }, `${domain}:443`);
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { status: 'accepted' });
    const token = await f.tokenFromMail(email, 'reset-password');
    const NEW = 'Hosted-Reset-Secret-55';
    assert.equal((await post('password/reset', { token, password: NEW })).statusCode, 204);
    assert.equal((await f.login({ email, password: NEW }, { host: domain })).statusCode, 200, 'the new password works through the same host');

    // Another host (or an explicit tenant that does not hold the address) mails nothing.
    await f.mailSettled();
    const before = f.mail.filter((m) => m.to === email).length;
    assert.equal((await forgot({ email }, 'elsewhere.example')).statusCode, 202);
    assert.equal((await forgot({ tenant: closed.slug, email }, domain)).statusCode, 202);
    await new Promise((r) => setTimeout(r, 100));
    await f.mailSettled();
    assert.equal(f.mail.filter((m) => m.to === email).length, before);
  });

  it('resets with a single-use token, ends every session and changes the password', async () => {
    const email = `resetter@${closed.slug}.example`;
    await f.addUser(closed.tenantId, email);
    const session = await f.session({ tenant: closed.slug, email, password: PASSWORD });
    await post('password/forgot', { tenant: closed.slug, email });
    const token = await f.tokenFromMail(email, 'reset-password');
    assert.equal(code(await post('password/reset', { token, password: 'short' })), 'auth.password_too_short');
    const NEW = 'Brand-New-Secret-77';
    const res = await post('password/reset', { token, password: NEW });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(code(await post('password/reset', { token, password: NEW })), 'auth.invalid_action_token', 'single use');
    assert.equal(code(await f.inject({ method: 'GET', url: '/api/v1/auth/me', headers: f.bearer(session.token) })), 'auth.session_revoked');
    assert.equal((await f.login({ tenant: closed.slug, email, password: PASSWORD })).statusCode, 401);
    assert.equal((await f.login({ tenant: closed.slug, email, password: NEW })).statusCode, 200);
  });

  it('caps reset mails at 3 per user and hour even under parallel requests, and a used link ends the older ones', async () => {
    const email = `parallel@${closed.slug}.example`;
    await f.addUser(closed.tenantId, email);
    const resetMails = () => f.mail.filter((m) => m.to === email && m.text.includes('reset-password'));
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('password/forgot', { tenant: closed.slug, email })));
    assert.ok(answers.every((a) => a.statusCode === 202));
    for (let i = 0; i < 300 && resetMails().length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300)); // the work runs after the answers
    await f.mailSettled();
    assert.equal(resetMails().length, 3, 'three mails, not one per request');
    const tokens = resetMails().map((m) => decodeURIComponent(/token=([^\s&]+)/.exec(m.text)![1]!));
    assert.equal((await post('password/reset', { token: tokens[2]!, password: 'Newest-Secret-55' })).statusCode, 204);
    assert.equal(code(await post('password/reset', { token: tokens[0]!, password: 'Older-Secret-44' })), 'auth.invalid_action_token', 'older links die with the used one');
    assert.equal((await f.login({ tenant: closed.slug, email, password: 'Newest-Secret-55' })).statusCode, 200);
  });

  it('refuses expired tokens', async () => {
    const email = `late@${closed.slug}.example`;
    await f.addUser(closed.tenantId, email);
    await post('password/forgot', { tenant: closed.slug, email });
    const token = await f.tokenFromMail(email, 'reset-password');
    await f.t.db.system.query(`UPDATE auth_action_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'password_reset' AND tenant_id = $1`, [closed.tenantId]);
    assert.equal(code(await post('password/reset', { token, password: 'Another-Secret-88' })), 'auth.invalid_action_token');
  });

  it('answers bad bodies with 400 problem+json', async () => {
    const res = await post('password/forgot', { email: 'ghost＠example.com' });
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal((await post('password/reset', { token: 1, password: 2 })).statusCode, 400);
    assert.equal((await post('email/confirm', {})).statusCode, 400);
  });
});

describe('e-mail change', () => {
  it('mails a confirmation link to the new address, in the language of the request; confirming it lets the user sign in with it', async () => {
    const email = `mover@${closed.slug}.example`;
    const userId = await f.addUser(closed.tenantId, email);
    const admin = await f.session({ tenant: closed.slug, email: closed.adminEmail, password: PASSWORD });
    const moved = `moved@${closed.slug}.example`;
    const patch = await f.inject({ method: 'PATCH', url: `/api/v1/tenants/${closed.tenantId}/users/${userId}`, headers: { ...f.bearer(admin.token), 'accept-language': 'de' }, payload: { email: moved } });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal(code(await f.login({ tenant: closed.slug, email: moved, password: PASSWORD })), 'auth.email_not_confirmed');
    const token = await f.tokenFromMail(moved, 'confirm-email');
    assert.equal((await post('email/confirm', { token })).statusCode, 200);
    assert.equal((await f.login({ tenant: closed.slug, email: moved, password: PASSWORD })).statusCode, 200);
    await f.mailSettled();
    const links = f.mail.filter((m) => m.to === moved && m.text.includes('confirm-email'));
    assert.equal(links.length, 1, 'exactly one link per change');
    assert.equal(links[0]!.subject, 'Bestätigen Sie Ihre E-Mail-Adresse', 'in the language the change was asked in');
  });
});

describe('invitation resend', () => {
  it('sends a new link to a user who has not accepted; the older link stops working; accepted users get 409', async () => {
    const admin = await f.session({ tenant: closed.slug, email: closed.adminEmail, password: PASSWORD });
    const email = `late-joiner@${closed.slug}.example`;
    const users = `/api/v1/tenants/${closed.tenantId}/users`;
    const invited = await f.inject({ method: 'POST', url: users, headers: f.bearer(admin.token), payload: { email, role: 'user' } });
    assert.equal(invited.statusCode, 201, invited.body);
    const first = await f.tokenFromMail(email, 'invitations/accept');
    const resent = await f.inject({ method: 'POST', url: `${users}/${invited.json().id}/invitation?lang=de`, headers: f.bearer(admin.token) });
    assert.equal(resent.statusCode, 200, resent.body);
    await f.mailSettled();
    const links = f.mail.filter((m) => m.to === email && m.text.includes('invitations/accept'));
    assert.equal(links.length, 2);
    const second = decodeURIComponent(/token=([^\s&]+)/.exec(links[1]!.text)![1]!);
    assert.notEqual(second, first);
    assert.equal(code(await post('invitations/accept', { token: first, password: PASSWORD })), 'auth.invalid_action_token', 'the older link stopped working');
    assert.equal((await post('invitations/accept', { token: second, password: PASSWORD })).statusCode, 200);
    const again = await f.inject({ method: 'POST', url: `${users}/${invited.json().id}/invitation`, headers: f.bearer(admin.token) });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'user.not_invited');
  });
});
