import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { freePort } from '../../test/support/template.ts';
import { startServerProcess } from '../../test/support/cli.ts';
import { RUNTIME_ROLE } from './database/roles.ts';

// SPEC §4: 503 when a dependency is down, never a 500. The runtime role losing its login (an
// operator revoking it, a rotated password) is such an outage: PostgreSQL answers 28000.
let db: TestDatabase;
const role = `acci_rt_${randomBytes(4).toString('hex')}`;
const asOwner = async (sql: string) => {
  const client = new pg.Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

before(async () => {
  db = await createTestDatabase();
  await asOwner(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE ${RUNTIME_ROLE}`);
});
after(async () => {
  // Roles are cluster-wide: dropped first, while the database to connect through still exists.
  await asOwner(`DROP ROLE IF EXISTS ${role}`);
  await db.drop();
});

const login = (port: number) => fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@acci.example', password: 'Whatever-Password-1' }),
});

it('answers 503 service.unavailable, not 500, while the runtime role cannot log in, and recovers after', async () => {
  const appUrl = new URL(db.ownerUrl);
  appUrl.username = role;
  appUrl.password = '';
  const port = await freePort();
  const server = await startServerProcess({ DATABASE_URL: db.ownerUrl, DATABASE_APP_URL: appUrl.toString() }, port);
  try {
    assert.equal((await login(port)).status, 401, 'works while the role can log in');

    await asOwner(`ALTER ROLE ${role} NOLOGIN`);
    await asOwner(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await login(port);
      const body = await res.json() as { code: string };
      assert.equal(res.status, 503, JSON.stringify(body));
      assert.equal(body.code, 'service.unavailable');
    }
    assert.equal((await fetch(`http://127.0.0.1:${port}/health/ready`)).status, 503);

    await asOwner(`ALTER ROLE ${role} LOGIN`);
    assert.equal((await login(port)).status, 401, 'back to normal once the role may log in again');
    assert.doesNotMatch(server.output(), /internal\.error/);
  } finally {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
  }
});
