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

describe('registration in one round trip, committed together with concurrent ones', () => {
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
    // Decoded first: quoted-printable may wrap the raw line inside the address (where depends on the tenant name's length).
    const mail = (await t.mails()).find((m) => mailText(m).includes('Fast@Example.org'));
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

  it('concurrent registrations of a tenant share transactions; each keeps its own user, context, claim, invitation, mail and seat', async () => {
    const { tenantId } = await t.createTenant();
    const n = 24;
    const { result, pipelined, transactions } = await counting(() => Promise.all(Array.from({ length: n }, (_, i) =>
      t.http.inject({ method: 'POST', url: `/api/v1/tenants/${tenantId}/users`, headers: { ...sys, 'x-correlation-id': `together-${i}` }, payload: { email: `Together${i}@example.org`, role: 'user' } }))));
    assert.deepEqual(result.map((r) => r.statusCode), Array<number>(n).fill(201), result.map((r) => r.body).join('\n'));
    assert.equal(transactions, 0);
    assert.ok(pipelined < n, `${n} registrations took ${pipelined} transactions`);
    const users = result.map((r) => r.json() as { userId: string; email: string; createdAt: string });
    assert.deepEqual(users.map((u) => u.email), Array.from({ length: n }, (_, i) => `Together${i}@example.org`), 'each answer is its own registration');
    const stored = await t.db.system.query<{ user_id: string; email: string; correlation_id: string; claims: number; invitations: number; at: string; event_at: string }>(
      `SELECT p.user_id::text, p.email, e.correlation_id,
              (SELECT count(*)::int FROM unique_claims c WHERE c.tenant_id = p.tenant_id AND c.value = p.email_lower AND c.owner_id = p.user_id) AS claims,
              (SELECT count(*)::int FROM user_invitations i WHERE i.tenant_id = p.tenant_id AND i.user_id = p.user_id) AS invitations,
              to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS event_at
         FROM user_profiles p JOIN events e ON e.tenant_id = p.tenant_id AND e.stream_id = 'user-' || p.user_id
        WHERE p.tenant_id = $1 AND p.role = 'user'`, [tenantId]);
    const byUser = new Map(stored.rows.map((r) => [r.user_id, r]));
    users.forEach((u, i) => {
      const row = byUser.get(u.userId);
      assert.ok(row, `profile of ${u.email}`);
      assert.equal(row.email, u.email);
      assert.equal(row.correlation_id, `together-${i}`, 'the event carries its own request id');
      assert.deepEqual([row.claims, row.invitations], [1, 1]);
      assert.equal(row.at, row.event_at);
      assert.equal(u.createdAt, row.at);
    });
    const seats = await t.db.system.query<{ used: number }>('SELECT sum(used)::int AS used FROM tenant_seat_stripes WHERE tenant_id = $1', [tenantId]);
    assert.equal(seats.rows[0]!.used, n + 1, 'a seat each, and the admin');
    const mails = (await t.mails()).map(mailText);
    for (const u of users) assert.equal(mails.filter((m) => m.includes(` as ${u.email}.`)).length, 1, `one invitation mail to ${u.email}`);
  });

  it('a batch takes its seats from several stripes when one has not room for all; the limit still holds exactly', async () => {
    const { tenantId } = await t.createTenant({ settings: { allowedAuthMethods: ['password'], maxUsers: 40 } });
    const first = await counting(() => Promise.all(Array.from({ length: 12 }, (_, i) => register(tenantId, `spread${i}@example.org`))));
    assert.deepEqual(first.result.map((r) => r.statusCode), Array<number>(12).fill(201));
    assert.equal(first.transactions, 0, 'stripes of two or three seats each took the batches without the slow path');
    const stripes = await t.db.system.query<{ used: number; allowance: number; taken: number }>(
      'SELECT sum(used)::int AS used, max(allowance)::int AS allowance, count(*) FILTER (WHERE used > 0)::int AS taken FROM tenant_seat_stripes WHERE tenant_id = $1', [tenantId]);
    assert.equal(stripes.rows[0]!.used, 13);
    assert.ok(stripes.rows[0]!.allowance < 12 && stripes.rows[0]!.taken > 1, JSON.stringify(stripes.rows[0]));
    const rest = await Promise.all(Array.from({ length: 30 }, (_, i) => register(tenantId, `rest${i}@example.org`)));
    assert.equal(rest.filter((r) => r.statusCode === 201).length, 27, 'the admin and 39 users fill the 40 seats');
    assert.deepEqual(new Set(rest.filter((r) => r.statusCode !== 201).map((r) => r.json().code)), new Set(['user.quota_exceeded']));
    const after = await t.db.system.query<{ used: number }>('SELECT sum(used)::int AS used FROM tenant_seat_stripes WHERE tenant_id = $1', [tenantId]);
    assert.equal(after.rows[0]!.used, 40);
  });

  it('a taken e-mail in a batch refuses it; everyone else is registered the usual way, the taken one gets its exact error', async () => {
    const { tenantId } = await t.createTenant();
    assert.equal((await register(tenantId, 'held@example.org')).statusCode, 201);
    const emails = ['a@example.org', 'HELD@example.org', 'b@example.org', 'c@example.org', 'b@example.org'];
    const { result, refused } = await counting(() => Promise.all(emails.map((email) => register(tenantId, email))));
    assert.deepEqual([0, 1, 3].map((i) => result[i]!.statusCode), [201, 409, 201]);
    assert.equal(result[1]!.json().code, 'user.email_taken');
    assert.deepEqual([result[2]!.statusCode, result[4]!.statusCode].sort(), [201, 409], 'of one address twice in a batch, one is registered');
    assert.ok(refused >= 1);
    const rows = await t.db.system.query<{ email_lower: string; n: number }>(
      `SELECT email_lower, count(*)::int AS n FROM user_profiles WHERE tenant_id = $1 AND role = 'user' GROUP BY email_lower ORDER BY email_lower`, [tenantId]);
    assert.deepEqual(rows.rows, ['a', 'b', 'c', 'held'].map((x) => ({ email_lower: `${x}@example.org`, n: 1 })));
    const outbox = await t.db.system.query<{ n: number }>(`SELECT count(*)::int AS n FROM user_invitations WHERE tenant_id = $1`, [tenantId]);
    assert.equal(outbox.rows[0]!.n, 5, 'the admin, held, a, b and c: nothing left from the refused batch');
  });

  it('a batch that fails for another reason hands every registration to the full command: no one gets another one\'s failure', async () => {
    const { tenantId } = await t.createTenant();
    const db = t.db.app;
    const { pipelined } = db;
    let failures = 0;
    db.pipelined = (async () => { failures++; throw new Error('the batch broke'); }) as typeof pipelined;
    try {
      const { result, transactions } = await counting(() => Promise.all([1, 2, 3].map((i) => register(tenantId, `broken${i}@example.org`))));
      assert.ok(failures >= 1 && failures <= 3);
      assert.deepEqual(result.map((r) => r.statusCode), [201, 201, 201]);
      assert.equal(transactions, 3);
    } finally {
      db.pipelined = pipelined;
    }
  });

  it('admins are registered by the full command (their count is guarded on the gate row)', async () => {
    const { tenantId } = await t.createTenant();
    const admin = await counting(() => register(tenantId, 'second-admin@example.org', 'admin'));
    assert.equal(admin.result.statusCode, 201);
    assert.deepEqual([admin.pipelined, admin.transactions], [0, 1]);
  });
});
