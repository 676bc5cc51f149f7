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
          registration_source, email_confirmed, created_at, updated_at, version, confirm_by)
        VALUES ($1, $2, $5, lower($5), $6, $7, $8, $9, $10, $11, $3, $3, $4, $12) ON CONFLICT (tenant_id, user_id) DO NOTHING`,
      [...stamp(event), d.email, d.displayName, d.role, d.status, d.metadata, d.registrationSource, d.registrationSource !== 'self_service', d.confirmBy ?? null],
      'acci_user_profiles_registered');
    },
    'user.profile_updated': (event, tx) => {
      const d = data(event, 'user.profile_updated');
      return run(tx, `UPDATE user_profiles SET email = coalesce($5, email), email_lower = coalesce(lower($5), email_lower),
          email_confirmed = CASE WHEN $5::text IS NULL THEN email_confirmed ELSE false END,
          display_name = coalesce($6, display_name), role = coalesce($7, role), metadata = coalesce($8, metadata),
          confirm_by = NULL, updated_at = $3, version = $4
        WHERE tenant_id = $1 AND user_id = $2`,
      [...stamp(event), d.email ?? null, d.displayName ?? null, d.role ?? null, d.metadata ?? null]);
    },
    'user.deactivated': (event, tx) => {
      const d = data(event, 'user.deactivated');
      return run(tx, `UPDATE user_profiles SET status = 'deactivated', deactivation_type = $5, deactivation_reason = $6,
          reactivation_date = $7, confirm_by = NULL, updated_at = $3, version = $4 WHERE tenant_id = $1 AND user_id = $2`,
      [...stamp(event), d.deactivationType, d.reason, d.reactivationDate]);
    },
    'user.reactivated': (event, tx) =>
      run(tx, `UPDATE user_profiles SET status = $5, deactivation_type = NULL, deactivation_reason = NULL, reactivation_date = NULL,
          updated_at = $3, version = $4 WHERE tenant_id = $1 AND user_id = $2`, [...stamp(event), data(event, 'user.reactivated').status]),
    'user.invitation_accepted': (event, tx) =>
      run(tx, `UPDATE user_profiles SET status = 'active', email_confirmed = true, updated_at = $3, version = $4
        WHERE tenant_id = $1 AND user_id = $2`, stamp(event)),
    'user.email_confirmed': (event, tx) =>
      run(tx, `UPDATE user_profiles SET email_confirmed = true, confirm_by = NULL, updated_at = $3, version = $4 WHERE tenant_id = $1 AND user_id = $2`, stamp(event)),
    /** The row stays (the `user.deactivated` that follows marks it) and keeps its e-mail for the record; the claim is what frees the address. */
    'user.registration_expired': (event, tx) =>
      run(tx, `UPDATE user_profiles SET confirm_by = NULL, updated_at = $3, version = $4 WHERE tenant_id = $1 AND user_id = $2`, stamp(event)),
    /** The auth module's event: include this projection in its store's inline projections to keep `lastLogin` current. */
    'auth.login_succeeded': (event, tx) =>
      run(tx, 'UPDATE user_profiles SET last_login = greatest(last_login, $3) WHERE tenant_id = $1 AND user_id = $2',
        [event.metadata.tenantId, (event.data as { userId: string }).userId, event.metadata.timestamp]),
    'tenant.purged': (event, tx) => run(tx, 'DELETE FROM user_profiles WHERE tenant_id = $1', [event.metadata.tenantId]),
  },
  /**
   * Registrations in one multi-row INSERT per run of them (group-committed registrations, catch-up);
   * the other events through their handlers, in order. Nothing is awaited in between, so it can
   * take part in a pipelined append.
   */
  applyBatch: (events, tx) => {
    const writes: Promise<void>[] = [];
    let registered: RecordedEvent[] = [];
    const flush = () => {
      if (registered.length > 0) writes.push(insertRegistered(tx, registered));
      registered = [];
    };
    for (const event of events) {
      if (event.type === 'user.registered') {
        registered.push(event);
        continue;
      }
      flush();
      const handler = userProfilesProjection.handlers[event.type as keyof typeof userProfilesProjection.handlers];
      if (handler) writes.push(handler(event, tx));
    }
    flush();
    return Promise.all(writes).then(() => undefined);
  },
  reset: (tx) => run(tx, 'DELETE FROM user_profiles', []),
});

/** The `user.registered` handler's INSERT for many events at once: one row each, same values. */
function insertRegistered(tx: Transaction, events: readonly RecordedEvent[]): Promise<void> {
  const column = <T>(pick: (d: DataOf<'user.registered'>, e: RecordedEvent) => T) => events.map((e) => pick(data(e, 'user.registered'), e));
  return run(tx, `INSERT INTO user_profiles (tenant_id, user_id, email, email_lower, display_name, role, status, metadata,
      registration_source, email_confirmed, created_at, updated_at, version, confirm_by)
    SELECT r.tenant_id, r.user_id, r.email, lower(r.email), r.display_name, r.role, r.status, r.metadata, r.source, r.source <> 'self_service', r.at, r.at, r.version, r.confirm_by
      FROM ROWS FROM (unnest($1::uuid[]), unnest($2::uuid[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]), unnest($6::text[]),
                      jsonb_array_elements($7::jsonb), unnest($8::text[]), unnest($9::timestamptz[]), unnest($10::int8[]), unnest($11::timestamptz[]))
        AS r(tenant_id, user_id, email, display_name, role, status, metadata, source, at, version, confirm_by)
    ON CONFLICT (tenant_id, user_id) DO NOTHING`,
  [
    column((_, e) => e.metadata.tenantId), column((d) => d.userId), column((d) => d.email), column((d) => d.displayName), column((d) => d.role),
    column((d) => d.status), JSON.stringify(column((d) => d.metadata)), column((d) => d.registrationSource), column((_, e) => e.metadata.timestamp),
    column((_, e) => e.metadata.streamVersion), column((d) => d.confirmBy ?? null),
  ], 'acci_user_profiles_registered_n');
}
