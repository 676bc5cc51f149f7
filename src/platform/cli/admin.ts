import { Command } from 'commander';
import { ConfigError, SETTINGS, type Config } from '../config.ts';
import { createLogger } from '../../framework/observability/index.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Exit code of `acci admin create` when another system admin exists: nothing was changed. */
export const ADMIN_CONFLICT_EXIT_CODE = 3;

/**
 * `acci admin create`: the same bootstrap as the first start with ACCI_ADMIN_* (src/platform/bootstrap.ts).
 * Exit codes: 0 created, or already there (its password unchanged); 2 bad input (e-mail, a password
 * the platform policy refuses: checked before anything is written) or no database;
 * 3 another system admin exists with another e-mail (nothing created, no password touched).
 */
export function adminCommand(config: () => Config): Command {
  const command = new Command('admin').description('Platform administrators');
  command
    .command('create')
    .description('Create the system admin if none exists (idempotent): an existing admin keeps its password; another admin\'s account is never touched (exit 3)')
    .option('--email <email>', 'e-mail of the system admin (default: ACCI_ADMIN_EMAIL)')
    .option('--password-stdin', 'read the password from standard input (default: ACCI_ADMIN_PASSWORD)')
    .action(async (options: { email?: string; passwordStdin?: boolean }) => {
      const settings = config();
      const email = options.email ?? settings.adminEmail;
      if (!email) throw new ConfigError(SETTINGS.adminEmail.env, 'or --email is required');
      SETTINGS.adminEmail.parse(email, '--email');
      const password = options.passwordStdin ? await readStdin() : settings.adminPassword;
      if (!password) throw new ConfigError(options.passwordStdin ? 'password from --password-stdin' : SETTINGS.adminPassword.env, options.passwordStdin ? 'is empty' : 'or --password-stdin is required');

      const [{ connectDatabases }, { buildApp }, { assertBootstrapPassword, ensureSystemAdminWithPassword }] = await Promise.all([
        import('../database/connect.ts'), import('../app.ts'), import('../bootstrap.ts'),
      ]);
      // Before connecting: a refused password never leaves an admin behind without one.
      assertBootstrapPassword(password, options.passwordStdin ? 'password from --password-stdin' : SETTINGS.adminPassword.env);
      const logger = createLogger({ level: 'warn', format: settings.logFormat });
      const databases = await connectDatabases(settings, logger);
      try {
        const app = await buildApp({ logger, db: { app: databases.app, system: databases.system } });
        try {
          const result = await ensureSystemAdminWithPassword(app.context, { email, password });
          switch (result.outcome) {
            case 'created':
              process.stdout.write(`created system admin ${email} (${result.userId})\n`);
              break;
            case 'password_set':
              process.stdout.write(`system admin ${result.email} (${result.userId}) existed without a password; password set\n`);
              break;
            case 'unchanged':
              process.stdout.write(`system admin ${result.email} already exists (${result.userId}); its password is unchanged\n`);
              break;
            case 'conflict':
              process.stderr.write(`acci: ${result.reason}\n`);
              process.exitCode = ADMIN_CONFLICT_EXIT_CODE;
              break;
          }
        } finally {
          await app.http.close();
          await app.stopBackground();
        }
      } finally {
        await databases.close();
      }
    });
  return command;
}
