import { Command, CommanderError } from 'commander';
import { isAppError } from '../../framework/errors/index.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { DatabaseUnreachableError } from '../database/connect.ts';
import { MigrationError } from '../database/migrate.ts';
import { startCommand } from './start.ts';
import { migrateCommand } from './migrate.ts';
import { projectionsCommand } from './projections.ts';
import { adminCommand } from './admin.ts';
import { tenantsCommand } from './tenants.ts';

/** Failures an operator can fix; they print one line and exit with code 2, never a stack trace. */
const isOperatorError = (error: unknown): error is Error =>
  error instanceof ConfigError || error instanceof DatabaseUnreachableError || error instanceof MigrationError ||
  (error instanceof Error && /embedded PostgreSQL|EADDRINUSE|EACCES/.test(error.message + String((error as { code?: string }).code)));

export function buildCli(): Command {
  const program = new Command('acci')
    .description('ACCI: multi-tenant, event-sourced application platform')
    .version('0.1.0');
  program.addCommand(startCommand(() => loadConfig()));
  program.addCommand(migrateCommand(() => loadConfig()));
  program.addCommand(projectionsCommand(() => loadConfig()));
  program.addCommand(adminCommand(() => loadConfig()));
  program.addCommand(tenantsCommand(() => loadConfig()));
  // Commands made with `new Command` do not inherit these: without them a bad option of a
  // subcommand (`tenants list --status bogus`) would exit 1 from inside commander.
  const configure = (command: Command): void => {
    command.exitOverride().showHelpAfterError();
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    // A command that refused without throwing (unknown projection, admin conflict) set the code.
    return Number(process.exitCode ?? 0) || 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isAppError(error)) {
      const { translations } = await import('../app.ts');
      process.stderr.write(`acci: ${translations().format('en', error.code, error.params)} (${error.code})\n`);
      return 2;
    }
    if (isOperatorError(error)) {
      const message = error.message.includes('EADDRINUSE') && !(error instanceof ConfigError) ? `Port in use: ${error.message}` : error.message;
      process.stderr.write(`acci: ${message}\n`);
      return 2;
    }
    process.stderr.write(`acci: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
