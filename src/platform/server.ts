import { createLogger, type Logger } from '../framework/observability/index.ts';
import type { Config } from './config.ts';
import { connectDatabases, type Databases } from './database/connect.ts';
import { buildApp, type App } from './app.ts';
import type { AcciModule } from '../framework/module.ts';

export type RunningServer = {
  app: App;
  databases: Databases;
  url: string;
  /** Stop accepting, drain in-flight requests, stop background work, close pools, stop PostgreSQL. */
  shutdown: (reason: string) => Promise<void>;
};

export function loggerFor(config: Config): Logger {
  return createLogger({ level: config.logLevel, format: config.logFormat });
}

export async function startServer(
  config: Config,
  logger: Logger = loggerFor(config),
  options: { modules?: readonly AcciModule[] } = {},
): Promise<RunningServer> {
  const started = performance.now();
  const databases = await connectDatabases(config, logger);
  let app: App;
  try {
    app = await buildApp({
      logger,
      db: { app: databases.app, system: databases.system },
      trustProxy: config.trustProxy,
      bodyLimit: config.bodyLimit,
      ...(options.modules ? { modules: options.modules } : {}),
    });
    await app.http.listen({ port: config.port, host: config.host });
    await app.startBackground();
  } catch (error) {
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
