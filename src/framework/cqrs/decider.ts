import type { SnapshotPolicy } from './snapshots.ts';

/**
 * Aggregates as pure functions (ARCHITECTURE.md "Deciders"). A decider never touches the database:
 * the command handler loads and folds its events, calls `decide`, and appends what it returns.
 */

/**
 * A domain event as deciders see it: a discriminated union on `type` with a typed `data` payload.
 *
 * @example
 *   type NoteEvent =
 *     | DomainEvent<'note.created', { title: string }>
 *     | DomainEvent<'note.archived', { reason: string | null }>;
 */
export type DomainEvent<Type extends string = string, Data = unknown> = {
  readonly type: Type;
  readonly data: Data;
};

/**
 * `decide(command, state)` returns the events a command causes (or throws an `AppError` with a
 * stable code); `evolve(state, event)` folds one event into the state. Both are pure.
 *
 * @example
 *   const counter: Decider<{ type: 'increment' }, DomainEvent<'counter.incremented', { by: number }>, { count: number }> = {
 *     initialState: () => ({ count: 0 }),
 *     decide: (command) => [{ type: 'counter.incremented', data: { by: 1 } }],
 *     evolve: (state, event) => ({ count: state.count + event.data.by }),
 *   };
 */
export type Decider<Command, Event extends DomainEvent, State> = {
  initialState: () => State;
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  /**
   * Schema version written with each event type (default 1). Raise it when an event's `data`
   * changes shape, and register an upcaster in the event store for the older versions.
   */
  eventSchemaVersions?: { readonly [K in Event['type']]?: number };
  /** Snapshot every N events (used when the command handler is given a snapshot store). */
  snapshot?: SnapshotPolicy<State>;
};

/** Folds events into a state, starting from `initialState()` or a given state. */
export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
  from: State = decider.initialState(),
): State {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** The event union of a decider. */
export type EventOf<D> = D extends Decider<infer _C, infer E, infer _S> ? E : never;
/** The command type of a decider. */
export type CommandOf<D> = D extends Decider<infer C, infer _E, infer _S> ? C : never;
/** The state type of a decider. */
export type StateOf<D> = D extends Decider<infer _C, infer _E, infer S> ? S : never;
