import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonDepthExceeds } from './nesting.ts';

const depthOf = (value: unknown): number =>
  value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf)) : 0;

describe('jsonDepthExceeds', () => {
  it('agrees with the depth of the parsed value, brackets inside strings included (property)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
      assert.equal(jsonDepthExceeds(JSON.stringify(value), max), depthOf(value) > max);
    }), { numRuns: 500 });
  });

  it('skips brackets and escaped quotes inside strings', () => {
    assert.equal(jsonDepthExceeds('{"a":"[[[[{{\\"[[["}', 1), false);
    assert.equal(jsonDepthExceeds('[[["\\\\"]]]', 2), true);
  });
});
