import type { Database } from '../../framework/db/index.ts';
import type { Transaction } from '../../framework/eventstore/index.ts';
import type { User, UserRole, UserStatus } from './domain.ts';
import { isUuid } from '../../framework/validation/index.ts';

type UserRow = {
  user_id: string; tenant_id: string; email: string; display_name: string | null; role: string; status: string;
  metadata: Record<string, unknown>; created_at: Date; updated_at: Date; last_login: Date | null; email_confirmed: boolean;
};
const COLUMNS = 'user_id, tenant_id, email, display_name, role, status, metadata, created_at, updated_at, last_login, email_confirmed';

export const toUser = (row: UserRow): User => ({
  id: row.user_id,
  userId: row.user_id,
  tenantId: row.tenant_id,
  email: row.email,
  displayName: row.display_name,
  role: row.role as UserRole,
  status: row.status as UserStatus,
  metadata: row.metadata,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  lastLogin: row.last_login?.toISOString() ?? null,
});


const profileRow = async (tx: Pick<Transaction, 'query'>, tenantId: string, userId: string): Promise<UserRow | undefined> =>
  (await tx.query<UserRow>(`SELECT ${COLUMNS} FROM user_profiles WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId])).rows[0];

/** One user, inside the caller's transaction (tenant set). */
export async function readUser(tx: Transaction, tenantId: string, userId: string): Promise<User | null> {
  const row = await profileRow(tx, tenantId, userId);
  return row ? toUser(row) : null;
}

/** One user of a tenant (read in the tenant's row-level-security scope); null when unknown. */
export async function getUser(db: Database, tenantId: string, userId: string): Promise<User | null> {
  if (!isUuid(userId)) return null;
  const row = await db.transaction((tx) => profileRow(tx, tenantId, userId), { tenantId });
  return row ? toUser(row) : null;
}

/** What sign-in needs: the user (status, role) and whether the e-mail is confirmed. */
export type LoginUser = User & { emailConfirmed: boolean };

/** `getUser` with `emailConfirmed`, for the auth module (the public `User` does not show it). */
export async function getLoginUser(db: Database, tenantId: string, userId: string): Promise<LoginUser | null> {
  if (!isUuid(userId)) return null;
  const row = await db.transaction((tx) => profileRow(tx, tenantId, userId), { tenantId });
  return row ? { ...toUser(row), emailConfirmed: row.email_confirmed } : null;
}

/**
 * The user of `tenantId` with this e-mail (case-insensitive), for sign-in; null when none.
 *
 * @example
 *   const user = await findUserForLogin(db, tenantId, 'Ada@Example.org');
 *   if (!user || user.status !== 'active') ...
 */
export async function findUserForLogin(db: Database, tenantId: string, email: string): Promise<LoginUser | null> {
  // One round trip (migration 0046): the function scopes row-level security to the tenant itself.
  const result = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users_login_profile($1, $2)`, [tenantId, email.trim()]);
  const row = result.rows[0];
  return row ? { ...toUser(row), emailConfirmed: row.email_confirmed } : null;
}

export type UserListQuery = {
  page: number;
  pageSize: number;
  sortBy?: 'email' | 'displayName' | 'createdAt' | 'updatedAt' | 'role' | 'status' | 'lastLogin';
  sortOrder?: 'asc' | 'desc';
  status?: UserStatus;
  role?: string;
  email?: string;
};

const USER_SORT: Record<NonNullable<UserListQuery['sortBy']>, string> = {
  email: 'email_lower', displayName: 'display_name', createdAt: 'created_at', updatedAt: 'updated_at', role: 'role', status: 'status', lastLogin: 'last_login',
};

/** A page of a tenant's users with filters (status, role, e-mail prefix) and sorting. */
export async function listUsers(db: Database, tenantId: string, query: UserListQuery): Promise<{ items: User[]; total: number }> {
  const values: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  if (query.status) { values.push(query.status); where.push(`status = $${values.length}`); }
  if (query.role) { values.push(query.role); where.push(`role = $${values.length}`); }
  if (query.email) { values.push(`${query.email.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`); where.push(`email_lower LIKE $${values.length}`); }
  const order = `${USER_SORT[query.sortBy ?? 'createdAt']} ${query.sortOrder === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, user_id`;
  const filterValues = [...values];
  values.push(query.pageSize, (query.page - 1) * query.pageSize);
  return db.transaction(async (tx) => {
    const rows = await tx.query<UserRow>(`SELECT ${COLUMNS} FROM user_profiles WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${values.length - 1} OFFSET $${values.length}`, values);
    const count = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM user_profiles WHERE ${where.join(' AND ')}`, filterValues);
    return { items: rows.rows.map(toUser), total: Number(count.rows[0]?.n ?? 0) };
  }, { tenantId });
}
