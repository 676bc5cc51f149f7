import type { Queryable } from '../../framework/db/index.ts';
import type { EventContext, EventStore } from '../../framework/eventstore/index.ts';
import { credentialsStream, type AuthEvent } from './events.ts';

/**
 * Credentials design: the stream `credentials-<userId>` records every change as an event
 * (`user.password_changed`, later `user.mfa_enrolled`/`user.mfa_removed`) without any secret in it;
 * the secret itself (the argon2id hash) lives in `auth_credentials`, written in the same
 * transaction as the event, with the stream version beside it. The event log therefore never holds
 * a hash (it is exported, audited and kept for years), while the current hash is one indexed read.
 */
export type PasswordChangeReason = 'set' | 'reset' | 'changed' | 'rehashed';

/**
 * Stores a new password hash and appends `user.password_changed` to `credentials-<userId>` in the
 * caller's transaction.
 *
 * @example
 *   await db.transaction((tx) => storePassword(tx, events, { tenantId, userId, hash, reason: 'set' }, context), { tenantId });
 */
export async function storePassword(
  tx: Queryable,
  events: EventStore,
  input: { tenantId: string; userId: string; hash: string; reason: PasswordChangeReason },
  context: EventContext,
): Promise<void> {
  const event: AuthEvent = {
    type: 'user.password_changed',
    data: { userId: input.userId, tenantId: input.tenantId, reason: input.reason, changedAt: new Date().toISOString() },
  };
  const appended = await events.append(credentialsStream(input.userId), [event], { expectedVersion: 'any', context, tx });
  await tx.query(
    `INSERT INTO auth_credentials (tenant_id, user_id, password_hash, version) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, version = EXCLUDED.version, changed_at = now()`,
    [input.tenantId, input.userId, input.hash, appended.nextExpectedVersion],
  );
}
