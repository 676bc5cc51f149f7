import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../../../framework/errors/index.ts';
import { createPasswordHasher, OWASP_ARGON2ID } from './hasher.ts';
import { assertPasswordAllowed, commonPasswords, isCommonPassword, policyForTenant } from './policy.ts';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isAppError(error) ? `${error.code}${error.params.kind ? `:${error.params.kind}` : ''}` : 'other';
  }
};

describe('argon2id hasher', () => {
  const hasher = createPasswordHasher();

  it('hashes with the OWASP parameters and verifies', async () => {
    const stored = await hasher.hash('Correct-Horse-9-Battery');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await hasher.verify(stored, 'Correct-Horse-9-Battery'), true);
    assert.equal(await hasher.verify(stored, 'correct-horse-9-battery'), false);
    assert.equal(hasher.needsRehash(stored), false);
    assert.deepEqual(hasher.parameters, OWASP_ARGON2ID);
  });

  it('asks for a re-hash when the parameters change, and treats garbage as a failed check', async () => {
    const weaker = createPasswordHasher({ memoryCost: 8_192, timeCost: 1, parallelism: 1 });
    const old = await weaker.hash('Correct-Horse-9-Battery');
    assert.equal(hasher.needsRehash(old), true);
    assert.equal(await hasher.verify(old, 'Correct-Horse-9-Battery'), true);
    assert.equal(hasher.needsRehash('$2b$10$bcrypt'), true);
    assert.equal(await hasher.verify('not a hash', 'x'), false);
    assert.equal(await hasher.verifyDummy('anything'), false);
  });

  it('does not block the event loop while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    await Promise.all(Array.from({ length: 4 }, (_, i) => hasher.hash(`Pass-${i}-word!`)));
    clearInterval(timer);
    assert.ok(ticks >= 5, `event loop ticked only ${ticks} times during four hashes`);
  });
});

describe('password policy', () => {
  const policy = policyForTenant(12);

  it('ships at least 10,000 common passwords', () => {
    assert.ok(commonPasswords().size >= 10_000, `only ${commonPasswords().size}`);
    assert.ok(isCommonPassword('password'));
    assert.ok(isCommonPassword('Password1!'), 'decorated common password');
    assert.ok(isCommonPassword('QWERTY123'));
    assert.ok(!isCommonPassword('Tr0ub4dor&3-horse-staple'));
  });

  it('enforces length and every character class of the seed policy', () => {
    assert.equal(codeOf(() => assertPasswordAllowed('Sh0rt!', policy)), 'auth.password_too_short');
    assert.equal(codeOf(() => assertPasswordAllowed(`Aa1!${'x'.repeat(130)}`, policy)), 'auth.password_too_long');
    assert.equal(codeOf(() => assertPasswordAllowed('lowercase-only-9!', policy)), 'auth.password_missing_class:uppercase');
    assert.equal(codeOf(() => assertPasswordAllowed('UPPERCASE-ONLY-9!', policy)), 'auth.password_missing_class:lowercase');
    assert.equal(codeOf(() => assertPasswordAllowed('No-Digits-Here!', policy)), 'auth.password_missing_class:number');
    assert.equal(codeOf(() => assertPasswordAllowed('NoSpecials12345', policy)), 'auth.password_missing_class:special');
    assert.equal(codeOf(() => assertPasswordAllowed('Password1234!', policyForTenant(8))), 'auth.password_too_common');
    assert.equal(codeOf(() => assertPasswordAllowed('Tr0ub4dor&3-horse', policy)), undefined);
    assert.equal(codeOf(() => assertPasswordAllowed('Ünïcödé-Pässwört-7', policy)), undefined, 'non-ASCII letters count');
  });

  it('counts characters, not UTF-16 units', () => {
    assert.equal(codeOf(() => assertPasswordAllowed('Aa1!😀😀😀😀', policyForTenant(9))), 'auth.password_too_short');
  });
});
