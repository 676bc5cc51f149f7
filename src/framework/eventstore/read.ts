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
export function readAllQuery(options: ReadAllOptions & { after: Checkpoint; limit: number }): { name: string; text: string; values: unknown[] } {
  assertCheckpoint(options.after);
  const values: unknown[] = [options.after.transactionId, options.after.globalPosition];
  const where = [
    'transaction_id < pg_snapshot_xmin(pg_current_snapshot())',
    '(transaction_id, global_position) > ($1::xid8, $2::bigint)',
  ];
  let variant = '';
  if (options.tenantId !== undefined) {
    values.push(options.tenantId);
    where.push(`tenant_id = $${values.length}::uuid`);
    variant += 't';
  }
  const typeFilters: string[] = [];
  if (options.types?.length) {
    values.push(options.types);
    typeFilters.push(`event_type = ANY($${values.length}::text[])`);
    variant += 'e';
  }
  if (options.typePrefixes?.length) {
    values.push(options.typePrefixes.map((p) => `${escapeLike(p)}%`));
    typeFilters.push(`event_type LIKE ANY($${values.length}::text[])`);
    variant += 'p';
  }
  if (typeFilters.length) where.push(`(${typeFilters.join(' OR ')})`);
  values.push(options.limit);
  return {
    name: `acci_read_all_${variant}`,
    text: `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')}
      ORDER BY transaction_id, global_position LIMIT $${values.length}`,
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
