/**
 * The mail thread (see thread.ts): composes and delivers each message it is sent with the ordinary
 * in-thread mailer, at the lowest CPU priority. On Linux a thread's nice value is its own, so only
 * this thread yields; the request thread and PostgreSQL keep theirs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { createLogger } from '../observability/index.ts';
import { createMailer } from './mailer.ts';
import type { MailThreadData, MailThreadReply, MailThreadRequest } from './thread.ts';

const data = workerData as MailThreadData;
// Load nodemailer before giving up the CPU: at nice 19 on a busy machine, loading and compiling
// its modules would hold the first mail back for seconds. Each mail after that is cheap.
await import('nodemailer');
try {
  setPriority(19);
} catch {
  // Not permitted here (some containers): the thread still keeps mail off the event loop.
}
// The main thread logs each mail once it is answered.
const mailer = createMailer({ ...data.mailer, logger: createLogger({ level: 'silent', format: 'json' }) });

parentPort!.on('message', (request: MailThreadRequest) => {
  mailer.send(request.message).then(
    (sent) => parentPort!.postMessage({ id: request.id, sent } satisfies MailThreadReply),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies MailThreadReply),
  );
});
