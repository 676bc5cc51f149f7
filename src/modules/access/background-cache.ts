/**
 * A value per key for the hot path, reloaded when older than `ttlMs` (one load per key at a time):
 * - `get` answers synchronously from memory (stale while it reloads in the background; `initial`
 *   until the first load lands);
 * - `fresh` answers from memory while the value is younger than `ttlMs`, else a promise of the
 *   reloaded value, so a decision never rests on a figure older than that;
 * - `loaded` answers like `get` once a first load has landed, and waits for that first load, so a
 *   decision never rests on `initial` for a key that has a value.
 * A failed load keeps the last value (`fresh` resolves to it) and is retried after a second.
 *
 * @example
 *   const plans = backgroundCache({ initial: 'free', ttlMs: 60_000, load: (id) => planOfTenant(id) });
 *   plans.get(tenantId); // 'free' at first, the tenant's plan once loaded
 */
export type BackgroundCache<T> = {
  get: (key: string) => T;
  fresh: (key: string) => T | Promise<T>;
  /** As `get` once the key has been loaded (or failed to load) once; before that, a promise of the first load. */
  loaded: (key: string) => T | Promise<T>;
};

type Entry<T> = { value: T; until: number; loading: Promise<T> | undefined };

export function backgroundCache<T>(options: { load: (key: string) => Promise<T>; initial: T; ttlMs: number; onError?: (error: unknown) => void }): BackgroundCache<T> {
  const known = new Map<string, Entry<T>>();
  const entryOf = (key: string): Entry<T> => {
    let entry = known.get(key);
    if (!entry) known.set(key, (entry = { value: options.initial, until: 0, loading: undefined }));
    return entry;
  };
  const reload = (entry: Entry<T>, key: string): Promise<T> => (entry.loading ??= options.load(key).then((value) => {
    Object.assign(entry, { value, until: Date.now() + options.ttlMs, loading: undefined });
    return value;
  }, (error: unknown) => {
    Object.assign(entry, { until: Date.now() + 1_000, loading: undefined });
    options.onError?.(error);
    return entry.value;
  }));
  return {
    get(key) {
      const entry = entryOf(key);
      if (entry.until <= Date.now()) void reload(entry, key);
      return entry.value;
    },
    fresh(key) {
      const entry = entryOf(key);
      return entry.until > Date.now() ? entry.value : reload(entry, key);
    },
    loaded(key) {
      const entry = entryOf(key);
      if (entry.until === 0) return reload(entry, key);
      if (entry.until <= Date.now()) void reload(entry, key);
      return entry.value;
    },
  };
}
