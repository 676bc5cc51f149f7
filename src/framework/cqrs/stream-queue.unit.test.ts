import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inTurn, streamsInTurn } from './stream-queue.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inTurn', () => {
  it('runs work on one key one after the other, in arrival order, other keys in parallel', async () => {
    const log: string[] = [];
    const job = (key: string, name: string, ms: number) => inTurn(key, 1000, async () => { log.push(`+${name}`); await sleep(ms); log.push(`-${name}`); return name; });
    const results = await Promise.all([job('a', 'a1', 20), job('a', 'a2', 5), job('b', 'b1', 5), job('a', 'a3', 1)]);
    assert.deepEqual(results, ['a1', 'a2', 'b1', 'a3']);
    assert.deepEqual(log.filter((l) => l.includes('a')), ['+a1', '-a1', '+a2', '-a2', '+a3', '-a3']);
    assert.ok(log.indexOf('+b1') < log.indexOf('-a1'), 'another key does not wait');
    assert.equal(streamsInTurn(), 0);
  });

  it('a failing turn passes on to the next', async () => {
    const first = inTurn('k', 1000, async () => { throw new Error('boom'); });
    const second = inTurn('k', 1000, async () => 'ok');
    await assert.rejects(first, /boom/);
    assert.equal(await second, 'ok');
  });

  it('starts anyway after maxWaitMs, so a stuck turn cannot block (or deadlock) the stream', async () => {
    let release!: () => void;
    const stuck = inTurn('s', 1000, () => new Promise<void>((resolve) => { release = resolve; }));
    const started = performance.now();
    assert.equal(await inTurn('s', 30, async () => 'went ahead'), 'went ahead');
    assert.ok(performance.now() - started >= 25);
    release();
    await stuck;
    assert.equal(streamsInTurn(), 0);
  });
});
