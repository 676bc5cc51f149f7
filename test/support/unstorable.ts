/**
 * TEST ONLY. `value` with U+0000 inserted into one of its strings or object keys (picked by
 * `slot`, at offset `at`); a value without any string or key becomes `{ "<NUL>": value }`.
 *
 * @example
 *   withNul({ a: 'xy' }, 1, 1); // { a: 'x\u0000y' }
 */
export function withNul(value: unknown, slot: number, at: number): unknown {
  const insert = (s: string) => { const i = at % (s.length + 1); return `${s.slice(0, i)}\u0000${s.slice(i)}`; };
  let count = 0;
  const countSlots = (v: unknown): void => {
    if (typeof v === 'string') count++;
    else if (Array.isArray(v)) v.forEach(countSlots);
    else if (v !== null && typeof v === 'object') for (const child of Object.values(v)) { count++; countSlots(child); }
  };
  countSlots(value);
  if (count === 0) return { '\u0000': value };
  let target = slot % count;
  const rebuild = (v: unknown): unknown => {
    if (typeof v === 'string') return target-- === 0 ? insert(v) : v;
    if (Array.isArray(v)) return v.map(rebuild);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) {
        const key = target-- === 0 ? insert(k) : k;
        // defineProperty: a generated "__proto__" key stays an own property, as JSON.parse makes it.
        Object.defineProperty(out, key, { value: rebuild(child), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  return rebuild(value);
}
