import { PLATFORM_TENANT_ID } from '../framework/db/index.ts';
import { isAppError } from '../framework/errors/index.ts';
import type { ModuleContext } from '../framework/module.ts';
import { identity } from '../modules/users/index.ts';
import { assertSystemAdminPasswordAllowed, hasPassword, setPassword } from '../modules/auth/index.ts';
import { ConfigError } from './config.ts';
import { translations } from './app.ts';

/** What the system-admin bootstrap did; `conflict` changed nothing. */
export type SystemAdminBootstrap =
  /** No system admin existed: this one was created with this password. */
  | { outcome: 'created'; userId: string; email: string }
  /** The system admin with this e-mail existed without a password (an interrupted bootstrap): it got this one. */
  | { outcome: 'password_set'; userId: string; email: string }
  /** The system admin with this e-mail exists and has a password: it keeps it. */
  | { outcome: 'unchanged'; userId: string; email: string }
  /**
   * Another account holds the place: a system admin with another e-mail, or a platform user with
   * this e-mail who is not a system admin. Nothing was created and no password was touched.
   */
  | { outcome: 'conflict'; userId: string; email: string; reason: string };

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Checks a system admin's password against the platform policy before anything is created; a
 * refusal is a ConfigError naming where the password came from (one line, exit code 2).
 *
 * @example
 *   assertBootstrapPassword(config.adminPassword, 'ACCI_ADMIN_PASSWORD');
 */
export function assertBootstrapPassword(password: string, setting: string): void {
  try {
    assertSystemAdminPasswordAllowed(password);
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new ConfigError(setting, `is not accepted: ${translations().format('en', error.code, error.params)} (${error.code})`);
  }
}

/**
 * Makes sure a system admin with this e-mail exists and can sign in; the first start with
 * ACCI_ADMIN_EMAIL/ACCI_ADMIN_PASSWORD and `acci admin create` both call it.
 *
 * - The password is checked (platform policy) before anything is written.
 * - Idempotent: an existing admin with this e-mail keeps the password it has (a restart never
 *   overwrites a password changed since); one left without a password by an interrupted bootstrap gets it.
 * - Never touches another account: when a system admin with another e-mail exists, the outcome is
 *   `conflict` and nothing changes.
 * - Safe with several processes at once: a session-level advisory lock serializes the whole
 *   check-create-set sequence, so exactly one creates and sets, the others find it done.
 *
 * @example
 *   const result = await ensureSystemAdminWithPassword(app.context, { email: 'root@example.com', password });
 *   if (result.outcome === 'conflict') console.error(result.reason);
 */
export async function ensureSystemAdminWithPassword(
  context: ModuleContext,
  input: { email: string; password: string },
): Promise<SystemAdminBootstrap> {
  assertSystemAdminPasswordAllowed(input.password);
  const lock = await context.db.system.pool.connect();
  let broken = false;
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('acci.system_admin_bootstrap'))`);
    try {
      const { userId, created } = await identity(context).ensureSystemAdmin({ email: input.email });
      const target = { tenantId: PLATFORM_TENANT_ID, userId };
      if (created) {
        await setPassword(context, { ...target, password: input.password });
        return { outcome: 'created', userId, email: input.email };
      }
      const existing = await identity(context).getUser(PLATFORM_TENANT_ID, userId);
      const email = existing?.email ?? '?';
      if (!existing || existing.role !== 'system_admin') {
        return { outcome: 'conflict', userId, email, reason: `${input.email} belongs to a platform user who is not a system admin (${userId})` };
      }
      if (!sameEmail(existing.email, input.email)) {
        const hint = (await hasPassword(context, target)) ? '' : ` (it has no password yet: run \`acci admin create --email ${existing.email}\`)`;
        return {
          outcome: 'conflict', userId, email,
          reason: `a system admin already exists with another e-mail: ${existing.email} (${userId})${hint}; nothing changed: ${input.email} was not created and no password was set`,
        };
      }
      if (await hasPassword(context, target)) return { outcome: 'unchanged', userId, email };
      await setPassword(context, { ...target, password: input.password });
      return { outcome: 'password_set', userId, email };
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtext('acci.system_admin_bootstrap'))`).catch(() => { broken = true; });
    }
  } finally {
    // A connection whose unlock failed may still hold the lock: closed rather than reused.
    lock.release(broken);
  }
}
