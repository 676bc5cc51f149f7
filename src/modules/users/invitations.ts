import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from '../../framework/eventstore/index.ts';
import { INVITATION_TTL_MS } from './domain.ts';
import { isUuid } from '../../framework/validation/index.ts';

const hash = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Invitation tokens: `<tenantId>.<43 random base64url chars>` (256 bits). Only the SHA-256 is
 * stored; a token works once and expires after seven days. The tenant id prefix lets the token be
 * checked inside its tenant's row-level-security scope.
 */
export function newInvitation(tenantId: string, now = new Date()): { token: string; tokenHash: Buffer; expiresAt: Date } {
  const token = `${tenantId}.${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hash(token), expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) };
}

/**
 * The INSERT of invitations from SQL expressions (tenant, token hash, user, expiry), for the
 * registration statement that folds it in as a data-modifying CTE: one row, or one per row of `from`.
 */
export const invitationInsert = (sql: { tenantId: string; tokenHash: string; userId: string; expiresAt: string; from?: string }): string =>
  `INSERT INTO user_invitations (tenant_id, token_hash, user_id, expires_at) SELECT ${sql.tenantId}, ${sql.tokenHash}, ${sql.userId}, ${sql.expiresAt}${sql.from ? ` FROM ${sql.from}` : ''}`;

/** The tenant a token belongs to, or null when it is malformed. */
export function invitationTenant(token: string): string | null {
  const [tenantId, secret, ...rest] = token.split('.');
  if (rest.length > 0 || !tenantId || !isUuid(tenantId) || !secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return tenantId.toLowerCase();
}

/** Marks the token used and returns its user; null when unknown, used or expired. */
export async function consumeInvitation(tx: Transaction, tenantId: string, token: string): Promise<string | null> {
  const result = await tx.query<{ user_id: string }>(
    `UPDATE user_invitations SET used_at = now()
     WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
    [tenantId, hash(token)],
  );
  return result.rows[0]?.user_id ?? null;
}

/** Whether the token can still be accepted (known, unused, unexpired); nothing is consumed. */
export async function invitationPending(tx: Transaction, tenantId: string, token: string): Promise<boolean> {
  const result = await tx.query(
    'SELECT 1 FROM user_invitations WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > now()',
    [tenantId, hash(token)],
  );
  return result.rows.length > 0;
}

/** Voids a user's open invitations (when the user is deactivated). */
export async function revokeInvitations(tx: Transaction, tenantId: string, userId: string): Promise<void> {
  await tx.query('UPDATE user_invitations SET used_at = now() WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL', [tenantId, userId]);
}
