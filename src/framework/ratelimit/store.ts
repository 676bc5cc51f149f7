/**
 * Token buckets: each holds up to `capacity` tokens and refills continuously at
 * `capacity / windowSeconds` per second; a request takes `cost` tokens (default 1).
 * A take over several buckets is all-or-nothing: when any bucket is short, none is charged.
 */
export type BucketSpec = { key: string; capacity: number; windowSeconds: number; cost?: number };

export type BucketOutcome = {
  key: string;
  capacity: number;
  /** Whole tokens left after this take. */
  remaining: number;
  /** Milliseconds until this bucket could serve this request again (0 when it did). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
};

export type TakeResult = { allowed: boolean; buckets: BucketOutcome[] };

/** Where bucket state lives: this process (memory) or shared by every instance (Redis). */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  take(buckets: readonly BucketSpec[]): Promise<TakeResult>;
  close(): Promise<void>;
}

/** Outcome of one bucket holding `tokens` (before charging) with the take allowed or not. */
export function outcome(spec: BucketSpec, tokensAfter: number, allowed: boolean): BucketOutcome {
  const rate = spec.capacity / (spec.windowSeconds * 1000);
  const cost = spec.cost ?? 1;
  return {
    key: spec.key,
    capacity: spec.capacity,
    remaining: Math.max(0, Math.floor(tokensAfter)),
    retryAfterMs: allowed ? 0 : Math.max(1, Math.ceil((cost - tokensAfter) / rate)),
    resetMs: Math.max(0, Math.ceil((spec.capacity - tokensAfter) / rate)),
  };
}
