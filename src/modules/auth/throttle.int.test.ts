import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { DEFAULT_THROTTLE, recordFailure, recordSuccess, throttleState } from './throttle.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const settings = { ...DEFAULT_THROTTLE, lockoutBaseSeconds: 1, lockoutMaxSeconds: 4, ipMaxFailures: 5, ipWindowSeconds: 2 };
const fail = (key: { tenantId: string; subject: string; ip: string }, max: number) =>
  db.app.transaction((tx) => recordFailure(tx, key, max, settings), { tenantId: key.tenantId });
const state = (key: { tenantId: string; subject: string; ip: string }) => throttleState(db.app, key, settings);

describe('brute-force throttling', () => {
  it('locks an account after maxLoginAttempts with a growing back-off and unlocks by itself', async () => {
    const key = { tenantId: randomUUID(), subject: 'a@example.com', ip: `10.0.0.${Math.floor(Math.random() * 200)}` };
    assert.equal((await fail(key, 3)).lockedForSeconds, null);
    assert.equal((await fail(key, 3)).lockedForSeconds, null);
    assert.equal((await fail(key, 3)).lockedForSeconds, 1, 'third failure locks for the base period');
    assert.equal((await state(key)).accountRetryAfter, 1);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await state(key)).accountRetryAfter, null, 'unlocked automatically');
    await fail(key, 3);
    await fail(key, 3);
    assert.equal((await fail(key, 3)).lockedForSeconds, 2, 'second lock lasts twice as long');
    await db.app.transaction((tx) => recordSuccess(tx, key), { tenantId: key.tenantId });
    assert.equal((await state(key)).accountRetryAfter, null);
  });

  it('never locks when maxLoginAttempts is 0, and locks at once when it is 1', async () => {
    const key = { tenantId: randomUUID(), subject: 'b@example.com', ip: '10.1.0.1' };
    for (let i = 0; i < 4; i++) assert.equal((await fail(key, 0)).lockedForSeconds, null);
    const strict = { ...key, subject: 'c@example.com', ip: '10.1.0.2' };
    assert.equal((await fail(strict, 1)).lockedForSeconds, 1);
  });

  it('throttles one IP across accounts and tenants, survives a new connection, resets after the window', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < 5; i++) await fail({ tenantId: randomUUID(), subject: `u${i}@example.com`, ip }, 0);
    const wait = (await state({ tenantId: randomUUID(), subject: 'new@example.com', ip })).ipRetryAfter;
    assert.ok(wait !== null && wait >= 1 && wait <= 2, `retry after ${wait}`);
    assert.equal((await state({ tenantId: randomUUID(), subject: 'x@example.com', ip: '192.0.2.78' })).ipRetryAfter, null);
    await new Promise((r) => setTimeout(r, 2_100));
    assert.equal((await state({ tenantId: randomUUID(), subject: 'x@example.com', ip })).ipRetryAfter, null);
  });

  it('counts concurrent failures exactly', async () => {
    const key = { tenantId: randomUUID(), subject: 'd@example.com', ip: '10.2.0.1' };
    const results = await Promise.all(Array.from({ length: 4 }, () => fail(key, 4)));
    assert.equal(results.filter((r) => r.lockedForSeconds !== null).length, 1);
  });
});
