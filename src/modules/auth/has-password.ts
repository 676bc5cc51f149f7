import type { ModuleContext } from '../../framework/module.ts';

/**
 * Whether a user has a password: the system-admin bootstrap sets one only when none exists, so
 * a restart never overwrites a password the admin has since changed.
 *
 * @example
 *   if (!(await hasPassword(ctx, { tenantId, userId }))) await setPassword(ctx, { tenantId, userId, password });
 */
export async function hasPassword(context: ModuleContext, input: { tenantId: string; userId: string }): Promise<boolean> {
  return context.db.app.transaction(async (tx) => {
    const found = await tx.query('SELECT 1 FROM auth_credentials WHERE tenant_id = $1 AND user_id = $2', [input.tenantId, input.userId]);
    return (found.rowCount ?? 0) > 0;
  }, { tenantId: input.tenantId });
}
