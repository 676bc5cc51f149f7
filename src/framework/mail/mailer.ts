import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Logger } from '../observability/index.ts';
import type { Language, Translations } from '../i18n/index.ts';
import { createThreadedMailer } from './thread.ts';

export type MailMessage = { to: string; subject: string; text: string; html?: string; language?: Language };
export type SentMail = { messageId: string; transport: 'smtp' | 'file'; file?: string };

/**
 * Sends mail: SMTP when `smtpUrl` is set, otherwise each message becomes an `.eml` file under
 * `directory` and one log line (recipient, subject, file — never the body, which may hold tokens).
 *
 * @example
 *   const mailer = createMailer({ directory: '.acci/mail', from: 'ACCI <no-reply@localhost>', logger });
 *   await mailer.send({ to: 'ada@example.org', subject: 'Hi', text: 'Hello' });
 */
export type Mailer = {
  send: (message: MailMessage) => Promise<SentMail>;
  readonly transport: 'smtp' | 'file';
  readonly directory: string | null;
  close: () => void;
};

export type MailerOptions = {
  smtpUrl?: string;
  directory: string;
  from: string;
  logger: Logger;
  /**
   * Compose and deliver on a worker thread at the lowest CPU priority (`acci start` does): building
   * a MIME message costs ~0.2 ms of CPU, which would otherwise be taken from requests on the event
   * loop. Default false (in-thread, for tests and tools).
   */
  thread?: boolean;
};

/** nodemailer is loaded on the first mail, so starting the server (and the CLI) does not pay for it. */
const importNodemailer = async () => (await import('nodemailer')).default;
let nodemailerModule: ReturnType<typeof importNodemailer> | undefined;
const loadNodemailer = () => (nodemailerModule ??= importNodemailer());

/** The one log line per mail (never the body: it may hold tokens). */
export function logSent(logger: Logger, message: MailMessage, sent: SentMail): void {
  if (sent.transport === 'smtp') logger.info({ to: message.to, subject: message.subject, messageId: sent.messageId }, 'mail sent');
  else logger.info({ to: message.to, subject: message.subject, file: sent.file }, 'mail written to file (SMTP_URL not set)');
}

export function createMailer(options: MailerOptions): Mailer {
  if (options.thread) return createThreadedMailer(options);
  const { logger } = options;
  if (options.smtpUrl) {
    const smtpUrl = options.smtpUrl;
    let smtp: Transporter | undefined;
    return {
      transport: 'smtp',
      directory: null,
      async send(message) {
        smtp ??= (await loadNodemailer()).createTransport(smtpUrl);
        const info = await smtp.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
        const sent: SentMail = { messageId: info.messageId, transport: 'smtp' };
        logSent(logger, message, sent);
        return sent;
      },
      close: () => smtp?.close(),
    };
  }
  const directory = resolve(options.directory);
  let stream: Transporter | undefined;
  let ready: Promise<unknown> | undefined;
  return {
    transport: 'file',
    directory,
    async send(message) {
      stream ??= (await loadNodemailer()).createTransport({ streamTransport: true, buffer: true });
      const info = await stream.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      await (ready ??= mkdir(directory, { recursive: true }).then(() => removeStalePartials(directory)));
      const file = join(directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
      // nodemailer ends header lines in CRLF but leaves a 7bit body's line breaks as they came; an
      // .eml file is a message as it would travel (RFC 5322): CRLF throughout.
      // Written under a temporary name and renamed: whoever watches the folder never reads half a mail.
      const partial = `${file}.partial`;
      await writeFile(partial, (info as { message: Buffer }).message.toString('utf8').replace(/\r?\n/g, '\r\n'), { mode: 0o600 });
      await rename(partial, file);
      const sent: SentMail = { messageId: info.messageId, transport: 'file', file };
      logSent(logger, message, sent);
      return sent;
    },
    close: () => stream?.close(),
  };
}

/** How old a half-written `.partial` mail must be to count as left behind by a killed process. */
export const STALE_PARTIAL_MS = 10 * 60_000;

/**
 * Half-written mails of a process killed mid-write (the outbox sends those mails again): removed
 * once they are old enough that no live writer can still be renaming them. Best effort.
 */
async function removeStalePartials(directory: string): Promise<void> {
  const names = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.endsWith('.eml.partial')).map(async (name) => {
    const path = join(directory, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_PARTIAL_MS) await unlink(path).catch(() => undefined);
  }));
}

/** Mail settings from the environment: `SMTP_URL`, `ACCI_DATA_DIR` (files go to `<dir>/mail`), `MAIL_FROM`. */
export function mailerFromEnvironment(logger: Logger, env: NodeJS.ProcessEnv = process.env): Mailer {
  return createMailer({
    thread: true,
    ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
    directory: join(env.ACCI_DATA_DIR || '.acci', 'mail'),
    from: env.MAIL_FROM || 'ACCI <no-reply@acci.localhost>',
    logger,
  });
}

/**
 * A localized mail from Fluent templates `mail-<template>-subject` and `mail-<template>-body`
 * (locales/<lang>/mail.ftl), in the recipient's language.
 *
 * @example
 *   renderMail(translations, 'de', 'invitation', { tenant: 'Acme', link })
 */
export function renderMail(
  translations: Translations,
  language: Language,
  template: string,
  params: Record<string, string | number>,
): { subject: string; text: string } {
  return {
    subject: translations.format(language, `mail.${template}.subject`, params),
    text: translations.format(language, `mail.${template}.body`, params),
  };
}
