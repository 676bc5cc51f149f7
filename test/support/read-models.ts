import type { Database } from '../../src/framework/db/index.ts';

/**
 * Read-model rows for tests of modules that run without the tenants and users modules (the
 * access module's routes answer 404 for tenants and users these tables do not know). Written as
 * the owner, as the projections do.
 *
 * @example
 *   await seedTenant(t.db.system, tenantId);
 *   await seedUser(t.db.system, tenantId, userId);
 */
export async function seedTenant(db: Database, tenantId: string, plan = 'free'): Promise<void> {
  await db.query(
    `INSERT INTO tenant_details (tenant_id, name, slug, subscription_plan, admin_email, settings, status, created_at, updated_at, version)
     VALUES ($1::uuid, 'Seeded', 's-' || left($1::text, 8), $2, 'admin@seeded.example', '{}', 'active', now(), now(), 1)
     ON CONFLICT (tenant_id) DO NOTHING`,
    [tenantId, plan],
  );
}

export async function seedUser(db: Database, tenantId: string, userId: string, role = 'user'): Promise<void> {
  await db.query(
    `INSERT INTO user_profiles (tenant_id, user_id, email, email_lower, role, status, registration_source, created_at, updated_at, version)
     VALUES ($1, $2, $3, $3, $4, 'active', 'admin_invite', now(), now(), 1)
     ON CONFLICT (tenant_id, user_id) DO NOTHING`,
    [tenantId, userId, `${userId}@seeded.example`, role],
  );
}
