/**
 * Text a person types as a name (a tenant's name, a user's display name): it must show something,
 * and must not carry characters that hide text, reorder it or break lines (header injection in
 * mails, look-alike names, names that render empty).
 */

/**
 * Characters no name may contain: controls (Cc: CR, LF, TAB, ...), format characters (Cf:
 * zero-width space, bidi embeddings/overrides/isolates, soft hyphen, byte order mark, ...), line
 * and paragraph separators (Zl, Zp).
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Zero-width non-joiner and joiner (Cf): Persian and Indic spelling and emoji sequences need them
 * between two characters, so there (and only there) they are allowed.
 */
const JOINERS: ReadonlySet<string> = new Set(['\u200c', '\u200d']);

/**
 * Characters that show nothing by themselves: white space, default-ignorable code points (among
 * them the Hangul fillers, variation selectors and every hidden character) and the blank braille
 * pattern.
 */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u2800]/u;

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** Whether a joiner's neighbour is a character it can join (not white space, not hidden, not the edge). */
const joinable = (neighbour: string | undefined): boolean =>
  neighbour !== undefined && !HIDDEN.test(neighbour) && !/\p{White_Space}/u.test(neighbour);

/**
 * Whether `value` contains a hidden character (see `HIDDEN`); ZWNJ/ZWJ count only where they do
 * not stand between two joinable characters.
 *
 * @example
 *   hasHiddenCharacters('Evil\r\nBcc: x@example.org') // true
 *   hasHiddenCharacters('\u200b\u200b\u200b')         // true
 *   hasHiddenCharacters('می‌خواهم')                    // false (ZWNJ between two letters)
 */
export function hasHiddenCharacters(value: string): boolean {
  if (!HIDDEN.test(value)) return false;
  const chars = [...value];
  return chars.some((char, i) => HIDDEN.test(char) && !(JOINERS.has(char) && joinable(chars[i - 1]) && joinable(chars[i + 1])));
}

/**
 * User-perceived characters (grapheme clusters) that show something: a cluster counts when one of
 * its code points is not invisible (see `INVISIBLE`).
 *
 * @example
 *   visibleLength('e\u0301 a')          // 2 (é and a; the space shows nothing)
 *   visibleLength('\u3164\u3164\u3164') // 0 (Hangul fillers)
 */
export function visibleLength(value: string): number {
  let count = 0;
  for (const { segment } of graphemes.segment(value)) {
    for (const char of segment) {
      if (!INVISIBLE.test(char)) { count++; break; }
    }
  }
  return count;
}

/**
 * A name as a person typed it, trimmed; null unless it has at most `max` characters (code points,
 * as the schemas' `maxLength` counts), at least `min` visible characters (`visibleLength`) and no
 * hidden character (`hasHiddenCharacters`).
 *
 * @example
 *   visibleName('  Acme  ', { min: 3, max: 50 })           // 'Acme'
 *   visibleName('\u200b\u200b\u200b', { min: 3, max: 50 }) // null
 */
export function visibleName(value: string, limits: { min: number; max: number }): string | null {
  const trimmed = value.trim();
  if ([...trimmed].length > limits.max || hasHiddenCharacters(trimmed) || visibleLength(trimmed) < limits.min) return null;
  return trimmed;
}
