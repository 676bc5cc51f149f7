export { createMemoryStore } from './memory-store.ts';
export { createRedisStore } from './redis-store.ts';
export { registerRateLimit, type RateLimitOptions, type RouteRateLimit } from './plugin.ts';
export type { BucketOutcome, BucketSpec, RateLimitStore, TakeResult } from './store.ts';
