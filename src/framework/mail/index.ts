export { createMailer, mailerFromEnvironment, renderMail, type Mailer, type MailMessage, type MailerOptions, type SentMail } from './mailer.ts';
