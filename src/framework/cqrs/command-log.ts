import type { Database } from '../db/index.ts';

/**
 * Deletes idempotency records older than `olderThan` (platform work: pass the owner's database;
 * run it from a daily job). A command id repeated after its record is gone runs again, so keep
 * records longer than any client retries — a day or more.
 *
 * @example
 *   await pruneCommandLog(ctx.db.system, { olderThan: new Date(Date.now() - 7 * 86_400_000) });
 */
export async function pruneCommandLog(system: Database, options: { olderThan: Date; batchSize?: number }): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await system.query(
      `DELETE FROM command_log WHERE ctid IN (SELECT ctid FROM command_log WHERE created_at < $1 LIMIT $2)`,
      [options.olderThan, options.batchSize ?? 10_000],
    );
    total += rowCount ?? 0;
    if (!rowCount) return total;
  }
}
