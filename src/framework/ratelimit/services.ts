/**
 * Where tests find Redis: `REDIS_URL`, or the local default when `ACCI_REQUIRE_SERVICES` is set
 * (CI), in which case Redis tests must run rather than skip.
 *
 * @example
 *   test('shared limit', { skip: redisForTests().skip }, async () => { ... });
 */
export function redisForTests(): { url: string | undefined; skip: string | false } {
  const required = ['1', 'true'].includes(process.env.ACCI_REQUIRE_SERVICES ?? '');
  const url = process.env.REDIS_URL ?? (required ? 'redis://127.0.0.1:6379' : undefined);
  return { url, skip: url ? false : 'REDIS_URL is not set: Redis tests need a Redis (set REDIS_URL, or ACCI_REQUIRE_SERVICES=1 to require it)' };
}
