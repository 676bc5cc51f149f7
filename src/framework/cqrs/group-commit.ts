/**
 * Group commit: commands of one key (a tenant) that arrive while earlier ones are being written
 * are written together, in one transaction, by one `commit(key, items)` call. Under load a batch
 * carries whatever queued while the previous batches were in flight, so the per-transaction costs
 * (round trips, socket writes that wake a backend, COMMIT's WAL flush, per-statement overhead in
 * both processes) are paid once per batch instead of once per command; when idle a command goes
 * alone, a moment (one `setImmediate`) after it arrives.
 *
 * `commit` answers one outcome per item, in order. When it throws, every item of the batch fails
 * with that error: callers that can tell the items apart again (run each on its own) catch it.
 *
 * @example
 *   const registrations = createGroupCommit({ maxBatch: 64, maxInFlight: 2, commit: (tenantId, items) => registerAll(tenantId, items) });
 *   const user = await registrations.submit(tenantId, input);
 */
export type GroupCommitOptions<I, O> = {
  commit: (key: string, items: I[]) => Promise<O[]>;
  /** Items per batch at most; more wait for the next batch. */
  maxBatch: number;
  /** Batches of one key being committed at once (each holds a database connection). */
  maxInFlight: number;
};

export type GroupCommit<I, O> = {
  submit: (key: string, item: I) => Promise<O>;
  /** Items waiting or being committed (tests, diagnostics). */
  pending: () => number;
};

type Waiting<I, O> = { item: I; resolve: (outcome: O) => void; reject: (error: unknown) => void };
type Lane<I, O> = { queue: Waiting<I, O>[]; inFlight: number; scheduled: boolean };

export function createGroupCommit<I, O>(options: GroupCommitOptions<I, O>): GroupCommit<I, O> {
  if (!(options.maxBatch >= 1 && options.maxInFlight >= 1)) throw new Error('group commit: maxBatch and maxInFlight must be at least 1');
  const lanes = new Map<string, Lane<I, O>>();
  let pending = 0;

  function schedule(key: string, lane: Lane<I, O>): void {
    if (lane.scheduled || lane.queue.length === 0 || lane.inFlight >= options.maxInFlight) return;
    lane.scheduled = true;
    // Requests read in the same turn of the event loop join the same batch.
    setImmediate(() => {
      lane.scheduled = false;
      flush(key, lane);
    });
  }

  function flush(key: string, lane: Lane<I, O>): void {
    if (lane.queue.length === 0 || lane.inFlight >= options.maxInFlight) return;
    const batch = lane.queue.splice(0, options.maxBatch);
    lane.inFlight++;
    let committing: Promise<O[]>;
    try {
      committing = options.commit(key, batch.map((w) => w.item));
    } catch (error) {
      committing = Promise.reject(error);
    }
    const settle = (answer: () => void) => {
      pending -= batch.length;
      lane.inFlight--;
      if (lane.queue.length > 0) schedule(key, lane);
      else if (lane.inFlight === 0 && lanes.get(key) === lane) lanes.delete(key);
      answer();
    };
    committing.then(
      (outcomes) => settle(() => {
        if (outcomes.length !== batch.length) {
          const error = new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} items`);
          for (const w of batch) w.reject(error);
        } else batch.forEach((w, i) => w.resolve(outcomes[i]!));
      }),
      (error: unknown) => settle(() => { for (const w of batch) w.reject(error); }),
    );
    if (lane.queue.length > 0) schedule(key, lane);
  }

  return {
    submit(key, item) {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { queue: [], inFlight: 0, scheduled: false };
        lanes.set(key, lane);
      }
      pending++;
      const outcome = new Promise<O>((resolve, reject) => lane.queue.push({ item, resolve, reject }));
      schedule(key, lane);
      return outcome;
    },
    pending: () => pending,
  };
}
