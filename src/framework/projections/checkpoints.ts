import type { Checkpoint, RecordedEvent, Transaction } from '../eventstore/types.ts';
import { START } from '../eventstore/types.ts';
import type { Projection } from './types.ts';

/** Advisory-lock namespace of projection runners (first key); the second key is hashtext(name). */
export const LOCK_NAMESPACE = 'acci.projection';

export type StoredCheckpoint = Checkpoint & { version: number };

export const checkpointOf = (event: RecordedEvent): Checkpoint => ({
  transactionId: event.metadata.transactionId,
  globalPosition: event.metadata.globalPosition,
});

/** Creates the checkpoint row at START for a new projection; returns what is stored. */
export async function ensureCheckpoint(q: Transaction, projection: Projection): Promise<StoredCheckpoint> {
  await q.query('INSERT INTO projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [projection.name, projection.version]);
  const stored = await readCheckpoint(q, projection.name);
  if (!stored) throw new Error(`checkpoint of ${projection.name} vanished`);
  return stored;
}

export async function readCheckpoint(q: Transaction, name: string, forUpdate = false): Promise<StoredCheckpoint | undefined> {
  const result = await q.query<{ transaction_id: string; global_position: string; version: number }>(
    `SELECT transaction_id::text, global_position::text, version FROM projection_checkpoints WHERE name = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [name],
  );
  const row = result.rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position, version: row.version } : undefined;
}

const ADVANCE_SQL = `UPDATE projection_checkpoints SET transaction_id = $4::xid8, global_position = $5::bigint, updated_at = now()
  WHERE name = $1 AND transaction_id = $2::xid8 AND global_position = $3::bigint`;

/** The reason `advanceCheckpointOrRefuse` refuses with. */
export const CHECKPOINT_MOVED = 'checkpoint_moved';

/**
 * Moves the checkpoint from `from` to `to`, compare-and-set, as a statement that fails its
 * transaction (`acci_refuse('checkpoint_moved')`) when someone else moved it (another runner, a
 * rebuild). Issue it first in the transaction that writes the read model: its row lock keeps any
 * other writer of this projection out until commit, and the writes can be issued right behind it
 * without waiting for its answer (they run only if it moved the checkpoint).
 */
export function advanceCheckpointOrRefuse(tx: Transaction, name: string, from: Checkpoint, to: Checkpoint): Promise<unknown> {
  return tx.query({
    name: 'acci_checkpoint_advance_or_refuse',
    text: `WITH moved AS (${ADVANCE_SQL} RETURNING 1) SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM moved) THEN acci_refuse('${CHECKPOINT_MOVED}') END AS refused`,
    values: [name, from.transactionId, from.globalPosition, to.transactionId, to.globalPosition],
  });
}

/** Wipes the read model and the parked events and puts the checkpoint back to START, atomically. */
export async function resetProjection(tx: Transaction, projection: Projection): Promise<void> {
  await ensureCheckpoint(tx, projection);
  await readCheckpoint(tx, projection.name, true);
  await projection.reset(tx);
  await tx.query('DELETE FROM projection_parked WHERE projection = $1', [projection.name]);
  await tx.query(
    `UPDATE projection_checkpoints SET transaction_id = $2::xid8, global_position = $3::bigint, version = $4, updated_at = now() WHERE name = $1`,
    [projection.name, START.transactionId, START.globalPosition, projection.version],
  );
}

/** Records an event the projection gave up on (same transaction as moving past it). */
export async function parkEvent(tx: Transaction, projection: string, event: RecordedEvent, attempts: number, error: unknown): Promise<void> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  await tx.query(
    `INSERT INTO projection_parked (projection, event_id, tenant_id, event_type, transaction_id, global_position, attempts, error)
     VALUES ($1, $2, $3, $4, $5::xid8, $6::bigint, $7, $8)
     ON CONFLICT (projection, event_id) DO UPDATE SET attempts = EXCLUDED.attempts, error = EXCLUDED.error, parked_at = now()`,
    [projection, event.metadata.eventId, event.metadata.tenantId, event.type, event.metadata.transactionId, event.metadata.globalPosition, attempts, message.slice(0, 4000)],
  );
}
