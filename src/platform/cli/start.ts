import { Command } from 'commander';
import { exportToEnvironment, type Config } from '../config.ts';

export function startCommand(config: () => Config): Command {
  return new Command('start')
    .description('Start the server (embedded PostgreSQL unless DATABASE_URL is set); SIGTERM drains and exits 0')
    .action(async () => {
      const settings = config();
      exportToEnvironment(settings);
      // Signals are taken from here on: the server answers /health/ready as soon as it listens,
      // before its start completes, so a supervisor may stop it then. The signal ends the server
      // once it is up (embedded PostgreSQL stopped, exit 0) instead of killing the process mid-start.
      let requested: NodeJS.Signals | undefined;
      let signalled: (signal: NodeJS.Signals) => void = (signal) => { requested = signal; };
      const onSignal = (signal: NodeJS.Signals) => signalled(signal);
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
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
        if (requested) stop(requested);
        else signalled = stop;
      });
    });
}
