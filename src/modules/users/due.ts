import type { Database } from '../../framework/db/index.ts';
import { isAppError } from '../../framework/errors/index.ts';
import type { Logger } from '../../framework/observability/index.ts';
import type { TenantCommands } from '../tenants/index.ts';
import type { UserCommands } from './commands.ts';

/**
 * Time-driven work of SPEC §3: temporarily deactivated users come back on their reactivation date,
 * deleted tenants are purged when their retention period ends, and self-service registrations not
 * confirmed in time expire (seat and address freed). Finding what is due reads across tenants
 * (owner pool); every change is an ordinary command in its own tenant. Safe to run in several
 * processes at once: a loser of a race gets `user.not_deactivated` / `user.registration_not_expired`
 * / `tenant.not_found`, which is ignored.
 *
 * @example
 *   const { reactivated, purged, expired } = await runDueWork({ system: ctx.db.system, users, tenants, logger });
 */
export async function runDueWork(deps: {
  system: Database;
  users: UserCommands;
  tenants: TenantCommands;
  logger: Logger;
  now?: Date;
  limit?: number;
}): Promise<{ reactivated: number; purged: number; expired: number }> {
  const now = deps.now ?? new Date();
  const limit = deps.limit ?? 100;
  const actor = (correlationId: string) => ({ userId: null, correlationId });
  const expected = (error: unknown) =>
    isAppError(error) && ['user.not_deactivated', 'user.not_found', 'tenant.not_found', 'tenant.deleted', 'tenant.suspended', 'user.quota_exceeded', 'tenant.retention_not_elapsed', 'tenant.invalid_status_transition', 'user.registration_not_expired'].includes(error.code);

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

  // Last, and page after page: registrations can pile up faster than `limit` a minute (a seat-filling
  // attack), and the set is finite (deadlines up to `now`).
  let expired = 0;
  let after: { confirmBy: Date; userId: string } | null = null;
  for (;;) {
    const page: { rows: { tenant_id: string; user_id: string; confirm_by: Date }[] } = await deps.system.query(
      `SELECT p.tenant_id, p.user_id, p.confirm_by FROM user_profiles p
        WHERE p.confirm_by <= $1 AND ($3::timestamptz IS NULL OR (p.confirm_by, p.user_id) > ($3, $4::uuid))
          AND NOT EXISTS (SELECT 1 FROM tenant_gates g WHERE g.tenant_id = p.tenant_id AND g.status = 'deleted')
        ORDER BY p.confirm_by, p.user_id LIMIT $2`,
      [now, limit, after?.confirmBy ?? null, after?.userId ?? null],
    );
    for (const row of page.rows) {
      try {
        await deps.users.expireRegistration(row.tenant_id, row.user_id, actor(`expire-registration-${row.user_id}`), now);
        expired++;
      } catch (error) {
        if (!expected(error)) deps.logger.error({ err: error, tenantId: row.tenant_id, userId: row.user_id }, 'registration expiry failed');
      }
    }
    const last = page.rows.at(-1);
    if (!last || page.rows.length < limit) break;
    after = { confirmBy: last.confirm_by, userId: last.user_id };
  }
  return { reactivated, purged, expired };
}
