import type { Language, Translations } from '../../framework/i18n/index.ts';

/** One outgoing message; the transport (SMTP or files) belongs to the platform's mail service. */
export type OutgoingMail = { to: string; subject: string; text: string; html: string; language: Language };
export type AuthMailer = { send: (mail: OutgoingMail) => Promise<unknown> };

export type AuthMailKind = 'password_reset' | 'email_confirmation';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A localized mail of the auth module: subject and body from `locales/<lang>/auth.ftl`
 * (`auth-mail-<kind>-subject`, `-body`), with a link whose query holds `token=<token>`.
 *
 * @example
 *   composeMail(translations, 'de', 'password_reset', { to, link: `${base}/reset?token=${token}`, minutes: 60 });
 */
export function composeMail(
  translations: Translations,
  language: Language,
  kind: AuthMailKind,
  input: { to: string; link: string; minutes: number },
): OutgoingMail {
  const params = { link: input.link, minutes: input.minutes };
  const subject = translations.format(language, `auth.mail_${kind}_subject`, params);
  const text = translations.format(language, `auth.mail_${kind}_body`, params);
  const html = `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p><p><a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a></p>`;
  return { to: input.to, subject, text, html, language };
}
