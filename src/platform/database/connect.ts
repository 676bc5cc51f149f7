import pg from 'pg';
import { createDatabase, type Database } from '../../framework/db/index.ts';
import { redactUrl, type Logger } from '../../framework/observability/index.ts';
import { ConfigError, type Config } from '../config.ts';
import { EmbeddedPortInUseError, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';
import { ensureRuntimeRole, RUNTIME_ROLE } from './roles.ts';
import { MigrationError, migrateUp, migrationStatus } from './migrate.ts';
import { join, resolve } from 'node:path';

/** Raised when the database cannot be reached at start; the CLI turns it into one line and exit 2. */
export class DatabaseUnreachableError extends Error {
  constructor(readonly setting: string, url: string, cause: unknown, detail?: string) {
    super(`Database unreachable: ${setting}=${redactUrl(url)}${detail ? ` ${detail}` : ''} (${(cause as Error)?.message ?? String(cause)})`);
    this.name = 'DatabaseUnreachableError';
  }
}

export type Databases = {
  /** Runtime role, row-level security applies: every request goes through this one. */
  app: Database;
  /** Owner role, for the platform's own work (migrations, projections, jobs); never reachable from a request. */
  system: Database;
  ownerUrl: string;
  embedded?: EmbeddedPostgres;
  close: () => Promise<void>;
};

const EMBEDDED_DATABASE = 'acci';

async function connectOnce(url: string, setting: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnreachableError(setting, url, error);
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = await connectOnce(adminUrl, 'embedded PostgreSQL');
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

function withUser(url: string, user: string, database?: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = '';
  if (database) parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Brings up the database side of the platform: the embedded PostgreSQL when no DATABASE_URL is
 * set, the runtime role, every pending migration, and the two pools. Unless `verifyApp` is false
 * (commands that only use the owner), the runtime pool must connect too: a wrong DATABASE_APP_URL
 * (unknown role, bad password) fails here, naming the setting, instead of on every request.
 */
export async function connectDatabases(config: Config, logger: Logger, options: { migrate?: boolean; verifyApp?: boolean; requireSchema?: boolean } = {}): Promise<Databases> {
  let embedded: EmbeddedPostgres | undefined;
  let ownerUrl: string;
  let setting = 'DATABASE_URL';
  if (config.databaseUrl) {
    ownerUrl = config.databaseUrl;
  } else {
    setting = 'embedded PostgreSQL';
    const pgLog = logger.child({ component: 'postgres' });
    try {
      embedded = await startEmbeddedPostgres({
        baseDir: resolve(config.dataDir),
        port: config.embeddedPgPort,
        onLog: (line) => pgLog.debug(line.trim()),
        restartOnCrash: true,
        onCrash: (line) => pgLog.error(line),
      });
    } catch (error) {
      if (error instanceof EmbeddedPortInUseError) throw new ConfigError('ACCI_EMBEDDED_PG_PORT', `${error.message}: choose a free port for this server's embedded PostgreSQL`);
      throw error;
    }
    await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
    ownerUrl = withUser(embedded.adminUrl, 'postgres', EMBEDDED_DATABASE);
    logger.info({ dataDirectory: embedded.dataDirectory, port: embedded.port }, 'embedded PostgreSQL running');
  }

  try {
    const owner = await connectOnce(ownerUrl, setting);
    try {
      await ensureRuntimeRole(owner, { login: Boolean(embedded) });
      if (options.migrate !== false) {
        const applied = await migrateUp(owner);
        if (applied.length > 0) logger.info({ applied }, 'migrations applied');
      } else if (options.requireSchema) {
        // A command that reads the schema on a database never migrated (a fresh data directory)
        // says what to do instead of failing on a missing table.
        const pending = (await migrationStatus(owner)).filter((m) => m.state === 'pending');
        if (pending.length > 0) {
          throw new MigrationError(`the database has ${pending.length} pending migration(s) (first: ${pending[0]!.name}): run \`acci migrate\` or start the server once`);
        }
      }
    } finally {
      await owner.end();
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const poolSize = config.databasePoolSize;
  const system = createDatabase({ connectionString: ownerUrl, max: Math.max(2, Math.ceil(poolSize / 4)), applicationName: 'acci-system' });
  const app = config.databaseAppUrl
    ? createDatabase({ connectionString: config.databaseAppUrl, max: poolSize, applicationName: 'acci' })
    : embedded
      ? createDatabase({ connectionString: withUser(ownerUrl, RUNTIME_ROLE), max: poolSize, applicationName: 'acci' })
      : createDatabase({ connectionString: ownerUrl, role: RUNTIME_ROLE, max: poolSize, applicationName: 'acci' });

  const close = async () => {
    await Promise.allSettled([app.close(), system.close()]);
    await embedded?.stop();
  };
  if (options.verifyApp !== false) {
    try {
      // pool.query, not app.ping(): the raw error ("role … does not exist") goes into the message.
      await app.pool.query('SELECT 1');
    } catch (error) {
      await close();
      const appSetting = config.databaseAppUrl ? 'DATABASE_APP_URL' : setting;
      const appUrl = config.databaseAppUrl ?? (embedded ? withUser(ownerUrl, RUNTIME_ROLE) : ownerUrl);
      throw new DatabaseUnreachableError(appSetting, appUrl, error, config.databaseAppUrl ? undefined : `as the runtime role ${RUNTIME_ROLE}`);
    }
  }

  return {
    app,
    system,
    ownerUrl,
    ...(embedded ? { embedded } : {}),
    close,
  };
}

export const mailDirectory = (config: Config) => join(resolve(config.dataDir), 'mail');
