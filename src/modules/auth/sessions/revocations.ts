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

export function createRevocationSet(options: RevocationSetOptions): RevocationSet {
  const { system, logger } = options;
  let entries = new Map<string, number>();
  let client: pg.PoolClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let reconnecting: NodeJS.Timeout | undefined;

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

  async function connect(): Promise<void> {
    const next = await system.pool.connect();
    next.on('notification', onNotification);
    next.on('error', (error) => {
      logger.warn({ err: error }, 'auth revocation listener lost its connection; reconnecting');
      next.release(true);
      if (client === next) client = undefined;
      scheduleReconnect();
    });
    await next.query(`LISTEN ${REVOKED_CHANNEL}`);
    for (const channel of Object.keys(options.channels ?? {})) await next.query(`LISTEN ${channel}`);
    client = next;
    await reload();
  }

  function scheduleReconnect(): void {
    if (stopped || reconnecting) return;
    reconnecting = setTimeout(() => {
      reconnecting = undefined;
      connect().catch((error: unknown) => {
        logger.warn({ err: error }, 'auth revocation listener could not reconnect');
        scheduleReconnect();
      });
    }, 1_000);
    reconnecting.unref();
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
      await connect();
      timer = setInterval(() => {
        reload().catch((error: unknown) => logger.warn({ err: error }, 'auth revocation reload failed'));
        if (!client) scheduleReconnect();
      }, options.reloadIntervalMs ?? 5_000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (reconnecting) clearTimeout(reconnecting);
      const current = client;
      client = undefined;
      if (current) {
        current.removeListener('notification', onNotification);
        await current.query(`UNLISTEN *`).catch(() => undefined);
        // Destroyed, not pooled: its error handler would otherwise release it a second time when
        // the server later closes the idle connection (a crash at shutdown).
        current.release(true);
      }
    },
    size: () => entries.size,
  };
}
