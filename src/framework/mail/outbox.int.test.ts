import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createLogger } from '../observability/index.ts';
import { loadTranslations } from '../i18n/index.ts';
import { backoffMs, createMailOutbox, type Mailer, type MailMessage, type OutboxMail } from './index.ts';
import { CLAIM_SQL } from './outbox.ts';

const translations = loadTranslations(join(import.meta.dirname, '../../../locales'));
const logger = createLogger({ level: 'silent', format: 'json' });

/** A mailer that records what it sends; `fail` makes every send throw. */
function recordingMailer(options: { fail?: boolean; delayMs?: number } = {}): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    transport: 'file',
    directory: null,
    close: () => undefined,
    async send(message) {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.fail) throw new Error('smtp: connection refused');
      sent.push(message);
      return { messageId: randomUUID(), transport: 'file' };
    },
  };
}

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const invitation = (tenantId: string, to: string): OutboxMail => ({
  tenantId, template: 'invitation', language: 'de', to, params: { tenant: 'Müller GmbH', link: 'https://acci.test/invitations/accept?token=t', email: to },
});
const queued = async (tenantId: string) =>
  (await db.system.query<{ n: number }>('SELECT count(*)::int AS n FROM mail_outbox WHERE tenant_id = $1', [tenantId])).rows[0]!.n;

describe('mail outbox', () => {
  it('sends a mail queued in a committed transaction, rendered in its language, and deletes the row', async () => {
    const tenantId = randomUUID();
    const mailer = recordingMailer();
    const outbox = createMailOutbox({ mailer, translations, logger });
    await db.app.transaction((tx) => outbox.enqueue(tx, invitation(tenantId, 'ada@example.org')), { tenantId });
    assert.equal(mailer.sent.length, 0, 'nothing is sent inside the transaction');
    outbox.start(db.system);
    try {
      assert.equal(await outbox.drain(), 1, 'drain counts the mails the running worker handled too');
      assert.equal(mailer.sent.length, 1);
      assert.equal(mailer.sent[0]?.to, 'ada@example.org');
      assert.match(mailer.sent[0]?.subject ?? '', /Müller GmbH/);
      assert.match(mailer.sent[0]?.text ?? '', /token=t/);
      assert.equal(mailer.sent[0]?.language, 'de');
      assert.equal(await queued(tenantId), 0);
    } finally {
      await outbox.stop();
    }
  });

  it('sends nothing for a rolled-back transaction', async () => {
    const tenantId = randomUUID();
    const mailer = recordingMailer();
    const outbox = createMailOutbox({ mailer, translations, logger });
    await assert.rejects(db.app.transaction(async (tx) => {
      await outbox.enqueue(tx, invitation(tenantId, 'ghost@example.org'));
      throw new Error('refused');
    }, { tenantId }), /refused/);
    outbox.start(db.system);
    try {
      await outbox.drain();
      assert.equal(mailer.sent.length, 0);
      assert.equal(await queued(tenantId), 0);
    } finally {
      await outbox.stop();
    }
  });

  it('is woken after commit: the started worker sends without a drain call', async () => {
    const tenantId = randomUUID();
    const mailer = recordingMailer();
    const outbox = createMailOutbox({ mailer, translations, logger, pollMs: 60_000 });
    outbox.start(db.system);
    try {
      await outbox.drain();
      await db.app.transaction((tx) => outbox.enqueue(tx, invitation(tenantId, 'woken@example.org')), { tenantId });
      outbox.wake();
      for (let i = 0; i < 200 && mailer.sent.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(mailer.sent.map((m) => m.to), ['woken@example.org']);
    } finally {
      await outbox.stop();
    }
  });

  it('two workers on one queue send every mail exactly once', async () => {
    const tenantId = randomUUID();
    const addresses = Array.from({ length: 60 }, (_, i) => `u${i}@example.org`);
    const producer = createMailOutbox({ mailer: recordingMailer(), translations, logger });
    await db.app.transaction(async (tx) => {
      for (const to of addresses) await producer.enqueue(tx, invitation(tenantId, to));
    }, { tenantId });
    const a = recordingMailer({ delayMs: 1 });
    const b = recordingMailer({ delayMs: 1 });
    const first = createMailOutbox({ mailer: a, translations, logger, batchSize: 5 });
    const second = createMailOutbox({ mailer: b, translations, logger, batchSize: 5 });
    first.start(db.system);
    second.start(db.system);
    try {
      await Promise.all([first.drain(), second.drain()]);
      const sent = [...a.sent, ...b.sent].map((m) => m.to).filter((to) => addresses.includes(to));
      assert.equal(sent.length, addresses.length, `sent ${sent.length} of ${addresses.length}`);
      assert.equal(new Set(sent).size, addresses.length, 'no mail twice');
      assert.ok(a.sent.length > 0 && b.sent.length > 0, `both workers took part (${a.sent.length}/${b.sent.length})`);
      assert.equal(await queued(tenantId), 0);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('retries a failing transport with back-off, then parks the mail with its error', async () => {
    const tenantId = randomUUID();
    const mailer = recordingMailer({ fail: true });
    const outbox = createMailOutbox({ mailer, translations, logger, maxAttempts: 3, backoffMs: 150, pollMs: 60_000 });
    await db.app.transaction((tx) => outbox.enqueue(tx, invitation(tenantId, 'bounce@example.org')), { tenantId });
    const row = async () => (await db.system.query<{ attempts: number; parked: boolean; last_error: string | null; due_in_ms: number }>(
      `SELECT attempts, parked_at IS NOT NULL AS parked, last_error, extract(epoch FROM next_attempt_at - now()) * 1000 AS due_in_ms
         FROM mail_outbox WHERE tenant_id = $1`, [tenantId])).rows[0];
    outbox.start(db.system);
    try {
      await outbox.drain();
      const afterFirst = await row();
      assert.equal(afterFirst?.attempts, 1);
      assert.equal(afterFirst?.parked, false);
      assert.match(afterFirst?.last_error ?? '', /connection refused/);
      assert.ok((afterFirst?.due_in_ms ?? 0) > 0, 'the retry waits for its back-off');
      await outbox.drain();
      assert.equal((await row())?.attempts, 1, 'not retried before the back-off');
      for (let i = 0; i < 200 && !(await row())?.parked; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await outbox.drain();
      }
      const parked = await row();
      assert.equal(parked?.attempts, 3);
      assert.equal(parked?.parked, true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await outbox.drain(), 0, 'a parked mail is not tried again');
    } finally {
      await outbox.stop();
    }
  });

  it('lets a tenant queue mail only in its own scope (row-level security)', async () => {
    const tenantId = randomUUID();
    const outbox = createMailOutbox({ mailer: recordingMailer(), translations, logger });
    await assert.rejects(db.app.transaction((tx) => outbox.enqueue(tx, invitation(randomUUID(), 'other@example.org')), { tenantId }), /row-level security/);
  });

  it('claims by walking the due index in order, past the sent mails VACUUM has not removed yet', async () => {
    // 300 mails sent (deleted) leave dead index entries left of the due ones; a bitmap scan would
    // visit each of their heap rows on every claim (see migration 0049).
    const tenantId = randomUUID();
    const mailer = recordingMailer();
    const outbox = createMailOutbox({ mailer, translations, logger });
    for (let i = 0; i < 3; i++) {
      await db.app.transaction(async (tx) => { for (let j = 0; j < 100; j++) await outbox.enqueue(tx, invitation(tenantId, `m${i}-${j}@example.org`)); }, { tenantId });
    }
    outbox.start(db.system);
    try {
      assert.equal(await outbox.drain(), 300);
    } finally {
      await outbox.stop();
    }
    const plan = await db.system.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_bitmapscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CLAIM_SQL}`, [20, 300_000]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /Index Scan using mail_outbox_due_idx/);
    assert.doesNotMatch(plan, /Bitmap|Sort/, 'in index order, stopping at the LIMIT');
  });

  it('doubles the back-off per attempt up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1_000, 5_000)), [1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
