import { randomUUID } from 'node:crypto';
import { PLATFORM_TENANT_ID } from '../../framework/db/index.ts';
import type { ModuleContext } from '../../framework/module.ts';
import { storePassword } from './credentials.ts';
import { PLATFORM_POLICY } from './directory.ts';
import { identityDirectory } from './directory-identity.ts';
import { eventContext } from './deps.ts';
import { createPasswordHasher } from './passwords/hasher.ts';
import { assertPasswordAllowed, policyForTenant } from './passwords/policy.ts';

/**
 * Sets a user's password outside any request: the platform's system-admin bootstrap
 * (`ACCI_ADMIN_EMAIL`/`ACCI_ADMIN_PASSWORD`, `acci admin create`) calls it after the users
 * module's `ensureSystemAdmin`. The password must satisfy the tenant's policy (the platform's
 * for system admins: 12+ characters, every character class, not a common password).
 *
 * @example
 *   const { userId } = await identity(ctx).ensureSystemAdmin({ email });
 *   await setPassword(ctx, { userId, tenantId: PLATFORM_TENANT_ID, password });
 */
/**
 * Throws the localized 400 `setPassword` would for a system admin (the platform's policy: 12+
 * characters, every character class, not a common password), without touching the database: the
 * bootstrap checks the password before it creates anyone.
 *
 * @example
 *   assertSystemAdminPasswordAllowed(password); // throws auth.password_too_short for 'short'
 */
export function assertSystemAdminPasswordAllowed(password: string): void {
  assertPasswordAllowed(password, policyForTenant(PLATFORM_POLICY.passwordMinLength));
}

export async function setPassword(
  context: ModuleContext,
  input: { userId: string; tenantId: string; password: string; correlationId?: string },
): Promise<void> {
  let minLength = PLATFORM_POLICY.passwordMinLength;
  if (input.tenantId !== PLATFORM_TENANT_ID) {
    const tenant = await identityDirectory(context).findTenant({ id: input.tenantId });
    if (!tenant) throw new Error(`tenant ${input.tenantId} does not exist`);
    minLength = tenant.settings.securityPolicy.passwordMinLength;
  }
  assertPasswordAllowed(input.password, policyForTenant(minLength));
  const hash = await createPasswordHasher().hash(input.password);
  const events = context.eventStore;
  const ctx = eventContext(input.tenantId, input.correlationId ?? randomUUID(), null);
  await context.db.app.transaction((tx) => storePassword(tx, events, { tenantId: input.tenantId, userId: input.userId, hash, reason: 'set' }, ctx), { tenantId: input.tenantId });
}
