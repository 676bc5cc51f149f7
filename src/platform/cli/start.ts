import { Command } from 'commander';
import { exportToEnvironment, type Config } from '../config.ts';

export function startCommand(config: () => Config): Command {
  return new Command('start')
    .description('Start the server (embedded PostgreSQL unless DATABASE_URL is set); SIGTERM drains and exits 0')
    .action(async () => {
      const settings = config();
      exportToEnvironment(settings);
      // Loaded on demand so `--help` and configuration errors answer without loading the server.
      const { loggerFor, startServer } = await import('../server.ts');
      const logger = loggerFor(settings);
      const server = await startServer(settings, logger);
      process.stdout.write(
        `\nACCI is ready\n  API      ${server.url}/api/v1\n  Docs     ${server.url}/api/docs\n  OpenAPI  ${server.url}/api/openapi.json\n  Health   ${server.url}/health/ready\n  Metrics  ${server.url}/metrics\n\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          server.shutdown(signal).then(resolve, (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
