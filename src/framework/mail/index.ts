export { createMailer, mailerFromEnvironment, renderMail, type Mailer, type MailMessage, type MailerOptions, type SentMail } from './mailer.ts';
export { backoffMs, createMailOutbox, outboxInsert, type MailOutbox, type MailOutboxOptions, type OutboxMail } from './outbox.ts';
