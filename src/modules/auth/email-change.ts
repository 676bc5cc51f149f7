import { DEFAULT_LANGUAGE, isLanguage } from '../../framework/i18n/index.ts';
import { defineProjection } from '../../framework/projections/index.ts';
import type { AuthDeps } from './deps.ts';
import { issueActionMail } from './flows.ts';

/**
 * Reacts to the users module's `user.profile_updated` with a new e-mail address: the address is
 * unconfirmed from then on (sign-in answers `auth.email_not_confirmed`), so a confirmation link is
 * mailed to it. Runs as an asynchronous projection: the token and the queued mail commit with the
 * runner's checkpoint, so each change mails exactly once. A replay or rebuild mails nothing for
 * changes older than the link's lifetime, nor for an address that changed again or was confirmed.
 */
export function emailChangeSendsConfirmation(deps: () => AuthDeps | undefined) {
  return defineProjection({
    name: 'auth.email_change_sends_confirmation',
    version: 1,
    handlers: {
      'user.profile_updated': async (event, tx) => {
        const current = deps();
        const { userId, email, mailLanguage } = event.data as { userId: string; email?: string; mailLanguage?: string };
        if (!current || email === undefined) return;
        const ttl = current.settings.emailConfirmationTtlSeconds;
        if (Date.now() - Date.parse(event.metadata.timestamp) > ttl * 1000) return;
        const { tenantId } = event.metadata;
        const { rows } = await tx.query<{ email: string }>(
          `SELECT email FROM user_profiles WHERE tenant_id = $1 AND user_id = $2 AND email = $3 AND NOT email_confirmed AND status <> 'deactivated'`,
          [tenantId, userId, email],
        );
        if (!rows[0]) return;
        // In the language the change was asked in (events from before it was recorded: the default).
        const language = mailLanguage !== undefined && isLanguage(mailLanguage) ? mailLanguage : DEFAULT_LANGUAGE;
        await issueActionMail(current, tx, 'email_confirmation', { tenantId, userId, email: rows[0].email }, ttl, language);
      },
    },
    reset: async () => undefined,
  });
}
