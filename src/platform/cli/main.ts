import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { DatabaseUnreachableError } from '../database/connect.ts';
import { MigrationError } from '../database/migrate.ts';
import { startCommand } from './start.ts';
import { migrateCommand } from './migrate.ts';
import { projectionsCommand } from './projections.ts';

/** Failures an operator can fix; they print one line and exit with code 2, never a stack trace. */
const isOperatorError = (error: unknown): error is Error =>
  error instanceof ConfigError || error instanceof DatabaseUnreachableError || error instanceof MigrationError ||
  (error instanceof Error && /embedded PostgreSQL|EADDRINUSE|EACCES/.test(error.message + String((error as { code?: string }).code)));

export function buildCli(): Command {
  const program = new Command('acci')
    .description('ACCI: multi-tenant, event-sourced application platform')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(startCommand(() => loadConfig()));
  program.addCommand(migrateCommand(() => loadConfig()));
  program.addCommand(projectionsCommand(() => loadConfig()));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isOperatorError(error)) {
      const message = error.message.includes('EADDRINUSE') ? `Port in use: ${error.message}` : error.message;
      process.stderr.write(`acci: ${message}\n`);
      return 2;
    }
    process.stderr.write(`acci: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
