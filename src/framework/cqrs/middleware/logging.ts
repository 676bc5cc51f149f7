import { isAppError } from '../../errors/index.ts';
import type { Logger, Metrics } from '../../observability/index.ts';
import type { CommandMiddleware } from '../command-bus.ts';

/**
 * Outermost middleware: one log line per command (type, command id, tenant, actor, duration,
 * outcome or error code — never the payload, which may hold secrets) and, with `metrics`,
 * `acci_commands_total{type,outcome}` and `acci_command_duration_seconds{type}`.
 *
 * @example
 *   createCommandBus({ middleware: [loggingMiddleware({ logger, metrics }), ...] });
 */
export function loggingMiddleware(options: { logger: Logger; metrics?: Metrics }): CommandMiddleware {
  const { logger, metrics } = options;
  const total = metrics?.counter('acci_commands_total', 'Commands executed by type and outcome', ['type', 'outcome']);
  const duration = metrics?.histogram('acci_command_duration_seconds', 'Command duration', ['type'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);

  return {
    name: 'logging',
    async handle(execution, next) {
      const { command } = execution;
      const started = performance.now();
      const fields = {
        commandType: command.type,
        commandId: command.commandId,
        tenantId: command.tenantId,
        userId: command.principal?.userId ?? null,
        correlationId: command.correlationId,
      };
      const finish = (outcome: string, extra: Record<string, unknown>) => {
        const seconds = (performance.now() - started) / 1000;
        total?.inc({ type: command.type, outcome });
        duration?.observe({ type: command.type }, seconds);
        return { ...fields, ...extra, outcome, durationMs: Math.round(seconds * 10_000) / 10 };
      };
      try {
        const result = await next(execution);
        const outcome = execution.outcome.replayed ? 'replayed' : 'ok';
        logger.info(finish(outcome, {}), 'command executed');
        return result;
      } catch (error) {
        if (isAppError(error) && error.status < 500) {
          logger.info(finish('rejected', { errorCode: error.code }), 'command rejected');
        } else {
          logger.error(finish('failed', { err: error }), 'command failed');
        }
        throw error;
      }
    },
  };
}
