import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './rows.ts';
import type { Checkpoint, ReadAllOptions, RecordedEvent, Transaction } from './types.ts';
import type { Upcasters } from './upcasters.ts';

export const DEFAULT_READ_ALL_LIMIT = 1_000;
export const MAX_READ_ALL_LIMIT = 10_000;
export const DEFAULT_STREAM_LIMIT = 10_000;
export const MAX_STREAM_LIMIT = 100_000;

const XID8 = /^\d{1,20}$/;

export const escapeLike = (prefix: string) => prefix.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Clamps a caller's batch size into [1, max]. */
export const boundLimit = (limit: number | undefined, fallback: number, max: number): number =>
  Math.max(1, Math.min(max, Math.floor(limit ?? fallback)));

export function assertCheckpoint(checkpoint: Checkpoint): void {
  if (!XID8.test(checkpoint.transactionId) || !XID8.test(checkpoint.globalPosition)) {
    throw new Error(`invalid checkpoint ${JSON.stringify(checkpoint)}`);
  }
}

/**
 * The never-skip read: committed events below the oldest in-flight transaction, after the
 * checkpoint pair, in commit order. Both indexes of 0002 serve it (with or without tenant).
 */
export function readAllQuery(options: ReadAllOptions & { after: Checkpoint; limit: number }): { text: string; values: unknown[] } {
  assertCheckpoint(options.after);
  const values: unknown[] = [options.after.transactionId, options.after.globalPosition];
  const where = [
    'e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())',
    '(e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)',
  ];
  if (options.tenantId !== undefined) {
    values.push(options.tenantId);
    where.push(`e.tenant_id = $${values.length}::uuid`);
  }
  const typeFilters: string[] = [];
  if (options.types?.length) {
    values.push(options.types);
    typeFilters.push(`e.event_type = ANY($${values.length}::text[])`);
  }
  if (options.typePrefixes?.length) {
    values.push(options.typePrefixes.map((p) => `${escapeLike(p)}%`));
    typeFilters.push(`e.event_type LIKE ANY($${values.length}::text[])`);
  }
  if (typeFilters.length) where.push(`(${typeFilters.join(' OR ')})`);
  values.push(options.limit);
  // Deliberately not a named prepared statement: a generic plan cannot see how close the
  // checkpoint is to the end and may scan the whole table; a custom plan walks the index.
  return {
    // Qualified: the selected columns are cast to text under the same names, and ORDER BY would
    // otherwise sort by those text values ('10' < '9').
    text: `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where.join(' AND ')}
      ORDER BY e.transaction_id, e.global_position LIMIT $${values.length}`,
    values,
  };
}

/**
 * Reads committed events after a checkpoint with any connection (the projection runners use the
 * owner's pool); rows become RecordedEvents through the same upcasting path as every other read.
 */
export async function readEventsAfter(
  q: Transaction,
  upcasters: Upcasters,
  options: ReadAllOptions & { after: Checkpoint; limit: number },
): Promise<RecordedEvent[]> {
  const result = await q.query<EventRow>(readAllQuery(options));
  return result.rows.map((row) => toRecordedEvent(row, upcasters));
}
