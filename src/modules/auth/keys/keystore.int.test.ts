import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { isAppError } from '../../../framework/errors/index.ts';
import { AUDIENCE, ISSUER, createKeyStore } from './keystore.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const masterKey = Buffer.alloc(32, 9);
const claims = () => ({ sub: randomUUID(), tenant: randomUUID(), role: 'admin', sid: randomUUID() });
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
};

describe('signing keys', () => {
  it('creates one key on first start, sealed, and shares it between processes', async () => {
    const a = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    const b = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    await Promise.all([a.ensureActive(), b.ensureActive()]);
    assert.ok(a.currentKid());
    assert.equal(a.currentKid(), b.currentKid());
    const { rows } = await db.system.query<{ private_key_sealed: Buffer }>('SELECT private_key_sealed FROM auth_signing_keys');
    assert.equal(rows.length, 1);
    assert.ok(!rows[0]!.private_key_sealed.toString('latin1').includes('PRIVATE KEY'));
    const denied = await db.app.query('SELECT private_key_sealed FROM auth_signing_keys').then(() => 'read', (e: { code?: string }) => e.code);
    assert.equal(denied, '42501', 'the runtime role cannot read private keys');
  });

  it('signs EdDSA tokens with kid and the SPEC claims, verifiable through the JWKS', async () => {
    const keys = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    await keys.ensureActive();
    const input = claims();
    const { token, expiresAt } = await keys.sign(input, 120);
    assert.ok(expiresAt.getTime() - Date.now() <= 120_000);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), { issuer: ISSUER, audience: AUDIENCE });
    assert.equal(protectedHeader.alg, 'EdDSA');
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(protectedHeader.kid, keys.currentKid());
    assert.deepEqual({ sub: payload.sub, tenant: payload.tenant, role: payload.role, sid: payload.sid }, input);
    const verified = await keys.verify(token);
    assert.equal(verified.sid, input.sid);
  });

  it('rotates without invalidating tokens signed by the previous key', async () => {
    const a = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    const other = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    await a.ensureActive();
    await other.ensureActive();
    const oldKid = a.currentKid();
    const old = await a.sign(claims(), 300);
    const newKid = await a.rotate();
    assert.notEqual(newKid, oldKid);
    const fresh = await a.sign(claims(), 300);
    assert.equal(JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString()).kid, newKid);
    assert.equal((await a.verify(old.token)).sub.length, 36, 'old token still verifies');
    const kids = a.jwks().keys.map((k) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(newKid), 'both keys published');
    // Another process that has not reloaded yet learns the new key on first sight of its kid.
    assert.equal((await other.verify(fresh.token)).sub.length, 36);
  });

  it('refuses tampered, expired, foreign and wrongly typed tokens', async () => {
    const keys = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    await keys.ensureActive();
    const { token } = await keys.sign(claims(), 300);
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(p, 'base64url').toString().replace('"admin"', '"system_admin"');
    assert.equal(await codeOf(keys.verify(`${h}.${Buffer.from(forged).toString('base64url')}.${s}`)), 'auth.invalid_token');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    assert.equal(await codeOf(keys.verify(`${none}.${p}.`)), 'auth.invalid_token');
    assert.equal(await codeOf(keys.verify('not.a.jwt')), 'auth.invalid_token');
    const short = await keys.sign(claims(), 1);
    await new Promise((r) => setTimeout(r, 2_100));
    assert.equal(await codeOf(keys.verify(short.token)), 'auth.token_expired');
    const stranger = createKeyStore({ app: db.app, system: db.system, masterKey: Buffer.alloc(32, 3), accessTokenTtlSeconds: 300 });
    await assert.rejects(stranger.ensureActive(), 'a different master key cannot open the stored keys');
  });

  it('trusts a retired key during its grace window only, also for tokens it already verified', async () => {
    const keys = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    await keys.ensureActive();
    const retiredKid = keys.currentKid();
    const seen = await keys.sign(claims(), 300);
    const unseen = await keys.sign(claims(), 300);
    await keys.rotate();
    assert.equal(await codeOf(keys.verify(seen.token)), 'ok', 'accepted while the grace window lasts');
    // The process loaded the key set while the key was valid and is not told when it expires.
    const { rows } = await db.system.query<{ expires_at: Date }>(
      `UPDATE auth_signing_keys SET expires_at = now() + interval '500 milliseconds' WHERE kid = $1 RETURNING expires_at`,
      [retiredKid],
    );
    await keys.reload();
    await new Promise((r) => setTimeout(r, Math.max(0, rows[0]!.expires_at.getTime() - Date.now()) + 50));
    assert.equal(await codeOf(keys.verify(seen.token)), 'auth.invalid_token', 'a verified token is checked again');
    assert.equal(await codeOf(keys.verify(unseen.token)), 'auth.invalid_token');
    assert.ok(!keys.jwks().keys.some((k) => k.kid === retiredKid));
  });

  it('refuses a correctly signed token that claims to live longer than the access-token lifetime', async () => {
    const keys = createKeyStore({ app: db.app, system: db.system, masterKey, accessTokenTtlSeconds: 300 });
    await keys.ensureActive();
    const { token } = await keys.sign(claims(), 24 * 3600);
    assert.equal(await codeOf(keys.verify(token)), 'auth.invalid_token');
    const withinSkew = await keys.sign(claims(), 300 + 30);
    assert.equal(await codeOf(keys.verify(withinSkew.token)), 'ok');
  });
});
