import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withNul } from '../../../test/support/unstorable.ts';
import { invalidCharacters, mayHoldUnstorableJson, unstorableField } from './unstorable.ts';

describe('unstorableField', () => {
  it('names the first string or key PostgreSQL cannot store, by dotted path', () => {
    assert.equal(unstorableField({ name: 'ok', metadata: { x: 'a\u0000' } }, 'body'), 'metadata.x');
    assert.equal(unstorableField({ tags: ['a', { deep: ['\u0000'] }] }, 'body'), 'tags.1.deep.0');
    assert.equal(unstorableField({ metadata: { 'a\u0000b': 1 } }, 'body'), 'metadata.a\\u0000b');
    assert.equal(unstorableField('\u0000', 'body'), 'body');
    assert.equal(unstorableField({ email: ['ok', '\u0000'] }, 'querystring'), 'email.1');
    assert.equal(unstorableField({ lone: 'x\ud800' }, 'body'), 'lone', 'a lone high surrogate (jsonb refuses it)');
    assert.equal(unstorableField({ lone: '\udc00x' }, 'body'), 'lone', 'a lone low surrogate');
  });

  it('accepts storable values, surrogate pairs included', () => {
    for (const value of [null, 1, true, 'plain', { emoji: '😀', nested: [{ a: 'ü' }], '😀': 'key' }, [], {}, '\\u0000']) {
      assert.equal(unstorableField(value, 'body'), undefined, JSON.stringify(value));
    }
  });

  it('walks deep nesting without recursion and keeps the field name short', () => {
    let value: unknown = 'a\u0000';
    for (let i = 0; i < 200_000; i++) value = [value];
    const field = unstorableField(value, 'body');
    assert.ok(field && field.length <= 200 && field.startsWith('0.0.0'));
  });

  it('finds U+0000 inserted anywhere in any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), fc.nat(), (value, slot, at) => {
      const poisoned = withNul(value, slot, at);
      assert.notEqual(unstorableField(poisoned, 'body'), undefined);
      const raw = JSON.stringify(poisoned);
      assert.ok(mayHoldUnstorableJson(raw), raw);
    }));
  });
});

describe('mayHoldUnstorableJson', () => {
  it('is true only for bodies with a NUL or surrogate escape', () => {
    assert.equal(mayHoldUnstorableJson('{"email":"a@b.test","password":"secret"}'), false);
    assert.equal(mayHoldUnstorableJson('{"a":"\\u00e9"}'), false);
    assert.equal(mayHoldUnstorableJson('{"a":"\\u0000"}'), true);
    assert.equal(mayHoldUnstorableJson('{"a":"\\uD800"}'), true);
    assert.equal(mayHoldUnstorableJson('{"a":"\\udfff"}'), true);
  });

  it('builds a 400 validation.invalid_characters naming the field', () => {
    const error = invalidCharacters('metadata.x');
    assert.equal(error.status, 400);
    assert.equal(error.code, 'validation.invalid_characters');
    assert.deepEqual(error.params, { field: 'metadata.x' });
    assert.deepEqual(error.details, [{ field: 'metadata.x', code: 'validation.invalid_characters' }]);
  });
});
