/**
 * A value per key for the hot path: `get` answers synchronously from memory and, when the value is
 * missing or older than `ttlMs`, reloads it in the background (one load per key at a time). Until
 * the first load lands, `get` answers `initial`. A failed load is retried after a second.
 *
 * @example
 *   const plans = backgroundCache({ initial: 'free', ttlMs: 60_000, load: (id) => planOfTenant(id) });
 *   plans.get(tenantId); // 'free' at first, the tenant's plan once loaded
 */
export type BackgroundCache<T> = { get: (key: string) => T; refresh: (key: string) => Promise<T> };

export function backgroundCache<T>(options: { load: (key: string) => Promise<T>; initial: T; ttlMs: number; onError?: (error: unknown) => void }): BackgroundCache<T> {
  const known = new Map<string, { value: T; until: number; loading: boolean }>();
  const refresh = async (key: string): Promise<T> => {
    const value = await options.load(key);
    known.set(key, { value, until: Date.now() + options.ttlMs, loading: false });
    return value;
  };
  return {
    refresh,
    get(key) {
      let entry = known.get(key);
      if (!entry) {
        entry = { value: options.initial, until: 0, loading: false };
        known.set(key, entry);
      }
      if (!entry.loading && entry.until <= Date.now()) {
        const loading = entry;
        loading.loading = true;
        refresh(key).catch((error: unknown) => {
          loading.loading = false;
          loading.until = Date.now() + 1_000;
          options.onError?.(error);
        });
      }
      return entry.value;
    },
  };
}
