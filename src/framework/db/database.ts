import pg from 'pg';
import { commonErrors } from '../errors/index.ts';

export type Queryable = Pick<pg.PoolClient, 'query'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The platform's own tenant id: rows of the platform itself (tenants, system admins) carry it. */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export type TransactionOptions = {
  /** Scopes row-level security to one tenant for the whole transaction (`SET LOCAL app.tenant_id`). */
  tenantId?: string;
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
};

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
  ping: () => Promise<void>;
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
  if (!UUID.test(options.tenantId)) throw commonErrors.notFound('tenant');
  return `BEGIN${isolation}; SET LOCAL app.tenant_id = '${options.tenantId}'`;
}

const isConnectionError = (error: unknown): boolean => {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === '57P01' || code === '57P03' || code === '08006' || code === '08001';
};

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
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);

  const translate = (error: unknown): never => {
    if (isConnectionError(error)) throw commonErrors.unavailable('database');
    throw error;
  };

  return {
    pool,
    query: (text, values) => pool.query(text, values).catch(translate),
    async transaction(work, transactionOptions = {}) {
      const client = await pool.connect().catch(translate);
      let broken = false;
      try {
        await client.query(beginStatement(transactionOptions));
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        if (isConnectionError(error)) broken = true;
        return translate(error);
      } finally {
        client.release(broken);
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
