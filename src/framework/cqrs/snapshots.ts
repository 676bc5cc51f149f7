import type { Database } from '../db/index.ts';
import type { Transaction } from '../eventstore/types.ts';

/**
 * When and how a decider's state is snapshotted. Raise `schemaVersion` whenever the state's shape
 * changes: snapshots of another version are ignored and the stream is folded from the start.
 *
 * @example
 *   const noteSnapshots: SnapshotPolicy<NoteState> = { name: 'note', every: 100, schemaVersion: 1 };
 */
export type SnapshotPolicy<State> = {
  /** Distinguishes deciders folding the same stream. */
  name: string;
  /** Take a snapshot once this many events were appended since the last one. */
  every: number;
  schemaVersion: number;
  /** State → JSON value (default: the state itself, which must then be plain JSON). */
  serialize?: (state: State) => unknown;
  /** JSON value → state (default: the value itself). */
  deserialize?: (json: unknown) => State;
};

export type Snapshot<State> = { version: number; state: State };

/**
 * Reads and writes the `snapshots` table (RLS: tenant-scoped). With `tx` the caller's transaction
 * is used (its tenant must already be set), otherwise a tenant-scoped transaction of `db`.
 *
 * @example
 *   const snapshots = createSnapshotStore(ctx.db.app);
 *   await handleCommand({ ..., snapshots });
 */
export type SnapshotStore = {
  load<State>(input: { tenantId: string; streamId: string; policy: SnapshotPolicy<State>; tx?: Transaction }): Promise<Snapshot<State> | null>;
  save<State>(input: { tenantId: string; streamId: string; policy: SnapshotPolicy<State>; snapshot: Snapshot<State>; tx?: Transaction }): Promise<void>;
};

const SELECT = `SELECT version, state FROM snapshots
  WHERE tenant_id = $1 AND stream_id = $2 AND name = $3 AND schema_version = $4`;
// A newer snapshot never gets replaced by an older one; another schema version always does.
const UPSERT = `INSERT INTO snapshots (tenant_id, stream_id, name, schema_version, version, state)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (tenant_id, stream_id, name) DO UPDATE
    SET schema_version = excluded.schema_version, version = excluded.version, state = excluded.state, created_at = now()
    WHERE snapshots.schema_version <> excluded.schema_version OR snapshots.version < excluded.version`;

export function createSnapshotStore(db: Database): SnapshotStore {
  const run = <T>(tenantId: string, tx: Transaction | undefined, work: (q: Transaction) => Promise<T>): Promise<T> =>
    tx ? work(tx) : db.transaction(work, { tenantId });

  async function load<State>(input: { tenantId: string; streamId: string; policy: SnapshotPolicy<State>; tx?: Transaction }): Promise<Snapshot<State> | null> {
    const { tenantId, streamId, policy, tx } = input;
    const { rows } = await run(tenantId, tx, (q) =>
      q.query<{ version: string; state: unknown }>(SELECT, [tenantId, streamId, policy.name, policy.schemaVersion]));
    const row = rows[0];
    if (!row) return null;
    const state = policy.deserialize ? policy.deserialize(row.state) : (row.state as State);
    return { version: Number(row.version), state };
  }

  async function save<State>(input: { tenantId: string; streamId: string; policy: SnapshotPolicy<State>; snapshot: Snapshot<State>; tx?: Transaction }): Promise<void> {
    const { tenantId, streamId, policy, snapshot, tx } = input;
    const json = policy.serialize ? policy.serialize(snapshot.state) : snapshot.state;
    await run(tenantId, tx, (q) =>
      q.query(UPSERT, [tenantId, streamId, policy.name, policy.schemaVersion, snapshot.version, JSON.stringify(json)]));
  }

  return { load, save };
}
