/**
 * In-process turn-taking per stream: commands of this process on one stream run one after the
 * other instead of racing into version conflicts (a hot stream with 16 writers otherwise spends
 * its time in conflicts and back-off). Only an optimization — the expected version still guards
 * correctness across processes — so a turn waited longer than `maxWaitMs` starts anyway, and no
 * wait can deadlock.
 */
const turns = new Map<string, Promise<void>>();

export async function inTurn<T>(key: string, maxWaitMs: number, work: () => Promise<T>): Promise<T> {
  const previous = turns.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => { done = resolve; });
  const tail = previous.then(() => mine);
  turns.set(key, tail);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([previous, new Promise<void>((resolve) => { timer = setTimeout(resolve, maxWaitMs); })]);
    clearTimeout(timer);
    return await work();
  } finally {
    done();
    if (turns.get(key) === tail) turns.delete(key);
  }
}

/** Streams with commands waiting or running in this process (tests, diagnostics). */
export const streamsInTurn = (): number => turns.size;
