import type { Database, Queryable } from '../db/index.ts';
import type { Language, Translations } from '../i18n/index.ts';
import type { Logger } from '../observability/index.ts';
import { renderMail, type Mailer } from './mailer.ts';

/** A mail to send once the caller's transaction commits: a Fluent template and its parameters. */
export type OutboxMail = {
  tenantId: string;
  /** `mail-<template>-subject` / `mail-<template>-body` in locales/<lang>/mail.ftl. */
  template: string;
  language: Language;
  to: string;
  params: Record<string, string | number>;
};

export type MailOutboxOptions = {
  mailer: Mailer;
  translations: Translations;
  logger: Logger;
  /** Attempts before a mail is parked (default 8). */
  maxAttempts?: number;
  /** Back-off after the first failure, doubled per attempt up to `maxBackoffMs` (default 1 s, 1 h). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claimed mail is reserved for the worker that took it (default 5 min; longer than any send). */
  leaseMs?: number;
  /** Mails claimed per round trip (default 20). */
  batchSize?: number;
  /** Polling for mails of other processes (a crash after commit) and retries that came due (default 1 s). */
  pollMs?: number;
};

/**
 * The transactional mail outbox (table `mail_outbox`, migration 0045). A command queues a mail in
 * its own transaction (`enqueue`, or an INSERT folded into one of its statements) and calls `wake()`
 * after commit; the worker of each process (`start`/`stop`) then renders and sends it outside the
 * request. Several processes never send one mail twice: rows are claimed with
 * `FOR UPDATE SKIP LOCKED` and leased (`next_attempt_at` moves past the lease), and deleted once
 * sent. A failed send is retried with exponential back-off; after `maxAttempts` the row is parked
 * with its last error. Delivery is at least once: a process that dies between sending and deleting
 * sends that mail again after the lease.
 *
 * @example
 *   const outbox = createMailOutbox({ mailer, translations, logger });
 *   await db.transaction((tx) => outbox.enqueue(tx, { tenantId, template: 'invitation', language: 'de', to, params }), { tenantId });
 *   outbox.wake();
 */
export type MailOutbox = {
  enqueue: (tx: Queryable, mail: OutboxMail) => Promise<void>;
  /** There is new work (call after the enqueuing transaction committed). */
  wake: () => void;
  /** Starts the worker on the owner pool (it works across tenants). */
  start: (db: Database) => void;
  /** Stops polling and waits for the mails in hand. */
  stop: () => Promise<void>;
  /** Sends everything due now and returns how many mails were handled (tests, shutdown). */
  drain: () => Promise<number>;
};

type OutboxRow = { id: string; template: string; language: Language; recipient: string; params: Record<string, string | number>; attempts: number };

/**
 * The INSERT of outbox rows from SQL expressions, for a command that folds it into a statement of
 * its own (a data-modifying CTE) instead of spending a round trip on `enqueue`: one row, or one
 * per row of `from` (the expressions may name its columns).
 *
 * @example
 *   outboxInsert({ tenantId: '$1', template: `'invitation'`, language: '$2', to: '$3', params: '$4::jsonb' })
 *   outboxInsert({ tenantId: '$1', template: `'invitation'`, language: 'm.lang', to: 'm.rcpt', params: 'm.params', from: 'unnest($2::text[], $3::text[], $4::jsonb[]) AS m(lang, rcpt, params)' })
 */
export const outboxInsert = (sql: { tenantId: string; template: string; language: string; to: string; params: string; from?: string }): string =>
  `INSERT INTO mail_outbox (tenant_id, template, language, recipient, params) SELECT ${sql.tenantId}, ${sql.template}, ${sql.language}, ${sql.to}, ${sql.params}${sql.from ? ` FROM ${sql.from}` : ''}`;

const ENQUEUE_SQL = outboxInsert({ tenantId: '$1', template: '$2', language: '$3', to: '$4', params: '$5' });
/** Exported for the test that checks its plan. */
export const CLAIM_SQL = `UPDATE mail_outbox o SET attempts = o.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
  WHERE o.id IN (SELECT id FROM mail_outbox WHERE parked_at IS NULL AND next_attempt_at <= now()
                  ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING o.id, o.template, o.language, o.recipient, o.params, o.attempts`;
const FINISH_SQL = `WITH sent AS (DELETE FROM mail_outbox WHERE id = ANY($1::bigint[]))
  UPDATE mail_outbox o SET last_error = f.error, next_attempt_at = now() + f.delay * interval '1 millisecond',
         parked_at = CASE WHEN f.park THEN now() END
    FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::boolean[]) AS f(id, error, delay, park)
   WHERE o.id = f.id`;

/** Back-off before attempt `attempts + 1`: base, 2·base, 4·base, … capped. */
export const backoffMs = (attempts: number, base: number, cap: number): number => Math.min(cap, base * 2 ** Math.max(0, attempts - 1));

export function createMailOutbox(options: MailOutboxOptions): MailOutbox {
  const { mailer, translations, logger } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.backoffMs ?? 1_000;
  const cap = options.maxBackoffMs ?? 3_600_000;
  const leaseMs = options.leaseMs ?? 300_000;
  const batchSize = options.batchSize ?? 20;
  const pollMs = options.pollMs ?? 1_000;
  let db: Database | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;

  async function send(row: OutboxRow): Promise<void> {
    const mail = renderMail(translations, row.language, row.template, row.params);
    await mailer.send({ to: row.recipient, ...mail, language: row.language });
  }

  /** One claimed batch: send each mail, then delete the sent ones and reschedule or park the rest in one statement. */
  async function batch(pool: Database): Promise<number> {
    // In index order (see migration 0049): a bitmap scan would revisit every sent mail's dead row.
    const claimed = await pool.pipelined((tx) => {
      void tx.query('SET LOCAL enable_bitmapscan = off');
      return tx.query<OutboxRow>(CLAIM_SQL, [batchSize, leaseMs]);
    });
    const sent: string[] = [];
    const failed = { ids: [] as string[], errors: [] as string[], delays: [] as number[], park: [] as boolean[] };
    for (const row of claimed.rows) {
      try {
        await send(row);
        sent.push(row.id);
      } catch (error) {
        const park = row.attempts >= maxAttempts;
        const message = error instanceof Error ? error.message : String(error);
        failed.ids.push(row.id);
        failed.errors.push(message.slice(0, 1_000));
        failed.delays.push(backoffMs(row.attempts, base, cap));
        failed.park.push(park);
        logger[park ? 'error' : 'warn']({ err: error, mailId: row.id, template: row.template, attempts: row.attempts }, park ? 'mail parked after its last attempt' : 'mail failed, will retry');
      }
    }
    if (claimed.rows.length > 0) await pool.query(FINISH_SQL, [sent, failed.ids, failed.errors, failed.delays, failed.park]);
    return claimed.rows.length;
  }

  async function loop(pool: Database): Promise<number> {
    let handled = 0;
    do {
      again = false;
      for (let n = batchSize; n === batchSize;) {
        n = await batch(pool);
        handled += n;
      }
    } while (again);
    return handled;
  }

  /** One drain at a time per process; a wake-up during a drain makes it look again before it ends. */
  function run(): Promise<number> {
    if (!db) return Promise.resolve(0);
    if (running) {
      again = true;
      return running;
    }
    const pool = db;
    running = loop(pool)
      .catch((error: unknown) => { logger.error({ err: error }, 'mail outbox worker failed'); return 0; })
      .finally(() => {
        running = undefined;
        if (again) void run();
      });
    return running;
  }

  return {
    async enqueue(tx, mail) {
      await tx.query(ENQUEUE_SQL, [mail.tenantId, mail.template, mail.language, mail.to, mail.params]);
    },
    wake() {
      void run();
    },
    start(pool) {
      db = pool;
      timer = setInterval(() => void run(), pollMs);
      timer.unref();
      void run();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
      db = undefined;
    },
    async drain() {
      let total = 0;
      for (;;) {
        if (running) total += await running;
        const n = await run();
        total += n;
        if (n === 0) return total;
      }
    },
  };
}
