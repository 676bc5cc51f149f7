/**
 * Child process of crash.int.test.ts: appends events in a loop (printing `ack <eventId>` once each
 * append returned) while an asynchronous projection counts them, until it is killed with SIGKILL.
 *   node --import tsx crash-writer.ts <ownerUrl> <tenantId>
 */
import { randomUUID } from 'node:crypto';
import { createDatabase } from '../../db/index.ts';
import { createEventStore } from '../../eventstore/index.ts';
import { createProjectionRunner } from '../runner.ts';
import { crashCounter, CRASH_EVENT } from './crash-projection.ts';

const [ownerUrl, tenantId] = process.argv.slice(2);
if (!ownerUrl || !tenantId) throw new Error('usage: crash-writer.ts <ownerUrl> <tenantId>');

const app = createDatabase({ connectionString: ownerUrl, role: 'acci_app', max: 4 });
const system = createDatabase({ connectionString: ownerUrl, max: 3 });
const store = createEventStore({ db: app });
const runner = createProjectionRunner({ projection: crashCounter, db: system, batchSize: 7, pollIntervalMs: 200 });
await runner.start();

await Promise.all(Array.from({ length: 4 }, async (_, worker) => {
  for (let i = 0; ; i++) {
    const size = i % 5 === 0 ? 3 : 1;
    const events = Array.from({ length: size }, () => ({ type: CRASH_EVENT, data: { worker, i }, eventId: randomUUID() }));
    await store.append(`crash-${worker}-${i % 10}`, events, { expectedVersion: 'any', context: { tenantId, correlationId: randomUUID() } });
    process.stdout.write(events.map((e) => `ack ${e.eventId}\n`).join(''));
  }
}));
