/**
 * `npm run bench -- auth`: password sign-in, authenticated reads and refresh-token rotation of the
 * full ACCI stack (tenants + users + auth on PostgreSQL), each next to its physical limit measured
 * in the same run, and Better Auth (email + password on the same PostgreSQL) as the peer:
 *   login_rps   POST /auth/login at c16      vs raw argon2id verification (same parameters) at c16
 *   me_rps      GET /auth/me at c16          vs a bare Fastify route
 *   me_p99_ms   p99 latency of GET /auth/me
 *   refresh_rps POST /auth/refresh at c16 (every request rotates its connection's token)
 * ACCI runs as `acci start` composes it (see serve). ACCI and the bare Fastify route run in one child
 * process and the Better Auth peer in another, so autocannon shares no event loop with them, and the
 * peer's AsyncLocalStorage (it enables Node's promise hooks for the whole process, a cost on every
 * promise) does not tax ACCI or the bare route. The raw argon2id verification runs here, without
 * HTTP, on this process's libuv pool (the same default size as the server's).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { hash, verify } from '@node-rs/argon2';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { exportToEnvironment, loadConfig } from '../src/platform/config.ts';
import { startServer } from '../src/platform/server.ts';
import { identity, identityServices } from '../src/modules/users/index.ts';
import { OWASP_ARGON2ID, setPassword } from '../src/modules/auth/index.ts';
import { freePort } from '../test/support/template.ts';
import { benchDatabase } from './database.ts';
import { concurrently, load, readyMessage, report, result, type LoadResult } from './lib.ts';

const PASSWORD = 'Bench-Mark-Password-42';
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SLUG = 'bench';
const log = (line: string) => process.stderr.write(`${line}\n`);

type Ready = { acciUrl: string; bareUrl: string; emails: string[] };
type PeerReady = { url: string; emails: string[]; cookie: string };

/**
 * Child process: ACCI composed and started as `acci start` does (every module: the access module's
 * authorizer and permissions included), with request logs off (LOG_LEVEL=warn) and the rate limits
 * off (one client signing in hundreds of times a second is what they stop); then a tenant and
 * users, and the bare Fastify route.
 */
async function serve(url: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acci-bench-auth-'));
  const config = loadConfig({
    DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ACCI_DATA_DIR: dataDir, ACCI_RATE_LIMITS: 'off', PUBLIC_URL: 'http://localhost:8080',
  });
  exportToEnvironment(config);
  const server = await startServer(config);
  const acci = server.app;
  const bare = Fastify({ logger: false });
  bare.get('/bare', async () => ({ ok: true, user: { id: randomUUID() } }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const portOf = (server: { server: { address: () => unknown } }) => (server.server.address() as { port: number }).port;

  log('setting up a tenant and users');
  const services = identityServices(acci.context);
  const id = identity(acci.context);
  const { tenantId } = await services.tenants.create({
    name: 'Bench Inc', slug: SLUG, subscriptionPlan: 'enterprise', adminEmail: 'admin@bench.example', language: 'en',
    settings: {
      allowedAuthMethods: ['password'], maxUsers: 1_000, features: ['self_service_registration'], customDomain: null,
      securityPolicy: { passwordMinLength: 12, requireMfa: false, maxLoginAttempts: 5, sessionTimeout: 'PT8H', allowedIpRanges: [] },
    },
  }, { userId: null, correlationId: randomUUID() });
  const emails = Array.from({ length: CONNECTIONS }, (_, i) => `user${i}@bench.example`);
  for (const email of emails) {
    const user = await id.registerSelfService({ tenantId, email });
    await id.confirmEmail(tenantId, user.userId);
    await setPassword(acci.context, { userId: user.userId, tenantId, password: PASSWORD });
  }
  const ready: Ready = { acciUrl: `http://127.0.0.1:${portOf(acci.http)}`, bareUrl: `http://127.0.0.1:${portOf(bare)}`, emails };
  process.send?.(ready);
  process.on('disconnect', () => {
    void (async () => {
      await bare.close().catch(() => undefined);
      await server.shutdown('bench done');
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

async function measure(): Promise<void> {
  const database = await benchDatabase('auth');
  // BENCH_CPU_PROF_DIR=<dir>: the server process writes a V8 CPU profile there (for diagnosis only).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = fork(import.meta.filename, ['--serve', database.url], { execArgv: ['--import', 'tsx', ...profile] });
  const peerChild = fork(import.meta.filename, ['--peer', database.url], { execArgv: ['--import', 'tsx'] });
  try {
    const [{ acciUrl, bareUrl, emails }, peer] = await Promise.all([readyMessage<Ready>(child), readyMessage<PeerReady>(peerChild, 'peer')]);
    const signIn = async (email: string) => {
      const res = await fetch(`${acciUrl}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: SLUG, email, password: PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login failed: ${await res.text()}`);
      return await res.json() as { token: string; refreshToken: string };
    };
    const check = (name: string, run: LoadResult) => {
      if (run.errors > 0 || run.non2xx > 0) log(`  ${name}: ${run.errors} errors, ${run.non2xx} non-2xx responses`);
      log(`  ${name}: ${run.rps.toFixed(0)}/s, p50 ${run.p50} ms, p99 ${run.p99} ms`);
      return run;
    };

    const loginLoad = (seconds = SECONDS) => {
      let next = 0;
      return load({
        url: acciUrl, connections: CONNECTIONS, duration: seconds,
        requests: [{
          method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ tenant: SLUG, email: emails[next++ % emails.length], password: PASSWORD }) }),
        }],
      });
    };
    const stored = await hash(PASSWORD, { ...OWASP_ARGON2ID, algorithm: 2 });
    const rawLoad = () => concurrently({ concurrency: CONNECTIONS, durationMs: SECONDS * 1000 }, () => verify(stored, PASSWORD));

    // The machine is shared: limit and figure are measured in alternating rounds so both see the same background load.
    // Like the reads below, each side first runs 1 s unmeasured: the server's first sign-ins open its pool's
    // connections and compile the sign-in path, which a running server has long done.
    log(`login vs raw argon2id verify, ${ROUNDS} alternating rounds of ${SECONDS} s (after a 1 s warm-up of each)`);
    await concurrently({ concurrency: CONNECTIONS, durationMs: 1000 }, () => verify(stored, PASSWORD));
    await loginLoad(1);
    const rawRates: number[] = [];
    const logins: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawRates.push((await rawLoad()).opsPerSecond);
      log(`  argon2id verify: ${rawRates.at(-1)!.toFixed(1)}/s`);
      logins.push(check('login', await loginLoad()));
    }

    const sessions = await Promise.all(emails.map(signIn));
    // Prebuilt requests (one per session, cycled): autocannon does no per-request work the bare route's load does not do.
    const meRequests = sessions.map((s) => ({ method: 'GET' as const, path: '/api/v1/auth/me', headers: { authorization: `Bearer ${s.token}` } }));
    log(`GET /auth/me vs a bare Fastify route, ${ROUNDS} alternating rounds (after a 1 s warm-up of each)`);
    await load({ url: `${bareUrl}/bare`, connections: CONNECTIONS, duration: 1 });
    await load({ url: acciUrl, connections: CONNECTIONS, duration: 1, requests: meRequests });
    const bares: LoadResult[] = [];
    const mes: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bares.push(check('bare', await load({ url: `${bareUrl}/bare`, connections: CONNECTIONS, duration: SECONDS })));
      mes.push(check('me', await load({ url: acciUrl, connections: CONNECTIONS, duration: SECONDS, requests: meRequests })));
    }

    log('POST /auth/refresh (every response hands its new token to the next request)');
    const queue = (await Promise.all([...emails, ...emails, ...emails, ...emails].map(signIn))).map((s) => s.refreshToken);
    const refresh = check('refresh', await load({
      url: acciUrl, connections: CONNECTIONS, duration: SECONDS,
      requests: [{
        method: 'POST', path: '/api/v1/auth/refresh', headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ refreshToken: queue.shift() ?? 'exhausted' }) }),
        onResponse: (status, body) => {
          if (status === 200) queue.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
        },
      }],
    }));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const ratios = (figures: number[], limits: number[]) => figures.map((f, i) => (f / limits[i]!).toFixed(3)).join(', ');
    log(`per-round ratios: login ${ratios(logins.map((l) => l.rps), rawRates)}; me ${ratios(mes.map((m) => m.rps), bares.map((b) => b.rps))}`);
    const login = { rps: mean(logins.map((l) => l.rps)) };
    const raw = { opsPerSecond: mean(rawRates) };
    const me = { rps: mean(mes.map((m) => m.rps)), p99: Math.max(...mes.map((m) => m.p99)) };
    const bareRun = { rps: mean(bares.map((b) => b.rps)) };

    log('Better Auth (email + password, same PostgreSQL, its own server process)');
    // Better Auth hashes with scrypt (N=16384, r=16): slower per sign-in, so it gets a longer window.
    let peerNext = 0;
    const peerLogin = check('better-auth sign-in', await load({
      url: peer.url, connections: CONNECTIONS, duration: SECONDS * 3,
      requests: [{
        method: 'POST', path: '/api/auth/sign-in/email', headers: { 'content-type': 'application/json', origin: peer.url },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ email: peer.emails[peerNext++ % peer.emails.length], password: PASSWORD }) }),
      }],
    }));
    const peerSession = check('better-auth get-session', await load({
      url: `${peer.url}/api/auth/get-session`, connections: CONNECTIONS, duration: SECONDS, headers: { cookie: peer.cookie, origin: peer.url },
    }));
    report('auth', [
      result('login_rps', login.rps, 'req/s', { limit: raw.opsPerSecond, peers: { better_auth: peerLogin.rps }, notes: 'POST /auth/login c16 vs raw argon2id verify c16 (m=19456,t=2,p=1)' }),
      result('me_rps', me.rps, 'req/s', { limit: bareRun.rps, peers: { better_auth: peerSession.rps }, notes: 'GET /auth/me c16 vs bare Fastify route; peer: Better Auth get-session' }),
      result('me_p99_ms', me.p99, 'ms', { notes: 'worst p99 of the rounds; target < 10' }),
      result('refresh_rps', refresh.rps, 'req/s', { notes: 'rotation on every request; target >= 2000' }),
    ]);
  } finally {
    await Promise.all([child, peerChild].map(async (process) => {
      if (process.connected) process.disconnect();
      await new Promise((r) => (process.exitCode === null ? process.once('exit', r) : r(null)));
    }));
    await database.close();
  }
}

/** Child process: the Better Auth peer, alone (see the header); it reports its URL, users and a session cookie. */
async function servePeer(url: string): Promise<void> {
  const peer = await betterAuthPeer(url);
  process.send?.({ url: peer.url, emails: peer.emails, cookie: peer.cookie } satisfies PeerReady);
  process.on('disconnect', () => { void peer.close().finally(() => process.exit(0)); });
}

async function betterAuthPeer(url: string): Promise<PeerReady & { close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  pool.on('error', () => undefined);
  const server = Fastify({ logger: false });
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const peerAuth = betterAuth({
    database: pool,
    secret: randomBytes(32).toString('hex'),
    baseURL,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    telemetry: { enabled: false },
  });
  const { runMigrations } = await getMigrations(peerAuth.options);
  await runMigrations();
  server.route({
    method: ['GET', 'POST'],
    url: '/api/auth/*',
    async handler(request, reply) {
      const headers = new Headers();
      for (const [key, value] of Object.entries(request.headers)) if (value !== undefined) headers.append(key, String(value));
      const response = await peerAuth.handler(new Request(new URL(request.url, baseURL), {
        method: request.method, headers, ...(request.body ? { body: JSON.stringify(request.body) } : {}),
      }));
      reply.status(response.status);
      response.headers.forEach((value, key) => { reply.header(key, value); });
      return reply.send(response.body ? await response.text() : null);
    },
  });
  await server.listen({ port, host: '127.0.0.1' });
  const emails = Array.from({ length: CONNECTIONS }, (_, i) => `peer${i}@bench.example`);
  for (const email of emails) {
    const res = await server.inject({ method: 'POST', url: '/api/auth/sign-up/email', headers: { origin: baseURL }, payload: { email, password: PASSWORD, name: email } });
    if (res.statusCode !== 200) throw new Error(`better-auth sign-up failed: ${res.statusCode} ${res.body}`);
  }
  const started = performance.now();
  const signIn = await server.inject({ method: 'POST', url: '/api/auth/sign-in/email', headers: { origin: baseURL }, payload: { email: emails[0], password: PASSWORD } });
  log(`  better-auth: one sign-in alone takes ${(performance.now() - started).toFixed(0)} ms`);
  const cookie = /better-auth\.session_token=[^;]+/.exec(String(signIn.headers['set-cookie']))?.[0];
  if (!cookie) throw new Error(`better-auth sign-in gave no session cookie: ${signIn.statusCode} ${signIn.body}`);
  return { url: baseURL, emails, cookie, close: async () => { await server.close(); await pool.end(); } };
}

const serveAt = process.argv.indexOf('--serve');
const peerAt = process.argv.indexOf('--peer');
await (serveAt >= 0 ? serve(process.argv[serveAt + 1]!) : peerAt >= 0 ? servePeer(process.argv[peerAt + 1]!) : measure());
