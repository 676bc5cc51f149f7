import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dictionary } from '@zxcvbn-ts/language-common';
import { isAppError } from '../../../framework/errors/index.ts';
import { assertPasswordAllowed, commonPasswords, hasTooLittleVariety, isCommonPassword, normalizePassword, policyForTenant } from './policy.ts';

const policy = policyForTenant(12);
const outcome = (password: string): string => {
  try {
    assertPasswordAllowed(password, policy);
    return 'accepted';
  } catch (error) {
    return isAppError(error) ? error.code : 'other';
  }
};

/** The examples of the security audit: all were accepted before. */
const AUDIT = [
  'Sunshine!2024', 'Monkey!123456', 'Qwerty!12345', 'Dragon!!12345', 'Letmein!2024a', 'Admin!2024abc', 'Welcome!2024x',
  '!!Password123', 'P@ssword2024!', 'Password 1234',
  'Aaaaaaaaaaa1!', `${' '.repeat(10)}Aa1`,
  'Ｐassword123!', 'Pass\u200bword123!',
];

/** More decorations of the same kind. */
const DECORATED = [
  'P@55w0rd!1357', 'L3tme!n-2024X', '$unshine!1357A', 'Passwooooord1!', 'Pässwörd-2024!', 'PASS-WORD-2024!a',
  '2024!Dragon!2024', 'Qwerty-Uiop-2024!', 'Abc1!Abc1!Abc1!', 'Xy7!pQzzzzzzzz', 'Iloveyou!4u-2024',
];

/** Good passwords: random strings, passphrases, non-English. */
const GOOD = [
  'k7#Qm2!vX9pL', 'xK9$mP2#vL7@qR', 'Ab1!Cd2@Ef3#', 'W7v!r2Tq9#Lz', 'Zq!8392-0571-946', 'm4Y.f8!Rk2&P',
  'Correct horse battery staple 9', 'Sunshine over the quiet harbour 42', 'Tr0ub4dor&3-horse', 'Correct-Horse-9-Battery',
  'Blue-Kettle-Sings-42', 'My dog Rex ate 3 socks!', 'Password managers are great 7!', 'Ünïcödé-Pässwört-7',
  'Grüne Äpfel schmecken 7x besser', 'Le chat dort sur 2 coussins!', 'Ky fjalëkalim është 9 herë!',
];

describe('common-password check (decorations)', () => {
  it('refuses every example of the audit as too common', () => {
    for (const password of AUDIT) assert.equal(outcome(password), 'auth.password_too_common', password);
  });

  it('refuses further decorations as too common', () => {
    for (const password of DECORATED) assert.equal(outcome(password), 'auth.password_too_common', password);
  });

  it('accepts random strings and passphrases, even when they contain a common word', () => {
    for (const password of GOOD) assert.equal(outcome(password), 'accepted', password);
  });

  it('normalizes: NFKC, no format characters, lower case, no accents', () => {
    assert.equal(normalizePassword('Ｐass\u200bwörd\u00ad１２３！'), 'password123!');
    assert.equal(normalizePassword('Ünïcödé'), 'unicode');
  });

  it('does not count invisible characters toward the length or the special character', () => {
    assert.equal(outcome('Kx7mQ2vLp9Rz\u200b'), 'auth.password_missing_class');
    assert.equal(outcome('Kx7#Q2vLp9R\u200b\u200b'), 'auth.password_too_short');
  });

  it('refuses too little variety, and only that', () => {
    for (const password of ['Aaaaaaaaaaa1!', `${' '.repeat(10)}Aa1`, 'Ab1!Ab1!Ab1!', 'Xy7!pQzzzzzz', 'Kx9!mQ2zKx9!mQ2z']) {
      assert.ok(hasTooLittleVariety(password), password);
    }
    for (const password of [...GOOD, 'Aaaa-Bbb-1234!', 'bookkeeper-Mississippi-7']) assert.ok(!hasTooLittleVariety(password), password);
  });

  it('sees every listed password through a simple decoration', () => {
    for (const entry of commonPasswords()) {
      const decorated = `#${entry.charAt(0).toUpperCase()}${entry.slice(1)}2024!`;
      assert.ok(isCommonPassword(decorated), decorated);
    }
  });

  it('property: any listed password with random case, leet and digits/symbols around is refused', () => {
    const list = [...commonPasswords()];
    // The substitutions the check undoes; `!` only inside the word, and at most half the letters
    // replaced, as the check requires.
    const SUBSTITUTES: Record<string, string[]> = { a: ['@', '4'], o: ['0'], i: ['1', '!', '|'], l: ['1', '|'], e: ['3'], s: ['5', '$'], t: ['7', '+'] };
    const decoration = fc.string({ unit: fc.constantFrom(...'0123456789!@#$%^&*()-_=+.,?~ '), maxLength: 6 });
    const decorated = fc.integer({ min: 0, max: list.length - 1 }).map((i) => list[i] as string).chain((entry) => fc.record({
      entry: fc.constant(entry),
      changes: fc.array(fc.record({ upper: fc.boolean(), leet: fc.boolean(), pick: fc.nat(2) }), { minLength: entry.length, maxLength: entry.length }),
      prefix: decoration,
      suffix: decoration,
    }));
    fc.assert(fc.property(decorated, ({ entry, changes, prefix, suffix }) => {
      let budget = Math.floor([...entry].filter((c) => /[a-z]/.test(c)).length / 2);
      const word = [...entry].map((c, k) => {
        const change = changes[k] as { upper: boolean; leet: boolean; pick: number };
        const options = (SUBSTITUTES[c] ?? []).filter((s) => s !== '!' || (k > 0 && k < entry.length - 1));
        if (change.leet && options.length > 0 && budget > 0) {
          budget--;
          return options[change.pick % options.length] as string;
        }
        return change.upper ? c.toUpperCase() : c;
      }).join('');
      const password = `${prefix}${word}${suffix}`;
      assert.ok(isCommonPassword(password), `${entry} → ${JSON.stringify(password)}`);
    }), { numRuns: Number(process.env.RUNS ?? 2_000) });
  });

  it('property: passphrases of four random words are accepted', () => {
    const words = dictionary['diceware-common'] as string[];
    const word = fc.integer({ min: 0, max: words.length - 1 }).map((i) => words[i] as string);
    fc.assert(fc.property(fc.array(word, { minLength: 4, maxLength: 4 }), fc.constantFrom(' ', '-', '.'), fc.nat(99), (four, separator, n) => {
      const password = `${four.join(separator)}${separator}${n}`;
      assert.ok(!isCommonPassword(password) && !hasTooLittleVariety(password), password);
    }), { numRuns: Number(process.env.RUNS ?? 500) });
  });

  it('stays cheap', () => {
    isCommonPassword('warm-up');
    const worst = `${'a1!@'.repeat(32)}`;
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      isCommonPassword(worst);
      isCommonPassword('Sunshine over the quiet harbour 42');
      hasTooLittleVariety(worst);
    }
    assert.ok(performance.now() - started < 1_000, `${Math.round(performance.now() - started)} ms for 100 rounds`);
  });
});
