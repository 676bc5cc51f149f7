import { defineProjection } from '../types.ts';

export const CRASH_EVENT = 'crash.counted';

/**
 * Counts events per tenant and records each event id under a primary key: after any crash the
 * count must equal the events stored, and a second apply of one event would violate the key.
 */
export const crashCounter = defineProjection({
  name: 'crash_counter',
  version: 1,
  handlers: {
    [CRASH_EVENT]: async (event, tx) => {
      await tx.query(`INSERT INTO crash_counter (tenant_id, n) VALUES ($1, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET n = crash_counter.n + 1`, [event.metadata.tenantId]);
      await tx.query('INSERT INTO crash_applied (event_id) VALUES ($1)', [event.metadata.eventId]);
    },
  },
  applyBatch: async (events, tx) => {
    await tx.query(`INSERT INTO crash_counter (tenant_id, n) SELECT t, count(*) FROM unnest($1::uuid[]) t GROUP BY t
      ON CONFLICT (tenant_id) DO UPDATE SET n = crash_counter.n + EXCLUDED.n`, [events.map((e) => e.metadata.tenantId)]);
    await tx.query('INSERT INTO crash_applied (event_id) SELECT unnest($1::uuid[])', [events.map((e) => e.metadata.eventId)]);
  },
  reset: async (tx) => { await tx.query('DELETE FROM crash_counter; DELETE FROM crash_applied'); },
});
