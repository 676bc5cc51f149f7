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

  it('waits for a long queue as long as each turn ends in time', async () => {
    let running = 0;
    let most = 0;
    const jobs = Array.from({ length: 10 }, (_, i) => inTurn('q', 30, async () => {
      most = Math.max(most, ++running);
      await sleep(10);
      running--;
      return i;
    }));
    assert.deepEqual(await Promise.all(jobs), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(most, 1, 'the 10th waited ~90 ms in all, longer than maxWaitMs, yet never overlapped');
  });

  it('starts anyway once the turn before has run for maxWaitMs, so a stuck turn cannot block (or deadlock) the stream', async () => {
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
