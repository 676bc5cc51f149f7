import type { Language } from '../../framework/i18n/index.ts';
import type { MailOutbox, OutboxMail } from '../../framework/mail/index.ts';

/**
 * Where the module's mails go: the platform's transactional outbox. A flow queues its mail in the
 * transaction that issues the token (so the mail exists exactly when the token does, and a crash
 * after commit loses nothing) and wakes the worker after commit; the worker renders and sends it.
 */
export type AuthOutbox = Pick<MailOutbox, 'enqueue' | 'wake'>;

export type AuthMailKind = 'password_reset' | 'email_confirmation';

/**
 * A localized mail of the auth module: template `mail-<kind>-subject|body` in
 * `locales/<lang>/mail.ftl`, with a link whose query holds `token=<token>`.
 *
 * @example
 *   await deps.outbox.enqueue(tx, authMail('password_reset', { tenantId, language: 'de', to, link, minutes: 60 }));
 */
export function authMail(kind: AuthMailKind, input: { tenantId: string; language: Language; to: string; link: string; minutes: number }): OutboxMail {
  return { tenantId: input.tenantId, template: kind, language: input.language, to: input.to, params: { link: input.link, minutes: input.minutes } };
}
