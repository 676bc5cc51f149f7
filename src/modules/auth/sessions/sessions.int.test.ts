import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createLogger } from '../../../framework/observability/index.ts';
import { parseToken } from '../tokens/opaque.ts';
import { createRevocationSet } from './revocations.ts';
import { endSession, listActiveSessions, newSession, openSession, rotateRefreshToken } from './store.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const logger = createLogger({ level: 'silent', format: 'json' });
const open = async (tenantId: string, userId = randomUUID(), idleTimeoutSeconds = 3_600) => {
  const session = newSession(tenantId, idleTimeoutSeconds);
  await db.app.pipelined((tx) => openSession(tx, { tenantId, userId, role: 'user', ipAddress: '127.0.0.1', userAgent: 'test', idleTimeoutSeconds }, session), { tenantId });
  return session;
};
const rotate = (token: string) => {
  const parsed = parseToken(token)!;
  return rotateRefreshToken(db.app, parsed.tenantId, parsed.hash);
};

describe('refresh token families', () => {
  it('rotates on every use; the old token is then a reuse', async () => {
    const tenantId = randomUUID();
    const session = await open(tenantId);
    const first = await rotate(session.refreshToken);
    assert.equal(first.kind, 'rotated');
    if (first.kind !== 'rotated') return;
    assert.equal(first.session.sessionId, session.sessionId);
    assert.notEqual(first.refreshToken, session.refreshToken);
    const again = await rotate(session.refreshToken);
    assert.equal(again.kind, 'reused');
    const second = await rotate(first.refreshToken);
    assert.equal(second.kind, 'rotated');
    if (second.kind !== 'rotated') return;
    const parsed = parseToken(second.refreshToken)!;
    // Inside a transaction block only so the setting can be read back before the commit.
    const relaxed = await db.app.transaction(async (tx) => {
      await rotateRefreshToken({ query: (text, values) => tx.query(text, values) }, parsed.tenantId, parsed.hash);
      return (await tx.query<{ s: string }>(`SELECT current_setting('synchronous_commit') AS s`)).rows[0]?.s;
    }, { tenantId });
    assert.equal(relaxed, 'off', 'a rotation does not wait for the WAL flush');
  });

  it('lets exactly one of many concurrent uses of one token win', async () => {
    const tenantId = randomUUID();
    const session = await open(tenantId);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => rotate(session.refreshToken)));
    assert.equal(outcomes.filter((o) => o.kind === 'rotated').length, 1);
    assert.equal(outcomes.filter((o) => o.kind === 'reused').length, 7);
    const { rows } = await db.system.query(`SELECT count(*)::int AS n FROM auth_refresh_tokens WHERE session_id = $1 AND status = 'active'`, [session.sessionId]);
    assert.equal(rows[0]?.n, 1, 'one live token remains');
  });

  it('stops rotating once the session ended or expired, and isolates tenants', async () => {
    const tenantId = randomUUID();
    const session = await open(tenantId);
    await db.app.transaction((tx) => endSession(tx, { tenantId, sessionId: session.sessionId, reason: 'test', accessTokenTtlSeconds: 300 }), { tenantId });
    assert.equal((await rotate(session.refreshToken)).kind, 'unknown', 'revoked tokens are dead');
    const expired = await open(tenantId, randomUUID(), 1);
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await rotate(expired.refreshToken)).kind, 'unknown');
    const other = await open(randomUUID());
    const hash = parseToken(other.refreshToken)!.hash;
    const crossTenant = await rotateRefreshToken(db.app, tenantId, hash);
    assert.equal(crossTenant.kind, 'unknown');
  });

  it('spends a live token of a session that ended without revoking its tokens', async () => {
    const tenantId = randomUUID();
    const session = await open(tenantId);
    await db.system.query('UPDATE auth_sessions SET revoked_at = now() WHERE session_id = $1', [session.sessionId]);
    assert.equal((await rotate(session.refreshToken)).kind, 'session_ended');
    const { rows } = await db.system.query(`SELECT count(*)::int AS n FROM auth_refresh_tokens WHERE session_id = $1`, [session.sessionId]);
    assert.equal(rows[0]?.n, 1, 'no new token for an ended session');
    assert.equal((await rotate(session.refreshToken)).kind, 'reused');
  });

  it('slides the session expiry by the idle timeout and lists active sessions per user', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const a = await open(tenantId, userId, 60);
    await open(tenantId, userId, 60);
    await open(tenantId, randomUUID(), 60);
    const rotated = await rotate(a.refreshToken);
    assert.equal(rotated.kind, 'rotated');
    if (rotated.kind === 'rotated') assert.ok(rotated.session.expiresAt.getTime() >= a.expiresAt.getTime());
    const mine = await db.app.transaction((tx) => listActiveSessions(tx, tenantId, userId), { tenantId });
    assert.equal(mine.length, 2);
    const all = await db.app.transaction((tx) => listActiveSessions(tx, tenantId), { tenantId });
    assert.equal(all.length, 3);
    const outside = await db.app.transaction((tx) => listActiveSessions(tx, randomUUID(), userId), { tenantId: randomUUID() });
    assert.equal(outside.length, 0);
  });
});

describe('revocation set', () => {
  it('reaches another process within the same second through NOTIFY', async () => {
    const a = createRevocationSet({ system: db.system, logger, reloadIntervalMs: 60_000 });
    const b = createRevocationSet({ system: db.system, logger, reloadIntervalMs: 60_000 });
    await a.start();
    await b.start();
    try {
      const tenantId = randomUUID();
      const session = await open(tenantId);
      assert.equal(b.has(session.sessionId), false);
      await db.app.transaction((tx) => endSession(tx, { tenantId, sessionId: session.sessionId, reason: 'test', accessTokenTtlSeconds: 300 }), { tenantId });
      const revokedAt = Date.now();
      // Each set listens on its own connection, so the two notifications arrive independently.
      while (!b.has(session.sessionId) || !a.has(session.sessionId)) {
        assert.ok(Date.now() - revokedAt < 1_000, 'not seen by both listeners within a second');
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('loads earlier revocations on start and forgets expired ones', async () => {
    const tenantId = randomUUID();
    const session = await open(tenantId);
    await db.app.transaction((tx) => endSession(tx, { tenantId, sessionId: session.sessionId, reason: 'test', accessTokenTtlSeconds: 300 }), { tenantId });
    const late = createRevocationSet({ system: db.system, logger });
    await late.start();
    try {
      assert.ok(late.has(session.sessionId));
      late.add('00000000-0000-0000-0000-00000000beef', Date.now() + 20);
      assert.ok(late.has('00000000-0000-0000-0000-00000000beef'));
      await new Promise((r) => setTimeout(r, 40));
      assert.ok(!late.has('00000000-0000-0000-0000-00000000beef'));
    } finally {
      await late.stop();
    }
  });
});
