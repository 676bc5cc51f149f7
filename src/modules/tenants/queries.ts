import { PLATFORM_TENANT_ID, type Database } from '../../framework/db/index.ts';
import type { Tenant, TenantSettings, SubscriptionPlan, TenantStatus } from './domain.ts';
import { readGate } from './guards.ts';
import { isUuid } from '../../framework/validation/index.ts';

type TenantRow = {
  tenant_id: string; name: string; slug: string; subscription_plan: string; admin_email: string; metadata: Record<string, unknown>;
  settings: TenantSettings; status: string; created_at: Date; updated_at: Date;
};

const COLUMNS = 'tenant_id, name, slug, subscription_plan, admin_email, metadata, settings, status, created_at, updated_at';

export const toTenant = (row: TenantRow): Tenant => ({
  id: row.tenant_id,
  tenantId: row.tenant_id,
  name: row.name,
  slug: row.slug,
  subscriptionPlan: row.subscription_plan as SubscriptionPlan,
  adminEmail: row.admin_email,
  metadata: row.metadata,
  settings: row.settings,
  status: row.status as TenantStatus,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** One tenant, read in its own row-level-security scope; null when unknown (or purged). */
export async function getTenant(db: Database, tenantId: string): Promise<Tenant | null> {
  const rows = await db.transaction((tx) => tx.query<TenantRow>(`SELECT ${COLUMNS} FROM tenant_details WHERE tenant_id = $1`, [tenantId]), { tenantId });
  return rows.rows[0] ? toTenant(rows.rows[0]) : null;
}

/**
 * Finds a tenant by id, slug or custom domain through the tenant directory (readable from the
 * platform scope). Deleted tenants are returned too: callers check `status`.
 *
 * @example
 *   await findTenant(db, { slug: 'acme' });
 *   await findTenant(db, { customDomain: 'login.acme.com' });
 */
export async function findTenant(db: Database, by: { id?: string; slug?: string; customDomain?: string; idOrSlug?: string }): Promise<Tenant | null> {
  let where: string;
  let value: string;
  if (by.idOrSlug !== undefined) {
    // No slug has the shape of a UUID (`isReservedSlug`), so the two readings never overlap.
    return isUuid(by.idOrSlug) ? findTenant(db, { id: by.idOrSlug }) : findTenant(db, { slug: by.idOrSlug.toLowerCase() });
  } else if (by.id !== undefined) {
    if (!isUuid(by.id)) return null;
    where = 'tenant_id = $1'; value = by.id;
  } else if (by.slug !== undefined) {
    where = 'slug = $1'; value = by.slug.toLowerCase();
  } else if (by.customDomain !== undefined) {
    where = 'custom_domain = $1'; value = by.customDomain.toLowerCase().replace(/\.$/, '').replace(/:\d+$/, '');
  } else {
    return null;
  }
  const rows = await db.transaction((tx) => tx.query<TenantRow>(`SELECT ${COLUMNS} FROM tenant_details WHERE ${where} AND status <> 'purged' LIMIT 1`, [value]), { tenantId: PLATFORM_TENANT_ID });
  return rows.rows[0] ? toTenant(rows.rows[0]) : null;
}

export type TenantListQuery = {
  page: number;
  pageSize: number;
  sortBy?: 'name' | 'slug' | 'createdAt' | 'updatedAt' | 'status' | 'subscriptionPlan';
  sortOrder?: 'asc' | 'desc';
  status?: TenantStatus;
  plan?: string;
};

const TENANT_SORT: Record<NonNullable<TenantListQuery['sortBy']>, string> = {
  name: 'name', slug: 'slug', createdAt: 'created_at', updatedAt: 'updated_at', status: 'status', subscriptionPlan: 'subscription_plan',
};

/** Every tenant (system admins): the directory, read from the platform scope. */
export async function listTenants(db: Database, query: TenantListQuery): Promise<{ items: Tenant[]; total: number }> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (query.status) { values.push(query.status); where.push(`status = $${values.length}`); }
  if (query.plan) { values.push(query.plan); where.push(`subscription_plan = $${values.length}`); }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const order = `${TENANT_SORT[query.sortBy ?? 'createdAt']} ${query.sortOrder === 'desc' ? 'DESC' : 'ASC'}, tenant_id`;
  values.push(query.pageSize, (query.page - 1) * query.pageSize);
  const result = await db.transaction((tx) => tx.query<TenantRow & { total: string }>(
    `SELECT ${COLUMNS}, count(*) OVER () AS total FROM tenant_details ${filter} ORDER BY ${order} LIMIT $${values.length - 1} OFFSET $${values.length}`, values,
  ), { tenantId: PLATFORM_TENANT_ID });
  const total = result.rows[0] ? Number(result.rows[0].total) : await countTenants(db, filter, values.slice(0, -2));
  return { items: result.rows.map(toTenant), total };
}

async function countTenants(db: Database, filter: string, values: unknown[]): Promise<number> {
  const result = await db.transaction((tx) => tx.query<{ n: string }>(`SELECT count(*) AS n FROM tenant_details ${filter}`, values), { tenantId: PLATFORM_TENANT_ID });
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * A tenant's seats as the seat limit is enforced (`applySeatDelta`): `used` counts the users
 * holding a seat (invited, active or locked; deactivated users hold none), `limit` is the seat
 * limit (`settings.maxUsers` capped by the plan). Read from the write-side gate, so exact and
 * never behind; null for an unknown tenant. This, not `TenantMetrics.totalUsers` (every user ever
 * registered), is what usage reports show against the limit.
 *
 * @example
 *   const seats = await getSeatUsage(db, tenantId); // { used: 2, limit: 2 }
 */
export type SeatUsage = { used: number; limit: number };

export async function getSeatUsage(db: Database, tenantId: string): Promise<SeatUsage | null> {
  const gate = await db.transaction((tx) => readGate(tx, tenantId), { tenantId });
  return gate ? { used: gate.seats, limit: gate.seatLimit } : null;
}

/**
 * Users and activity (projection tenant_metrics) and stored bytes (projection tenant_storage).
 * `totalUsers`: every user registered in the tenant, deactivated ones included (the seeds'
 * `tenant.metrics`); the seats in use against the limit are `getSeatUsage`.
 */
export type TenantMetrics = { tenantId: string; totalUsers: number; activeUsers: number; lastActivity: string | null; storageBytes: number };

type MetricsRow = { total_users: number | null; active_users: number | null; last_activity: Date | null; storage_bytes: string | null };

export async function getTenantMetrics(db: Database, tenantId: string): Promise<TenantMetrics | null> {
  const result = await db.transaction((tx) => tx.query<MetricsRow>(
    `SELECT m.total_users, m.active_users, m.last_activity, s.bytes AS storage_bytes
       FROM (SELECT $1::uuid AS tenant_id) t
       LEFT JOIN tenant_metrics m ON m.tenant_id = t.tenant_id
       LEFT JOIN tenant_storage s ON s.tenant_id = t.tenant_id
      WHERE m.tenant_id IS NOT NULL OR s.tenant_id IS NOT NULL`, [tenantId],
  ), { tenantId });
  const row = result.rows[0];
  return row
    ? { tenantId, totalUsers: row.total_users ?? 0, activeUsers: row.active_users ?? 0, lastActivity: row.last_activity?.toISOString() ?? null, storageBytes: Number(row.storage_bytes ?? 0) }
    : null;
}
