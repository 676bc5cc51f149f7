import type { Database } from '../../../framework/db/index.ts';
import type { Transaction } from '../../../framework/eventstore/index.ts';
import type { PolicyEngine, TenantPolicy } from '../policy/engine.ts';

export type RoleRow = { name: string; description: string; permissions: string[]; createdAt: string; updatedAt: string };
type RoleRecord = { tenant_id: string; name: string; description: string; permissions: string[]; created_at: Date; updated_at: Date };
type AssignmentRecord = { tenant_id: string; user_id: string; role: string };

const toRole = (r: RoleRecord): RoleRow => ({
  name: r.name, description: r.description, permissions: r.permissions, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

function policiesOf(roles: readonly RoleRecord[], assignments: readonly AssignmentRecord[]): Map<string, TenantPolicy> {
  const byTenant = new Map<string, { roles: { name: string; permissions: string[] }[]; assignments: Map<string, string[]> }>();
  const entry = (tenantId: string) => {
    let found = byTenant.get(tenantId);
    if (!found) byTenant.set(tenantId, (found = { roles: [], assignments: new Map() }));
    return found;
  };
  for (const r of roles) entry(r.tenant_id).roles.push({ name: r.name, permissions: r.permissions });
  for (const a of assignments) {
    const e = entry(a.tenant_id);
    e.assignments.set(a.user_id, [...(e.assignments.get(a.user_id) ?? []), a.role]);
  }
  return byTenant;
}

export type TenantStatus = 'active' | 'suspended' | 'deleted';

/**
 * The tenant's status as the tenants module's write-side gate (`tenant_gates`) holds it, read in a
 * role command's transaction under a key-share lock kept until that transaction ends. Suspension,
 * resumption and deletion lock the gate `FOR UPDATE` before they change it, so they wait for a role
 * command holding this lock to commit, and this read waits for a status change in flight and then
 * sees its outcome: no role command commits after a deletion it did not see. The lock does not
 * conflict with the gate updates of user commands (no key changes).
 * Null: the tenants module has no gate for this id (no such tenant, or the access module runs alone).
 *
 * @example
 *   if ((await lockTenantStatus(tx, tenantId)) === 'deleted') throw tenantErrors.deleted();
 */
export async function lockTenantStatus(tx: Transaction, tenantId: string): Promise<TenantStatus | null> {
  const { rows } = await tx.query<{ status: TenantStatus }>({
    name: 'acci_access_tenant_status', text: 'SELECT status FROM tenant_gates WHERE tenant_id = $1 FOR KEY SHARE', values: [tenantId],
  });
  return rows[0]?.status ?? null;
}

/** Custom roles of one tenant from the read model (row-level security scopes it). */
export async function listRoles(db: Database, tenantId: string): Promise<RoleRow[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<RoleRecord>('SELECT * FROM access_roles WHERE tenant_id = $1 ORDER BY name', [tenantId]);
    return rows.map(toRole);
  }, { tenantId });
}

/** Roles assigned to one user on top of its primary role. */
export async function assignedRoles(db: Database, tenantId: string, userId: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ role: string }>('SELECT role FROM access_role_assignments WHERE tenant_id = $1 AND user_id = $2 ORDER BY role', [tenantId, userId]);
    return rows.map((r) => r.role);
  }, { tenantId });
}

/** Reloads one tenant's custom roles and assignments into the engine. */
export async function reloadTenant(db: Database, engine: PolicyEngine, tenantId: string): Promise<void> {
  const policy = await db.transaction(async (tx) => {
    const roles = await tx.query<RoleRecord>('SELECT * FROM access_roles WHERE tenant_id = $1', [tenantId]);
    const assignments = await tx.query<AssignmentRecord>('SELECT tenant_id, user_id, role FROM access_role_assignments WHERE tenant_id = $1', [tenantId]);
    return policiesOf(roles.rows, assignments.rows).get(tenantId);
  }, { tenantId });
  await engine.setTenant(tenantId, policy ?? { roles: [], assignments: new Map() });
}

/** Loads every tenant's custom roles at start (platform work: the system pool reads across tenants). */
export async function loadAllTenants(system: Database, engine: PolicyEngine): Promise<number> {
  const roles = await system.query<RoleRecord>('SELECT * FROM access_roles');
  const assignments = await system.query<AssignmentRecord>('SELECT tenant_id, user_id, role FROM access_role_assignments');
  const policies = policiesOf(roles.rows, assignments.rows);
  for (const [tenantId, policy] of policies) await engine.setTenant(tenantId, policy);
  return policies.size;
}
