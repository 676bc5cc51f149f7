/**
 * `npm run bench -- cqrs`: the cost of the CQRS layer over the raw event store, on one database,
 * concurrency 16, each phase bounded in time.
 *   raw_append_c16          store.append of one event to a new stream (the limit for the rest)
 *   handle_command_c16      handleCommand on a new stream (read + decide + append)
 *   bus_command_c16         the same through the command bus (logging, validation, authorization, rate limit)
 *   bus_idempotent_c16      the same with a command id (claim + savepoint + append + result, one transaction)
 *   hot_stream_c16          16 writers on ONE stream: in-process turns vs racing through conflict retries
 *   load_1000_snapshot_ms   loading a 1,000-event stream from its snapshot vs folding all events
 */
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { createDatabase } from '../src/framework/db/index.ts';
import { createEventStore, type NewEvent } from '../src/framework/eventstore/index.ts';
import { createCommandBus, createSnapshotStore, handleCommand, loadAggregate, standardCommandMiddleware } from '../src/framework/cqrs/index.ts';
import { counterDecider } from '../test/support/counter-decider.ts';
import { createLogger } from '../src/framework/observability/index.ts';
import { RUNTIME_ROLE } from '../src/platform/database/roles.ts';
import { benchDatabase } from './database.ts';
import { concurrently, percentile, report, result } from './lib.ts';

const DURATION = Number(process.env.BENCH_DURATION_MS ?? 3000);
const bench = await benchDatabase('cqrs');
const db = createDatabase({ connectionString: bench.url, role: RUNTIME_ROLE, max: 20, applicationName: 'acci-bench' });
try {
  const store = createEventStore({ db, notify: false });
  const snapshots = createSnapshotStore(db);
  const tenantId = randomUUID();
  const principal = { userId: randomUUID(), tenantId, role: 'member', isSystemAdmin: false };
  const context = { correlationId: randomUUID() };
  const increment = { type: 'increment', by: 1 } as const;
  const phase = (operation: () => Promise<unknown>) => concurrently({ concurrency: 16, durationMs: DURATION }, operation);

  await phase(() => store.append(`warm-${randomUUID()}`, [{ type: 'counter.incremented', data: { by: 1 } }], { expectedVersion: 'no_stream', context: { tenantId, ...context } }));
  const raw = await phase(() => store.append(`raw-${randomUUID()}`, [{ type: 'counter.incremented', data: { by: 1 } }], { expectedVersion: 'no_stream', context: { tenantId, ...context } }));
  const handled = await phase(() => handleCommand({ store, decider: counterDecider, streamId: `h-${randomUUID()}`, tenantId, command: increment, context }));

  const bus = createCommandBus({ middleware: standardCommandMiddleware({ logger: createLogger({ level: 'silent', format: 'json' }), db }) });
  const send = bus.register({
    type: 'counter.increment', schema: Type.Object({ counterId: Type.String() }),
    handler: async (command, { tx }) => (await handleCommand({
      store, decider: counterDecider, streamId: `b-${command.payload.counterId}`, tenantId, command: increment, context, ...(tx ? { tx } : {}),
    })).version,
  });
  const viaBus = await phase(() => send({ payload: { counterId: randomUUID() }, tenantId, principal, correlationId: context.correlationId }));
  const idempotent = await phase(() => send({ payload: { counterId: randomUUID() }, tenantId, principal, correlationId: context.correlationId, commandId: randomUUID() }));

  const hotStream = `hot-${randomUUID()}`;
  const hot = await phase(() => handleCommand({ store, decider: counterDecider, streamId: hotStream, tenantId, command: increment, context }));
  const racingStream = `race-${randomUUID()}`;
  const racing = await phase(() => handleCommand({ store, decider: counterDecider, streamId: racingStream, tenantId, command: increment, context, maxRetries: 100, takeTurns: false }));

  const snapshotted = { ...counterDecider, snapshot: { name: 'counter', every: 100, schemaVersion: 1 } };
  const long = `long-${randomUUID()}`;
  const events: NewEvent[] = Array.from({ length: 999 }, () => ({ type: 'counter.incremented', data: { by: 1 } }));
  await store.append(long, events, { expectedVersion: 'no_stream', context: { tenantId, ...context } });
  await handleCommand({ store, decider: snapshotted, streamId: long, tenantId, command: increment, context, snapshots });
  const timeLoads = async (withSnapshot: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await loadAggregate({ store, decider: snapshotted, streamId: long, tenantId, ...(withSnapshot ? { snapshots } : {}) });
      times.push(performance.now() - t0);
    }
    return percentile(times, 50);
  };
  const full = await timeLoads(false);
  const fromSnapshot = await timeLoads(true);

  report('cqrs', [
    result('raw_append_c16', raw.opsPerSecond, 'events/s'),
    result('handle_command_c16', handled.opsPerSecond, 'commands/s', { limit: raw.opsPerSecond }),
    result('bus_command_c16', viaBus.opsPerSecond, 'commands/s', { limit: raw.opsPerSecond }),
    result('bus_idempotent_c16', idempotent.opsPerSecond, 'commands/s', { limit: raw.opsPerSecond, notes: `p95 ${percentile(idempotent.latenciesMs, 95).toFixed(1)} ms` }),
    result('hot_stream_c16', hot.opsPerSecond, 'commands/s', {
      peers: { racing_without_turns: racing.opsPerSecond },
      notes: `16 writers on one stream taking turns, p95 ${percentile(hot.latenciesMs, 95).toFixed(1)} ms; racing (like 16 processes) p95 ${percentile(racing.latenciesMs, 95).toFixed(1)} ms`,
    }),
    result('load_1000_snapshot_ms', fromSnapshot, 'ms', { limit: full, notes: 'p50; limit = folding all 1,000 events' }),
  ]);
} finally {
  await db.close();
  await bench.close();
}
