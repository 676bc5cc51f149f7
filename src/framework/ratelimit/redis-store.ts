import { Redis } from 'ioredis';
import { outcome, type BucketSpec, type RateLimitStore, type TakeResult } from './store.ts';

/**
 * All buckets of one request in one atomic script, timed by the Redis server's clock so every
 * instance agrees. Returns the allowed flag, then each bucket's tokens after the take.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local levels = {}
local allowed = 1
for i = 1, n do
  local capacity = tonumber(ARGV[i * 3 - 2])
  local rate = tonumber(ARGV[i * 3 - 1])
  local cost = tonumber(ARGV[i * 3])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tokens = tonumber(state[1])
  local at = tonumber(state[2])
  if tokens == nil or at == nil then
    tokens = capacity
  else
    tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  end
  levels[i] = tokens
  if tokens < cost then allowed = 0 end
end
local result = { allowed }
for i = 1, n do
  local capacity = tonumber(ARGV[i * 3 - 2])
  local rate = tonumber(ARGV[i * 3 - 1])
  local cost = tonumber(ARGV[i * 3])
  local tokens = levels[i]
  if allowed == 1 then tokens = tokens - cost end
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[i], math.ceil((capacity - tokens) / rate) + 1000)
  result[i + 1] = tostring(tokens)
end
return result
`;

/**
 * Buckets shared by every instance through Redis (`REDIS_URL`). Keys are prefixed so several
 * deployments can share one Redis.
 *
 * @example
 *   const store = createRedisStore({ url: 'redis://127.0.0.1:6379', prefix: 'acci:rl:' });
 */
export function createRedisStore(options: { url: string; prefix?: string }): RateLimitStore & { ping: () => Promise<void> } {
  const redis = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  redis.on('error', () => undefined);
  redis.defineCommand('acciTakeTokens', { lua: TAKE_SCRIPT });
  const prefix = options.prefix ?? 'acci:rl:';
  type WithTake = { acciTakeTokens: (numberOfKeys: number, ...args: (string | number)[]) => Promise<string[] | number[]> };
  const client = redis as unknown as WithTake;
  return {
    kind: 'redis',
    async take(specs: readonly BucketSpec[]): Promise<TakeResult> {
      const keys = specs.map((s) => prefix + s.key);
      const args = specs.flatMap((s) => [s.capacity, s.capacity / (s.windowSeconds * 1000), s.cost ?? 1]);
      const [flag, ...levels] = (await client.acciTakeTokens(keys.length, ...keys, ...args)).map(Number);
      const allowed = flag === 1;
      return { allowed, buckets: specs.map((spec, i) => outcome(spec, levels[i] ?? 0, allowed)) };
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      redis.disconnect();
    },
  };
}
