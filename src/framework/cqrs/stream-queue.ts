/**
 * In-process turn-taking per stream: commands of this process on one stream run one after the
 * other instead of racing into version conflicts (a hot stream with 16 writers otherwise spends
 * its time in conflicts and back-off). Only an optimization — the expected version still guards
 * correctness across processes — so when the turn before has been running for `maxWaitMs`, the
 * next one starts anyway: a stuck or nested turn delays, never deadlocks.
 */
type Turn = { started: Promise<void>; done: Promise<void> };
const turns = new Map<string, Turn>();

export async function inTurn<T>(key: string, maxWaitMs: number, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(key);
  let markStarted!: () => void;
  let markDone!: () => void;
  const turn: Turn = {
    started: new Promise<void>((resolve) => { markStarted = resolve; }),
    done: new Promise<void>((resolve) => { markDone = resolve; }),
  };
  turns.set(key, turn);
  try {
    if (previous) {
      await previous.started;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([previous.done, new Promise<void>((resolve) => { timer = setTimeout(resolve, maxWaitMs); })]);
      clearTimeout(timer);
    }
    markStarted();
    return await work();
  } finally {
    markStarted();
    markDone();
    if (turns.get(key) === turn) turns.delete(key);
  }
}

/** Streams with commands waiting or running in this process (tests, diagnostics). */
export const streamsInTurn = (): number => turns.size;
