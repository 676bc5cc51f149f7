import pg from 'pg';
import { commonErrors } from '../errors/index.ts';
import { isUuid } from '../validation/index.ts';

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** The platform's own tenant id: rows of the platform itself (tenants, system admins) carry it. */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export type TransactionOptions = {
  /** Scopes row-level security to one tenant for the whole transaction (`SET LOCAL app.tenant_id`). */
  tenantId?: string;
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /**
   * `transaction` only: run the work again, in a new transaction, this many times when PostgreSQL
   * aborts it as a deadlock victim or a serialization failure (the work must have no effect outside
   * the database, so running it again is safe).
   */
  retries?: number;
  /**
   * `pipelined` only: a statement sent in the same write right after COMMIT, in a transaction of its
   * own, whatever the work's outcome (best-effort follow-up work that must not hold the
   * transaction's locks until its commit). The caller does not wait for it; a failure goes to
   * `onError`. The connection returns to the pool once it has run.
   */
  afterCommit?: { text: string; values: unknown[]; onError: (error: unknown) => void };
};

/** Deadlock victim (40P01) or serialization failure (40001): the same work may well succeed again. */
const isRetriable = (error: unknown) => ['40P01', '40001'].includes((error as { code?: string } | null)?.code ?? '');

/**
 * A PostgreSQL pool with tenant-scoped transactions.
 *
 * @example
 *   const db = createDatabase({ connectionString, role: 'acci_app' });
 *   await db.transaction((tx) => tx.query('SELECT 1'), { tenantId });
 */
export type Database = {
  pool: pg.Pool;
  query: <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;
  transaction: <T>(work: (tx: pg.PoolClient) => Promise<T>, options?: TransactionOptions) => Promise<T>;
  /**
   * A transaction in one round trip: BEGIN, the work's statements and COMMIT leave in one socket
   * write. The work must issue every statement before it first waits for a result, and every
   * refusal that depends on the database must be a failing statement: COMMIT is already on its way
   * while the statements run, so a statement that fails aborts the transaction (COMMIT then rolls
   * back), but nothing JavaScript decides after seeing results can. A work that fails before it
   * waits (validation) rolls back; a statement issued after the commit is refused (it would run
   * outside the transaction).
   *
   * @example
   *   const [gate, seat] = await db.pipelined((tx) => Promise.all([tx.query(claimOrRefuse), tx.query(seatsOrRefuse)]), { tenantId });
   */
  pipelined: <T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions) => Promise<T>;
  ping: () => Promise<void>;
  /**
   * Runs `listener` when `close()` is called, before the pool ends: whoever holds a connection for
   * good (a LISTEN) or polls the pool gives it up, so closing never waits on it. Returns an unsubscribe.
   */
  onClose: (listener: () => void | Promise<void>) => () => void;
  close: () => Promise<void>;
};

export type DatabaseOptions = {
  connectionString: string;
  /** `SET ROLE` on every new connection, so row-level security applies even when logging in as the owner. */
  role?: string;
  max?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
};

function beginStatement(options: TransactionOptions): string {
  const isolation = options.isolation ? ` ISOLATION LEVEL ${options.isolation.toUpperCase()}` : '';
  if (options.tenantId === undefined) return `BEGIN${isolation}`;
  // Validated above, so inlining keeps BEGIN + SET LOCAL to a single round trip.
  if (!isUuid(options.tenantId)) throw commonErrors.notFound('tenant');
  return `BEGIN${isolation}; SET LOCAL app.tenant_id = '${options.tenantId}'`;
}

/** The SQLSTATE of `acci_refuse(reason)` (migration 0047): a precondition a statement checked failed. */
export const REFUSED_SQLSTATE = 'AC001';

/**
 * The reason a statement refused through `acci_refuse`, or null for any other error.
 *
 * @example
 *   refusalOf({ code: 'AC001', message: 'acci refused: seat' }); // 'seat'
 */
export function refusalOf(error: unknown): string | null {
  if (error === null || typeof error !== 'object') return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== REFUSED_SQLSTATE || typeof message !== 'string') return null;
  return message.replace(/^acci refused: /, '');
}

/** Node socket and DNS errors: the server is down, unreachable, or dropped the connection. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
/**
 * SQLSTATEs meaning "cannot use the database right now", not "your statement is wrong": class 08
 * (connection exception), class 28 (invalid authorization: wrong password, unknown role), 3D000
 * (database does not exist), 53300 (too many connections), 57P01–57P05 (admin/crash shutdown,
 * cannot connect now, idle session timeout).
 */
const UNAVAILABLE_SQLSTATES = new Set(['3D000', '53300', '57P01', '57P02', '57P03', '57P05']);
/** node-postgres raises these without a code when a connection fails, times out or the pool has ended. */
const UNAVAILABLE_MESSAGES = /^(timeout exceeded when trying to connect|Connection terminated|Cannot use a pool after calling end on the pool|Client has encountered a connection error and is not queryable)/;

/**
 * Whether an error from node-postgres means the database is unavailable (answer 503
 * `service.unavailable`, drop the connection) rather than a failed statement.
 *
 * @example
 *   isConnectionError({ code: '28P01' }); // true: password authentication failed
 *   isConnectionError({ code: '23505' }); // false: unique violation
 */
export function isConnectionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_ERRORS.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (/^(08|28)[0-9A-Z]{3}$/.test(code)) return true;
    // 55000 is a wide class; at login it means the database refuses connections (ALLOW_CONNECTIONS false).
    if (code === '55000' && typeof message === 'string' && /is not currently accepting connections/.test(message)) return true;
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/**
 * The client's socket, to cork several statements into one write. On this kind of machine a write
 * to PostgreSQL costs tens of microseconds of CPU (the syscall and waking the backend), more than
 * most statements cost to run. `connection.stream` is node-postgres's own field;
 * database.int.test.ts fails if a release drops it.
 */
export function socketOf(client: pg.PoolClient): { cork: () => void; uncork: () => void } | undefined {
  const stream = (client as unknown as { connection?: { stream?: { cork?: unknown; uncork?: unknown } } }).connection?.stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function' ? stream as { cork: () => void; uncork: () => void } : undefined;
}

export function createDatabase(options: DatabaseOptions): Database {
  if (options.role && !/^[a-z_][a-z0-9_]*$/.test(options.role)) throw new Error(`invalid role name: ${options.role}`);
  const sessionOptions = [
    // A startup parameter rather than a SET ROLE query: in force before the first statement.
    options.role ? `-c role=${options.role}` : '',
    options.statementTimeoutMs ? `-c statement_timeout=${options.statementTimeoutMs}` : '',
    `-c idle_in_transaction_session_timeout=${options.idleInTransactionTimeoutMs ?? 30_000}`,
  ].filter(Boolean).join(' ');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'acci',
    options: sessionOptions,
    connectionTimeoutMillis: 5_000,
    // Statements are written as soon as they are issued, not after the previous answer: lets a
    // transaction send BEGIN with its first statement (see transaction below).
    pipeline: true,
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: a client whose connection is terminated between two statements
  // emits 'error' with no query to take it, and code that checks clients out (listeners, the
  // readiness check) might not be listening at that moment. The failure still reaches the next
  // statement, and a client that lost its connection is dropped when it is released.
  pool.on('connect', (client) => { client.on('error', () => undefined); });

  const closeListeners = new Set<() => void | Promise<void>>();
  let closing: Promise<void> | undefined;

  const translate = (error: unknown): never => {
    if (isConnectionError(error)) throw commonErrors.unavailable('database');
    throw error;
  };

  /**
   * A client for one transaction: checked out, corked, `BEGIN` (and the tenant) issued but not
   * awaited: in pipeline mode it leaves in one socket write with the work's first statement.
   * `end(broken)` hands the client back (dropped when broken or when it raised 'error').
   */
  async function open(transactionOptions: TransactionOptions) {
    const begin = beginStatement(transactionOptions);
    const client = await pool.connect().catch(translate);
    let errored = false;
    // A checked-out client has no pool listener: without this one, a connection dropped mid-
    // transaction (server restart, terminated backend, idle timeout) would be an unhandled
    // 'error' event and end the process. The statement in flight fails on its own.
    const onError = () => { errored = true; };
    client.on('error', onError);
    const stream = socketOf(client);
    stream?.cork();
    const begun = client.query(begin);
    // Observed by the caller; this keeps a BEGIN failing while the work awaits something else
    // from being an unhandled rejection.
    begun.catch(() => undefined);
    const end = (broken: boolean) => {
      client.off('error', onError);
      client.release(broken || errored);
    };
    return { client, stream, begun, end };
  }

  /** One attempt of `transaction` (BEGIN leaves with the work's first statement; see open). */
  async function transactionOnce<T>(work: (tx: pg.PoolClient) => Promise<T>, transactionOptions: TransactionOptions): Promise<T> {
    const { client, stream, begun, end } = await open(transactionOptions);
    let broken = false;
    try {
      const pending = (() => {
        try {
          return work(client);
        } finally {
          stream?.uncork();
        }
      })();
      const result = await pending;
      await begun;
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A failed BEGIN explains everything after it (those only say the transaction is aborted).
      const beginError: unknown = await begun.then(() => undefined, (e: unknown) => e);
      const cause = beginError ?? error;
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      if (isConnectionError(cause)) broken = true;
      return translate(cause);
    } finally {
      end(broken);
    }
  }

  return {
    pool,
    query: (text, values) => pool.query(text, values).catch(translate),
    async transaction(work, transactionOptions = {}) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await transactionOnce(work, transactionOptions);
        } catch (error) {
          if (attempt >= (transactionOptions.retries ?? 0) || !isRetriable(error)) throw error;
        }
      }
    },
    async pipelined(work, transactionOptions = {}) {
      const { client, stream, begun, end } = await open(transactionOptions);
      let accepting = true;
      const tx: Queryable = {
        query: ((...args: Parameters<pg.PoolClient['query']>) => {
          if (!accepting) throw new Error('db.pipelined: a statement issued after the work returned would run outside the transaction');
          return (client.query as (...a: unknown[]) => unknown)(...args);
        }) as pg.PoolClient['query'],
      };
      let pending: Promise<unknown>;
      try {
        pending = work(tx);
      } catch (error) {
        pending = Promise.reject(error);
      }
      // Everything the work does before it first waits for PostgreSQL runs in the microtasks before
      // this immediate (nothing has been sent yet: the socket is corked). A work that failed by
      // then (a refusal in JavaScript) is rolled back instead of committed.
      let failed = false;
      pending.catch(() => { failed = true; });
      await new Promise((resolve) => setImmediate(resolve));
      accepting = false;
      const ending = client.query(failed ? 'ROLLBACK' : 'COMMIT');
      const after = transactionOptions.afterCommit;
      const following = after ? client.query(after.text, after.values).then(() => undefined, after.onError) : undefined;
      stream?.uncork();
      const [b, w, e] = await Promise.allSettled([begun, pending, ending]);
      // A failed BEGIN explains everything after it; otherwise the work's own failure.
      const failure = b.status === 'rejected' ? b : w.status === 'rejected' ? w : e.status === 'rejected' ? e : undefined;
      const broken = failure !== undefined && isConnectionError(failure.reason);
      if (following) void following.then(() => end(broken));
      else end(broken);
      if (failure) return translate(failure.reason);
      // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK: a statement the work
      // issued but did not wait for failed.
      if ((e as PromiseFulfilledResult<pg.QueryResult>).value.command !== 'COMMIT') throw new Error('db.pipelined: the transaction rolled back (a statement the work did not wait for failed)');
      return (w as PromiseFulfilledResult<Awaited<ReturnType<typeof work>>>).value;
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => { closeListeners.delete(listener); };
    },
    close: () => (closing ??= (async () => {
      await Promise.allSettled([...closeListeners].map(async (listener) => listener()));
      closeListeners.clear();
      await pool.end();
    })()),
  };
}
