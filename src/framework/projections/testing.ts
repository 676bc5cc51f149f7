import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.ts';
import { toRecordedEvent } from '../eventstore/rows.ts';
import type { RecordedEvent, Transaction } from '../eventstore/types.ts';
import { createUpcasters, type Upcasters } from '../eventstore/upcasters.ts';
import { applyToProjection, type Projection } from './types.ts';

export type GivenEvent = {
  type: string;
  data: unknown;
  /** Default: the spec's stream (`spec-stream`). */
  streamId?: string;
  /** Default: the spec's tenant (`spec.tenantId`). */
  tenantId?: string;
  schemaVersion?: number;
  userId?: string | null;
};

export type ProjectionSpec = {
  /** The tenant given events belong to unless they say otherwise (a fresh UUID per spec). */
  readonly tenantId: string;
  given: (...events: GivenEvent[]) => ProjectionSpec;
  /**
   * Applies the given events (in order, in one transaction; through `applyBatch` when the
   * projection has one and `batch` is set) and hands a connection to the assertions.
   */
  then: (assertions: (q: Transaction, events: readonly RecordedEvent[]) => Promise<void>, options?: { batch?: boolean }) => Promise<void>;
};

/**
 * Given events → read-model rows, on a real (test) database, in-process: the projection tier of
 * the given/when/then tests. Events go through the same upcasting as real reads.
 *
 * @example
 *   await projectionSpec(userList, { db: testDb.system })
 *     .given({ type: 'user.registered', data: { email: 'a@b.c' } })
 *     .then(async (q) => {
 *       const rows = await q.query('SELECT email FROM user_list');
 *       assert.deepEqual(rows.rows, [{ email: 'a@b.c' }]);
 *     });
 */
export function projectionSpec(projection: Projection, options: { db: Database; upcasters?: Upcasters; tenantId?: string }): ProjectionSpec {
  const tenantId = options.tenantId ?? randomUUID();
  const upcasters = options.upcasters ?? createUpcasters();
  const given: GivenEvent[] = [];

  const record = (): RecordedEvent[] => {
    const versions = new Map<string, number>();
    const now = new Date();
    return given.map((event, index) => {
      const streamId = event.streamId ?? 'spec-stream';
      const tenant = event.tenantId ?? tenantId;
      const key = `${tenant}/${streamId}`;
      const version = (versions.get(key) ?? 0) + 1;
      versions.set(key, version);
      return toRecordedEvent({
        tenant_id: tenant,
        stream_id: streamId,
        stream_version: version,
        global_position: String(index + 1),
        transaction_id: '3',
        event_id: randomUUID(),
        event_type: event.type,
        schema_version: event.schemaVersion ?? 1,
        data: event.data,
        correlation_id: randomUUID(),
        causation_id: null,
        user_id: event.userId ?? null,
        created_at: now,
      }, upcasters);
    });
  };

  const spec: ProjectionSpec = {
    tenantId,
    given(...events) {
      given.push(...events);
      return spec;
    },
    async then(assertions, thenOptions = {}) {
      const events = record();
      await options.db.transaction(async (tx) => {
        if (thenOptions.batch) {
          await applyToProjection(projection, events, tx);
        } else {
          for (const event of events) await applyToProjection(projection, [event], tx);
        }
      });
      await assertions(options.db.pool, events);
    },
  };
  return spec;
}
