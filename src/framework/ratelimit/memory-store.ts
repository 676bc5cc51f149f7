import { outcome, type BucketSpec, type RateLimitStore, type TakeResult } from './store.ts';

type Bucket = { tokens: number; at: number; capacity: number; rate: number };

/**
 * Buckets in this process's memory: the default, exact for one instance. Full buckets are
 * forgotten by a periodic sweep, so memory follows the number of active callers.
 *
 * @example
 *   const store = createMemoryStore();
 *   const { allowed } = await store.take([{ key: 'ip:127.0.0.1', capacity: 10, windowSeconds: 60 }]);
 */
export function createMemoryStore(options: { now?: () => number; sweepEvery?: number } = {}): RateLimitStore {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  const sweepEvery = options.sweepEvery ?? 10_000;
  let takes = 0;

  const level = (bucket: Bucket, at: number) => Math.min(bucket.capacity, bucket.tokens + Math.max(0, at - bucket.at) * bucket.rate);

  const sweep = (at: number) => {
    for (const [key, bucket] of buckets) if (level(bucket, at) >= bucket.capacity) buckets.delete(key);
  };

  return {
    kind: 'memory',
    async take(specs: readonly BucketSpec[]): Promise<TakeResult> {
      const at = now();
      if (++takes % sweepEvery === 0) sweep(at);
      const levels = specs.map((spec) => {
        const existing = buckets.get(spec.key);
        return existing ? level(existing, at) : spec.capacity;
      });
      const allowed = specs.every((spec, i) => (levels[i] ?? 0) >= (spec.cost ?? 1));
      const results = specs.map((spec, i) => {
        const tokens = (levels[i] ?? 0) - (allowed ? (spec.cost ?? 1) : 0);
        buckets.set(spec.key, { tokens, at, capacity: spec.capacity, rate: spec.capacity / (spec.windowSeconds * 1000) });
        return outcome(spec, tokens, allowed);
      });
      return { allowed, buckets: results };
    },
    async close() {
      buckets.clear();
    },
  };
}
