/**
 * `npm run bench -- users`: user registration (admin invite: events, e-mail claim, seat counter,
 * inline read models, invitation token and its mail; no password hashing) through HTTP at c16,
 * against the physical limit measured in the same run: raw single-row INSERTs at c16. The server
 * runs in a child process so autocannon does not share its event loop, composed and started as
 * `acci start` does: requests carry a system admin's access token, and the mail outbox worker sends
 * the invitation mails (.eml files) in the same process while the load runs, composing them on its
 * low-priority mail thread; the notes say how many were sent during the run and how long the rest took.
 *   register_rps     (limit = raw_insert_rps, target ratio ≥ 0.3)
 *   register_p99_ms  (target < 15 ms)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import type autocannon from 'autocannon';
import { createDatabase } from '../src/framework/db/index.ts';
import { exportToEnvironment, loadConfig } from '../src/platform/config.ts';
import { startServer } from '../src/platform/server.ts';
import { benchDatabase } from './database.ts';
import { concurrently, load, percentile, readyMessage, report, result } from './lib.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ADMIN = { email: 'root@bench.test', password: 'Bench-Root-Password-2026!' };

/**
 * Child process: the server exactly as `acci start` composes it (every module, the real
 * authenticator and access checks, the mail worker), on the bench database, with request logs off
 * (LOG_LEVEL=warn) and the rate limits off. The system admin signs in over HTTP and creates the tenant users are
 * registered into; the bench sends its access token.
 */
async function serve(url: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acci-bench-users-'));
  const config = loadConfig({
    DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ACCI_DATA_DIR: dataDir,
    ACCI_ADMIN_EMAIL: ADMIN.email, ACCI_ADMIN_PASSWORD: ADMIN.password, PUBLIC_URL: 'http://localhost:8080',
    // One client registering thousands of users a second is what the rate limits exist to stop.
    ACCI_RATE_LIMITS: 'off',
  });
  exportToEnvironment(config);
  const server = await startServer(config);
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const { token } = await call('/auth/login', { email: ADMIN.email, password: ADMIN.password });
  const headers = { authorization: `Bearer ${String(token)}`, 'content-type': 'application/json' };
  const { tenantId } = await call('/tenants', {
    name: 'Bench Tenant', subscriptionPlan: 'enterprise', adminEmail: 'admin@bench.test', settings: { allowedAuthMethods: ['password'], maxUsers: 1_000_000 },
  }, headers);
  process.send?.({ port: Number(new URL(server.url).port), tenantId, headers });
  // The parent asks for the server's CPU time around the measured load (user + system, µs).
  process.on('message', (m) => { if (m === 'cpu') { const u = process.cpuUsage(); process.send?.({ cpuUs: u.user + u.system }); } });
  process.on('disconnect', () => {
    void server.shutdown('bench done').then(() => rmSync(dataDir, { recursive: true, force: true })).then(() => process.exit(0));
  });
}

async function measure(): Promise<void> {
  const bench = await benchDatabase('users');
  const system = createDatabase({ connectionString: bench.url, max: 20, applicationName: 'bench-system' });
  const registeredCount = async (tenantId: string) =>
    (await system.query<{ n: number }>('SELECT count(*)::int AS n FROM user_profiles WHERE tenant_id = $1', [tenantId])).rows[0]?.n ?? 0;
  // BENCH_CPU_PROF_DIR=<dir>: the server process writes a V8 CPU profile there (for diagnosis only).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = fork(import.meta.filename, ['--serve', bench.url], { execArgv: ['--import', 'tsx', ...profile] });
  try {
    // The limit is measured once the server has started and sits idle: its start-up (compiling,
    // migrations, the first tenant) must not take CPU from the raw inserts.
    type Ready = { port: number; tenantId: string; headers: Record<string, string> };
    const { port, tenantId, headers } = await readyMessage<Ready>(child);
    await system.query('CREATE TABLE bench_raw_users (tenant_id uuid NOT NULL, user_id uuid NOT NULL, email text NOT NULL, PRIMARY KEY (tenant_id, user_id))');
    const tenant = randomUUID();
    await concurrently({ concurrency: 16, durationMs: 500 }, () => system.query('INSERT INTO bench_raw_users VALUES ($1, $2, $3)', [tenant, randomUUID(), 'warm@up.test']));
    const raw = await concurrently({ concurrency: 16, durationMs: DURATION_S * 1000 }, (w, i) =>
      system.query('INSERT INTO bench_raw_users VALUES ($1, $2, $3)', [tenant, randomUUID(), `u${w}-${i}@raw.test`]));

    let counter = 0;
    const request = {
      method: 'POST' as const,
      path: `/api/v1/tenants/${tenantId}/users`,
      headers,
      setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ email: `user${counter++}@bench.test`, role: 'user' }) }),
    };
    const serverCpuUs = () => new Promise<number>((resolve) => {
      child.once('message', (m) => resolve((m as { cpuUs: number }).cpuUs));
      child.send('cpu');
    });
    await load({ url: `http://127.0.0.1:${port}`, requests: [request], duration: 1 });
    const before = await registeredCount(tenantId);
    const cpuBefore = await serverCpuUs();
    const run = await load({ url: `http://127.0.0.1:${port}`, requests: [request], duration: DURATION_S });
    const cpuDuring = await serverCpuUs() - cpuBefore;
    if (run.non2xx > 0 || run.errors > 0) throw new Error(`registration answered ${run.non2xx} non-2xx and ${run.errors} errors`);
    const users = await registeredCount(tenantId);
    const queued = async () => (await system.query<{ n: number }>('SELECT count(*)::int AS n FROM mail_outbox WHERE tenant_id = $1', [tenantId])).rows[0]?.n ?? 0;
    const unsentAtEnd = await queued();
    const drainStart = performance.now();
    while ((await queued()) > 0 && performance.now() - drainStart < 60_000) await new Promise((r) => setTimeout(r, 50));
    const drainMs = performance.now() - drainStart;
    const unsent = await queued();
    if (unsent > 0) throw new Error(`${unsent} invitation mails still unsent a minute after the load`);

    const during = users - before;
    const notes = `c16, ${DURATION_S}s, ${run.non2xx} non-2xx, ${run.errors} errors, ${users} users registered, server in its own process `
      + `(${(cpuDuring / 1000 / during).toFixed(2)} ms server CPU per registration during the load, background work included); `
      + `invitation mails: ${unsentAtEnd} still queued when the load ended, all sent ${Math.round(drainMs)} ms later`;
    report('users', [
      result('raw_insert_rps', raw.opsPerSecond, 'ops/s', { notes: `single-row INSERT at c16, p99 ${percentile(raw.latenciesMs, 99).toFixed(2)} ms` }),
      result('register_rps', run.rps, 'req/s', { limit: raw.opsPerSecond, notes }),
      result('register_p99_ms', run.p99, 'ms', { notes: `p50 ${run.p50} ms; target < 15 ms` }),
    ]);
  } finally {
    if (child.connected) child.disconnect();
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    await system.close();
    await bench.close();
  }
}

const serveAt = process.argv.indexOf('--serve');
await (serveAt >= 0 ? serve(process.argv[serveAt + 1]!) : measure());
