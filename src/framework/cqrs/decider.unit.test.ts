import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fold } from './decider.ts';
import { counterDecider } from '../../../test/support/counter-decider.ts';

describe('fold', () => {
  it('folds events from the initial state or from a given state', () => {
    const events = [{ type: 'counter.incremented', data: { by: 2 } }, { type: 'counter.incremented', data: { by: 3 } }] as const;
    assert.deepEqual(fold(counterDecider, events), { status: 'counting', count: 5 });
    assert.deepEqual(fold(counterDecider, events, { status: 'counting', count: 10 }), { status: 'counting', count: 15 });
    assert.deepEqual(fold(counterDecider, []), { status: 'empty' });
  });

  it('gives each fold a fresh initial state', () => {
    assert.notEqual(counterDecider.initialState(), counterDecider.initialState());
  });
});
