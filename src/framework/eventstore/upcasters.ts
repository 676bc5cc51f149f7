/**
 * Upcasters raise old event schema versions to the current one. They run in exactly one place:
 * when a stored row becomes a RecordedEvent (stream reads, readAll, projections).
 *
 * @example
 *   const upcasters = createUpcasters([
 *     { eventType: 'user.registered', fromVersion: 1, upcast: (data) => ({ ...(data as object), source: 'admin_invite' }) },
 *   ]);
 */
export type Upcaster = {
  eventType: string;
  /** The version this upcaster reads; it produces `fromVersion + 1`. */
  fromVersion: number;
  upcast: (data: unknown) => unknown;
};

export type Upcasters = {
  /** Applies every upcaster registered for the type, starting at `version`; returns the final data and version. */
  apply: (eventType: string, version: number, data: unknown) => { data: unknown; version: number };
};

export function createUpcasters(list: readonly Upcaster[] = []): Upcasters {
  const byType = new Map<string, Map<number, Upcaster>>();
  for (const upcaster of list) {
    const versions = byType.get(upcaster.eventType) ?? new Map<number, Upcaster>();
    if (versions.has(upcaster.fromVersion)) {
      throw new Error(`two upcasters for ${upcaster.eventType} v${upcaster.fromVersion}`);
    }
    versions.set(upcaster.fromVersion, upcaster);
    byType.set(upcaster.eventType, versions);
  }
  return {
    apply(eventType, version, data) {
      const versions = byType.get(eventType);
      if (!versions) return { data, version };
      let current = data;
      let v = version;
      for (let next = versions.get(v); next; next = versions.get(v)) {
        current = next.upcast(current);
        v += 1;
      }
      return { data: current, version: v };
    },
  };
}
