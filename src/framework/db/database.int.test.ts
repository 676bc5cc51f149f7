import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createDatabase, socketOf, type Database } from './index.ts';

let t: TestDatabase;
let db: Database;
before(async () => {
  t = await createTestDatabase();
  // One connection: every transaction below reuses the client the previous one released.
  db = createDatabase({ connectionString: t.ownerUrl, max: 1, applicationName: 'acci-test-db' });
});
after(async () => {
  await db.close();
  await t.drop();
});

/** Counts the socket writes (syscalls) of each client the pool hands out. */
function countWrites(database: Database): { writes: () => number; stop: () => void } {
  let writes = 0;
  const instrument = (client: pg.PoolClient) => {
    const socket = (client as unknown as { connection: { stream: { _write: (...a: unknown[]) => void; _writev?: (...a: unknown[]) => void } } }).connection.stream;
    const write = socket._write;
    const writev = socket._writev;
    socket._write = function (this: unknown, ...a: unknown[]) { writes++; return write.apply(this, a); };
    if (writev) socket._writev = function (this: unknown, ...a: unknown[]) { writes++; return writev.apply(this, a); };
  };
  database.pool.on('acquire', instrument);
  return { writes: () => writes, stop: () => database.pool.off('acquire', instrument) };
}

describe('db.transaction', () => {
  it('node-postgres still exposes the socket that transactions cork', async () => {
    const client = await db.pool.connect();
    try {
      assert.ok(socketOf(client), 'client.connection.stream with cork/uncork: node-postgres changed its internals');
    } finally {
      client.release();
    }
  });

  it('sends BEGIN in the same write as the first statement: two writes for BEGIN, one statement, COMMIT', async () => {
    await db.transaction((tx) => tx.query('SELECT 1')); // connection opened, outside the count
    const counter = countWrites(db);
    try {
      await db.transaction((tx) => tx.query('SELECT 1'));
      assert.equal(counter.writes(), 2);
    } finally {
      counter.stop();
    }
  });

  it('the first statement already runs inside the transaction, scoped to the tenant', async () => {
    const tenantId = randomUUID();
    const seen = await db.transaction(async (tx) => {
      const first = await tx.query<{ tenant: string; xid: string }>(`SELECT current_setting('app.tenant_id', true) AS tenant, pg_current_xact_id()::text AS xid`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = await tx.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      return { tenant: first.rows[0]!.tenant, sameTransaction: first.rows[0]!.xid === later.rows[0]!.xid };
    }, { tenantId });
    assert.equal(seen.tenant, tenantId);
    assert.equal(seen.sameTransaction, true, 'the first statement and a later one share one transaction');
    const after = await db.query<{ tenant: string | null }>(`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant`);
    assert.equal(after.rows[0]!.tenant, null, 'SET LOCAL ended with the transaction');
  });

  it('a failing statement rolls everything back and the connection stays usable', async () => {
    await db.query('CREATE TABLE IF NOT EXISTS db_test_rows (id uuid PRIMARY KEY)');
    const id = randomUUID();
    await assert.rejects(db.transaction(async (tx) => {
      await tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]);
      await tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]);
    }), (error: { code?: string }) => error.code === '23505');
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM db_test_rows WHERE id = $1', [id]);
    assert.equal(rows[0]!.n, 0);
  });

  it('work that throws before its first statement rolls back cleanly (no stray rejection, no open transaction)', async () => {
    await assert.rejects(db.transaction(() => { throw new Error('refused before any statement'); }), /refused before any statement/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Inside a transaction left open, now() would be that transaction's (older) start.
    const { rows } = await db.query<{ fresh: boolean }>('SELECT now() = statement_timestamp() AS fresh');
    assert.equal(rows[0]!.fresh, true, 'no transaction left open on the pooled connection');
    assert.equal(await db.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT 2 AS n')).rows[0]!.n), 2);
  });

  it('a tenant id that is not a uuid is refused before a connection is taken', async () => {
    await assert.rejects(db.transaction((tx) => tx.query('SELECT 1'), { tenantId: `x'; DROP TABLE events; --` }), (error: { status?: number }) => error.status === 404);
  });

  it('a connection dropped mid-transaction answers 503 and the process lives on (no unhandled error event)', async () => {
    const other = createDatabase({ connectionString: t.ownerUrl, max: 1, applicationName: 'acci-test-db-killer' });
    try {
      await assert.rejects(db.transaction(async (tx) => {
        const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        await other.query('SELECT pg_terminate_backend($1)', [pid]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.query('SELECT 1');
      }), (error: { code?: string; status?: number }) => error.status === 503);
      assert.equal(await db.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT 3 AS n')).rows[0]!.n), 3, 'the pool replaced the dead connection');
    } finally {
      await other.close();
    }
  });

  it('a checked-out client that loses its connection between statements does not end the process', async () => {
    const other = createDatabase({ connectionString: t.ownerUrl, max: 1, applicationName: 'acci-test-db-killer' });
    // Checked out raw, as listeners and health checks do, with no 'error' listener of its own.
    const client = await db.pool.connect();
    try {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await other.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the 'error' event arrives meanwhile
      await assert.rejects(client.query('SELECT 1'), 'the next statement learns of it');
    } finally {
      client.release();
      await other.close();
    }
    assert.equal(await db.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT 5 AS n')).rows[0]!.n), 5, 'the pool dropped the dead client');
  });

  it('a connection lost while BEGIN is in flight and the work awaits something else is a rejected transaction, not an unhandled rejection', async () => {
    await assert.rejects(db.transaction(async (tx) => {
      (tx as unknown as { connection: { stream: { destroy: () => void } } }).connection.stream.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50)); // e.g. hashing a password before the first statement
      await tx.query('SELECT 1');
    }));
    assert.equal(await db.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT 4 AS n')).rows[0]!.n), 4);
  });
});

describe('db.transaction retries', () => {
  it('runs the work again when PostgreSQL picks it as a deadlock victim, so both sides succeed', async () => {
    const two = createDatabase({ connectionString: t.ownerUrl, max: 2, applicationName: 'acci-test-deadlock' });
    try {
      await two.query('CREATE TABLE IF NOT EXISTS deadlock_pair (id int PRIMARY KEY, n int NOT NULL); TRUNCATE deadlock_pair; INSERT INTO deadlock_pair VALUES (1, 0), (2, 0)');
      let bothHoldTheirFirstRow!: () => void;
      const ready = new Promise<void>((resolve) => { let n = 0; bothHoldTheirFirstRow = () => { if (++n === 2) resolve(); }; });
      let attempts = 0;
      // Each locks its first row, waits until the other holds its own, then wants the other's: a deadlock.
      const crossing = (first: number, second: number) => two.transaction(async (tx) => {
        attempts++;
        await tx.query('UPDATE deadlock_pair SET n = n + 1 WHERE id = $1', [first]);
        if (attempts <= 2) { bothHoldTheirFirstRow(); await ready; }
        await tx.query('UPDATE deadlock_pair SET n = n + 1 WHERE id = $1', [second]);
      }, { retries: 3 });
      await Promise.all([crossing(1, 2), crossing(2, 1)]);
      // The victim's retry can take its first row back before the survivor wakes and meet it again
      // (seen once in CI): a retry budget of one is not enough for the test, nor for real work.
      assert.ok(attempts >= 3 && attempts <= 5, `the victim ran again (${attempts} attempts)`);
      const rows = (await two.query<{ n: number }>('SELECT n FROM deadlock_pair ORDER BY id')).rows.map((r) => r.n);
      assert.deepEqual(rows, [2, 2], 'both committed exactly once');
      await assert.rejects(Promise.all([
        two.transaction(async (tx) => { await tx.query('UPDATE deadlock_pair SET n = 0 WHERE id = 1'); await new Promise((r) => setTimeout(r, 200)); await tx.query('UPDATE deadlock_pair SET n = 0 WHERE id = 2'); }),
        two.transaction(async (tx) => { await tx.query('UPDATE deadlock_pair SET n = 0 WHERE id = 2'); await new Promise((r) => setTimeout(r, 200)); await tx.query('UPDATE deadlock_pair SET n = 0 WHERE id = 1'); }),
      ]), (error: { code?: string }) => error.code === '40P01', 'without retries the victim fails');
    } finally {
      await two.close();
    }
  });
});

describe('db.pipelined', () => {
  const rowCount = async (id: string) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM db_test_rows WHERE id = $1', [id])).rows[0]!.n;
  before(() => db.query('CREATE TABLE IF NOT EXISTS db_test_rows (id uuid PRIMARY KEY)'));

  it('sends BEGIN, the statements and COMMIT in one write, scoped to the tenant, and returns the work\'s result', async () => {
    await db.pipelined((tx) => tx.query('SELECT 1')); // connection opened, outside the count
    const counter = countWrites(db);
    const tenantId = randomUUID();
    const id = randomUUID();
    try {
      const [inserted, seen] = await db.pipelined((tx) => Promise.all([
        tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]),
        tx.query<{ tenant: string }>(`SELECT current_setting('app.tenant_id', true) AS tenant`),
      ]), { tenantId });
      assert.equal(counter.writes(), 1);
      assert.equal(inserted.rowCount, 1);
      assert.equal(seen.rows[0]!.tenant, tenantId);
    } finally {
      counter.stop();
    }
    assert.equal(await rowCount(id), 1, 'committed');
    const after = await db.query<{ tenant: string | null; open: boolean }>(`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant, now() <> statement_timestamp() AS open`);
    assert.equal(after.rows[0]!.tenant, null, 'no transaction left open on the pooled connection');
  });

  it('a failing statement aborts the transaction: the statements before it are rolled back, the error is the statement\'s', async () => {
    const id = randomUUID();
    await assert.rejects(db.pipelined((tx) => Promise.all([
      tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]),
      tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]),
    ])), (error: { code?: string }) => error.code === '23505');
    assert.equal(await rowCount(id), 0);
    assert.equal(await db.pipelined((tx) => tx.query<{ n: number }>('SELECT 5 AS n').then((r) => r.rows[0]!.n)), 5, 'the connection stays usable');
  });

  it('afterCommit: one more statement in the same write, in its own transaction, not awaited; the connection is released after it', async () => {
    await db.pipelined((tx) => tx.query('SELECT 1')); // connection opened, outside the count
    const counter = countWrites(db);
    const [committed, following, failed, followingFailed] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const errors: unknown[] = [];
    const afterCommit = (id: string) => ({ text: 'INSERT INTO db_test_rows SELECT $1::uuid FROM pg_sleep(1)', values: [id], onError: (e: unknown) => errors.push(e) });
    try {
      await db.pipelined((tx) => tx.query('INSERT INTO db_test_rows VALUES ($1)', [committed]), { afterCommit: afterCommit(following) });
      assert.equal(counter.writes(), 1);
    } finally {
      counter.stop();
    }
    // Seen from another connection: the transaction committed, the follow-up is still running.
    const other = await t.system.query<{ id: string }>('SELECT id FROM db_test_rows WHERE id = ANY($1::uuid[])', [[committed, following]]);
    assert.deepEqual(other.rows.map((r) => r.id), [committed]);
    // The pool's only connection comes back once the follow-up ran.
    assert.equal(await rowCount(following), 1);
    // A work that fails rolls back; its follow-up runs all the same.
    await assert.rejects(db.pipelined((tx) => tx.query('INSERT INTO db_test_rows VALUES ($1), ($1)', [failed]), { afterCommit: afterCommit(followingFailed) }));
    assert.equal(await rowCount(failed), 0);
    assert.equal(await rowCount(followingFailed), 1);
    // A failing follow-up is reported, and the connection stays usable.
    await db.pipelined((tx) => tx.query('SELECT 1'), { afterCommit: { text: 'SELECT 1/0', values: [], onError: (e) => errors.push(e) } });
    assert.equal(await rowCount(committed), 1);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as { code?: string }).code, '22012');
  });

  it('a synchronous throw rolls back what the work issued before it', async () => {
    const id = randomUUID();
    await assert.rejects(db.pipelined((tx) => {
      void tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]);
      throw new Error('refused in JavaScript');
    }), /refused in JavaScript/);
    assert.equal(await rowCount(id), 0);
  });

  it('an async work that fails before it waits for a result (a refusal in JavaScript) rolls back its statements', async () => {
    const id = randomUUID();
    const validate = async () => { await Promise.resolve(); throw new Error('invalid input'); };
    await assert.rejects(db.pipelined(async (tx) => {
      const inserted = tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]);
      inserted.catch(() => undefined);
      await validate();
      return inserted;
    }), /invalid input/);
    assert.equal(await rowCount(id), 0);
  });

  it('a statement issued after the work returned is refused (it would run outside the transaction)', async () => {
    const id = randomUUID();
    await assert.rejects(db.pipelined(async (tx) => {
      await tx.query('SELECT 1');
      await tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]);
    }), /outside the transaction/);
    assert.equal(await rowCount(id), 0);
  });

  it('a statement the work did not wait for that fails still rolls everything back and is reported', async () => {
    const id = randomUUID();
    await assert.rejects(db.pipelined((tx) => {
      const first = tx.query('INSERT INTO db_test_rows VALUES ($1)', [id]);
      tx.query('SELECT 1/0').catch(() => undefined);
      return first;
    }), /rolled back/);
    assert.equal(await rowCount(id), 0);
  });

  it('a connection dropped mid-flight answers 503 and the pool replaces the connection', async () => {
    await assert.rejects(db.pipelined((tx) => {
      (tx.query('SELECT pg_terminate_backend(pg_backend_pid())') as Promise<unknown>).catch(() => undefined);
      return tx.query('SELECT pg_sleep(0.01)');
    }), (error: { status?: number }) => error.status === 503);
    assert.equal(await db.pipelined((tx) => tx.query<{ n: number }>('SELECT 6 AS n').then((r) => r.rows[0]!.n)), 6);
  });
});
