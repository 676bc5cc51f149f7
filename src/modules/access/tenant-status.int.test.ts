import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { asSystemAdmin, asTenantUser, testAuthModule } from '../../../test/support/test-auth.ts';
import { createMailer } from '../../framework/mail/index.ts';
import { createLogger } from '../../framework/observability/index.ts';
import { createIdentityModules } from '../users/index.ts';
import { createAccess } from './module.ts';

/** SPEC §3 "a deleted tenant accepts no commands": the access module's role commands on real tenants. */
let t: TestApp;
const sys = asSystemAdmin();
before(async () => {
  const mailer = createMailer({ directory: mkdtempSync(join(tmpdir(), 'acci-mail-')), from: 'ACCI <no-reply@acci.test>', logger: createLogger({ level: 'silent', format: 'json' }) });
  t = await createTestApp({ modules: [createAccess({ watchPolicy: false }).module, testAuthModule, ...createIdentityModules({ mailer, publicUrl: 'https://acci.test' })] });
});
after(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, headers: Record<string, string> = sys, payload?: object) =>
  t.http.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });

/**
 * A tenant with custom roles `custom:auditor` (assigned to an invited user) and `custom:unused`.
 * Invited users are not active, so the tenant can be deleted.
 */
async function tenantWithRoles(): Promise<{ tenantId: string; userId: string }> {
  const created = await call('POST', '/tenants', sys, {
    name: `Status ${randomUUID().slice(0, 8)}`, subscriptionPlan: 'enterprise', adminEmail: 'boss@status.test',
    settings: { allowedAuthMethods: ['password'], maxUsers: 100 },
  });
  assert.equal(created.statusCode, 201, created.body);
  const tenantId: string = created.json().tenantId;
  const invited = await call('POST', `/tenants/${tenantId}/users`, sys, { email: 'member@status.test', role: 'user' });
  assert.equal(invited.statusCode, 201, invited.body);
  const userId: string = invited.json().userId;
  for (const name of ['custom:auditor', 'custom:unused']) {
    const role = await call('POST', `/tenants/${tenantId}/roles`, sys, { name, description: 'Reads the trail', permissions: ['audit:read'] });
    assert.equal(role.statusCode, 201, role.body);
  }
  const assigned = await call('PUT', `/tenants/${tenantId}/users/${userId}/roles/custom:auditor`);
  assert.equal(assigned.statusCode, 200, assigned.body);
  return { tenantId, userId };
}

/** What the role reads answer, to compare before and after refused commands. */
async function roleReads(tenantId: string, userId: string) {
  const list = await call('GET', `/tenants/${tenantId}/roles`);
  const one = await call('GET', `/tenants/${tenantId}/roles/custom:auditor`);
  const assigned = await call('GET', `/tenants/${tenantId}/users/${userId}/roles`);
  for (const res of [list, one, assigned]) assert.equal(res.statusCode, 200, res.body);
  return { list: list.json(), one: one.json(), assigned: assigned.json() };
}

/** Every write route of the access module, each one that would succeed on an open tenant. */
const writes = (tenantId: string, userId: string): [string, Method, string, object?][] => [
  ['create a role', 'POST', `/tenants/${tenantId}/roles`, { name: 'custom:late', permissions: ['audit:read'] }],
  ['change a role', 'PATCH', `/tenants/${tenantId}/roles/custom:auditor`, { description: 'changed' }],
  ['delete an unused role', 'DELETE', `/tenants/${tenantId}/roles/custom:unused`],
  ['assign a built-in role', 'PUT', `/tenants/${tenantId}/users/${userId}/roles/user`],
  ['assign a custom role', 'PUT', `/tenants/${tenantId}/users/${userId}/roles/custom:unused`],
  ['assign a role already held (no-op)', 'PUT', `/tenants/${tenantId}/users/${userId}/roles/custom:auditor`],
  ['withdraw an assigned role', 'DELETE', `/tenants/${tenantId}/users/${userId}/roles/custom:auditor`],
  ['withdraw a role not held (no-op)', 'DELETE', `/tenants/${tenantId}/users/${userId}/roles/user`],
];

const roleEvents = async (tenantId: string) =>
  (await t.db.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND stream_id = $2`, [tenantId, `roles-${tenantId}`])).rows[0]!.n;

describe('role commands on a deleted tenant', () => {
  let tenantId: string;
  let userId: string;
  before(async () => {
    ({ tenantId, userId } = await tenantWithRoles());
    const deleted = await call('DELETE', `/tenants/${tenantId}`, sys, { deletionReason: 'other:audit' });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(deleted.json().status, 'deleted');
  });

  it('every write route answers 409 tenant.deleted, for the system admin and the tenant admin alike, and appends nothing', async () => {
    const reads = await roleReads(tenantId, userId);
    const events = await roleEvents(tenantId);
    for (const headers of [sys, asTenantUser(tenantId, 'admin')]) {
      for (const [what, method, url, payload] of writes(tenantId, userId)) {
        const res = await call(method, url, headers, payload);
        assert.equal(res.statusCode, 409, `${what}: ${res.body}`);
        assert.equal(res.json().code, 'tenant.deleted', what);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      }
    }
    const keyed = await t.http.inject({
      method: 'POST', url: `/api/v1/tenants/${tenantId}/roles`, headers: { ...sys, 'idempotency-key': randomUUID() },
      payload: { name: 'custom:keyed', permissions: [] },
    });
    assert.equal(keyed.json().code, 'tenant.deleted', 'with an idempotency key too (the command runs in its transaction)');
    assert.deepEqual(await roleReads(tenantId, userId), reads, 'reads answer as before');
    assert.equal(await roleEvents(tenantId), events, 'no role event was appended');
  });

  it('the refusal is localized like every problem', async () => {
    const de = await call('POST', `/tenants/${tenantId}/roles?lang=de`, sys, { name: 'custom:late', permissions: [] });
    assert.equal(de.json().code, 'tenant.deleted');
    const en = await call('POST', `/tenants/${tenantId}/roles`, sys, { name: 'custom:late', permissions: [] });
    assert.notEqual(de.json().message, en.json().message);
  });

  it('reads still answer, the usage too', async () => {
    assert.equal((await call('GET', `/tenants/${tenantId}/roles`)).json().items.filter((r: { builtIn: boolean }) => !r.builtIn).length, 2);
    assert.equal((await call('GET', `/tenants/${tenantId}/usage`)).statusCode, 200);
  });
});

describe('role commands on a suspended tenant (as the users module: grants refused, withdrawals open)', () => {
  it('refuses creating, changing and assigning with 409 tenant.suspended; deleting an unused role and withdrawing stay open; resuming reopens', async () => {
    const { tenantId, userId } = await tenantWithRoles();
    const suspended = await call('PATCH', `/tenants/${tenantId}`, sys, { status: 'suspended' });
    assert.equal(suspended.json().status, 'suspended', suspended.body);
    const invite = await call('POST', `/tenants/${tenantId}/users`, sys, { email: 'late@status.test', role: 'user' });
    assert.equal(invite.json().code, 'tenant.suspended', 'the users module, for comparison');

    const refused: [Method, string, object?][] = [
      ['POST', `/tenants/${tenantId}/roles`, { name: 'custom:late', permissions: [] }],
      ['PATCH', `/tenants/${tenantId}/roles/custom:auditor`, { description: 'changed' }],
      ['PUT', `/tenants/${tenantId}/users/${userId}/roles/custom:unused`],
      ['PUT', `/tenants/${tenantId}/users/${userId}/roles/custom:auditor`],
    ];
    for (const [method, url, payload] of refused) {
      const res = await call(method, url, sys, payload);
      assert.equal(res.statusCode, 409, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().code, 'tenant.suspended');
    }
    const withdrawn = await call('DELETE', `/tenants/${tenantId}/users/${userId}/roles/custom:auditor`);
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.deepEqual(withdrawn.json().roles, []);
    assert.equal((await call('DELETE', `/tenants/${tenantId}/roles/custom:unused`)).statusCode, 204);

    assert.equal((await call('PATCH', `/tenants/${tenantId}`, sys, { status: 'active' })).json().status, 'active');
    assert.equal((await call('POST', `/tenants/${tenantId}/roles`, sys, { name: 'custom:late', permissions: [] })).statusCode, 201);
  });
});

describe('under concurrency with the deletion', () => {
  it('a role command waits for a status change in flight and then sees it', async () => {
    const { tenantId } = await tenantWithRoles();
    let pending: ReturnType<typeof call> | undefined;
    // What the deletion does: lock the gate, then change it; the role command must not slip in between.
    await t.db.app.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM tenant_gates WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
      pending = call('POST', `/tenants/${tenantId}/roles`, sys, { name: 'custom:racer', permissions: [] });
      const early = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
      assert.equal(early, 'waiting', 'the role command waits for the lock');
      await tx.query(`UPDATE tenant_gates SET status = 'deleted' WHERE tenant_id = $1`, [tenantId]);
    }, { tenantId });
    const res = await pending!;
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().code, 'tenant.deleted');
  });

  it('racing a real deletion, every role command either commits before it or is refused', async () => {
    const { tenantId } = await tenantWithRoles();
    const roles = Array.from({ length: 6 }, (_, i) => `custom:race${i}`);
    const [deletion, ...answers] = await Promise.all([
      call('DELETE', `/tenants/${tenantId}`, sys, { deletionReason: 'other:race' }),
      ...roles.map((name) => call('POST', `/tenants/${tenantId}/roles`, sys, { name, permissions: [] })),
    ]);
    assert.equal(deletion!.statusCode, 200, deletion!.body);
    for (const res of answers) {
      assert.ok(res.statusCode === 201 || res.json().code === 'tenant.deleted', res.body);
    }
    const positions = await t.db.system.query<{ event_type: string; global_position: string }>(
      `SELECT event_type, global_position FROM events WHERE tenant_id = $1 AND event_type IN ('role.created', 'tenant.deleted')`, [tenantId]);
    const deletedAt = BigInt(positions.rows.find((r) => r.event_type === 'tenant.deleted')!.global_position);
    const created = positions.rows.filter((r) => r.event_type === 'role.created');
    assert.equal(created.length, 2 + answers.filter((r) => r.statusCode === 201).length);
    for (const row of created) assert.ok(BigInt(row.global_position) < deletedAt, 'no role was created after the deletion');
  });
});
