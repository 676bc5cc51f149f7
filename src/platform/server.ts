import { createLogger, type Logger } from '../framework/observability/index.ts';
import { ConfigError, type Config } from './config.ts';
import { connectDatabases, type Databases } from './database/connect.ts';
import { buildApp, type App } from './app.ts';
import { assertBootstrapPassword, ensureSystemAdminWithPassword } from './bootstrap.ts';
import type { AcciModule } from '../framework/module.ts';

export type RunningServer = {
  app: App;
  databases: Databases;
  url: string;
  /** Stop accepting, drain in-flight requests, stop background work, close pools, stop PostgreSQL. */
  shutdown: (reason: string) => Promise<void>;
};

/** The HTTP server could not listen; names PORT or HOST with the reason (one line, exit code 2). */
export class ListenError extends ConfigError {
  constructor(setting: 'PORT' | 'HOST', message: string) {
    super(setting, message);
    this.name = 'ListenError';
    this.message = `Cannot listen: ${message}`;
  }
}

/**
 * Turns a failed `listen` into a ListenError naming the setting to change; other errors pass through.
 *
 * @example
 *   listenError({ code: 'EADDRINUSE' }, { port: 8080, host: '0.0.0.0' }); // PORT=8080 is already in use on 0.0.0.0 (EADDRINUSE)
 */
export function listenError(error: unknown, at: { port: number; host: string }): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError('PORT', `PORT=${at.port} is already in use on ${at.host} (EADDRINUSE: address in use)`);
    case 'EACCES':
      return new ListenError('PORT', `PORT=${at.port} needs privileges this process does not have (EACCES); use a port above 1023`);
    case 'EADDRNOTAVAIL':
      return new ListenError('HOST', `HOST=${at.host} is not an address of this machine (EADDRNOTAVAIL: cannot assign address)`);
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EAI_FAIL': case 'EAI_NONAME':
      return new ListenError('HOST', `HOST=${at.host} does not resolve to an address of this machine (${code})`);
    case 'EAFNOSUPPORT': case 'EINVAL':
      return new ListenError('HOST', `HOST=${at.host} cannot be listened on (${code})`);
    default:
      return error;
  }
}

export function loggerFor(config: Config): Logger {
  return createLogger({ level: config.logLevel, format: config.logFormat });
}

export async function startServer(
  config: Config,
  logger: Logger = loggerFor(config),
  options: { modules?: readonly AcciModule[] } = {},
): Promise<RunningServer> {
  const started = performance.now();
  // Checked before anything is written: a refused password must not leave an admin without one.
  if (config.adminPassword) assertBootstrapPassword(config.adminPassword, 'ACCI_ADMIN_PASSWORD');
  const databases = await connectDatabases(config, logger);
  let app: App | undefined;
  try {
    app = await buildApp({
      logger,
      db: { app: databases.app, system: databases.system },
      trustProxy: config.trustProxy,
      bodyLimit: config.bodyLimit,
      ...(options.modules ? { modules: options.modules } : {}),
    });
    if (config.adminEmail && config.adminPassword) {
      const admin = await ensureSystemAdminWithPassword(app.context, { email: config.adminEmail, password: config.adminPassword });
      if (admin.outcome === 'conflict') logger.warn({ userId: admin.userId }, `ACCI_ADMIN_EMAIL ignored: ${admin.reason}`);
      else logger.info({ userId: admin.userId, outcome: admin.outcome }, admin.outcome === 'created' ? 'system admin created' : 'system admin present');
    }
    try {
      await app.http.listen({ port: config.port, host: config.host });
    } catch (error) {
      throw listenError(error, { port: config.port, host: config.host });
    }
    await app.startBackground();
  } catch (error) {
    // Every failure path stops what already runs (listeners, timers, workers) and closes the pools,
    // so the process ends with the error instead of lingering.
    if (app) {
      await app.http.close().catch(() => undefined);
      await app.stopBackground().catch((stopError: unknown) => logger.warn({ err: stopError }, 'stopping background work after a failed start failed'));
    }
    await databases.close();
    throw error;
  }

  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  logger.info({ url, startupMs: Math.round(performance.now() - started), embedded: Boolean(databases.embedded) }, 'ACCI ready');

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) => (stopping ??= (async () => {
    logger.info({ reason }, 'shutting down: draining requests');
    app.markShuttingDown();
    const forced = setTimeout(() => {
      logger.warn({ timeoutMs: config.shutdownTimeoutMs }, 'drain timed out: closing remaining connections');
      app.http.server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    forced.unref();
    await app.http.close();
    clearTimeout(forced);
    await app.stopBackground();
    await databases.close();
    logger.info('shutdown complete');
  })());

  return { app, databases, url, shutdown };
}
