import { AppError } from '../../src/framework/errors/index.ts';
import type { Decider, DomainEvent } from '../../src/framework/cqrs/index.ts';

/** A tiny decider the framework's own tests share. */
export type CounterCommand = { type: 'increment'; by: number } | { type: 'close' };
export type CounterEvent =
  | DomainEvent<'counter.incremented', { by: number }>
  | DomainEvent<'counter.closed', { total: number }>;
export type CounterState = { status: 'empty' } | { status: 'counting'; count: number } | { status: 'closed'; count: number };

export const counterDecider: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: () => ({ status: 'empty' }),
  decide(command, state) {
    if (state.status === 'closed') throw new AppError('counter.closed', 409, { total: state.count });
    switch (command.type) {
      case 'increment':
        return [{ type: 'counter.incremented', data: { by: command.by } }];
      case 'close':
        if (state.status === 'empty') return [];
        return [{ type: 'counter.closed', data: { total: state.count } }];
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'counter.incremented':
        return { status: 'counting', count: (state.status === 'empty' ? 0 : state.count) + event.data.by };
      case 'counter.closed':
        return { status: 'closed', count: event.data.total };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};
