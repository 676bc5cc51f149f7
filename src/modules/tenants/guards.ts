import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import type { Transaction } from '../../framework/eventstore/index.ts';

/**
 * Write-side guards that must hold under concurrency, written in the command's own transaction:
 * uniqueness claims (a primary key, not a projection lookup) and per-tenant user counters
 * (a row locked by every user command of the tenant).
 */

export type ClaimScope = 'tenant.slug' | 'tenant.custom_domain' | 'user.email';

/** Runs `work` with row-level security scoped to another tenant, then restores the transaction's tenant. */
export async function asTenant<T>(tx: Transaction, tenantId: string, work: () => Promise<T>): Promise<T> {
  const previous = await tx.query<{ t: string | null }>(`SELECT current_setting('app.tenant_id', true) AS t`);
  await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
  try {
    return await work();
  } finally {
    await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [previous.rows[0]?.t ?? '']);
  }
}

/**
 * Claims `value` in `scope` for `ownerId`; false when someone else holds it. A concurrent claim of
 * the same value waits for the first transaction and then sees its row.
 *
 * @example
 *   if (!(await claim(tx, tenantId, 'user.email', email.toLowerCase(), userId))) throw userErrors.emailTaken();
 */
export async function claim(tx: Transaction, tenantId: string, scope: ClaimScope, value: string, ownerId: string): Promise<boolean> {
  const result = await tx.query<{ owner_id: string }>(
    `INSERT INTO unique_claims AS c (tenant_id, scope, value, owner_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, scope, value) DO UPDATE SET owner_id = c.owner_id WHERE c.owner_id = $4
     RETURNING owner_id`,
    [tenantId, scope, value, ownerId],
  );
  return result.rowCount === 1;
}

export async function release(tx: Transaction, tenantId: string, scope: ClaimScope, value: string, ownerId: string): Promise<void> {
  await tx.query('DELETE FROM unique_claims WHERE tenant_id = $1 AND scope = $2 AND value = $3 AND owner_id = $4', [tenantId, scope, value, ownerId]);
}

/** Who holds a claim (null: free). */
export async function claimOwner(tx: Transaction, tenantId: string, scope: ClaimScope, value: string): Promise<string | null> {
  const result = await tx.query<{ owner_id: string }>('SELECT owner_id FROM unique_claims WHERE tenant_id = $1 AND scope = $2 AND value = $3', [tenantId, scope, value]);
  return result.rows[0]?.owner_id ?? null;
}

/** Platform-wide claims (slug, custom domain) live under the platform tenant. */
export const claimGlobal = (tx: Transaction, scope: ClaimScope, value: string, ownerId: string) =>
  asTenant(tx, PLATFORM_TENANT_ID, () => claim(tx, PLATFORM_TENANT_ID, scope, value, ownerId));
export const releaseGlobal = (tx: Transaction, scope: ClaimScope, value: string, ownerId: string) =>
  asTenant(tx, PLATFORM_TENANT_ID, () => release(tx, PLATFORM_TENANT_ID, scope, value, ownerId));

export type TenantCounters = { seats: number; admins: number; activeMembers: number };

/**
 * Locks the tenant's counter row until the transaction ends (creating it when missing) and returns it.
 * Every user command of a tenant goes through here first, so seat and admin rules see exact figures.
 */
export async function lockCounters(tx: Transaction, tenantId: string): Promise<TenantCounters> {
  const result = await tx.query<{ seats: number; admins: number; active_members: number }>(
    `INSERT INTO tenant_user_counters AS c (tenant_id) VALUES ($1)
     ON CONFLICT (tenant_id) DO UPDATE SET seats = c.seats
     RETURNING seats, admins, active_members`,
    [tenantId],
  );
  const row = result.rows[0]!;
  return { seats: row.seats, admins: row.admins, activeMembers: row.active_members };
}

/** Applies a change to the counters (the row is already locked by `lockCounters`). */
export async function adjustCounters(tx: Transaction, tenantId: string, delta: TenantCounters): Promise<void> {
  if (delta.seats === 0 && delta.admins === 0 && delta.activeMembers === 0) return;
  await tx.query(
    'UPDATE tenant_user_counters SET seats = seats + $2, admins = admins + $3, active_members = active_members + $4 WHERE tenant_id = $1',
    [tenantId, delta.seats, delta.admins, delta.activeMembers],
  );
}
