import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AcciModule } from '../module.ts';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { defineProjection } from './types.ts';

const seen = defineProjection({
  name: 'platform_seen',
  version: 1,
  handlers: {
    'platform.seen': async (event, tx) => {
      await tx.query('INSERT INTO platform_seen (event_id, tenant_id) VALUES ($1, $2)', [event.metadata.eventId, event.metadata.tenantId]);
    },
  },
  reset: async (tx) => { await tx.query('DELETE FROM platform_seen'); },
});

const probe: AcciModule = {
  name: 'probe',
  register: () => undefined,
  projections: [seen],
  upcasters: [{ eventType: 'platform.seen', fromVersion: 1, upcast: (data) => ({ ...(data as object), upcast: true }) }],
};

let t: TestApp;
before(async () => {
  t = await createTestApp({ modules: [probe] });
  await t.db.system.query('CREATE TABLE platform_seen (event_id uuid PRIMARY KEY, tenant_id uuid NOT NULL)');
});
after(() => t.close());

it('the platform gives modules the event store and runs their projections in the background', async () => {
  const tenantId = randomUUID();
  const stream = `p-${randomUUID()}`;
  const { globalPositions } = await t.context.eventStore.append(stream, [{ type: 'platform.seen', data: {} }], {
    expectedVersion: 'no_stream', context: { tenantId, correlationId: randomUUID() },
  });
  assert.equal(globalPositions.length, 1);
  const [event] = await t.context.eventStore.readStream(stream, { tenantId });
  assert.deepEqual(event?.data, { upcast: true }, 'module upcasters apply to reads');
  const deadline = Date.now() + 10_000;
  while ((await t.db.system.query('SELECT 1 FROM platform_seen WHERE tenant_id = $1', [tenantId])).rowCount === 0) {
    if (Date.now() > deadline) throw new Error('the background runner did not apply the event');
    await new Promise((r) => setTimeout(r, 20));
  }
  const metrics = await t.http.inject({ method: 'GET', url: '/metrics' });
  assert.match(metrics.body, /acci_projection_lag_events\{projection="platform_seen"\} \d+/);
  assert.match(metrics.body, /acci_eventstore_oldest_writer_seconds/);
});
