import { AppError } from '../errors/index.ts';

/** Deepest nesting of objects and arrays a JSON body may have (metadata, settings: a handful). */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[` / `{` in a JSON text, strings skipped. One pass over the characters;
 * it stops as soon as `max` is exceeded.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/**
 * 400 `validation.nesting_too_deep` when a JSON body nests deeper than MAX_JSON_DEPTH: recursive
 * code further on (JSON.stringify of metadata, hashing for idempotency) would overflow the stack
 * and answer 500. A body needs two characters per level, so short ones are not scanned; the scan
 * itself is one pass over the characters (~0.1 µs for a sign-in body).
 */
export function tooDeep(text: string): AppError | undefined {
  if (text.length <= 2 * MAX_JSON_DEPTH || !jsonDepthExceeds(text, MAX_JSON_DEPTH)) return undefined;
  return new AppError('validation.nesting_too_deep', 400, { limit: MAX_JSON_DEPTH }, { details: [{ field: 'body', code: 'validation.nesting_too_deep' }] });
}
