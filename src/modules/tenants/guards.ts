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
  const result = await tx.query(CLAIM_SQL, [tenantId, scope, value, ownerId]);
  return result.rowCount === 1;
}

/** Claims $3 in scope $2 of tenant $1 for owner $4; a row comes back when the owner holds it. */
const CLAIM_SQL = `INSERT INTO unique_claims AS c (tenant_id, scope, value, owner_id) VALUES ($1, $2, $3, $4)
  ON CONFLICT (tenant_id, scope, value) DO UPDATE SET owner_id = c.owner_id WHERE c.owner_id = $4 RETURNING 1`;

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

/** Stripes per tenant: parallel registrations of one tenant spread their locks over this many rows. */
export const SEAT_STRIPES = 16;

export type GateStatus = 'active' | 'suspended' | 'deleted';

/** A tenant's write-side facts and usage. */
export type TenantGateRow = {
  name: string;
  status: GateStatus;
  seatLimit: number;
  selfService: boolean;
  admins: number;
  /** Admins who are active (can sign in): the last one cannot go. */
  activeAdmins: number;
  /** Users holding a seat (not deactivated). */
  seats: number;
  /** Active users who are not admins. */
  activeMembers: number;
  /** The transaction's timestamp (`now()`), which is also the timestamp of events it appends. */
  at: Date;
};

export type GateFacts = { name: string; status: GateStatus; seatLimit: number; selfService: boolean };

type GateSqlRow = { name: string; status: GateStatus; seat_limit: number; self_service: boolean; admins: number; active_admins: number; seats: number; active_members: number; at: Date };
const toGate = (row: GateSqlRow): TenantGateRow => ({
  name: row.name, status: row.status, seatLimit: row.seat_limit, selfService: row.self_service, admins: row.admins, activeAdmins: row.active_admins,
  seats: row.seats, activeMembers: row.active_members, at: row.at,
});

/** Spreads the seats still free over the stripes (stripe allowances add up to the seat limit). */
function allowances(seatLimit: number, used: readonly number[]): number[] {
  const free = Math.max(0, seatLimit - used.reduce((a, b) => a + b, 0));
  return used.map((u, i) => u + Math.floor(free / used.length) + (i < free % used.length ? 1 : 0));
}

/** Creates the gate and its stripes (tenant creation, or lazily for the platform tenant). */
export async function createGate(tx: Transaction, tenantId: string, facts: GateFacts): Promise<void> {
  const inserted = await tx.query(
    `INSERT INTO tenant_gates (tenant_id, name, status, seat_limit, self_service) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id) DO NOTHING`,
    [tenantId, facts.name, facts.status, facts.seatLimit, facts.selfService],
  );
  if (inserted.rowCount === 0) return;
  const shares = allowances(facts.seatLimit, new Array<number>(SEAT_STRIPES).fill(0));
  await tx.query(
    `INSERT INTO tenant_seat_stripes (tenant_id, stripe, status, allowance) SELECT $1, s - 1, $2, ($3::int[])[s] FROM generate_series(1, $4::int) AS s`,
    [tenantId, facts.status, shares, SEAT_STRIPES],
  );
}

const GATE_SQL = `SELECT g.name, g.status, g.seat_limit, g.self_service, g.admins, g.active_admins,
            coalesce(sum(s.used), 0)::int AS seats, coalesce(sum(s.active_members), 0)::int AS active_members, now() AS at
       FROM tenant_gates g LEFT JOIN tenant_seat_stripes s ON s.tenant_id = g.tenant_id
      WHERE g.tenant_id = $1 GROUP BY g.tenant_id`;

/** The gate as it is now, without locks: for early refusals; the final guard is `applySeatDelta`. */
export async function readGate(tx: Transaction, tenantId: string): Promise<TenantGateRow | null> {
  const result = await tx.query<GateSqlRow>(GATE_SQL, [tenantId]);
  return result.rows[0] ? toGate(result.rows[0]) : null;
}

/**
 * `readGate` and `claim` in one round trip, with the caller's own writes of the same command folded
 * into the statement as data-modifying CTEs (`writes`: `name AS (INSERT ...)`, parameters from $5
 * on; they may read the `gate` CTE). The claim behaves exactly as `claim` (a concurrent claim of the
 * same value waits for the first transaction). Everything runs whatever the outcome: a caller that
 * refuses (gate facts, `claimed` false) throws and its transaction rolls the writes back.
 *
 * @example
 *   const { gate, claimed } = await readGateAndClaim(tx, tenantId, { scope: 'user.email', value, ownerId: userId });
 */
export async function readGateAndClaim(
  tx: Transaction,
  tenantId: string,
  claimed: { scope: ClaimScope; value: string; ownerId: string },
  writes: GateWrites = NO_WRITES,
): Promise<{ gate: TenantGateRow | null; claimed: boolean }> {
  let text = gateAndClaimTexts.get(writes.name);
  if (text === undefined) {
    text = `${gateClaimWrites(GATE_SQL, writes)}
      SELECT gate.*, EXISTS (SELECT 1 FROM claimed) AS claimed FROM (SELECT 1) one LEFT JOIN gate ON true`;
    gateAndClaimTexts.set(writes.name, text);
  }
  const result = await tx.query<GateSqlRow & { claimed: boolean; name: string | null }>({
    name: writes.name, text, values: [tenantId, claimed.scope, claimed.value, claimed.ownerId, ...writes.values],
  });
  const row = result.rows[0]!;
  return { gate: row.name === null ? null : toGate(row), claimed: row.claimed };
}

/**
 * `readGateAndClaim` for several new owners at once, as a statement that refuses instead of
 * answering, for registrations whose COMMIT leaves with them (`db.pipelined`): it claims every
 * value (in sorted order, so two such statements never wait for each other in a cycle; the values
 * must differ), makes the writes, then calls `acci_refuse`: 'tenant' unless the tenant is active
 * and, for self-service, allows it; 'email' when someone else holds one of the values (a
 * concurrent claim of it waits for its transaction first). The refusal aborts the transaction.
 */
export function gateClaimOrRefuse(
  tenantId: string,
  claims: { scope: ClaimScope; values: readonly string[]; ownerIds: readonly string[] },
  options: { selfService: boolean },
  writes: GateWrites = NO_WRITES,
): { name: string; text: string; values: unknown[] } {
  const name = `${writes.name}_or_refuse${options.selfService ? '_self' : ''}`;
  let text = gateAndClaimTexts.get(name);
  if (text === undefined) {
    text = `${gateClaimWrites('SELECT name, status, self_service FROM tenant_gates WHERE tenant_id = $1', writes, CLAIM_MANY_SQL)}
      SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM gate WHERE status = 'active'${options.selfService ? ' AND self_service' : ''}) THEN acci_refuse('tenant')
        WHEN (SELECT count(*) FROM claimed) <> cardinality($3::text[]) THEN acci_refuse('email') END AS refused`;
    gateAndClaimTexts.set(name, text);
  }
  return { name, text, values: [tenantId, claims.scope, claims.values, claims.ownerIds, ...writes.values] };
}

/** Claims the values $3 in scope $2 of tenant $1 for the owners $4 (new owners: a held value stays with its holder). */
const CLAIM_MANY_SQL = `INSERT INTO unique_claims (tenant_id, scope, value, owner_id)
  SELECT $1, $2, c.value, c.owner_id FROM unnest($3::text[], $4::uuid[]) AS c(value, owner_id) ORDER BY c.value
  ON CONFLICT (tenant_id, scope, value) DO NOTHING RETURNING 1`;

/**
 * Seats for registrations committed together, as a statement that refuses ('seat') when the seat
 * stripes it can take right now lack room for all of them (`acci_take_seats`, migration 0048: it
 * never waits, and locks only the stripes it takes). The caller then registers each user the slow
 * way, where `applySeatDelta` refills the stripes or refuses with the exact reason.
 */
export function seatsOrRefuse(tenantId: string, delta: Pick<SeatDelta, 'seats' | 'activeMembers'>): { name: string; text: string; values: unknown[] } {
  return { name: 'acci_take_seats', text: 'SELECT acci_take_seats($1, $2, $3) AS taken', values: [tenantId, delta.seats, delta.activeMembers] };
}

/** The `WITH` list both gate-and-claim statements share: the gate read, the claim, the command's writes. */
const gateClaimWrites = (gateSql: string, writes: GateWrites, claimSql = CLAIM_SQL) =>
  `WITH gate AS (${gateSql}), claimed AS (${claimSql})${writes.ctes.map((cte) => `, ${cte}`).join('')}`;

/** A command's own writes for `readGateAndClaim`; `name` (one per fixed list of CTEs) names the prepared statement. */
export type GateWrites = { name: string; ctes: readonly string[]; values: readonly unknown[] };
const NO_WRITES: GateWrites = { name: 'acci_gate_claim', ctes: [], values: [] };
const gateAndClaimTexts = new Map<string, string>();

/**
 * Locks the gate and every stripe until the transaction ends and returns exact usage. Tenant
 * commands (limits, status) and the refill path take it; the lock order is gate, then stripes.
 */
export async function lockGate(tx: Transaction, tenantId: string): Promise<TenantGateRow | null> {
  const gate = await tx.query<GateSqlRow>(
    'SELECT name, status, seat_limit, self_service, admins, active_admins, 0 AS seats, 0 AS active_members, now() AS at FROM tenant_gates WHERE tenant_id = $1 FOR UPDATE',
    [tenantId],
  );
  if (!gate.rows[0]) return null;
  const stripes = await tx.query<{ used: number; active_members: number }>(
    'SELECT used, active_members FROM tenant_seat_stripes WHERE tenant_id = $1 ORDER BY stripe FOR UPDATE',
    [tenantId],
  );
  const seats = stripes.rows.reduce((sum, r) => sum + r.used, 0);
  const activeMembers = stripes.rows.reduce((sum, r) => sum + r.active_members, 0);
  return { ...toGate(gate.rows[0]), seats, activeMembers };
}

/** Changes the gate's facts (after `lockGate`): stripes follow the status and share the new limit. */
export async function updateGate(tx: Transaction, tenantId: string, facts: Partial<GateFacts>): Promise<void> {
  await tx.query(
    `UPDATE tenant_gates SET name = coalesce($2, name), status = coalesce($3, status), seat_limit = coalesce($4, seat_limit),
       self_service = coalesce($5, self_service) WHERE tenant_id = $1`,
    [tenantId, facts.name ?? null, facts.status ?? null, facts.seatLimit ?? null, facts.selfService ?? null],
  );
  await rebalance(tx, tenantId);
}

async function rebalance(tx: Transaction, tenantId: string): Promise<void> {
  const rows = await tx.query<{ stripe: number; used: number; seat_limit: number; status: GateStatus }>(
    `SELECT s.stripe, s.used, g.seat_limit, g.status FROM tenant_seat_stripes s JOIN tenant_gates g ON g.tenant_id = s.tenant_id
      WHERE s.tenant_id = $1 ORDER BY s.stripe`,
    [tenantId],
  );
  if (rows.rows.length === 0) return;
  const shares = allowances(rows.rows[0]!.seat_limit, rows.rows.map((r) => r.used));
  await tx.query(
    `UPDATE tenant_seat_stripes s SET allowance = x.allowance, status = $3
       FROM unnest($2::int[]) WITH ORDINALITY AS x(allowance, n) WHERE s.tenant_id = $1 AND s.stripe = x.n - 1`,
    [tenantId, shares, rows.rows[0]!.status],
  );
}

export type SeatDelta = { seats: number; admins: number; activeAdmins: number; activeMembers: number };

/** Why a guarded change was refused (the tenant's status as the gate holds it now). */
export type GateRefusal = 'last_admin' | 'quota' | 'suspended' | 'deleted' | 'missing';

/** Whether a stripe can absorb `seats`/`members` (SQL parameter names) without breaking its limits. */
const fits = (seats: string, members: string) => `used + ${seats} >= 0 AND active_members + ${members} >= 0
  AND (${seats} <= 0 OR used + ${seats} <= allowance) AND ((${seats} <= 0 AND ${members} <= 0) OR status = 'active')`;
/**
 * Takes any stripe that can absorb the change and is not locked right now (SKIP LOCKED: the fast
 * path never waits, so it never holds a stripe while waiting for the gate — no deadlock with the
 * refill path, which locks the gate and then every stripe in order).
 */
const STRIPE_FAST = `UPDATE tenant_seat_stripes SET used = used + $2, active_members = active_members + $3
  WHERE (tenant_id, stripe) = (SELECT tenant_id, stripe FROM tenant_seat_stripes WHERE tenant_id = $1 AND ${fits('$2', '$3')}
    ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING stripe`;
const STRIPE_UPDATE = `UPDATE tenant_seat_stripes SET used = used + $3, active_members = active_members + $4
  WHERE tenant_id = $1 AND stripe = $2 AND ${fits('$3', '$4')} RETURNING stripe`;

/**
 * Applies a user command's change to the tenant's usage as the last step of its transaction;
 * returns a refusal instead of exceeding the seat limit or removing the last admin. Seats lock one
 * free stripe without waiting; when none can take the change, the refill path locks the gate and all
 * stripes, checks the exact totals and redistributes the free seats.
 */
export async function applySeatDelta(tx: Transaction, tenantId: string, delta: SeatDelta): Promise<GateRefusal | null> {
  if (delta.admins !== 0 || delta.activeAdmins !== 0) {
    // Neither the last admin nor the last active one may go (an invited admin cannot sign in yet).
    const admins = await tx.query(
      `UPDATE tenant_gates SET admins = admins + $2, active_admins = active_admins + $3
        WHERE tenant_id = $1 AND ($2 >= 0 OR admins + $2 >= 1) AND ($3 >= 0 OR active_admins + $3 >= 1) RETURNING admins`,
      [tenantId, delta.admins, delta.activeAdmins],
    );
    if (admins.rowCount === 0) return (await readGate(tx, tenantId)) ? 'last_admin' : 'missing';
  }
  if (delta.seats === 0 && delta.activeMembers === 0) return null;
  const fast = await tx.query({ name: 'acci_stripe_fast', text: STRIPE_FAST, values: [tenantId, delta.seats, delta.activeMembers] });
  if (fast.rowCount === 1) return null;
  if (delta.seats !== 0 && delta.activeMembers !== 0) {
    // A user's seat and its active membership may have been counted in different stripes
    // (invited in one, activated in another): move each on its own.
    return (await applySeatDelta(tx, tenantId, { seats: delta.seats, admins: 0, activeAdmins: 0, activeMembers: 0 }))
      ?? applySeatDelta(tx, tenantId, { seats: 0, admins: 0, activeAdmins: 0, activeMembers: delta.activeMembers });
  }
  const gate = await lockGate(tx, tenantId);
  if (!gate) return 'missing';
  if ((delta.seats > 0 || delta.activeMembers > 0) && gate.status !== 'active') return gate.status === 'deleted' ? 'deleted' : 'suspended';
  if (delta.seats > 0 && gate.seats + delta.seats > gate.seatLimit) return 'quota';
  await rebalance(tx, tenantId);
  const stripes = await tx.query<{ stripe: number }>(
    `SELECT stripe FROM tenant_seat_stripes WHERE tenant_id = $1 AND used + $2 >= 0 AND used + $2 <= allowance AND active_members + $3 >= 0
      ORDER BY stripe LIMIT 1`,
    [tenantId, delta.seats, delta.activeMembers],
  );
  const stripe = stripes.rows[0]?.stripe;
  if (stripe === undefined) return 'quota';
  const slow = await tx.query(STRIPE_UPDATE, [tenantId, stripe, delta.seats, delta.activeMembers]);
  return slow.rowCount === 1 ? null : 'quota';
}
