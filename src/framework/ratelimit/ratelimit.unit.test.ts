import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryStore } from './memory-store.ts';

test('a bucket serves its capacity, then refills at capacity/window per second', async () => {
  let now = 1_000_000;
  const store = createMemoryStore({ now: () => now });
  const spec = [{ key: 'ip:a', capacity: 3, windowSeconds: 3 }];
  for (let i = 0; i < 3; i++) assert.equal((await store.take(spec)).allowed, true);
  const refused = await store.take(spec);
  assert.equal(refused.allowed, false);
  assert.equal(refused.buckets[0]?.retryAfterMs, 1000);
  assert.equal(refused.buckets[0]?.resetMs, 3000);
  now += 1000;
  const again = await store.take(spec);
  assert.equal(again.allowed, true);
  assert.equal(again.buckets[0]?.remaining, 0);
});

test('several buckets are all-or-nothing: a refusal charges none', async () => {
  const now = 0;
  const store = createMemoryStore({ now: () => now });
  const ip = { key: 'ip:b', capacity: 10, windowSeconds: 60 };
  const user = { key: 'user:b', capacity: 1, windowSeconds: 60 };
  assert.equal((await store.take([ip, user])).allowed, true);
  const refused = await store.take([ip, user]);
  assert.equal(refused.allowed, false);
  assert.equal(refused.buckets[0]?.remaining, 9);
  assert.equal(refused.buckets[1]?.retryAfterMs, 60_000);
});

test('full buckets are swept from memory', async () => {
  let now = 0;
  const store = createMemoryStore({ now: () => now, sweepEvery: 2 });
  await store.take([{ key: 'k1', capacity: 1, windowSeconds: 1 }]);
  now += 5000;
  await store.take([{ key: 'k2', capacity: 1, windowSeconds: 1 }]);
  const k1 = await store.take([{ key: 'k1', capacity: 1, windowSeconds: 1 }]);
  assert.equal(k1.allowed, true);
});
