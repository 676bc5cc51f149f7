import { AppError } from '../errors/index.ts';

/**
 * Text PostgreSQL cannot store: U+0000 in `text` ("invalid byte sequence for encoding UTF8: 0x00")
 * and `jsonb` ("unsupported Unicode escape sequence"), and a lone UTF-16 surrogate in `jsonb`
 * ("invalid input syntax for type json"). Such input is refused at the edge, once for every route,
 * with 400 `validation.invalid_characters` instead of failing in SQL with a 500 (SPEC §4).
 */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/**
 * A JSON text can carry U+0000 or a surrogate only as a `\u` escape: raw control characters are
 * invalid JSON and undecodable bytes arrive as U+FFFD. Only bodies containing one are walked.
 */
const SUSPECT_ESCAPE = /\\u(?:0000|d[89a-f])/i;
const MAX_FIELD_LENGTH = 200;

/** True when the raw JSON text may decode to unstorable text (cheap: one `indexOf` on clean bodies). */
export const mayHoldUnstorableJson = (raw: string): boolean => raw.indexOf('\\u') !== -1 && SUSPECT_ESCAPE.test(raw);

type Frame = { value: unknown; key: string; parent: Frame | undefined };

const printable = (key: string): string =>
  key.replace(UNSTORABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function pathOf(frame: Frame, root: string): string {
  const keys: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) keys.push(printable(f.key));
  const path = keys.reverse().join('.') || root;
  return path.length > MAX_FIELD_LENGTH ? `${path.slice(0, MAX_FIELD_LENGTH - 1)}…` : path;
}

/**
 * The dotted path (`metadata.tags.0`, like the schema validation details) of the first string or
 * object key in `value` that PostgreSQL cannot store, `root` when it is `value` itself; undefined
 * when everything is storable. Iterative, so a deeply nested body cannot overflow the stack.
 *
 * @example
 *   unstorableField({ metadata: { x: 'a\u0000' } }, 'body'); // 'metadata.x'
 */
export function unstorableField(value: unknown, root: string): string | undefined {
  const stack: Frame[] = [{ value, key: '', parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = frame.value;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) return pathOf(frame, root);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], key: String(i), parent: frame });
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (const key of keys) if (UNSTORABLE.test(key)) return pathOf({ value: undefined, key, parent: frame }, root);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (current as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: frame });
      }
    }
  }
  return undefined;
}

/** 400 `validation.invalid_characters` for `field`, shaped like the schema validation errors. */
export function invalidCharacters(field: string): AppError {
  const code = 'validation.invalid_characters';
  return new AppError(code, 400, { field }, { details: [{ field, code }] });
}
