import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityTestApp, mailText, tokenOf, type IdentityTestApp } from '../../../test/support/identity.ts';
import { asSystemAdmin } from '../../../test/support/test-auth.ts';
import { refusalOf } from '../../framework/db/index.ts';

let t: IdentityTestApp;
before(async () => { t = await createIdentityTestApp(); });
after(() => t.close());

const sys = asSystemAdmin();
const register = (tenantId: string, email: string, role = 'user') =>
  t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: sys, payload: { email, role } });

/** Counts how registrations reach the database: one-round-trip attempts and full transactions. */
async function counting<T>(work: () => Promise<T>): Promise<{ result: T; pipelined: number; refused: number; transactions: number }> {
  const db = t.db.app;
  const { pipelined, transaction } = db;
  const seen = { pipelined: 0, refused: 0, transactions: 0 };
  db.pipelined = (async (...args: Parameters<typeof pipelined>) => {
    seen.pipelined++;
    try {
      return await pipelined(...args);
    } catch (error) {
      if (refusalOf(error) !== null) seen.refused++;
      throw error;
    }
  }) as typeof pipelined;
  db.transaction = ((...args: Parameters<typeof transaction>) => { seen.transactions++; return transaction(...args); }) as typeof transaction;
  try {
    return { result: await work(), ...seen };
  } finally {
    db.pipelined = pipelined;
    db.transaction = transaction;
  }
}

describe('registration in one round trip', () => {
  it('commits in one pipelined transaction; the profile carries the timestamp stored with the event', async () => {
    const { tenantId } = await t.createTenant();
    const { result: res, pipelined, transactions } = await counting(() => register(tenantId, 'Fast@Example.org'));
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(pipelined, 1);
    assert.equal(transactions, 0, 'no full transaction for a registration that nothing refused');
    const body = res.json() as { userId: string; createdAt: string; status: string };
    assert.equal(body.status, 'invited');
    const stored = await t.db.system.query<{ event_at: string; profile_at: string; claims: number; invitations: number; seats: number }>(
      `SELECT (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM events WHERE tenant_id = $1 AND stream_id = 'user-' || $2) AS event_at,
              (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM user_profiles WHERE tenant_id = $1 AND user_id = $2::uuid) AS profile_at,
              (SELECT count(*)::int FROM unique_claims WHERE tenant_id = $1 AND scope = 'user.email' AND value = 'fast@example.org' AND owner_id = $2::uuid) AS claims,
              (SELECT count(*)::int FROM user_invitations WHERE tenant_id = $1 AND user_id = $2::uuid) AS invitations,
              (SELECT sum(used)::int FROM tenant_seat_stripes WHERE tenant_id = $1) AS seats`,
      [tenantId, body.userId],
    );
    const row = stored.rows[0]!;
    assert.equal(row.profile_at, row.event_at);
    assert.equal(body.createdAt, row.event_at, 'the answer shows what a read returns');
    assert.deepEqual([row.claims, row.invitations, row.seats], [1, 1, 2], 'e-mail claimed, invitation stored, seat counted (with the admin)');
    const mail = mailText((await t.mails()).find((m) => m.includes('Fast@Example.org')) ?? '');
    assert.ok(mail && tokenOf(mail).startsWith(`${tenantId}.`), 'the invitation mail was queued with the registration');
    const read = await t.http.inject({ method: 'GET', url: `/api/v1/tenants/${tenantId}/users/${body.userId}`, headers: sys });
    assert.equal(read.json().createdAt, body.createdAt);
  });

  it('a refused statement leaves nothing behind and the full command answers with the exact error', async () => {
    const { tenantId } = await t.createTenant();
    assert.equal((await register(tenantId, 'taken@example.org')).statusCode, 201);
    const taken = await counting(() => register(tenantId, 'TAKEN@example.org'));
    assert.equal(taken.result.statusCode, 409);
    assert.equal(taken.result.json().code, 'user.email_taken');
    assert.deepEqual([taken.pipelined, taken.refused, taken.transactions], [1, 1, 1]);

    const suspend = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${tenantId}`, headers: sys, payload: { status: 'suspended' } });
    assert.equal(suspend.statusCode, 200, suspend.body);
    const closed = await counting(() => register(tenantId, 'late@example.org'));
    assert.equal(closed.result.json().code, 'tenant.suspended');
    assert.deepEqual([closed.refused, closed.transactions], [1, 1]);
    const leftovers = await t.db.system.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM unique_claims WHERE tenant_id = $1 AND value = 'late@example.org')
            + (SELECT count(*) FROM user_profiles WHERE tenant_id = $1 AND email_lower = 'late@example.org')
            + (SELECT count(*) FROM mail_outbox WHERE tenant_id = $1 AND recipient = 'late@example.org') AS n`, [tenantId]);
    assert.equal(Number(leftovers.rows[0]!.n), 0);
  });

  it('when the seat stripe it tries is full the full command refills the stripes; the seat limit holds exactly', async () => {
    const { tenantId } = await t.createTenant({ settings: { allowedAuthMethods: ['password'], maxUsers: 20 } });
    const outcome = await counting(async () => {
      const codes: number[] = [];
      for (let i = 0; i < 21; i++) codes.push((await register(tenantId, `seat${i}@example.org`)).statusCode);
      return codes;
    });
    assert.deepEqual(outcome.result, [...Array<number>(19).fill(201), 409, 409], 'the admin holds the twentieth seat');
    assert.ok(outcome.refused > 0, 'some registrations found their stripe full');
    const seats = await t.db.system.query<{ used: number; allowance: number }>('SELECT sum(used)::int AS used, sum(allowance)::int AS allowance FROM tenant_seat_stripes WHERE tenant_id = $1', [tenantId]);
    assert.deepEqual(seats.rows[0], { used: 20, allowance: 20 });
  });

  it('admins are registered by the full command (their count is guarded on the gate row)', async () => {
    const { tenantId } = await t.createTenant();
    const admin = await counting(() => register(tenantId, 'second-admin@example.org', 'admin'));
    assert.equal(admin.result.statusCode, 201);
    assert.deepEqual([admin.pipelined, admin.transactions], [0, 1]);
  });
});
