import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { freePort } from '../../test/support/template.ts';
import { ACCI_BIN, cleanEnv, runCli, startServerProcess, type CliResult } from '../../test/support/cli.ts';
import { createLogger } from '../framework/observability/index.ts';
import { buildApp } from './app.ts';
import { identity } from '../modules/users/index.ts';

const EMAIL = 'root@acci.example';
const PASSWORD = 'Correct-Horse-Battery-9';

/** `acci admin create ... --password-stdin` with `password` on standard input. */
function adminCreate(email: string, password: string, env: Record<string, string>): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACCI_BIN, 'admin', 'create', '--email', email, '--password-stdin'], { env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`admin create timed out: ${stderr}`)); }, 30_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: performance.now() - started }); });
    child.stdin.end(`${password}\n`);
  });
}

const systemAdmins = async (db: TestDatabase) =>
  (await db.system.query<{ email: string; user_id: string }>(`SELECT email, user_id FROM user_profiles WHERE role = 'system_admin' ORDER BY email`)).rows;
/** Every stored credential (hash included), to prove nothing changed. */
const credentials = async (db: TestDatabase) =>
  (await db.system.query(`SELECT * FROM auth_credentials ORDER BY tenant_id, user_id`)).rows;
const oneLine = (stderr: string) => {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
};

describe('first start with ACCI_ADMIN_* and acci admin create', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(() => db.drop());
  const env = () => ({ DATABASE_URL: db.ownerUrl });

  it('a password the platform refuses creates nobody (checked before anything is written)', async () => {
    const weak = await adminCreate('x@acci.example', 'short', env());
    assert.equal(weak.code, 2, weak.stderr);
    oneLine(weak.stderr);
    assert.match(weak.stderr, /password from --password-stdin is not accepted: .*auth\.password_too_short/);
    assert.deepEqual(await systemAdmins(db), []);
    const server = await runCli(['start'], { ...env(), ACCI_ADMIN_EMAIL: 'x@acci.example', ACCI_ADMIN_PASSWORD: 'password1234', PORT: String(await freePort()) });
    assert.equal(server.code, 2, server.stderr);
    assert.match(server.stderr, /^acci: Invalid configuration: ACCI_ADMIN_PASSWORD is not accepted/);
    assert.deepEqual(await systemAdmins(db), []);
  });

  it('two servers starting at once with ACCI_ADMIN_* create exactly one system admin who can sign in', async () => {
    const serverEnv = { ...env(), ACCI_ADMIN_EMAIL: EMAIL, ACCI_ADMIN_PASSWORD: PASSWORD };
    const [portA, portB] = [await freePort(), await freePort()];
    const [a, b] = await Promise.all([startServerProcess(serverEnv, portA, 60_000), startServerProcess(serverEnv, portB, 60_000)]);
    try {
      assert.equal((await systemAdmins(db)).length, 1);
      const login = await fetch(`http://127.0.0.1:${portB}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      assert.equal(login.status, 200, await login.clone().text());
      const session = await login.json() as { token: string };
      const me = await fetch(`http://127.0.0.1:${portA}/api/v1/auth/me`, { headers: { authorization: `Bearer ${session.token}` } });
      assert.equal(me.status, 200);
      const passwordEvents = await db.system.query(`SELECT count(*)::int AS n FROM events WHERE event_type = 'user.password_changed'`);
      assert.equal(passwordEvents.rows[0]?.n, 1, 'the password is set once, not once per process');
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
  });

  it('is idempotent for the same e-mail and keeps the existing password', async () => {
    const before = await credentials(db);
    const again = await runCli(['admin', 'create'], { ...env(), ACCI_ADMIN_EMAIL: EMAIL.toUpperCase(), ACCI_ADMIN_PASSWORD: 'Another-Password-123' });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already exists .*its password is unchanged/);
    assert.deepEqual(await credentials(db), before);
  });

  it('never touches another account: a different e-mail changes nothing, says so in one line and exits 3', async () => {
    const before = await credentials(db);
    const other = await adminCreate('a@acci.example', 'Another-Horse-Battery-7', env());
    assert.equal(other.code, 3, other.stderr);
    oneLine(other.stderr);
    assert.match(other.stderr, new RegExp(`a system admin already exists with another e-mail: ${EMAIL}.*nothing changed`));
    const weak = await adminCreate('a@acci.example', 'short', env());
    assert.equal(weak.code, 2, 'the password is checked first, whatever exists');
    assert.deepEqual((await systemAdmins(db)).map((a) => a.email), [EMAIL]);
    assert.deepEqual(await credentials(db), before);
  });

  it('a server started with another ACCI_ADMIN_EMAIL warns and changes nothing', async () => {
    const before = await credentials(db);
    const port = await freePort();
    const server = await startServerProcess({ ...env(), ACCI_ADMIN_EMAIL: 'b@acci.example', ACCI_ADMIN_PASSWORD: 'Another-Horse-Battery-7' }, port);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.match(server.output(), /ACCI_ADMIN_EMAIL ignored: a system admin already exists with another e-mail/);
    assert.deepEqual((await systemAdmins(db)).map((a) => a.email), [EMAIL]);
    assert.deepEqual(await credentials(db), before);
  });
});

describe('a system admin left without a password (an interrupted bootstrap)', () => {
  let db: TestDatabase;
  let userId: string;
  before(async () => {
    db = await createTestDatabase();
    const app = await buildApp({ logger: createLogger({ level: 'silent', format: 'json' }), db: { app: db.app, system: db.system } });
    try {
      ({ userId } = await identity(app.context).ensureSystemAdmin({ email: 'half@acci.example' }));
    } finally {
      await app.http.close();
      await app.stopBackground();
    }
  });
  after(() => db.drop());

  it('gets its password only from a bootstrap naming its own e-mail', async () => {
    const other = await adminCreate('someone@acci.example', PASSWORD, { DATABASE_URL: db.ownerUrl });
    assert.equal(other.code, 3, other.stderr);
    assert.match(other.stderr, /it has no password yet: run `acci admin create --email half@acci\.example`/);
    assert.deepEqual(await credentials(db), []);

    const own = await adminCreate('half@acci.example', PASSWORD, { DATABASE_URL: db.ownerUrl });
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stdout, /existed without a password; password set/);
    assert.deepEqual((await credentials(db)).map((c) => c.user_id), [userId]);
  });
});
