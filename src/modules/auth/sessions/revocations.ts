import type pg from 'pg';
import type { Database } from '../../../framework/db/index.ts';
import type { Logger } from '../../../framework/observability/index.ts';

export const REVOKED_CHANNEL = 'acci_auth_revoked';

/**
 * The set of revoked sessions whose access tokens may still be unexpired, held in memory so the
 * per-request check is a Map lookup. It stays consistent across processes: a revocation inserts a
 * row in `auth_revoked_sessions` whose trigger NOTIFYs every listening process at commit; the
 * revoking process adds it locally before answering; a full reload on (re)connect and every few
 * seconds covers a lost listener connection.
 *
 * @example
 *   const revoked = createRevocationSet({ system, logger });
 *   await revoked.start();
 *   if (revoked.has(claims.sid)) throw authErrors.sessionRevoked();
 */
export type RevocationSet = {
  has: (sessionId: string) => boolean;
  add: (sessionId: string, validUntilMs: number) => void;
  /** Reloads every revocation that still matters. */
  reload: () => Promise<void>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  size: () => number;
};

export type RevocationSetOptions = {
  system: Database;
  logger: Logger;
  /** Safety-net full reload interval (default 5 s). */
  reloadIntervalMs?: number;
  /** Called on NOTIFY of other channels this listener carries (key rotation). */
  channels?: Record<string, () => void>;
};

/** A failed reload is expected while the database is down: one line (code and message), not a stack trace every few seconds. */
const errorSummary = (error: unknown) => {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return { ...(code ? { code } : {}), message: message ?? String(error) };
};

export function createRevocationSet(options: RevocationSetOptions): RevocationSet {
  const { system, logger } = options;
  let entries = new Map<string, number>();
  let client: pg.PoolClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let reconnecting: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  /** The pool is closing or closed: nothing to reload from, and nothing worth logging. */
  const poolEnded = () => stopped || (system.pool as { ending?: boolean }).ending === true;

  const add = (sessionId: string, validUntilMs: number) => {
    if (validUntilMs > Date.now()) entries.set(sessionId, validUntilMs);
  };

  async function reload(): Promise<void> {
    const { rows } = await system.query<{ session_id: string; until: number }>(
      `SELECT session_id, (extract(epoch FROM valid_until) * 1000)::float8 AS until FROM auth_revoked_sessions WHERE valid_until > now()`,
    );
    const next = new Map<string, number>();
    for (const row of rows) next.set(row.session_id, row.until);
    // Keep entries added locally by a transaction the reload's snapshot may not have seen yet.
    const now = Date.now();
    for (const [id, until] of entries) if (until > now && !next.has(id)) next.set(id, until);
    entries = next;
  }

  const onNotification = (message: pg.Notification) => {
    if (message.channel === REVOKED_CHANNEL) {
      const sessionId = message.payload?.split(':')[1];
      // The exact expiry arrives with the next reload; until then keep it for the longest a token lives.
      if (sessionId) add(sessionId, Date.now() + 24 * 3_600_000);
      return;
    }
    options.channels?.[message.channel]?.();
  };

  /** Gives the listening connection up for good: listeners off, connection closed (LISTEN is per connection). */
  const discarded = new WeakSet<pg.PoolClient>();
  function discard(connection: pg.PoolClient): void {
    if (discarded.has(connection)) return;
    discarded.add(connection);
    connection.removeListener('notification', onNotification);
    connection.removeAllListeners('error');
    connection.on('error', () => undefined);
    connection.release(true);
  }

  async function connect(): Promise<void> {
    const next = await system.pool.connect();
    next.on('notification', onNotification);
    next.on('error', (error) => {
      if (!poolEnded()) logger.warn({ err: errorSummary(error) }, 'auth revocation listener lost its connection; reconnecting');
      if (client === next) client = undefined;
      discard(next);
      scheduleReconnect();
    });
    try {
      await next.query(`LISTEN ${REVOKED_CHANNEL}`);
      for (const channel of Object.keys(options.channels ?? {})) await next.query(`LISTEN ${channel}`);
    } catch (error) {
      discard(next);
      throw error;
    }
    // Stopped while connecting: give the connection back, or the pool's end would wait for it forever.
    if (stopped) return discard(next);
    client = next;
    await reload();
  }

  function scheduleReconnect(): void {
    if (stopped || reconnecting) return;
    reconnecting = setTimeout(() => {
      reconnecting = undefined;
      if (poolEnded()) return void stop();
      connect().catch((error: unknown) => {
        if (poolEnded()) return void stop();
        logger.warn({ err: errorSummary(error) }, 'auth revocation listener could not reconnect');
        scheduleReconnect();
      });
    }, 1_000);
    reconnecting.unref();
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (timer) clearInterval(timer);
    timer = undefined;
    if (reconnecting) clearTimeout(reconnecting);
    reconnecting = undefined;
    unsubscribe?.();
    unsubscribe = undefined;
    const current = client;
    client = undefined;
    if (current) discard(current);
  }

  return {
    has(sessionId) {
      const until = entries.get(sessionId);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      entries.delete(sessionId);
      return false;
    },
    add,
    reload,
    async start() {
      stopped = false;
      // Closing the pool stops the listener and the reload first, so the pool's end never waits on them.
      unsubscribe ??= system.onClose(stop);
      await connect();
      if (stopped) return;
      timer = setInterval(() => {
        if (poolEnded()) return void stop();
        reload().catch((error: unknown) => {
          if (poolEnded()) return void stop();
          logger.warn({ err: errorSummary(error) }, 'auth revocation reload failed');
        });
        if (!client) scheduleReconnect();
      }, options.reloadIntervalMs ?? 5_000);
      timer.unref();
    },
    stop,
    size: () => entries.size,
  };
}
