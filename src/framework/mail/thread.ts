import { Worker } from 'node:worker_threads';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mailer, MailerOptions, MailMessage, SentMail } from './mailer.ts';
import { logSent } from './mailer.ts';

/** What the main thread asks of the mail thread, and what it answers. */
export type MailThreadRequest = { id: number; message: MailMessage };
export type MailThreadReply = { id: number; sent?: SentMail; error?: string };
/** The mail thread's own mailer is built from these (its logger is its own). */
export type MailThreadData = { tsx: string; entry: string; mailer: Omit<MailerOptions, 'logger' | 'thread'> };

// The worker runs TypeScript like the main thread: tsx is registered there before the entry loads.
const BOOT = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });`;

/**
 * A Mailer whose messages are composed and delivered on one worker thread that lowers its own CPU
 * priority to the minimum (see mail-thread.ts): under load the request thread keeps its core and
 * mail goes out with the CPU time left over; when idle it goes out at full speed. The thread starts
 * with the first mail and keeps the process alive only while a mail is in flight. A thread that
 * dies fails the mails it held (the outbox retries them) and is replaced by the next send.
 */
export function createThreadedMailer(options: MailerOptions): Mailer {
  const { logger } = options;
  const directory = resolve(options.directory);
  const pending = new Map<number, { message: MailMessage; resolve: (sent: SentMail) => void; reject: (error: Error) => void }>();
  let worker: Worker | undefined;
  let nextId = 1;

  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };

  function start(): Worker {
    const data: MailThreadData = {
      tsx: import.meta.resolve('tsx/esm/api'),
      // Beside this file, with its extension (.ts from source, .js in the test build).
      entry: new URL(`./mail-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href,
      mailer: { ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}), directory, from: options.from },
    };
    const thread = new Worker(BOOT, { eval: true, workerData: data, stdout: false, stderr: false });
    thread.on('message', (reply: MailThreadReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (pending.size === 0) thread.unref();
      if (reply.sent) {
        logSent(logger, waiting.message, reply.sent);
        waiting.resolve(reply.sent);
      } else {
        waiting.reject(new Error(reply.error ?? 'mail thread failed'));
      }
    });
    const lost = (error: Error) => {
      if (worker !== thread) return;
      worker = undefined;
      logger.error({ err: error }, 'mail thread stopped');
      failAll(error);
    };
    thread.on('error', lost);
    thread.on('exit', (code) => lost(new Error(`mail thread exited with code ${code}`)));
    return thread;
  }

  return {
    transport: options.smtpUrl ? 'smtp' : 'file',
    directory: options.smtpUrl ? null : directory,
    send(message) {
      const thread = (worker ??= start());
      const id = nextId++;
      return new Promise<SentMail>((resolve, reject) => {
        pending.set(id, { message, resolve, reject });
        thread.ref();
        thread.postMessage({ id, message } satisfies MailThreadRequest);
      });
    },
    close() {
      const thread = worker;
      worker = undefined;
      failAll(new Error('mailer closed'));
      void thread?.terminate();
    },
  };
}
