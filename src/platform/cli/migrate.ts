import { Command } from 'commander';
import pg from 'pg';
import type { Config } from '../config.ts';
import { connectDatabases } from '../database/connect.ts';
import { migrationStatus, migrateUp } from '../database/migrate.ts';
import { createLogger } from '../../framework/observability/index.ts';

async function withOwner<T>(config: Config, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, format: config.logFormat });
  const databases = await connectDatabases(config, logger, { migrate: false, verifyApp: false });
  const client = new pg.Client({ connectionString: databases.ownerUrl });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
    await databases.close();
  }
}

export function migrateCommand(config: () => Config): Command {
  const command = new Command('migrate').description('Database migrations');
  command
    .command('up', { isDefault: true })
    .description('Apply every pending migration (refuses if an applied file changed)')
    .action(async () => {
      const applied = await withOwner(config(), (client) => migrateUp(client));
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'nothing to apply: database is up to date\n');
    });
  command
    .command('status')
    .description('List migrations and whether each is applied, pending or changed')
    .action(async () => {
      const states = await withOwner(config(), (client) => migrationStatus(client));
      for (const s of states) {
        process.stdout.write(`${s.state.padEnd(8)} ${s.name}${s.appliedAt ? `  ${s.appliedAt.toISOString()}` : ''}\n`);
      }
    });
  return command;
}
