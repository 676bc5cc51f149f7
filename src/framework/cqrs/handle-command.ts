import type { Database } from '../db/index.ts';
import { isAppError } from '../errors/index.ts';
import type { EventContext, EventStore, NewEvent, RecordedEvent, Transaction } from '../eventstore/types.ts';
import type { Decider, DomainEvent } from './decider.ts';
import type { SnapshotStore } from './snapshots.ts';
import { inTurn } from './stream-queue.ts';

const PAGE = 1000;
export const DEFAULT_MAX_RETRIES = 20;
/** How long the previous command of this process on the same stream may run before the next races it. */
const TURN_WAIT_MS = 1000;

export type LoadOptions<Command, Event extends DomainEvent, State> = {
  store: EventStore;
  decider: Decider<Command, Event, State>;
  streamId: string;
  tenantId: string;
  /** Start from the latest snapshot of `decider.snapshot` when there is one. */
  snapshots?: SnapshotStore;
  tx?: Transaction;
};

export type LoadedAggregate<State> = {
  state: State;
  /** Stream version the state includes (0: the stream does not exist). */
  version: number;
  /** Version of the snapshot the load started from (0: none). */
  snapshotVersion: number;
  /** Events read from the store (newer than the snapshot). */
  eventsRead: number;
};

/** The single place where stored events become a decider's typed events (upcasting already happened in the store). */
const asDomainEvent = <Event extends DomainEvent>(recorded: RecordedEvent): Event =>
  ({ type: recorded.type, data: recorded.data }) as Event;

/**
 * Loads a stream into a decider's state: the latest snapshot (if any) plus every newer event.
 *
 * @example
 *   const { state, version } = await loadAggregate({ store, decider: noteDecider, streamId, tenantId });
 */
export async function loadAggregate<Command, Event extends DomainEvent, State>(
  options: LoadOptions<Command, Event, State>,
): Promise<LoadedAggregate<State>> {
  const { store, decider, streamId, tenantId, snapshots, tx } = options;
  const policy = decider.snapshot;
  // A snapshot is a cache: outside a transaction, an unreadable one means folding every event.
  const snapshot = !policy || !snapshots ? null
    : tx ? await snapshots.load({ tenantId, streamId, policy, tx })
      : await snapshots.load({ tenantId, streamId, policy }).catch(() => null);
  let state = snapshot ? snapshot.state : decider.initialState();
  let version = snapshot?.version ?? 0;
  let eventsRead = 0;
  for (;;) {
    const page = await store.readStream(streamId, { tenantId, fromVersion: version + 1, limit: PAGE, ...(tx ? { tx } : {}) });
    for (const recorded of page) {
      state = decider.evolve(state, asDomainEvent<Event>(recorded));
      version = recorded.metadata.streamVersion;
    }
    eventsRead += page.length;
    if (page.length < PAGE) break;
  }
  return { state, version, snapshotVersion: snapshot?.version ?? 0, eventsRead };
}

export type CommandOutcome<Event extends DomainEvent, State> = {
  /** The events `decide` returned and the store appended (empty: nothing to do). */
  events: Event[];
  state: State;
  /** Stream version after the command. */
  version: number;
  previousVersion: number;
  globalPositions: string[];
  /** 1 + the number of version-conflict retries. */
  attempts: number;
  /** Events read while loading the last attempt (snapshot + newer events). */
  eventsRead: number;
};

export type HandleCommandOptions<Command, Event extends DomainEvent, State> = LoadOptions<Command, Event, State> & {
  command: Command;
  /** Correlation, causation and actor written into every event's metadata. */
  context: Omit<EventContext, 'tenantId'>;
  /** Version conflicts retried (re-loading each time) before the conflict is thrown; default 20. */
  maxRetries?: number;
  /**
   * Caller's open transaction (tenant already set): the load, the append, snapshots and
   * `inTransaction` all run in it, each attempt inside a savepoint so a conflict can be retried.
   */
  tx?: Transaction;
  /** Without `tx`: open one tenant-scoped transaction of this database per attempt. */
  db?: Database;
  /**
   * Runs after the append in the same transaction (needs `tx` or `db`): uniqueness claims,
   * inline read models. A thrown error rolls the events back too.
   */
  inTransaction?: (outcome: CommandOutcome<Event, State>, tx: Transaction) => Promise<void>;
  /**
   * Without `tx`, this process's commands on one stream take turns instead of racing into
   * conflicts (default true; other processes are still handled by retries). False: always race.
   */
  takeTurns?: boolean;
};

const isVersionConflict = (error: unknown): boolean => isAppError(error) && error.code === 'concurrency.version_conflict';
/** Full jitter, 4 ms doubling up to 100 ms: contenders spread out instead of colliding again. */
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 4 * 2 ** attempt)));

async function withSavepoint<T>(tx: Transaction, work: () => Promise<T>): Promise<T> {
  await tx.query('SAVEPOINT acci_command');
  try {
    // Not released: savepoints end with the transaction, and a RELEASE would cost a round trip.
    return await work();
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT acci_command');
    throw error;
  }
}

async function attempt<Command, Event extends DomainEvent, State>(
  options: HandleCommandOptions<Command, Event, State>,
  tx: Transaction | undefined,
  attempts: number,
): Promise<CommandOutcome<Event, State>> {
  const { store, decider, streamId, tenantId, command, context, snapshots } = options;
  const loaded = await loadAggregate({ ...options, ...(tx ? { tx } : {}) });
  const events = decider.decide(command, loaded.state);
  const base = { attempts, eventsRead: loaded.eventsRead, previousVersion: loaded.version };
  if (events.length === 0) {
    return { ...base, events, state: loaded.state, version: loaded.version, globalPositions: [] };
  }
  const versions: { readonly [type: string]: number | undefined } = decider.eventSchemaVersions ?? {};
  const newEvents: NewEvent[] = events.map((event) => ({ type: event.type, data: event.data, schemaVersion: versions[event.type] ?? 1 }));
  const appended = await store.append(streamId, newEvents, {
    expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version,
    context: { ...context, tenantId },
    ...(tx ? { tx } : {}),
  });
  const state = events.reduce(decider.evolve, loaded.state);
  const outcome: CommandOutcome<Event, State> = {
    ...base, events, state, version: appended.nextExpectedVersion, globalPositions: appended.globalPositions,
  };
  const policy = decider.snapshot;
  if (policy && snapshots && outcome.version - loaded.snapshotVersion >= policy.every) {
    const snapshot = { version: outcome.version, state };
    // In a transaction the snapshot commits or rolls back with the events. Without one the events
    // are already committed: a failed snapshot (a cache) must not turn success into an error.
    if (tx) await snapshots.save({ tenantId, streamId, policy, snapshot, tx });
    else await snapshots.save({ tenantId, streamId, policy, snapshot }).catch(() => undefined);
  }
  if (options.inTransaction && tx) await options.inTransaction(outcome, tx);
  return outcome;
}

/**
 * Runs one command against one stream: load (from the latest snapshot), fold, decide, append with
 * the expected version; a `concurrency.version_conflict` re-loads and decides again, at most
 * `maxRetries` times. Errors thrown by `decide` (AppError with a stable code) pass through.
 *
 * @example
 *   const outcome = await handleCommand({
 *     store, decider: noteDecider, streamId: `note-${id}`, tenantId,
 *     command: { type: 'note.create', title }, context: { correlationId, userId },
 *     tx: ctx.tx, // optional: the caller's transaction (uniqueness claims, idempotency log)
 *   });
 *   outcome.version; // stream version after the append
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  options: HandleCommandOptions<Command, Event, State>,
): Promise<CommandOutcome<Event, State>> {
  if (options.inTransaction && !options.tx && !options.db) throw new Error('handleCommand: inTransaction needs tx or db');
  const run = async () => {
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    for (let retry = 0; ; retry++) {
      try {
        const { tx, db } = options;
        if (tx) return await withSavepoint(tx, () => attempt(options, tx, retry + 1));
        if (db) return await db.transaction((own) => attempt(options, own, retry + 1), { tenantId: options.tenantId });
        return await attempt(options, undefined, retry + 1);
      } catch (error) {
        if (!isVersionConflict(error) || retry >= maxRetries) throw error;
        await backoff(retry);
      }
    }
  };
  // A caller's transaction commits after we return, so a turn would not end at its commit: race.
  return options.tx || options.takeTurns === false ? run() : inTurn(`${options.tenantId}/${options.streamId}`, TURN_WAIT_MS, run);
}
