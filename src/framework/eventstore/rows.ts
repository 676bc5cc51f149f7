import type { RecordedEvent } from './types.ts';
import type { Upcasters } from './upcasters.ts';

/** The columns every read selects, in the shape `toRecordedEvent` expects. */
/** Everything but `data` arrives as text, formatted by PostgreSQL: no JSON or date parsing per row in Node. */
export const EVENT_COLUMNS = `tenant_id, stream_id, stream_version::int4 AS stream_version, global_position::text AS global_position,
  transaction_id::text AS transaction_id, event_id, event_type, schema_version, data,
  correlation_id, causation_id, user_id,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;

export type EventRow = {
  tenant_id: string;
  stream_id: string;
  stream_version: number | string;
  global_position: string;
  transaction_id: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  correlation_id: string | null;
  causation_id: string | null;
  user_id: string | null;
  /** ISO 8601 UTC (as EVENT_COLUMNS formats it) or a Date. */
  created_at: Date | string;
};

/** A stored row as a RecordedEvent, upcast to the current schema version. */
export function toRecordedEvent(row: EventRow, upcasters: Upcasters): RecordedEvent {
  const { data, version } = upcasters.apply(row.event_type, row.schema_version, row.data);
  return {
    type: row.event_type,
    data,
    metadata: {
      eventId: row.event_id,
      eventType: row.event_type,
      eventVersion: version,
      timestamp: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
      tenantId: row.tenant_id,
      correlationId: row.correlation_id ?? '',
      causationId: row.causation_id ?? null,
      userId: row.user_id ?? null,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      globalPosition: String(row.global_position),
      transactionId: String(row.transaction_id),
    },
  };
}
