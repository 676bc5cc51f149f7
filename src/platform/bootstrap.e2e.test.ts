import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { freePort } from '../../test/support/template.ts';
import { runCli, startServerProcess } from '../../test/support/cli.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(() => db.drop());

const EMAIL = 'root@acci.example';
const PASSWORD = 'Correct-Horse-Battery-9';

it('two servers starting at once with ACCI_ADMIN_* create exactly one system admin who can sign in', async () => {
  const env = { DATABASE_URL: db.ownerUrl, ACCI_ADMIN_EMAIL: EMAIL, ACCI_ADMIN_PASSWORD: PASSWORD };
  const [portA, portB] = [await freePort(), await freePort()];
  const [a, b] = await Promise.all([startServerProcess(env, portA, 60_000), startServerProcess(env, portB, 60_000)]);
  try {
    const admins = await db.system.query(`SELECT count(*)::int AS n FROM user_profiles WHERE role = 'system_admin'`);
    assert.equal(admins.rows[0]?.n, 1);
    const login = await fetch(`http://127.0.0.1:${portB}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const session = await login.json() as { token: string };
    const me = await fetch(`http://127.0.0.1:${portA}/api/v1/auth/me`, { headers: { authorization: `Bearer ${session.token}` } });
    assert.equal(me.status, 200);
  } finally {
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
  }
});

it('acci admin create is idempotent and keeps the existing password', async () => {
  const again = await runCli(['admin', 'create'], { DATABASE_URL: db.ownerUrl, ACCI_ADMIN_EMAIL: EMAIL, ACCI_ADMIN_PASSWORD: 'Another-Password-123' });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already exists/);
  const weak = await runCli(['admin', 'create', '--email', 'x@acci.example'], { DATABASE_URL: db.ownerUrl, ACCI_ADMIN_EMAIL: EMAIL, ACCI_ADMIN_PASSWORD: 'short' });
  // A system admin already exists, so nothing is created and the weak password is never stored.
  assert.equal(weak.code, 0, weak.stderr);
  const admins = await db.system.query(`SELECT count(*)::int AS n FROM user_profiles WHERE role = 'system_admin'`);
  assert.equal(admins.rows[0]?.n, 1);
});
