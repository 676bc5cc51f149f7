import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import { createIdentityTestApp, eventually, type IdentityTestApp } from '../../../test/support/identity.ts';
import { asSystemAdmin, asTenantUser } from '../../../test/support/test-auth.ts';

const TABLES = ['unique_claims', 'tenant_gates', 'tenant_seat_stripes', 'user_invitations', 'tenant_details', 'tenant_metrics', 'user_profiles', 'idempotency_keys'];

let t: IdentityTestApp;
let a: { tenantId: string; adminUserId: string };
let b: { tenantId: string; adminUserId: string };
before(async () => {
  t = await createIdentityTestApp();
  a = await t.createTenant();
  b = await t.createTenant();
  await t.http.inject({ method: 'POST', url: `/api/v1/tenants/${b.tenantId}/users`, headers: { ...asSystemAdmin(), 'idempotency-key': 'k1' }, payload: { email: 'b@b.test', role: 'user' } });
});
after(() => t.close());

describe('row-level security (SQL, runtime role)', () => {
  it('every table has tenant_id first in its key, RLS enabled and forced, and is not owned by the runtime role', async () => {
    const rows = await t.db.system.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; owner: string; first: string }>(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) AS owner,
              (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid = c.oid AND i.indisprimary) AS first
         FROM pg_class c WHERE c.relname = ANY($1)`, [TABLES]);
    assert.equal(rows.rows.length, TABLES.length);
    for (const row of rows.rows) {
      assert.ok(row.relrowsecurity && row.relforcerowsecurity, `${row.relname} RLS`);
      assert.notEqual(row.owner, 'acci_app');
      assert.equal(row.first, 'tenant_id', `${row.relname} key`);
    }
  });

  it('without a tenant set, every table returns zero rows', async () => {
    await eventually(async () => (await t.db.system.query('SELECT 1 FROM tenant_metrics')).rowCount);
    for (const table of TABLES) {
      const owner = await t.db.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      assert.ok(owner.rows[0]!.n > 0, `${table} has rows`);
      const app = await t.db.app.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      assert.equal(app.rows[0]!.n, 0, table);
    }
  });

  it('with tenant A set, tenant B rows are invisible and cannot be written', async () => {
    await t.db.app.transaction(async (tx) => {
      for (const table of TABLES) {
        const seen = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [b.tenantId]);
        assert.equal(seen.rows[0]!.n, 0, table);
      }
      const own = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM user_profiles');
      assert.equal(own.rows[0]!.n, 1);
      const updated = await tx.query(`UPDATE user_profiles SET display_name = 'pwned' WHERE tenant_id = $1`, [b.tenantId]);
      assert.equal(updated.rowCount, 0);
      const deleted = await tx.query('DELETE FROM tenant_details WHERE tenant_id = $1', [b.tenantId]);
      assert.equal(deleted.rowCount, 0);
    }, { tenantId: a.tenantId });
    await assert.rejects(
      t.db.app.transaction((tx) => tx.query(`INSERT INTO tenant_metrics (tenant_id, total_users, active_users) VALUES ($1, 0, 0)`, [b.tenantId]), { tenantId: a.tenantId }),
      /row-level security/,
    );
    await assert.rejects(
      t.db.app.transaction((tx) => tx.query(`UPDATE user_profiles SET tenant_id = $1`, [b.tenantId]), { tenantId: a.tenantId }),
      /row-level security/,
    );
    const untouched = await t.db.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM user_profiles WHERE display_name = 'pwned'`);
    assert.equal(untouched.rows[0]!.n, 0);
  });

  it('the platform scope reads the tenant directory but no tenant data, and cannot write the directory', async () => {
    await t.db.app.transaction(async (tx) => {
      const directory = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM tenant_details WHERE tenant_id = ANY($1)', [[a.tenantId, b.tenantId]]);
      assert.equal(directory.rows[0]!.n, 2);
      const users = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM user_profiles WHERE tenant_id = ANY($1)', [[a.tenantId, b.tenantId]]);
      assert.equal(users.rows[0]!.n, 0);
      const updated = await tx.query(`UPDATE tenant_details SET name = 'pwned' WHERE tenant_id = $1`, [a.tenantId]);
      assert.equal(updated.rowCount, 0);
    }, { tenantId: PLATFORM_TENANT_ID });
  });

  it("the sign-in lookup (users_login_profile) sees only the tenant it names and leaves no tenant on the connection", async () => {
    const client = await t.db.app.pool.connect();
    try {
      const own = await client.query<{ email: string }>('SELECT email FROM users_login_profile($1, $2)', [b.tenantId, 'B@B.TEST']);
      assert.deepEqual(own.rows.map((r) => r.email), ['b@b.test']);
      const other = await client.query('SELECT email FROM users_login_profile($1, $2)', [a.tenantId, 'b@b.test']);
      assert.equal(other.rowCount, 0);
      // The call was its own transaction: the tenant it set ended with it.
      const after = await client.query<{ tenant: string | null; n: number }>(
        `SELECT current_setting('app.tenant_id', true) AS tenant, (SELECT count(*)::int FROM user_profiles) AS n`);
      assert.ok(!after.rows[0]!.tenant, `tenant left behind: ${after.rows[0]!.tenant}`);
      assert.equal(after.rows[0]!.n, 0);
    } finally {
      client.release();
    }
  });
});

describe('tenant isolation (HTTP)', () => {
  it("answers 404 for every route on another tenant's resources", async () => {
    const headers = asTenantUser(a.tenantId, 'admin', a.adminUserId);
    const base = `/api/v1/tenants/${b.tenantId}`;
    const user = `${base}/users/${b.adminUserId}`;
    const requests = [
      { method: 'GET', url: base },
      { method: 'PATCH', url: base, payload: { name: 'Hijacked' } },
      { method: 'DELETE', url: base, payload: { deletionReason: 'violation' } },
      { method: 'GET', url: `${base}/users` },
      { method: 'POST', url: `${base}/users`, payload: { email: 'spy@a.test', role: 'admin' } },
      { method: 'GET', url: user },
      { method: 'PATCH', url: user, payload: { role: 'user' } },
      { method: 'POST', url: `${user}/deactivate`, payload: { reason: 'admin_action', deactivationType: 'permanent' } },
      { method: 'POST', url: `${user}/reactivate` },
    ] as const;
    for (const request of requests) {
      const res = await t.http.inject({ ...request, headers });
      assert.equal(res.statusCode, 404, `${request.method} ${request.url}: ${res.body}`);
    }
    const sameIdOtherTenant = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${a.tenantId}/users/${b.adminUserId}`, headers });
    assert.equal(sameIdOtherTenant.statusCode, 404);
    const intact = (await t.http.inject({ method: 'GET', url: base, headers: asSystemAdmin() })).json();
    assert.notEqual(intact.name, 'Hijacked');
    assert.equal(intact.status, 'active');
  });

  it("keeps Idempotency-Keys per tenant and caller: B's key is no replay for A", async () => {
    const res = await t.http.inject({
      method: 'POST', url: `/api/v1/tenants/${a.tenantId}/users`, headers: { ...asTenantUser(a.tenantId, 'admin', a.adminUserId), 'idempotency-key': 'k1' },
      payload: { email: 'b@b.test', role: 'user' },
    });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['idempotent-replayed'], undefined);
    assert.equal(res.json().tenantId, a.tenantId);
  });
});
