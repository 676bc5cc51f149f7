import type { RecordedEvent, Transaction } from '../../framework/eventstore/index.ts';
import { defineProjection } from '../../framework/projections/types.ts';
import type { UserEvent } from './events.ts';

type DataOf<T extends UserEvent['type']> = Extract<UserEvent, { type: T }>['data'];
const data = <T extends UserEvent['type']>(event: RecordedEvent, _type: T): DataOf<T> => event.data as DataOf<T>;
/** `name`: a prepared statement, for statements run on every registration (parsed and planned once per connection). */
const run = (tx: Transaction, text: string, values: unknown[], name?: string) =>
  tx.query(name ? { name, text, values } : { text, values }).then(() => undefined);
const stamp = (event: RecordedEvent) => [event.metadata.tenantId, (event.data as { userId: string }).userId, event.metadata.timestamp, event.metadata.streamVersion];

/**
 * Read model "user.profile" (table `user_profiles`, key (tenant_id, user_id)). Inline: it changes in
 * the append's transaction, so a created user can be read back at once.
 */
export const userProfilesProjection = defineProjection({
  name: 'user_profiles',
  version: 1,
  tables: ['user_profiles'],
  handlers: {
    'user.registered': (event, tx) => {
      const d = data(event, 'user.registered');
      return run(tx, `INSERT INTO user_profiles (tenant_id, user_id, email, email_lower, display_name, role, status, metadata,
          registration_source, email_confirmed, created_at, updated_at, version)
        VALUES ($1, $2, $5, lower($5), $6, $7, $8, $9, $10, $11, $3, $3, $4) ON CONFLICT (tenant_id, user_id) DO NOTHING`,
      [...stamp(event), d.email, d.displayName, d.role, d.status, d.metadata, d.registrationSource, d.registrationSource !== 'self_service'],
      'acci_user_profiles_registered');
    },
    'user.profile_updated': (event, tx) => {
      const d = data(event, 'user.profile_updated');
      return run(tx, `UPDATE user_profiles SET email = coalesce($5, email), email_lower = coalesce(lower($5), email_lower),
          email_confirmed = CASE WHEN $5::text IS NULL THEN email_confirmed ELSE false END,
          display_name = coalesce($6, display_name), role = coalesce($7, role), metadata = coalesce($8, metadata),
          updated_at = $3, version = $4
        WHERE tenant_id = $1 AND user_id = $2`,
      [...stamp(event), d.email ?? null, d.displayName ?? null, d.role ?? null, d.metadata ?? null]);
    },
    'user.deactivated': (event, tx) => {
      const d = data(event, 'user.deactivated');
      return run(tx, `UPDATE user_profiles SET status = 'deactivated', deactivation_type = $5, deactivation_reason = $6,
          reactivation_date = $7, updated_at = $3, version = $4 WHERE tenant_id = $1 AND user_id = $2`,
      [...stamp(event), d.deactivationType, d.reason, d.reactivationDate]);
    },
    'user.reactivated': (event, tx) =>
      run(tx, `UPDATE user_profiles SET status = $5, deactivation_type = NULL, deactivation_reason = NULL, reactivation_date = NULL,
          updated_at = $3, version = $4 WHERE tenant_id = $1 AND user_id = $2`, [...stamp(event), data(event, 'user.reactivated').status]),
    'user.invitation_accepted': (event, tx) =>
      run(tx, `UPDATE user_profiles SET status = 'active', email_confirmed = true, updated_at = $3, version = $4
        WHERE tenant_id = $1 AND user_id = $2`, stamp(event)),
    'user.email_confirmed': (event, tx) =>
      run(tx, `UPDATE user_profiles SET email_confirmed = true, updated_at = $3, version = $4 WHERE tenant_id = $1 AND user_id = $2`, stamp(event)),
    /** The auth module's event: include this projection in its store's inline projections to keep `lastLogin` current. */
    'auth.login_succeeded': (event, tx) =>
      run(tx, 'UPDATE user_profiles SET last_login = greatest(last_login, $3) WHERE tenant_id = $1 AND user_id = $2',
        [event.metadata.tenantId, (event.data as { userId: string }).userId, event.metadata.timestamp]),
    'tenant.purged': (event, tx) => run(tx, 'DELETE FROM user_profiles WHERE tenant_id = $1', [event.metadata.tenantId]),
  },
  reset: (tx) => run(tx, 'DELETE FROM user_profiles', []),
});
