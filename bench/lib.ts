/**
 * The shape every benchmark prints as its last line, so tooling can read the figures:
 *   {"bench": name, "results": [{"metric", "value", "unit", "limit"?, "ratio"?, "peers"?}]}
 * `limit` is the physical ceiling measured in the same run; `ratio = value / limit`.
 */
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

/** The first message a forked server process sends (its ports, URLs…); fails if it exits first. */
export function readyMessage<T>(child: ChildProcess, name = 'server'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${name} process exited with ${code}`)));
  });
}

export type BenchResult = {
  metric: string;
  value: number;
  unit: string;
  limit?: number;
  ratio?: number;
  peers?: Record<string, number>;
  notes?: string;
};

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/**
 * A figure next to its limit, with the ratio computed once here. `pairedRatio`: the median of the
 * ratios of back-to-back pairs instead of value / limit (robust to a machine whose speed drifts
 * between rounds; the notes must say so).
 */
export function result(metric: string, value: number, unit: string, extra: { limit?: number; pairedRatio?: number; peers?: Record<string, number>; notes?: string } = {}): BenchResult {
  const entry: BenchResult = { metric, value: round(value), unit };
  if (extra.limit !== undefined) {
    entry.limit = round(extra.limit);
    entry.ratio = round(extra.pairedRatio ?? value / extra.limit, 3);
  }
  if (extra.peers) entry.peers = Object.fromEntries(Object.entries(extra.peers).map(([k, v]) => [k, round(v)]));
  if (extra.notes) entry.notes = extra.notes;
  return entry;
}

export function report(bench: string, results: BenchResult[]): void {
  for (const r of results) {
    const ratio = r.ratio !== undefined ? `  (limit ${r.limit} ${r.unit}, ratio ${r.ratio})` : '';
    const peers = r.peers ? `  peers ${JSON.stringify(r.peers)}` : '';
    process.stderr.write(`${r.metric}: ${r.value} ${r.unit}${ratio}${peers}\n`);
  }
  process.stdout.write(`${JSON.stringify({ bench, results })}\n`);
}

export type LoadResult = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

/** HTTP load on loopback, bounded in time. */
export async function load(options: autocannon.Options): Promise<LoadResult> {
  const run = await autocannon({ connections: 16, duration: 5, ...options });
  return {
    rps: run.requests.average,
    p50: run.latency.p50,
    p99: run.latency.p99,
    errors: run.errors + run.timeouts,
    non2xx: run.non2xx,
  };
}

/** A loop of async operations at fixed concurrency for a bounded time; returns ops/s and latencies. */
export async function concurrently(
  options: { concurrency: number; durationMs: number; maxOps?: number },
  operation: (worker: number, iteration: number) => Promise<unknown>,
): Promise<{ opsPerSecond: number; count: number; latenciesMs: number[] }> {
  const latencies: number[] = [];
  let count = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const max = options.maxOps ?? Number.POSITIVE_INFINITY;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline && count < max; i++) {
        count++;
        const t0 = performance.now();
        await operation(worker, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { opsPerSecond: latencies.length / elapsed, count: latencies.length, latenciesMs: latencies };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
