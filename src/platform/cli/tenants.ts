import { Command, Option } from 'commander';
import type { Config } from '../config.ts';
import { connectDatabases } from '../database/connect.ts';
import { createLogger } from '../../framework/observability/index.ts';

const STATUSES = ['active', 'suspended', 'deleted'] as const;
const PAGE = 500;

/** Pads every column to its widest cell; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n');
}

/**
 * `acci tenants list [--status S] [--json]`: every tenant from the tenant directory (read model
 * `tenant_details`, read as the owner like `acci migrate status`), oldest first. A table of id, slug,
 * name, plan, status and creation time, or with `--json` one JSON object per line (the tenant as
 * `GET /api/v1/tenants/{id}` answers it).
 */
export function tenantsCommand(config: () => Config, write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  const command = new Command('tenants').description('Tenants of this installation');
  command
    .command('list', { isDefault: true })
    .description('List tenants: id, slug, name, plan, status, created (oldest first)')
    .addOption(new Option('--status <status>', 'only tenants with this status').choices(STATUSES))
    .option('--json', 'one JSON object per line instead of a table')
    .action(async (options: { status?: (typeof STATUSES)[number]; json?: boolean }) => {
      const settings = config();
      const { listTenants } = await import('../../modules/tenants/index.ts');
      const logger = createLogger({ level: settings.logLevel === 'info' ? 'warn' : settings.logLevel, format: settings.logFormat });
      const databases = await connectDatabases(settings, logger, { migrate: false, verifyApp: false, requireSchema: true });
      try {
        const table: string[][] = [['ID', 'SLUG', 'NAME', 'PLAN', 'STATUS', 'CREATED']];
        for (let page = 1; ; page++) {
          const { items } = await listTenants(databases.system, {
            page, pageSize: PAGE, sortBy: 'createdAt', sortOrder: 'asc', ...(options.status ? { status: options.status } : {}),
          });
          for (const tenant of items) {
            if (options.json) write(`${JSON.stringify(tenant)}\n`);
            else table.push([tenant.id, tenant.slug, tenant.name, tenant.subscriptionPlan, tenant.status, tenant.createdAt]);
          }
          if (items.length < PAGE) break;
        }
        if (!options.json) write(`${formatTable(table)}\n`);
      } finally {
        await databases.close();
      }
    });
  return command;
}
