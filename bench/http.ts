/**
 * `npm run bench -- http`: an ACCI route with the full hook chain (correlation id, principal
 * hook, error mapping, request logging, metrics, response schema) against a bare Fastify route.
 * Both servers run in a child process; autocannon runs here, so load generation does not share
 * the servers' event loop. Figure: route_rps; limit: the bare route's rps.
 */
import { fork } from 'node:child_process';
import Fastify from 'fastify';
import { pino } from 'pino';
import { Type } from 'typebox';
import { createHttpServer } from '../src/framework/http/index.ts';
import { createMetrics, createLogger } from '../src/framework/observability/index.ts';
import { translations } from '../src/platform/app.ts';
import { load, readyMessage, report, result, type LoadResult } from './lib.ts';

const payload = { id: '7f9c1e8e-3f3a-4a53-9a51-2d8b8c1b8e11', name: 'Acme Corporation', status: 'active', plan: 'professional' };

async function serve(): Promise<void> {
  const bare = Fastify({ logger: false });
  bare.get('/item', async () => payload);
  // Logging stays on (info, JSON) but goes to /dev/null: we measure the cost of producing it.
  const logger = createLogger({ level: 'info', format: 'json' }, pino.destination({ dest: '/dev/null', sync: false }));
  const acci = createHttpServer({ logger, metrics: createMetrics(), translations: translations(), authenticate: async () => null });
  acci.get('/api/v1/item', {
    schema: { response: { 200: Type.Object({ id: Type.String(), name: Type.String(), status: Type.String(), plan: Type.String() }) } },
  }, async () => payload);
  await bare.listen({ port: 0, host: '127.0.0.1' });
  await acci.listen({ port: 0, host: '127.0.0.1' });
  const port = (app: typeof bare | typeof acci) => {
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  };
  process.send?.({ bare: port(bare), acci: port(acci) });
  process.on('disconnect', () => process.exit(0));
}

async function measure(): Promise<void> {
  const duration = Number(process.env.BENCH_DURATION ?? 4);
  const child = fork(import.meta.filename, ['--serve'], { execArgv: ['--import', 'tsx'] });
  const ports = await readyMessage<{ bare: number; acci: number }>(child);
  const bareUrl = `http://127.0.0.1:${ports.bare}/item`;
  const acciUrl = `http://127.0.0.1:${ports.acci}/api/v1/item`;
  try {
    await load({ url: bareUrl, duration: 1 }); // warm-up: JIT, connections
    await load({ url: acciUrl, duration: 1 });
    // The machine is shared: both routes are measured in alternating rounds so they see the same background load.
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const bares: LoadResult[] = [];
    const routes: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      bares.push(await load({ url: bareUrl, duration }));
      routes.push(await load({ url: acciUrl, duration }));
      process.stderr.write(`  round ${round + 1}: bare ${bares.at(-1)!.rps.toFixed(0)}/s, acci ${routes.at(-1)!.rps.toFixed(0)}/s, ratio ${(routes.at(-1)!.rps / bares.at(-1)!.rps).toFixed(3)}\n`);
    }
    const failed = routes.reduce((n, r) => n + r.non2xx + r.errors, 0);
    if (failed > 0) throw new Error(`ACCI route answered ${failed} non-2xx responses or errors`);
    const mean = (runs: LoadResult[]) => runs.reduce((sum, r) => sum + r.rps, 0) / runs.length;
    const p99 = (runs: LoadResult[]) => Math.max(...runs.map((r) => r.p99));
    report('http', [
      result('route_rps', mean(routes), 'req/s', { limit: mean(bares), notes: `worst p99 ${p99(routes)} ms (bare ${p99(bares)} ms), c16, ${rounds} alternating rounds of ${duration}s` }),
    ]);
  } finally {
    child.disconnect();
  }
}

await (process.argv.includes('--serve') ? serve() : measure());
