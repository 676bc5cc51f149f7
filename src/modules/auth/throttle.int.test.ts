import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { DEFAULT_THROTTLE, beginSignIn, giveBackIpAttempt, lockAfterLastAttempt, recordSuccess, type SignInReservation, type ThrottleKey } from './throttle.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const settings = { ...DEFAULT_THROTTLE, lockoutBaseSeconds: 1, lockoutMaxSeconds: 4, ipMaxFailures: 5, ipWindowSeconds: 2, pendingSeconds: 1 };
const reserve = async (key: ThrottleKey, max: number) => (await beginSignIn(db.app, key, null, max, settings)).reservation;
/** One sign-in attempt that fails: its reservation, and the lock when it was the last one allowed. */
const attempt = async (key: ThrottleKey, max: number) => {
  const reservation = await reserve(key, max);
  await reportFailure(key, reservation);
  return reservation;
};
const reportFailure = async (key: ThrottleKey, reservation: SignInReservation) => {
  const { locksFor } = reservation;
  if (locksFor !== null) await db.app.transaction((tx) => lockAfterLastAttempt(tx, key, locksFor), { tenantId: key.tenantId });
};
const succeed = async (key: ThrottleKey) => {
  await db.app.transaction((tx) => recordSuccess(tx, key), { tenantId: key.tenantId });
  await giveBackIpAttempt(db.app, key.ip);
};
const allowed = (r: SignInReservation) => r.ipRetryAfter === null && r.accountRetryAfter === null && r.pendingWaitMs === null;

describe('brute-force throttling', () => {
  it('locks an account after maxLoginAttempts with a growing back-off and unlocks by itself', async () => {
    // Each attempt from another address: only the account's limit is under test here.
    let host = 0;
    const key = { tenantId: randomUUID(), subject: 'a@example.com', get ip() { return `10.0.${Math.floor(Math.random() * 200)}.${++host}`; } };
    assert.equal((await attempt(key, 3)).locksFor, null);
    assert.equal((await attempt(key, 3)).locksFor, null);
    assert.equal((await attempt(key, 3)).locksFor, 1, 'the third attempt locks for the base period unless it succeeds');
    assert.equal((await attempt(key, 3)).accountRetryAfter, 1, 'a fourth is refused before any verification');
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await attempt(key, 3)).accountRetryAfter, null, 'unlocked automatically');
    await attempt(key, 3);
    assert.equal((await attempt(key, 3)).locksFor, 2, 'the second lock lasts twice as long');
    await succeed(key);
    assert.ok(allowed(await attempt(key, 3)), 'a success forgets the lock');
  });

  it('never locks when maxLoginAttempts is 0, and locks at once when it is 1', async () => {
    const key = { tenantId: randomUUID(), subject: 'b@example.com', ip: '10.1.0.1' };
    for (let i = 0; i < 4; i++) assert.equal((await attempt(key, 0)).locksFor, null);
    const strict = { ...key, subject: 'c@example.com', ip: '10.1.0.2' };
    assert.equal((await attempt(strict, 1)).locksFor, 1);
  });

  it('throttles one IP across accounts and tenants, resets after the window; a success gives its attempt back', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < 4; i++) assert.ok(allowed(await attempt({ tenantId: randomUUID(), subject: `u${i}@example.com`, ip }, 0)));
    const winner = { tenantId: randomUUID(), subject: 'winner@example.com', ip };
    assert.ok(allowed(await attempt(winner, 0)));
    await succeed(winner);
    assert.ok(allowed(await attempt({ tenantId: randomUUID(), subject: 'fifth@example.com', ip }, 0)), 'the success did not count');
    const wait = (await attempt({ tenantId: randomUUID(), subject: 'new@example.com', ip }, 0)).ipRetryAfter;
    assert.ok(wait !== null && wait >= 1 && wait <= 2, `retry after ${wait}`);
    assert.equal((await attempt({ tenantId: randomUUID(), subject: 'x@example.com', ip: '192.0.2.78' }, 0)).ipRetryAfter, null);
    await new Promise((r) => setTimeout(r, 2_100));
    assert.equal((await attempt({ tenantId: randomUUID(), subject: 'x@example.com', ip }, 0)).ipRetryAfter, null);
  });

  it('lets no more attempts through than the limits, however many run at once', async () => {
    const key = { tenantId: randomUUID(), subject: 'd@example.com', ip: '10.2.0.1' };
    const account = await Promise.all(Array.from({ length: 40 }, () => reserve(key, 3)));
    assert.equal(account.filter(allowed).length, 3, 'exactly maxLoginAttempts passwords may be verified');
    const last = account.find((r) => r.locksFor !== null);
    assert.ok(last, 'the last of them carries the lock');
    assert.equal(account.filter((r) => r.pendingWaitMs !== null).length, 37, 'the others wait for its outcome, without being counted');
    await reportFailure(key, last);
    assert.equal((await reserve(key, 3)).accountRetryAfter, 1, 'it failed: locked');
    const ip = '10.2.0.2';
    const perIp = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt({ tenantId: randomUUID(), subject: `e${i}@example.com`, ip }, 0)));
    assert.equal(perIp.filter(allowed).length, settings.ipMaxFailures, 'exactly ipMaxFailures per window');
  });

  it('counts nothing on the account of an attempt its address refuses, however many run at once', async () => {
    const tenantId = randomUUID();
    const keys = Array.from({ length: 30 }, (_, i) => ({ tenantId, subject: `h${i}@example.com`, ip: '10.2.0.3' }));
    const results = await Promise.all(keys.map((key) => reserve(key, 3)));
    assert.equal(results.filter(allowed).length, settings.ipMaxFailures);
    assert.equal(results.filter((r) => r.ipRetryAfter !== null).length, keys.length - settings.ipMaxFailures, 'the rest are refused by the address');
    const { rows } = await db.system.query<{ subject: string; failures: number }>(
      'SELECT subject, failures FROM auth_login_failures WHERE tenant_id = $1 AND failures > 0', [tenantId]);
    const counted = new Set(rows.map((r) => r.subject));
    assert.deepEqual([...counted].sort(), keys.filter((_, i) => allowed(results[i]!)).map((k) => k.subject).sort(), 'only the allowed attempts count on their accounts');
  });

  it('holds the others back while the last allowed attempt is verified, and lets them through when it succeeds', async () => {
    const key = { tenantId: randomUUID(), subject: 'f@example.com', ip: '10.3.0.1' };
    await reserve(key, 2);
    assert.notEqual((await reserve(key, 2)).locksFor, null, 'the last allowed attempt');
    const waiting = await reserve(key, 2);
    assert.ok(waiting.pendingWaitMs !== null && waiting.pendingWaitMs <= 1_000 && waiting.accountRetryAfter === null, JSON.stringify(waiting));
    await succeed(key);
    assert.ok(allowed(await reserve(key, 2)), 'a success forgets the pending attempt');
  });

  it('counts a last attempt that never reported back (its process died) as failed once it expires', async () => {
    const key = { tenantId: randomUUID(), subject: 'g@example.com', ip: '10.4.0.1' };
    assert.notEqual((await reserve(key, 1)).locksFor, null);
    assert.notEqual((await reserve(key, 1)).pendingWaitMs, null);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await reserve(key, 1)).accountRetryAfter, 1, 'locked for the base period');
    assert.equal((await reserve(key, 1)).accountRetryAfter, 1, 'and stays locked');
  });
});
