import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from './decider-spec.ts';
import { counterDecider, type CounterEvent } from '../../../test/support/counter-decider.ts';

const counter = spec(counterDecider);
const incremented = (by: number): CounterEvent => ({ type: 'counter.incremented', data: { by } });

describe('spec(decider) given/when/then', () => {
  it('passes when the decided events match', () => {
    const events = counter.when({ type: 'increment', by: 2 }).then([incremented(2)]);
    assert.equal(events.length, 1);
    counter.given([incremented(2), incremented(3)]).when({ type: 'close' }).then([{ type: 'counter.closed', data: { total: 5 } }]);
    counter.when({ type: 'close' }).then([]);
  });

  it('fails when the decided events differ', () => {
    assert.throws(() => counter.when({ type: 'increment', by: 2 }).then([incremented(3)]), assert.AssertionError);
    assert.throws(() => counter.when({ type: 'increment', by: 2 }).then([]), assert.AssertionError);
  });

  it('checks the error code (and params) with thenThrows', () => {
    const closed = counter.given([incremented(1), { type: 'counter.closed', data: { total: 1 } }]);
    closed.when({ type: 'increment', by: 1 }).thenThrows('counter.closed');
    closed.when({ type: 'increment', by: 1 }).thenThrows('counter.closed', { total: 1 });
    assert.throws(() => closed.when({ type: 'increment', by: 1 }).thenThrows('counter.other'), assert.AssertionError);
    assert.throws(() => closed.when({ type: 'increment', by: 1 }).thenThrows('counter.closed', { total: 2 }), assert.AssertionError);
    assert.throws(() => counter.when({ type: 'increment', by: 1 }).thenThrows('counter.closed'), /but decide returned/);
  });

  it('checks the resulting state with thenState', () => {
    counter.given([incremented(4)]).when({ type: 'increment', by: 1 }).thenState({ status: 'counting', count: 5 });
    assert.throws(() => counter.when({ type: 'increment', by: 1 }).thenState({ status: 'empty' }), assert.AssertionError);
  });

  it('lets errors other than AppError escape thenThrows', () => {
    const broken = spec({ ...counterDecider, decide: () => { throw new TypeError('bug'); } });
    assert.throws(() => broken.when({ type: 'close' }).thenThrows('counter.closed'), TypeError);
  });
});
