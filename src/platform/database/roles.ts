import type pg from 'pg';

/** The runtime role: not the owner of any table, so row-level security always applies to it. */
export const RUNTIME_ROLE = 'acci_app';

/**
 * Creates the runtime role if it is missing and lets the owner `SET ROLE` to it. Safe when several
 * processes (or parallel test files) run it at once: roles are cluster-wide and creation races.
 */
export async function ensureRuntimeRole(owner: pg.ClientBase, options: { login: boolean }): Promise<void> {
  const exists = await owner.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [RUNTIME_ROLE]);
  if (exists.rowCount === 0) {
    try {
      await owner.query(`CREATE ROLE ${RUNTIME_ROLE} ${options.login ? 'LOGIN' : 'NOLOGIN'} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '42710' && code !== '23505') throw error; // created concurrently: fine
    }
  }
  await owner.query(`ALTER ROLE ${RUNTIME_ROLE} SET idle_in_transaction_session_timeout = '30s'`).catch(() => undefined);
  const member = await owner.query('SELECT pg_has_role(current_user, $1, $2) AS ok', [RUNTIME_ROLE, 'MEMBER']);
  if (!member.rows[0]?.ok) {
    await owner.query(`GRANT ${RUNTIME_ROLE} TO current_user`).catch((error: { code?: string }) => {
      if (error.code !== '23505' && error.code !== 'XX000') throw error;
    });
  }
}
