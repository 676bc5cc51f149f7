import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityTestApp, type IdentityTestApp } from '../../../test/support/identity.ts';
import { asSystemAdmin } from '../../../test/support/test-auth.ts';
import { runCli } from '../../../test/support/cli.ts';
import { formatTable } from './tenants.ts';
import pg from 'pg';
import { ADMIN_URL_ENV, databaseUrl } from '../../../test/support/template.ts';

let t: IdentityTestApp;
let acme: string;
let globex: string;
before(async () => {
  t = await createIdentityTestApp();
  acme = (await t.createTenant({ name: 'Acme Corporation', slug: 'acme', subscriptionPlan: 'professional' })).tenantId;
  globex = (await t.createTenant({ name: 'Globex', slug: 'globex', subscriptionPlan: 'free' })).tenantId;
  const suspend = await t.http.inject({ method: 'PATCH', url: `/api/v1/tenants/${globex}`, headers: asSystemAdmin(), payload: { status: 'suspended' } });
  assert.equal(suspend.statusCode, 200, suspend.body);
});
after(() => t.close());

it('acci tenants list prints every tenant as a table, oldest first', async () => {
  const res = await runCli(['tenants', 'list'], { DATABASE_URL: t.db.ownerUrl });
  assert.equal(res.code, 0, res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ID\s+SLUG\s+NAME\s+PLAN\s+STATUS\s+CREATED$/);
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, new RegExp(`^${acme}\\s+acme\\s+Acme Corporation\\s+professional\\s+active\\s+\\d{4}-\\d\\d-\\d\\dT`));
  assert.match(lines[2]!, new RegExp(`^${globex}\\s+globex\\s+Globex\\s+free\\s+suspended\\s+`));
  // Columns line up: every row has its status at the header's offset.
  const offset = lines[0]!.indexOf('STATUS');
  assert.ok(lines.slice(1).every((line) => /^(active|suspended)/.test(line.slice(offset))));
});

it('--status filters, --json prints one tenant per line', async () => {
  const [suspended, json, none] = await Promise.all([
    runCli(['tenants', 'list', '--status', 'suspended'], { DATABASE_URL: t.db.ownerUrl }),
    runCli(['tenants', 'list', '--json'], { DATABASE_URL: t.db.ownerUrl }),
    runCli(['tenants', 'list', '--status', 'deleted', '--json'], { DATABASE_URL: t.db.ownerUrl }),
  ]);
  assert.equal(suspended.code, 0, suspended.stderr);
  assert.deepEqual(suspended.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), [globex]);
  assert.equal(json.code, 0, json.stderr);
  const tenants = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(tenants.map((x) => [x.id, x.slug, x.subscriptionPlan, x.status]), [[acme, 'acme', 'professional', 'active'], [globex, 'globex', 'free', 'suspended']]);
  assert.equal(typeof tenants[0]!.createdAt, 'string');
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, '');
});

it('names an unreachable database like the other commands', async () => {
  const res = await runCli(['tenants', 'list'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' });
  assert.equal(res.code, 2);
  assert.match(res.stderr, /^acci: Database unreachable: DATABASE_URL=/);
});

it('says to migrate instead of failing on a missing table when the database was never migrated', async () => {
  const adminUrl = process.env[ADMIN_URL_ENV]!;
  const name = `acci_unmigrated_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const res = await runCli(['tenants', 'list'], { DATABASE_URL: databaseUrl(adminUrl, name) });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^acci: the database has \d+ pending migration\(s\) .*run `acci migrate` or start the server once/);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});

it('formatTable pads every column but the last', () => {
  assert.equal(formatTable([['A', 'BB', 'C'], ['aaa', 'b', 'cc']]), 'A    BB  C\naaa  b   cc');
});
