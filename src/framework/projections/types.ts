import type { RecordedEvent, Transaction } from '../eventstore/types.ts';

/** Writes the read-model rows for one event, inside the transaction that also moves the checkpoint. */
export type ProjectionHandler = (event: RecordedEvent, tx: Transaction) => Promise<void>;

/**
 * A read model built from events, declared as data: which event types it handles, how each one
 * changes its rows, and how to wipe them for a rebuild. Run inline (in the append transaction,
 * via `createEventStore({ inlineProjections })`) or asynchronously (`createProjectionRunner`).
 *
 * @example
 *   export const userCount = defineProjection({
 *     name: 'user_count', version: 1,
 *     handlers: {
 *       'user.registered': (e, tx) => tx.query(
 *         `INSERT INTO user_counts (tenant_id, n) VALUES ($1, 1)
 *          ON CONFLICT (tenant_id) DO UPDATE SET n = user_counts.n + 1`, [e.metadata.tenantId]).then(() => undefined),
 *     },
 *     reset: (tx) => tx.query('DELETE FROM user_counts').then(() => undefined),
 *   });
 */
export type Projection = {
  /** Unique, stable; the checkpoint's key. */
  name: string;
  /** Raise it when the handlers change meaning; a runner seeing a new version rebuilds from zero. */
  version: number;
  /**
   * Event type → handler; only these types are read for the projection. The key `'*'` (alone)
   * handles every event (metering, auditing).
   */
  handlers: Readonly<Record<string, ProjectionHandler>>;
  /**
   * Optional: applies several handled events at once (one statement for a whole batch during
   * catch-up). Must have the same effect as calling the handlers one by one, in order.
   */
  applyBatch?: (events: readonly RecordedEvent[], tx: Transaction) => Promise<void>;
  /** Deletes every row the projection wrote, so a rebuild starts from zero. */
  reset: (tx: Transaction) => Promise<void>;
  /** The tables it owns (shown by `acci projections status`). */
  tables?: readonly string[];
  /**
   * Wake on every append's NOTIFY (default true). `false`: follow by polling only, for read models
   * where a second of lag is fine and a wake-up per append is not (metering every event).
   */
  wakeOnAppend?: boolean;
  /**
   * Handled types whose appends do not wake it: applied at the next wake-up or poll (within a
   * second). For frequent events whose effect may lag, so each one does not cost a run.
   */
  quietTypes?: readonly string[];
};

/** Identity with type checking, so projection files read as declarations. */
export function defineProjection<P extends Projection>(projection: P): P {
  if (!/^[a-z][a-z0-9_.-]{0,62}$/.test(projection.name)) throw new Error(`invalid projection name: ${projection.name}`);
  if (!Number.isInteger(projection.version) || projection.version < 1) throw new Error(`invalid projection version: ${projection.version}`);
  const types = Object.keys(projection.handlers);
  if (types.length === 0 || (types.includes(EVERY_EVENT) && types.length > 1)) {
    throw new Error(`projection ${projection.name}: handle some event types, or every event with '${EVERY_EVENT}' alone`);
  }
  return projection;
}

/** The handler key of a projection that sees every event. */
export const EVERY_EVENT = '*';

/** The event types a projection reads; empty = every type (see `EVERY_EVENT`). */
export const handledTypes = (projection: Projection): string[] =>
  Object.hasOwn(projection.handlers, EVERY_EVENT) ? [] : Object.keys(projection.handlers);

const handlerFor = (projection: Projection, type: string): ProjectionHandler | undefined =>
  Object.hasOwn(projection.handlers, type) ? projection.handlers[type] : projection.handlers[EVERY_EVENT];

/** Applies the events a projection handles, in order, batch-wise when it can. */
/**
 * `applyToProjection` for a pipelined append: every handler is called before any is awaited, so
 * their statements are issued in order into the same write (a handler that awaits between two
 * statements is refused by `db.pipelined`).
 */
export function applyPipelined(projection: Projection, events: readonly RecordedEvent[], tx: Transaction): Promise<unknown> {
  const relevant = events.filter((e) => handlerFor(projection, e.type) !== undefined);
  if (relevant.length === 0) return Promise.resolve();
  if (projection.applyBatch && relevant.length > 1) return projection.applyBatch(relevant, tx);
  return Promise.all(relevant.map((event) => handlerFor(projection, event.type)!(event, tx)));
}

export async function applyToProjection(projection: Projection, events: readonly RecordedEvent[], tx: Transaction): Promise<void> {
  const relevant = events.filter((e) => handlerFor(projection, e.type) !== undefined);
  if (relevant.length === 0) return;
  if (projection.applyBatch && relevant.length > 1) {
    await projection.applyBatch(relevant, tx);
    return;
  }
  for (const event of relevant) await handlerFor(projection, event.type)!(event, tx);
}
