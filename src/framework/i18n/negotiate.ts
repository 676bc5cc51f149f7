import { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, type Language } from './locales.ts';

/**
 * Language negotiation (SPEC §7): `?lang=`, then the `preferred_language` cookie, then
 * `Accept-Language` (RFC 9110 §12.5.4), then English. Every source is read the same way: a
 * language tag in any case whose primary subtag is supported (`DE`, `de-AT`, `de-CH` → `de`).
 */

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_LANGUAGES);

/** Language tag shape (RFC 4647 basic language range without the wildcard), any case. */
const TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
/** A tag longer than this is not a language anyone sends (BCP 47 recommends supporting 35). */
const MAX_TAG = 64;

/**
 * One `Accept-Language` element: `language-range [ OWS ";" OWS "q=" qvalue ]`, with
 * `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` ("q" in any case). No other
 * parameter is defined for this header, so an element with one is malformed and ignored.
 */
const ELEMENT = /^([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)(?:[ \t]*;[ \t]*[qQ]=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))?$/;

const isOws = (code: number) => code === 0x20 || code === 0x09;

/** The element between `start` and `end` without the optional whitespace around it. */
function element(header: string, start: number, end: number): string {
  while (start < end && isOws(header.charCodeAt(start))) start++;
  while (end > start && isOws(header.charCodeAt(end - 1))) end--;
  return header.slice(start, end);
}

/** The supported language a tag names, or undefined: `de`, `DE`, `de-AT`, ` de ` → `de`; `xx`, `de_AT`, `*` → undefined. */
export function languageOfTag(value: unknown): Language | undefined {
  if (typeof value !== 'string' || value.length > MAX_TAG) return undefined;
  const tag = value.trim();
  if (!TAG.test(tag)) return undefined;
  const dash = tag.indexOf('-');
  const primary = (dash < 0 ? tag : tag.slice(0, dash)).toLowerCase();
  return SUPPORTED.has(primary) ? (primary as Language) : undefined;
}

/** How an `Accept-Language` range matched a supported language; higher specificity decides. */
type Match = { q: number; order: number; specificity: number };
const EXACT = 2;
const PREFIX = 1;
const WILDCARD = 0;

/**
 * The supported language an `Accept-Language` value prefers (RFC 9110 §12.5.4), or undefined
 * when it accepts none of them.
 * - A range matches a language exactly (`de`) or through its primary subtag (`de-CH` → `de`,
 *   the lookup scheme's fallback); `*` matches every language no other range names.
 * - The most specific range naming a language gives its weight (`de;q=0, de-CH` → `de` excluded;
 *   `de-CH;q=0.1, de` → `de` at 1); between equally specific ones the higher weight counts.
 * - A missing weight is 1; `q=0` means "not acceptable": such a language is never chosen.
 * - The highest weight wins; ties go to the range listed first, then to the order of
 *   `SUPPORTED_LANGUAGES` (English first, so `*` alone yields English).
 * - Elements that do not follow the grammar (`q=2`, `q=0.1234`, `de;x=1`, `d e`) are ignored.
 *
 * @example
 *   preferredLanguage('en;q=0.1, fr;q=0.9'); // 'fr'
 *   preferredLanguage('es;q=0.8,de');        // 'de'
 *   preferredLanguage('de;q=0');             // undefined
 */
export function preferredLanguage(header: string): Language | undefined {
  const matches = new Map<Language, Match>();
  let wildcard: Match | undefined;
  let order = 0;
  for (let start = 0; start <= header.length;) {
    let end = header.indexOf(',', start);
    if (end < 0) end = header.length;
    const parsed = ELEMENT.exec(element(header, start, end));
    start = end + 1;
    if (!parsed) continue;
    const range = parsed[1]!;
    const q = parsed[2] === undefined ? 1 : Number(parsed[2]);
    const index = order++;
    if (range === '*') {
      if (!wildcard || q > wildcard.q) wildcard = { q, order: index, specificity: WILDCARD };
      continue;
    }
    const dash = range.indexOf('-');
    const primary = (dash < 0 ? range : range.slice(0, dash)).toLowerCase();
    if (!SUPPORTED.has(primary)) continue;
    const language = primary as Language;
    const specificity = dash < 0 ? EXACT : PREFIX;
    const previous = matches.get(language);
    if (!previous || specificity > previous.specificity || (specificity === previous.specificity && q > previous.q)) {
      matches.set(language, { q, order: index, specificity });
    }
  }
  let best: Language | undefined;
  let bestMatch: Match | undefined;
  for (const language of SUPPORTED_LANGUAGES) {
    const match = matches.get(language) ?? wildcard;
    if (!match || match.q <= 0) continue;
    if (!bestMatch || match.q > bestMatch.q || (match.q === bestMatch.q && match.order < bestMatch.order)) {
      best = language;
      bestMatch = match;
    }
  }
  return best;
}

/** Negotiated languages of recent `Accept-Language` values (browsers send a handful of distinct ones). */
const acceptLanguageCache = new Map<string, Language>();
const CACHE_ENTRIES = 1000;
/** Longer values are negotiated every time rather than kept (bounds the cache's memory). */
const CACHE_KEY_LENGTH = 256;

function fromAcceptLanguage(header: string): Language {
  const cached = acceptLanguageCache.get(header);
  if (cached) return cached;
  const language = preferredLanguage(header) ?? DEFAULT_LANGUAGE;
  if (header.length <= CACHE_KEY_LENGTH) {
    if (acceptLanguageCache.size >= CACHE_ENTRIES) acceptLanguageCache.clear();
    acceptLanguageCache.set(header, language);
  }
  return language;
}

/** The `preferred_language` cookie's value (the first one, without optional double quotes). */
function cookieValue(cookie: string): string | undefined {
  const match = /(?:^|;)[ \t]*preferred_language=([^;]*)/.exec(cookie);
  const value = match?.[1]?.trim();
  return value && value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/**
 * Picks the language from `?lang`, then the `preferred_language` cookie, then `Accept-Language`,
 * falling back to English. `?lang` and the cookie are language tags read like the header's ranges
 * (any case, region subtags: `DE`, `de-AT` → `de`); an unsupported or malformed value is skipped.
 *
 * @example
 *   negotiateLanguage({ query: 'de-AT' });                                   // 'de'
 *   negotiateLanguage({ cookie: 'preferred_language=FR' });                  // 'fr'
 *   negotiateLanguage({ query: 'xx', acceptLanguage: 'es;q=0.8, de' });      // 'de'
 */
export function negotiateLanguage(input: { query?: unknown; cookie?: string; acceptLanguage?: string }): Language {
  const fromQuery = languageOfTag(input.query);
  if (fromQuery) return fromQuery;
  if (input.cookie) {
    const fromCookie = languageOfTag(cookieValue(input.cookie));
    if (fromCookie) return fromCookie;
  }
  return input.acceptLanguage ? fromAcceptLanguage(input.acceptLanguage) : DEFAULT_LANGUAGE;
}
