/**
 * `npm run bench -- access`: what authorization costs.
 *   authz_decision_p99_us  — one policy decision (Casbin + decision cache), p99 over a mix of
 *                            roles × permissions × own/other; peers: the raw Casbin decision (no cache).
 *   authorized_read_rps    — an authenticated read route with the access checks (permission, tenant,
 *                            API-call quota) vs the same handler declared public (no checks), same
 *                            server, same run, alternating rounds; limit = the unchecked route.
 * Rate limiting is off on both routes (it is not authorization; its own cost is reported separately).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { load, percentile, report, result } from './lib.ts';
import { benchDatabase } from './database.ts';
import { createDatabase } from '../src/framework/db/index.ts';
import { createLogger } from '../src/framework/observability/index.ts';
import type { AcciModule } from '../src/framework/module.ts';
import type { Principal } from '../src/framework/http/index.ts';
import { RUNTIME_ROLE } from '../src/platform/database/roles.ts';
import { buildApp } from '../src/platform/app.ts';
import { createAccess } from '../src/modules/access/module.ts';
import { DEFAULT_RATE_LIMITS } from '../src/modules/access/limits.ts';
import { PERMISSIONS } from '../src/modules/access/permissions.ts';
import { createPolicyEngine, type PolicyEngine } from '../src/modules/access/policy/engine.ts';
import { DEFAULT_POLICY_FILE, MODEL_FILE } from '../src/modules/access/policy/files.ts';
import { asHeaders, principalFromHeader } from '../src/modules/access/test-support.ts';
import { createMemoryStore } from '../src/framework/ratelimit/index.ts';

const tenantId = randomUUID();
const principals: Principal[] = ['admin', 'user', 'read_only', 'custom:ops'].map((role) => ({ userId: randomUUID(), tenantId, role, isSystemAdmin: false }));

async function decisionLatencies(engine: PolicyEngine, samples: number): Promise<number[]> {
  await engine.setTenant(tenantId, { roles: [{ name: 'custom:ops', permissions: ['audit:read', 'users:list'] }], assignments: new Map() });
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const principal = principals[i % principals.length]!;
    const permission = PERMISSIONS[i % PERMISSIONS.length]!;
    const resource = { tenantId, ...(i % 3 === 0 ? { ownerId: randomUUID() } : {}) };
    const t0 = process.hrtime.bigint();
    engine.decide(principal, permission, resource);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return latencies.slice(Math.floor(samples / 10));
}

type ServerMessage = { port: number } | { cpuMicros: number };

/** Server mode (a child process, so the load generator never shares its event loop). */
async function serve(): Promise<void> {
  const database = await benchDatabase('access');
  const db = {
    app: createDatabase({ connectionString: database.url, role: RUNTIME_ROLE, max: 10 }),
    system: createDatabase({ connectionString: database.url, max: 4 }),
  };
  const reads: AcciModule = {
    name: 'reads',
    register(app) {
      const schema = { tags: ['bench'], params: Type.Object({ tenantId: Type.String() }), response: { 200: Type.Object({ items: Type.Array(Type.String()) }) } };
      const handler = async () => ({ items: ['a', 'b', 'c'] });
      app.get('/tenants/:tenantId/items', { config: { permission: 'users:list' }, schema }, handler);
      // Its twin sits beside it in the router (same prefix, same parameter): both cost the same to find.
      app.get('/tenants/:tenantId/open-items', { config: { public: true }, schema }, handler);
    },
  };
  const access = createAccess({ watchPolicy: false, rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false }, planOf: () => 'enterprise' });
  const app = await buildApp({ logger: createLogger({ level: 'warn', format: 'json' }), db, modules: [access.module, reads, principalFromHeader()], logRequests: false });
  await app.startBackground();
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const address = app.http.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 } satisfies ServerMessage);
  process.on('message', (message) => {
    if (message === 'cpu') {
      const usage = process.cpuUsage();
      process.send?.({ cpuMicros: usage.user + usage.system } satisfies ServerMessage);
      return;
    }
    void (async () => {
      await app.http.close();
      await app.stopBackground();
      await db.app.close();
      await db.system.close();
      await database.close();
      process.exit(0);
    })();
  });
}

if (process.argv[2] === '--serve') {
  await serve();
} else {
  await measure();
}

async function measure(): Promise<void> {
const model = readFileSync(MODEL_FILE, 'utf8');
const policy = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
const cached = await decisionLatencies(await createPolicyEngine({ model, policy }), 200_000);
const raw = await decisionLatencies(await createPolicyEngine({ model, policy, cache: false }), 20_000);

const rateStore = createMemoryStore();
const rateLatencies: number[] = [];
for (let i = 0; i < 50_000; i++) {
  const t0 = process.hrtime.bigint();
  await rateStore.take([{ key: `ip:${i % 100}`, capacity: 1e9, windowSeconds: 60 }, { key: `user:${i % 50}`, capacity: 1e9, windowSeconds: 60 }]);
  rateLatencies.push(Number(process.hrtime.bigint() - t0) / 1000);
}

const server = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const next = () => new Promise<ServerMessage>((resolve) => server.once('message', (m) => resolve(m as ServerMessage)));
const started = await next();
const port = 'port' in started ? started.port : 0;
const cpu = async () => {
  const reply = next();
  server.send('cpu');
  const m = await reply;
  return 'cpuMicros' in m ? m.cpuMicros : 0;
};
const headers = asHeaders(principals[0] ?? null);
const checked = `http://127.0.0.1:${port}/api/v1/tenants/${tenantId}/items`;
const unchecked = `http://127.0.0.1:${port}/api/v1/tenants/${tenantId}/open-items`;

// The machine is shared: many short alternating rounds and medians, so load swings hit both sides
// alike; the server's own CPU time per request is the steadier figure.
const seconds = Number(process.env.BENCH_SECONDS ?? 1);
// Single rounds on this VM swing ±15% with the machine's speed: many short back-to-back pairs, and
// the ratio is the median of the pairs' ratios (each pair sees the same machine).
const roundCount = Number(process.env.BENCH_ROUNDS ?? 20);
await load({ url: checked, headers, duration: 1 });
await load({ url: unchecked, headers, duration: 1 });
const rounds = { with: [] as number[], without: [] as number[], pairs: [] as number[], withP99: [] as number[], withCpu: [] as number[], withoutCpu: [] as number[], cpuPairs: [] as number[] };
const run = async (url: string) => {
  const before = await cpu();
  const outcome = await load({ url, headers, duration: seconds });
  const used = (await cpu()) - before;
  if (outcome.non2xx > 0 || outcome.errors > 0) throw new Error(`unexpected answers from ${url}: ${outcome.non2xx} non-2xx, ${outcome.errors} errors`);
  return { ...outcome, cpuPerRequest: used / (outcome.rps * seconds) };
};
for (let round = 0; round < roundCount; round++) {
  const checkedFirst = round % 2 === 1;
  const a = await run(checkedFirst ? checked : unchecked);
  const b = await run(checkedFirst ? unchecked : checked);
  const [withCheck, without] = checkedFirst ? [a, b] : [b, a];
  rounds.without.push(without.rps);
  rounds.with.push(withCheck.rps);
  rounds.pairs.push(withCheck.rps / without.rps);
  rounds.cpuPairs.push(without.cpuPerRequest / withCheck.cpuPerRequest);
  rounds.withP99.push(withCheck.p99);
  rounds.withCpu.push(withCheck.cpuPerRequest);
  rounds.withoutCpu.push(without.cpuPerRequest);
}
const median = (values: number[]) => percentile(values, 50);
const exited = new Promise((resolve) => server.once('exit', resolve));
server.send('stop');
await exited;

report('access', [
  result('authz_decision_p99_us', percentile(cached, 99), 'us', {
    peers: { p50_us: percentile(cached, 50), raw_casbin_p50_us: percentile(raw, 50), raw_casbin_p99_us: percentile(raw, 99) },
    notes: 'decision cache per (role, tenant, permission, own) until the next policy reload; raw = Casbin enforceSync on every call',
  }),
  result('authorized_read_rps', median(rounds.with), 'req/s', {
    limit: median(rounds.without),
    pairedRatio: median(rounds.pairs),
    peers: { authorized_read_p99_ms: Math.max(...rounds.withP99) },
    notes: `limit = the same handler declared public (no access checks); ${roundCount} back-to-back pairs of ${seconds}s in one server, alternating order; ratio = median of the pairs' ratios (value and limit: medians)`,
  }),
  result('authorized_read_capacity_rps', 1e6 / median(rounds.withCpu), 'req/s', {
    limit: 1e6 / median(rounds.withoutCpu),
    pairedRatio: median(rounds.cpuPairs),
    peers: { cpu_us_per_request: median(rounds.withCpu), unchecked_cpu_us_per_request: median(rounds.withoutCpu) },
    notes: 'server CPU time per request (one core): less sensitive to other load on the machine than wall-clock rps',
  }),
  result('ratelimit_take_p99_us', percentile(rateLatencies, 99), 'us', { notes: 'in-memory store, two buckets per take' }),
]);
}
