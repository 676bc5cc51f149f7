import { Command } from 'commander';
import { ConfigError, SETTINGS, type Config } from '../config.ts';
import { createLogger } from '../../framework/observability/index.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `acci admin create`: the same idempotent bootstrap as the first start with ACCI_ADMIN_*. */
export function adminCommand(config: () => Config): Command {
  const command = new Command('admin').description('Platform administrators');
  command
    .command('create')
    .description('Create the system admin if none exists (idempotent); an existing admin keeps its password')
    .option('--email <email>', 'e-mail of the system admin (default: ACCI_ADMIN_EMAIL)')
    .option('--password-stdin', 'read the password from standard input (default: ACCI_ADMIN_PASSWORD)')
    .action(async (options: { email?: string; passwordStdin?: boolean }) => {
      const settings = config();
      const email = options.email ?? settings.adminEmail;
      if (!email) throw new ConfigError(SETTINGS.adminEmail.env, 'or --email is required');
      SETTINGS.adminEmail.parse(email, '--email');
      const password = options.passwordStdin ? await readStdin() : settings.adminPassword;
      if (!password) throw new ConfigError(SETTINGS.adminPassword.env, 'or --password-stdin is required');

      const [{ connectDatabases }, { buildApp }, { ensureSystemAdminWithPassword }] = await Promise.all([
        import('../database/connect.ts'), import('../app.ts'), import('../bootstrap.ts'),
      ]);
      const logger = createLogger({ level: 'warn', format: settings.logFormat });
      const databases = await connectDatabases(settings, logger);
      try {
        const app = await buildApp({ logger, db: { app: databases.app, system: databases.system } });
        try {
          const result = await ensureSystemAdminWithPassword(app.context, { email, password });
          process.stdout.write(result.created ? `created system admin ${email} (${result.userId})\n` : `system admin already exists (${result.userId}); nothing changed\n`);
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
