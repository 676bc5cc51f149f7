import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGroupCommit } from './group-commit.ts';

/** A commit whose batches the test completes by hand. */
function manualCommit() {
  const batches: { key: string; items: number[]; done: (outcomes?: string[]) => void; fail: (error: Error) => void }[] = [];
  const commit = (key: string, items: number[]) => new Promise<string[]>((resolve, reject) => {
    batches.push({ key, items, done: (outcomes) => resolve(outcomes ?? items.map((i) => `${key}:${i}`)), fail: reject });
  });
  return { batches, commit };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('createGroupCommit', () => {
  it('commits an item alone when nothing else is in flight', async () => {
    const { batches, commit } = manualCommit();
    const group = createGroupCommit({ commit, maxBatch: 10, maxInFlight: 1 });
    const one = group.submit('t', 1);
    await turn();
    assert.deepEqual(batches.map((b) => b.items), [[1]]);
    batches[0]!.done();
    assert.equal(await one, 't:1');
    assert.equal(group.pending(), 0);
  });

  it('gathers what arrives in one turn and what queues while a batch is in flight; answers each in order', async () => {
    const { batches, commit } = manualCommit();
    const group = createGroupCommit({ commit, maxBatch: 10, maxInFlight: 1 });
    const first = [1, 2, 3].map((i) => group.submit('t', i));
    await turn();
    const later = [4, 5, 6, 7].map((i) => group.submit('t', i));
    await turn();
    assert.deepEqual(batches.map((b) => b.items), [[1, 2, 3]], 'the second batch waits for the first (maxInFlight 1)');
    assert.equal(group.pending(), 7);
    batches[0]!.done();
    assert.deepEqual(await Promise.all(first), ['t:1', 't:2', 't:3']);
    await turn();
    assert.deepEqual(batches.map((b) => b.items), [[1, 2, 3], [4, 5, 6, 7]]);
    batches[1]!.done();
    assert.deepEqual(await Promise.all(later), ['t:4', 't:5', 't:6', 't:7']);
    assert.equal(group.pending(), 0);
  });

  it('splits at maxBatch and keeps up to maxInFlight batches of a key going; other keys do not wait', async () => {
    const { batches, commit } = manualCommit();
    const group = createGroupCommit({ commit, maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => group.submit('a', i));
    const other = group.submit('b', 9);
    await turn();
    await turn();
    assert.deepEqual(batches.map((b) => `${b.key}${b.items.join('')}`), ['a12', 'b9', 'a34']);
    batches[1]!.done();
    assert.equal(await other, 'b:9');
    batches[0]!.done();
    await turn();
    await turn();
    assert.deepEqual(batches.map((b) => `${b.key}${b.items.join('')}`), ['a12', 'b9', 'a34', 'a5']);
    batches[2]!.done();
    batches[3]!.done();
    assert.deepEqual(await Promise.all(all), ['a:1', 'a:2', 'a:3', 'a:4', 'a:5']);
  });

  it('a failed batch fails each of its items and no other; the key goes on', async () => {
    const { batches, commit } = manualCommit();
    const group = createGroupCommit({ commit, maxBatch: 10, maxInFlight: 1 });
    const failing = [1, 2].map((i) => group.submit('t', i));
    await turn();
    const next = group.submit('t', 3);
    batches[0]!.fail(new Error('refused'));
    for (const f of failing) await assert.rejects(f, /refused/);
    await turn();
    batches[1]!.done();
    assert.equal(await next, 't:3');
  });

  it('a commit that throws at once, or answers the wrong number of outcomes, fails its items', async () => {
    const thrower = createGroupCommit<number, string>({ commit: () => { throw new Error('sync'); }, maxBatch: 10, maxInFlight: 1 });
    await assert.rejects(thrower.submit('t', 1), /sync/);
    const short = createGroupCommit<number, string>({ commit: async () => ['only one'], maxBatch: 10, maxInFlight: 1 });
    const both = [short.submit('t', 1), short.submit('t', 2)];
    for (const b of both) await assert.rejects(b, /1 outcomes for 2 items/);
    assert.equal(short.pending(), 0);
  });

  it('refuses settings that could never commit', () => {
    assert.throws(() => createGroupCommit({ commit: async () => [], maxBatch: 0, maxInFlight: 1 }), /at least 1/);
  });
});
