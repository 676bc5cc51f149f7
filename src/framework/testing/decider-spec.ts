import assert from 'node:assert/strict';
import { isAppError } from '../errors/index.ts';
import type { Decider, DomainEvent } from '../cqrs/decider.ts';

export type DeciderThen<Event extends DomainEvent, State> = {
  /** Asserts the exact events `decide` returned (deep equality, in order); returns them. */
  then: (expected: readonly Event[]) => Event[];
  /** Asserts `decide` threw an AppError with this code (and, if given, these params). */
  thenThrows: (code: string, params?: Record<string, string | number>) => void;
  /** Asserts the state after folding the given and the decided events. */
  thenState: (expected: State) => State;
};

export type DeciderWhen<Command, Event extends DomainEvent, State> = {
  when: (command: Command) => DeciderThen<Event, State>;
};

export type DeciderSpec<Command, Event extends DomainEvent, State> = DeciderWhen<Command, Event, State> & {
  given: (events: readonly Event[]) => DeciderWhen<Command, Event, State>;
};

/**
 * Given/when/then tests for a decider — no database, no mocks: given past events, when a
 * command is decided, then these events (or this error code) result.
 *
 * @example
 *   import { spec } from '../../framework/testing/index.ts';
 *   const note = spec(noteDecider);
 *   it('archives an active note', () =>
 *     note.given([created]).when({ type: 'note.archive', noteId }).then([{ type: 'note.archived', data: { noteId } }]));
 *   it('refuses to edit an archived note', () =>
 *     note.given([created, archived]).when(edit).thenThrows('note.archived'));
 *   it('starts from nothing', () => note.when(create).then([created]));
 */
export function spec<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
): DeciderSpec<Command, Event, State> {
  const when = (given: readonly Event[]) => (command: Command): DeciderThen<Event, State> => {
    const before = () => given.reduce(decider.evolve, decider.initialState());
    const decide = () => decider.decide(command, before());
    return {
      then(expected) {
        const events = decide();
        assert.deepEqual(events, expected);
        return events;
      },
      thenThrows(code, params) {
        let events: Event[] | undefined;
        try {
          events = decide();
        } catch (error) {
          if (!isAppError(error)) throw error;
          assert.equal(error.code, code, `expected error ${code}, got ${error.code}`);
          if (params) assert.deepEqual(error.params, params);
          return;
        }
        assert.fail(`expected error ${code}, but decide returned ${JSON.stringify(events)}`);
      },
      thenState(expected) {
        const state = decide().reduce(decider.evolve, before());
        assert.deepEqual(state, expected);
        return state;
      },
    };
  };
  return { given: (events) => ({ when: when(events) }), when: when([]) };
}
