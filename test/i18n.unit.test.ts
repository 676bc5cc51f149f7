import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_LANGUAGES, messageKey, negotiateLanguage } from '../src/framework/i18n/index.ts';
import { translations } from '../src/platform/app.ts';
import { REPO_ROOT } from './support/paths.ts';
import fc from 'fast-check';

const root = REPO_ROOT;

it('every message key exists in all five languages', () => {
  const i18n = translations();
  const all = new Set(SUPPORTED_LANGUAGES.flatMap((l) => [...i18n.keys(l)]));
  for (const language of SUPPORTED_LANGUAGES) {
    const missing = [...all].filter((k) => !i18n.keys(language).has(k));
    assert.deepEqual(missing, [], `${language} lacks ${missing.join(', ')}`);
  }
});

it('every error code thrown in the code base has a message', () => {
  const i18n = translations();
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
    });
  })(join(root, 'src'));
  const codes = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\*|\/\/)/.test(line)).join('\n');
    for (const m of text.matchAll(/new AppError\(\s*'([a-z_]+\.[a-z_.]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/'(validation\.[a-z_]+|request\.[a-z_]+)'/g)) codes.add(m[1]!);
  }
  assert.ok(codes.size > 10);
  const missing = [...codes].filter((c) => !i18n.has('en', c));
  assert.deepEqual(missing, [], `no message for ${missing.map(messageKey).join(', ')}`);
});

it('negotiation always yields a supported language, whatever the headers', () => {
  fc.assert(fc.property(fc.option(fc.string()), fc.option(fc.string()), fc.option(fc.string()), (query, cookie, accept) => {
    const language = negotiateLanguage({ query, cookie: cookie ?? undefined, acceptLanguage: accept ?? undefined });
    assert.ok((SUPPORTED_LANGUAGES as readonly string[]).includes(language));
  }));
  assert.equal(negotiateLanguage({ acceptLanguage: 'de-AT,de;q=0.9' }), 'de');
  assert.equal(negotiateLanguage({ acceptLanguage: 'sq-AL' }), 'sq');
  assert.equal(negotiateLanguage({ query: 'xx', acceptLanguage: 'es' }), 'es');
});

it('validation messages agree with their count in all five languages (Fluent plural selectors)', () => {
  const i18n = translations();
  const expected: Record<string, [one: string, other: string]> = {
    en: ['at least 1 character)', 'at least 2 characters)'],
    de: ['mindestens 1 Zeichen)', 'mindestens 2 Zeichen)'],
    sq: ['të paktën 1 karakter)', 'të paktën 2 karaktere)'],
    fr: ['(1 caractère au moins)', '(2 caractères au moins)'],
    es: ['al menos 1 carácter)', 'al menos 2 caracteres)'],
  };
  for (const language of SUPPORTED_LANGUAGES) {
    const [one, other] = expected[language]!;
    assert.ok(i18n.format(language, 'validation.field_too_short', { field: 'token', limit: 1 }).endsWith(`${one}.`), language);
    assert.ok(i18n.format(language, 'validation.field_too_short', { field: 'token', limit: 2 }).endsWith(`${other}.`), language);
    assert.match(i18n.format(language, 'validation.invalid_characters', { field: 'metadata.x' }), /metadata\.x/);
  }
  assert.equal(i18n.format('en', 'validation.field_too_short', { field: 'token', limit: 1 }), 'The field "token" is too short (at least 1 character).');
  assert.equal(i18n.format('en', 'validation.field_too_long', { field: 'name', limit: 1 }), 'The field "name" is too long (at most 1 character).');
  assert.equal(i18n.format('en', 'validation.field_too_long', { field: 'name', limit: 50 }), 'The field "name" is too long (at most 50 characters).');
  assert.equal(i18n.format('en', 'user.quota_exceeded', { limit: 1 }), 'The tenant has reached its limit of 1 user.');
  assert.equal(i18n.format('en', 'tenant.plan_limit_exceeded', { plan: 'free', limit: 1, usage: 2 }), 'The plan free allows 1 user, but the tenant has 2.');
});
