import pg from 'pg';
import type { Logger } from 'pino';
import { refusalOf, type Database } from '../db/index.ts';
import { isAppError } from '../errors/index.ts';
import { EVENTS_CHANNEL, notifiedTypes } from '../eventstore/notifier.ts';
import { readEventsAfter } from '../eventstore/read.ts';
import type { Checkpoint, RecordedEvent } from '../eventstore/types.ts';
import { createUpcasters, type Upcasters } from '../eventstore/upcasters.ts';
import type { Metrics } from '../observability/index.ts';
import {
  CHECKPOINT_MOVED, LOCK_NAMESPACE, advanceCheckpointOrRefuse, checkpointOf, ensureCheckpoint, parkEvent, readCheckpoint, resetProjection,
} from './checkpoints.ts';
import { applyToProjection, handledTypes, type Projection } from './types.ts';

export type ProjectionRunnerOptions = {
  projection: Projection;
  /** The owner's database (`db.system`): runners read across tenants. */
  db: Database;
  upcasters?: Upcasters;
  logger?: Logger;
  metrics?: Metrics;
  /** Events per read and per transaction (default 500). */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /**
   * After a run that found several events (commits are arriving faster than runs), wait this long
   * before the next read, so each run takes many commits at once instead of chasing every one with
   * its own read and transaction (default 10 ms). A run that found one event (a quiet system) reads
   * again at once, so the latency of a single append is untouched.
   */
  busyGatherMs?: number;
  /** Attempts per event before it is parked (default 5). */
  maxAttempts?: number;
  /** Delay before the n-th retry is n × this (default 50 ms). */
  retryDelayMs?: number;
  /** How often a standby runner tries to take over (default 1000 ms). */
  lockRetryMs?: number;
  /** Called after each committed batch (tests, benchmarks, in-process subscribers). */
  onApplied?: (events: readonly RecordedEvent[]) => void;
};

/**
 * Runs one asynchronous projection: exactly one active runner per projection across processes
 * (a session advisory lock on a dedicated connection, which also LISTENs for appends), the
 * checkpoint pair moved compare-and-set in the same transaction as the read-model writes, bounded
 * retries then parking for an event that keeps failing, polling only as a fallback.
 *
 * @example
 *   const runner = createProjectionRunner({ projection: userList, db: ctx.db.system, logger });
 *   await runner.start();   // standby until it holds the lock, then catches up and follows
 *   await runner.stop();
 */
export type ProjectionRunner = {
  readonly name: string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  isActive: () => boolean;
  /**
   * Takes the lock if free (or within `waitForLockMs`) and applies everything committed so far
   * (waiting, up to 30 s, for events an older open transaction still hides); returns the events
   * applied, 0 when another runner holds the lock. Not while started.
   */
  catchUp: (options?: { waitForLockMs?: number }) => Promise<number>;
  checkpoint: () => Checkpoint | undefined;
};

class CheckpointMoved extends Error {}

const HELD_BACK_POLL_MS = 20;
const HELD_BACK_SQL = `SELECT EXISTS (SELECT 1 FROM events
  WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
    AND (transaction_id, global_position) > ($1::xid8, $2::bigint) AND (cardinality($3::text[]) = 0 OR event_type = ANY($3::text[]))) AS held`;

const isUnavailable = (error: unknown) =>
  (isAppError(error) && error.code === 'service.unavailable') ||
  ['57P01', '57P02', '57P03', '08006', '08003', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(String((error as { code?: string } | null)?.code));

const sameCheckpoint = (a: Checkpoint, b: Checkpoint) => a.transactionId === b.transactionId && a.globalPosition === b.globalPosition;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { projection, db } = options;
  const name = projection.name;
  const upcasters = options.upcasters ?? createUpcasters();
  const types = handledTypes(projection);
  const quiet = new Set(projection.quietTypes ?? []);
  const wakers: ReadonlySet<string> = new Set(types.filter((type) => !quiet.has(type)));
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const busyGatherMs = options.busyGatherMs ?? 10;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 50;
  const lockRetryMs = options.lockRetryMs ?? 1_000;
  const catchUpTimeoutMs = 30_000;
  const log = options.logger?.child({ projection: name });
  const applied = options.metrics?.counter('acci_projection_events_applied_total', 'Events applied by asynchronous projections', ['projection']);
  const parked = options.metrics?.counter('acci_projection_events_parked_total', 'Events parked after bounded retries', ['projection']);

  let client: pg.Client | undefined;
  let active = false;
  let stopping = false;
  let notified = false;
  // While gathering, a NOTIFY only records that there is more (the gather ends on its own).
  let gathering = false;
  let checkpoint: Checkpoint | undefined;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let prefetched: { after: Checkpoint; events: Promise<RecordedEvent[]> } | undefined;

  const interrupt = () => { wake?.(); };
  const waitFor = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake = undefined;
      resolve();
    }
    wake = done;
  });

  async function release(): Promise<void> {
    const held = client;
    client = undefined;
    active = false;
    // Ending the session releases the advisory lock and the LISTEN.
    await held?.end().catch(() => undefined);
  }

  async function acquire(): Promise<boolean> {
    const candidate = new pg.Client({ ...db.pool.options, application_name: `acci-projection-${name}`.slice(0, 63) });
    candidate.on('error', (error) => {
      if (client !== candidate) return;
      log?.warn({ err: error }, 'projection runner lost its lock connection');
      void release();
      interrupt();
    });
    try {
      await candidate.connect();
      const lock = await candidate.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS ok', [LOCK_NAMESPACE, name]);
      if (!lock.rows[0]?.ok) {
        await candidate.end();
        return false;
      }
      candidate.on('notification', (message) => {
        // Appends of types this projection does not handle (or handles quietly) do not wake it.
        if (projection.wakeOnAppend === false) return;
        const appended = notifiedTypes(message.payload);
        if (appended && types.length > 0 && !appended.some((type) => wakers.has(type))) return;
        notified = true;
        if (!gathering) interrupt();
      });
      await candidate.query(`LISTEN ${EVENTS_CHANNEL}`);
      client = candidate;
      let stored = await ensureCheckpoint(db.pool, projection);
      if (stored.version !== projection.version) {
        log?.info({ from: stored.version, to: projection.version }, 'projection version changed: rebuilding from zero');
        await db.transaction((tx) => resetProjection(tx, projection));
        stored = (await readCheckpoint(db.pool, name))!;
      }
      checkpoint = { transactionId: stored.transactionId, globalPosition: stored.globalPosition };
      active = true;
      log?.info({ checkpoint }, 'projection runner active');
      return true;
    } catch (error) {
      await candidate.end().catch(() => undefined);
      if (client === candidate) client = undefined;
      throw error;
    }
  }

  async function reloadCheckpoint(): Promise<void> {
    const stored = await readCheckpoint(db.pool, name);
    checkpoint = stored ? { transactionId: stored.transactionId, globalPosition: stored.globalPosition } : undefined;
  }

  /** One transaction: checkpoint compare-and-set first (locks the row), then the read-model writes. */
  async function commit(events: readonly RecordedEvent[], write: (tx: pg.PoolClient) => Promise<void>): Promise<void> {
    const from = checkpoint!;
    const to = checkpointOf(events[events.length - 1]!);
    await db.transaction(async (tx) => {
      // Read models and their checkpoint commit or vanish together, so a server crash that loses
      // the last unflushed commits only makes the runner replay them: no fsync wait needed. The
      // statements leave together with BEGIN: the checkpoint's compare-and-set fails the
      // transaction when someone else moved it, so the writes behind it never count.
      const steps = [tx.query('SET LOCAL synchronous_commit = off'), advanceCheckpointOrRefuse(tx, name, from, to), write(tx)];
      await Promise.all(steps).catch((error: unknown) => {
        throw refusalOf(error) === CHECKPOINT_MOVED ? new CheckpointMoved() : error;
      });
    });
    checkpoint = to;
  }

  async function applyOne(event: RecordedEvent): Promise<boolean> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await commit([event], (tx) => applyToProjection(projection, [event], tx));
        return true;
      } catch (error) {
        if (error instanceof CheckpointMoved || isUnavailable(error)) throw error;
        lastError = error;
        log?.warn({ err: error, eventId: event.metadata.eventId, attempt }, 'projection handler failed');
        if (attempt < maxAttempts) await sleep(retryDelayMs * attempt);
      }
    }
    await commit([event], (tx) => parkEvent(tx, name, event, maxAttempts, lastError));
    parked?.inc({ projection: name });
    log?.error({ err: lastError, eventId: event.metadata.eventId, eventType: event.type, attempts: maxAttempts }, 'event parked: the projection moves on without it');
    return false;
  }

  /** Reads and applies one batch; returns how many events it consumed. */
  async function drainOnce(): Promise<number> {
    if (!checkpoint) await reloadCheckpoint();
    const after = checkpoint!;
    const ahead = prefetched;
    prefetched = undefined;
    const events = ahead && sameCheckpoint(ahead.after, after)
      ? await ahead.events
      : await readEventsAfter(db.pool, upcasters, { after, limit: batchSize, types });
    if (events.length === 0) return 0;
    if (events.length === batchSize) {
      // Catching up: read the next batch while this one is being written.
      const next = checkpointOf(events[events.length - 1]!);
      const read = readEventsAfter(db.pool, upcasters, { after: next, limit: batchSize, types });
      read.catch(() => undefined);
      prefetched = { after: next, events: read };
    }
    try {
      if (events.length === 1) {
        await applyOne(events[0]!);
      } else {
        try {
          await commit(events, (tx) => applyToProjection(projection, events, tx));
        } catch (error) {
          if (error instanceof CheckpointMoved || isUnavailable(error)) throw error;
          log?.warn({ err: error, events: events.length }, 'batch failed: applying its events one by one');
          for (const event of events) await applyOne(event);
        }
      }
    } catch (error) {
      if (!(error instanceof CheckpointMoved)) throw error;
      log?.info('checkpoint moved by someone else (rebuild or another runner): reloading');
      await reloadCheckpoint();
      return events.length;
    }
    applied?.inc({ projection: name }, events.length);
    options.onApplied?.(events);
    return events.length;
  }

  async function isHeldBack(): Promise<boolean> {
    const result = await db.pool.query<{ held: boolean }>(HELD_BACK_SQL, [checkpoint!.transactionId, checkpoint!.globalPosition, types]);
    return result.rows[0]?.held ?? false;
  }

  async function run(): Promise<void> {
    let idleDelay = pollIntervalMs;
    while (!stopping) {
      try {
        if (!active) {
          if (!(await acquire())) {
            await waitFor(lockRetryMs);
            continue;
          }
        }
        notified = false;
        const count = await drainOnce();
        if (projection.wakeOnAppend === false) {
          // Polling only: catch up in full batches, then look again at the next poll.
          if (count < batchSize) await waitFor(pollIntervalMs);
          continue;
        }
        if (count > 0 || notified) {
          idleDelay = 2;
          if (count > 1 && count < batchSize && busyGatherMs > 0) {
            gathering = true;
            await waitFor(busyGatherMs).finally(() => { gathering = false; });
          }
          continue;
        }
        // Committed events an older open transaction still hides: look again soon, not at the poll.
        const heldBack = await isHeldBack();
        await waitFor(heldBack ? Math.min(idleDelay, HELD_BACK_POLL_MS) : idleDelay);
        // After a NOTIFY, poll again soon and back off: caller transactions notify before commit.
        idleDelay = notified ? 2 : Math.min(idleDelay * 4, heldBack ? HELD_BACK_POLL_MS : pollIntervalMs);
      } catch (error) {
        log?.error({ err: error }, 'projection runner failed; retrying');
        if (isUnavailable(error)) await release();
        await waitFor(lockRetryMs);
      }
    }
  }

  return {
    name,
    async start() {
      if (loop) return;
      stopping = false;
      loop = run();
    },
    async stop() {
      stopping = true;
      interrupt();
      await loop;
      loop = undefined;
      await release();
    },
    isActive: () => active,
    async catchUp(catchUpOptions = {}) {
      if (loop) throw new Error('catchUp() is for runners that are not started');
      const lockDeadline = Date.now() + (catchUpOptions.waitForLockMs ?? 0);
      while (!active && !(await acquire())) {
        if (Date.now() >= lockDeadline) return 0;
        await sleep(Math.min(lockRetryMs, 50));
      }
      let total = 0;
      let settled = false;
      const deadline = Date.now() + catchUpTimeoutMs;
      for (;;) {
        const count = await drainOnce();
        total += count;
        if (count > 0) continue;
        if (settled) return total;
        // Committed events still hidden behind an older open transaction are part of "so far".
        // Once none are hidden, one more read gets everything committed before that check.
        settled = !(await isHeldBack()) || Date.now() > deadline;
        if (!settled) await sleep(HELD_BACK_POLL_MS);
      }
    },
    checkpoint: () => checkpoint,
  };
}
