import pg from 'pg';

export const EVENTS_CHANNEL = 'acci_events';
const NOTIFY_GAP_MS = 3;

/**
 * Wakes subscribers after appends without putting NOTIFY into the append transaction: a NOTIFY
 * there takes a cluster-wide lock until commit and serializes every committing writer (measured:
 * about 4x fewer appends per second at concurrency 16). Instead one `NOTIFY` is sent after
 * appends return, coalesced: at most one in flight, one more if appends arrived meanwhile, and at
 * most one per NOTIFY_GAP_MS.
 * The payload lists the event types appended since the previous NOTIFY (empty when they would not
 * fit: then every subscriber wakes), so a subscriber skips wake-ups that bring nothing it handles.
 * A lost notification (crash right after commit) only delays subscribers until their next poll.
 */
export type Notifier = { appended: (types: Iterable<string>) => void; idle: () => Promise<void> };

/** PostgreSQL caps a payload below 8000 bytes; past this many characters the payload is left empty. */
const MAX_PAYLOAD = 7_000;

/** The event types of a notification's payload; `undefined` = unknown (wake for anything). */
export function notifiedTypes(payload: string | undefined): string[] | undefined {
  return payload ? payload.split(',') : undefined;
}

export function createNotifier(appendPool: pg.Pool): Notifier {
  let inFlight: Promise<void> | undefined;
  let pending = false;
  const types = new Set<string>();
  // Its own connection: a NOTIFY never waits for (or takes) a slot the appends need, and an idle
  // notifier does not keep the process alive.
  // NOTIFY gives its transaction an xid, so each one is a commit; with synchronous_commit=off it
  // does not wait for a WAL flush. A notification is only a wake-up hint: one lost in a crash costs
  // nothing (its listeners lost their connections too and read from their checkpoints).
  const options = [appendPool.options.options, '-c synchronous_commit=off'].filter(Boolean).join(' ');
  const pool = new pg.Pool({ ...appendPool.options, options, max: 1, idleTimeoutMillis: 10_000, allowExitOnIdle: true, application_name: 'acci-notifier' });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => { client.on('error', () => undefined); });

  const send = (): Promise<void> => {
    const payload = [...types].join(',');
    types.clear();
    return pool.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payload.length <= MAX_PAYLOAD ? payload : ''])
      .then(() => undefined, () => undefined);
  };

  const loop = async () => {
    while (pending) {
      pending = false;
      await send();
      // At most one NOTIFY per few milliseconds however fast appends come: each one costs the
      // server a commit; subscribers read everything new on one wake-up anyway.
      await new Promise((resolve) => setTimeout(resolve, NOTIFY_GAP_MS));
    }
    inFlight = undefined;
  };

  return {
    appended(appendedTypes) {
      for (const type of appendedTypes) types.add(type);
      pending = true;
      inFlight ??= loop();
    },
    idle: () => inFlight ?? Promise.resolve(),
  };
}
