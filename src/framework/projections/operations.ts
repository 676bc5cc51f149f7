import type { Database } from '../db/index.ts';
import { resetProjection } from './checkpoints.ts';
import type { Projection } from './types.ts';

/**
 * Wipes a projection's read model and puts its checkpoint back to the start, in one transaction.
 * The active runner (in whatever process) sees its checkpoint moved and replays from zero.
 *
 * @example
 *   await rebuildProjection(db.system, userList);
 */
export async function rebuildProjection(db: Database, projection: Projection): Promise<void> {
  await db.transaction((tx) => resetProjection(tx, projection));
}

export type RebaseResult = { needed: boolean; events: number; checkpoints: number };

/** The constant every restored event's transaction id becomes: below any xid a cluster hands out (normal xids start at 3). */
export const REBASED_TRANSACTION_ID = '1';

/**
 * After a dump/restore into a new cluster, transaction ids restart: stored events carry ids of the
 * old cluster that are above the new cluster's, so subscribers would stall (they read only below
 * the oldest running xid) and new events would sort before old ones. Rebase renumbers every stored
 * event to transaction id 1 with global positions 1..n in the old (transaction id, position) order,
 * and moves every checkpoint and parked event to the same place in that order. Run it right after
 * the restore, before the server starts appending. Does nothing when the stored ids are all below
 * the current one, unless `force`.
 *
 * @example
 *   const { needed, events } = await rebaseAfterRestore(db.system);
 */
export async function rebaseAfterRestore(db: Database, options: { force?: boolean } = {}): Promise<RebaseResult> {
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE events IN EXCLUSIVE MODE');
    await tx.query('LOCK TABLE projection_checkpoints, projection_parked IN EXCLUSIVE MODE');
    const check = await tx.query<{ needed: boolean }>(
      `SELECT coalesce(max(transaction_id) >= pg_current_xact_id(), false) AS needed FROM events WHERE transaction_id <> $1::xid8`,
      [REBASED_TRANSACTION_ID],
    );
    const needed = check.rows[0]?.needed ?? false;
    if (!needed && !options.force) return { needed, events: 0, checkpoints: 0 };

    await tx.query(`CREATE TEMP TABLE acci_rebase ON COMMIT DROP AS
      SELECT transaction_id AS old_tx, global_position AS old_pos,
             row_number() OVER (ORDER BY transaction_id, global_position) AS new_pos
        FROM events`);
    await tx.query('CREATE INDEX ON acci_rebase (old_tx, old_pos)');
    const checkpoints = await tx.query(`UPDATE projection_checkpoints c
        SET transaction_id = CASE WHEN m.new_pos IS NULL THEN '0'::xid8 ELSE $1::xid8 END,
            global_position = coalesce(m.new_pos, 0), updated_at = now()
       FROM projection_checkpoints c0
       LEFT JOIN LATERAL (SELECT max(r.new_pos) AS new_pos FROM acci_rebase r
                           WHERE (r.old_tx, r.old_pos) <= (c0.transaction_id, c0.global_position)) m ON true
      WHERE c.name = c0.name`, [REBASED_TRANSACTION_ID]);
    await tx.query(`UPDATE projection_parked p SET transaction_id = $1::xid8, global_position = r.new_pos
       FROM acci_rebase r WHERE r.old_tx = p.transaction_id AND r.old_pos = p.global_position`, [REBASED_TRANSACTION_ID]);
    const events = await tx.query(`UPDATE events e SET transaction_id = $1::xid8, global_position = r.new_pos
       FROM acci_rebase r WHERE r.old_tx = e.transaction_id AND r.old_pos = e.global_position`, [REBASED_TRANSACTION_ID]);
    await tx.query(`SELECT setval('events_global_position_seq', greatest((SELECT count(*) FROM acci_rebase), 1))
       WHERE (SELECT last_value FROM events_global_position_seq) < (SELECT count(*) FROM acci_rebase)`);
    return { needed, events: events.rowCount ?? 0, checkpoints: checkpoints.rowCount ?? 0 };
  });
}
