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
