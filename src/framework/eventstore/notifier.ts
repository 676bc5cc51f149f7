import pg from 'pg';

export const EVENTS_CHANNEL = 'acci_events';
const NOTIFY_GAP_MS = 3;

/**
 * Wakes subscribers after appends without putting NOTIFY into the append transaction: a NOTIFY
 * there takes a cluster-wide lock until commit and serializes every committing writer (measured:
 * about 4x fewer appends per second at concurrency 16). Instead one `NOTIFY` is sent after
 * appends return, coalesced: at most one in flight, one more if appends arrived meanwhile, and at
 * most one per NOTIFY_GAP_MS.
 * A lost notification (crash right after commit) only delays subscribers until their next poll.
 */
export type Notifier = { appended: () => void; idle: () => Promise<void> };

export function createNotifier(appendPool: pg.Pool): Notifier {
  let inFlight: Promise<void> | undefined;
  let pending = false;
  // Its own connection: a NOTIFY never waits for (or takes) a slot the appends need, and an idle
  // notifier does not keep the process alive.
  const pool = new pg.Pool({ ...appendPool.options, max: 1, idleTimeoutMillis: 10_000, allowExitOnIdle: true, application_name: 'acci-notifier' });
  pool.on('error', () => undefined);

  const send = (): Promise<void> => pool.query(`NOTIFY ${EVENTS_CHANNEL}`).then(() => undefined, () => undefined);

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
    appended() {
      pending = true;
      inFlight ??= loop();
    },
    idle: () => inFlight ?? Promise.resolve(),
  };
}
