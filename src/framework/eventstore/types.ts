/**
 * The contract of the ACCI event store. Implementations live beside this file; modules and the
 * CQRS layer depend only on these types.
 */

/** What a caller appends: the store adds ids, positions and timestamps. */
export type NewEvent<Type extends string = string, Data = unknown> = {
  type: Type;
  data: Data;
  /** Schema version of `data`; upcasters raise older versions on read. Defaults to 1. */
  schemaVersion?: number;
  /** Supplied for deduplication (a repeated id is rejected); generated when absent. */
  eventId?: string;
};

/** Who and why: carried by every event of one append (SPEC §3 metadata). */
export type EventContext = {
  tenantId: string;
  correlationId: string;
  /** The event or command that caused this one. */
  causationId?: string | null;
  /** The acting user (null for the platform itself). */
  userId?: string | null;
};

export type EventMetadata = {
  eventId: string;
  eventType: string;
  eventVersion: number;
  timestamp: string;
  tenantId: string;
  correlationId: string;
  causationId: string | null;
  userId: string | null;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  /** Commit order of the appending transaction (xid8 as decimal text). */
  transactionId: string;
};

export type RecordedEvent<Type extends string = string, Data = unknown> = {
  type: Type;
  data: Data;
  metadata: EventMetadata;
};

/** `no_stream`: the stream must not exist; `any`: no check; a number: the current version must equal it. */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export type AppendResult = {
  /** Version of the last appended event (stream versions start at 1 and have no gaps). */
  nextExpectedVersion: number;
  globalPositions: string[];
  transactionId: string;
  /** The events' timestamp (ISO 8601) where the store chose it itself: pipelined appends. */
  timestamp?: string;
};

/** A subscriber's position: the pair (transaction id, global position), never the position alone. */
export type Checkpoint = { transactionId: string; globalPosition: string };
export const START: Checkpoint = { transactionId: '0', globalPosition: '0' };

export type ReadAllOptions = {
  after?: Checkpoint;
  limit?: number;
  tenantId?: string;
  /** Only events whose type starts with one of these prefixes (e.g. `user.`). */
  typePrefixes?: string[];
  /** Only events of exactly these types (combined with `typePrefixes` by OR). */
  types?: string[];
  /** Read inside the caller's transaction. */
  tx?: Transaction;
};

/** A pg client inside an open transaction, so callers can write more rows atomically with an append. */
export type Transaction = import('../db/index.ts').Queryable;

export type AppendOptions = {
  expectedVersion: ExpectedVersion;
  context: EventContext;
  /**
   * Append inside the caller's open transaction (for uniqueness claims or inline projections that
   * must commit with the events). Without it the store opens and commits its own transaction.
   */
  tx?: Transaction;
  /**
   * The append is part of a `db.pipelined` transaction (`tx` is its): the statement and the inline
   * projections' statements are issued without waiting for each other. The events are stamped with
   * the application's clock, and their global position and transaction id are unknown to inline
   * handlers (reading them throws). Only for `no_stream` and exact expected versions, whose stream
   * versions are known before the statement runs.
   */
  pipelined?: boolean;
};

/** A stream `appendNewStreams` starts: its first events and who appends them. */
export type NewStream = { streamId: string; events: readonly NewEvent[]; context: EventContext };

export type AppendNewStreamsOptions = {
  /** The caller's open transaction (the streams start atomically with its other writes). */
  tx: Transaction;
  /** As `AppendOptions.pipelined`: the transaction is a `db.pipelined` one. */
  pipelined?: boolean;
};

export type ReadStreamOptions = {
  tenantId: string;
  /** First stream version to return (inclusive); default 1. */
  fromVersion?: number;
  limit?: number;
  tx?: Transaction;
};

/**
 * The event store. Streams are keyed by (tenantId, streamId); stream versions start at 1 and are
 * gapless; a version conflict throws AppError `concurrency.version_conflict` (409).
 */
export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Starts several streams of one tenant in one statement (each as an append expecting
   * `no_stream`), with the inline projections applied to all their events at once: for commands
   * committed together (group commit). A stream that already exists fails the whole statement with
   * a version conflict. One result per stream, in order.
   */
  appendNewStreams(streams: readonly NewStream[], options: AppendNewStreamsOptions): Promise<AppendResult[]>;
  readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events in commit order, only below the oldest in-flight writer, after a checkpoint pair. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Current version of a stream, 0 when it does not exist. */
  streamVersion(streamId: string, options: { tenantId: string; tx?: Transaction }): Promise<number>;
}
