import type { Database } from '../../framework/db/index.ts';
import { isAppError } from '../../framework/errors/index.ts';
import type { Logger } from '../../framework/observability/index.ts';
import type { TenantCommands } from '../tenants/index.ts';
import type { UserCommands } from './commands.ts';

/**
 * Time-driven work of SPEC §3: temporarily deactivated users come back on their reactivation date,
 * deleted tenants are purged when their retention period ends. Finding what is due reads across
 * tenants (owner pool); every change is an ordinary command in its own tenant. Safe to run in
 * several processes at once: a loser of a race gets `user.not_deactivated` / `tenant.not_found`,
 * which is ignored.
 *
 * @example
 *   const { reactivated, purged } = await runDueWork({ system: ctx.db.system, users, tenants, logger });
 */
export async function runDueWork(deps: {
  system: Database;
  users: UserCommands;
  tenants: TenantCommands;
  logger: Logger;
  now?: Date;
  limit?: number;
}): Promise<{ reactivated: number; purged: number }> {
  const now = deps.now ?? new Date();
  const limit = deps.limit ?? 100;
  const actor = (correlationId: string) => ({ userId: null, correlationId });
  const expected = (error: unknown) =>
    isAppError(error) && ['user.not_deactivated', 'user.not_found', 'tenant.not_found', 'tenant.deleted', 'tenant.suspended', 'user.quota_exceeded', 'tenant.retention_not_elapsed', 'tenant.invalid_status_transition'].includes(error.code);

  let reactivated = 0;
  const users = await deps.system.query<{ tenant_id: string; user_id: string }>(
    `SELECT tenant_id, user_id FROM user_profiles WHERE status = 'deactivated' AND reactivation_date <= $1 ORDER BY reactivation_date LIMIT $2`,
    [now, limit],
  );
  for (const row of users.rows) {
    try {
      await deps.users.reactivate(row.tenant_id, row.user_id, actor(`reactivate-${row.user_id}`), true);
      reactivated++;
    } catch (error) {
      if (!expected(error)) deps.logger.error({ err: error, tenantId: row.tenant_id, userId: row.user_id }, 'automatic reactivation failed');
    }
  }

  let purged = 0;
  const tenants = await deps.system.query<{ tenant_id: string }>(
    `SELECT tenant_id FROM tenant_details WHERE status = 'deleted' AND purge_after <= $1 ORDER BY purge_after LIMIT $2`,
    [now, limit],
  );
  for (const row of tenants.rows) {
    try {
      await deps.tenants.purge(row.tenant_id, actor(`purge-${row.tenant_id}`), now);
      purged++;
    } catch (error) {
      if (!expected(error)) deps.logger.error({ err: error, tenantId: row.tenant_id }, 'tenant purge failed');
    }
  }
  return { reactivated, purged };
}
