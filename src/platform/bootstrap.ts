import { PLATFORM_TENANT_ID } from '../framework/db/index.ts';
import type { ModuleContext } from '../framework/module.ts';
import { identity } from '../modules/users/index.ts';
import { hasPassword, setPassword } from '../modules/auth/index.ts';

/**
 * Makes sure a system admin with this e-mail exists and can sign in. Idempotent: an existing admin
 * keeps the password it has; safe when two processes start at once (the users module claims the
 * e-mail in the append transaction, so one creates and the other finds it).
 *
 * @example
 *   await ensureSystemAdminWithPassword(app.context, { email: 'root@example.com', password });
 */
export async function ensureSystemAdminWithPassword(
  context: ModuleContext,
  input: { email: string; password: string },
): Promise<{ userId: string; created: boolean; passwordSet: boolean }> {
  const { userId, created } = await identity(context).ensureSystemAdmin({ email: input.email });
  const target = { tenantId: PLATFORM_TENANT_ID, userId };
  if (await hasPassword(context, target)) return { userId, created, passwordSet: false };
  await setPassword(context, { ...target, password: input.password });
  return { userId, created, passwordSet: true };
}
