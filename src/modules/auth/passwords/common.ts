import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | undefined;
let longestEntry = 0;
/**
 * The ~49,000 most common passwords shipped by @zxcvbn-ts/language-common, lower-cased, loaded
 * into a Set on first use.
 */
export function commonPasswords(): Set<string> {
  if (!common) {
    common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
    for (const entry of common) longestEntry = Math.max(longestEntry, entry.length);
  }
  return common;
}

/**
 * The password as the length and character-class rules see it: NFKC (fullwidth `Ｐ` → `P`,
 * ligatures split) without format characters (`\p{Cf}`: zero-width space and joiners, soft
 * hyphen, BOM), so invisible characters neither pad the length nor count as "special".
 */
export const visiblePassword = (password: string): string => password.normalize('NFKC').replace(/\p{Cf}/gu, '');

/** The visible password lower-cased, accents on Latin letters dropped (`Pässwörd` → `password`). */
export const normalizePassword = (password: string): string =>
  visiblePassword(password).toLowerCase().normalize('NFD').replace(/(\p{Script=Latin})\p{M}+/gu, '$1').normalize('NFC');

/**
 * Leetspeak: the letters each character may stand for (`1` and `|` for `i` or `l`). `!` stands
 * for `i` only inside a word (`L3tme!n`), never at its start or end, so `Sunshine!` stays
 * `sunshine` + decoration.
 */
const LEET: Readonly<Record<string, string>> = { '@': 'a', '4': 'a', '0': 'o', '3': 'e', '5': 's', $: 's', '7': 't', '+': 't', '!': 'i', '1': 'il', '|': 'il' };
/** One representative per leet class (`l`, `1`, `|`, `!` fold to `i`): the key of the index. */
const fold = (c: string): string => (c === 'l' ? 'i' : (LEET[c]?.[0] ?? c));
const isLetter = (c: string): boolean => /\p{L}/u.test(c);

/** A listed password (ASCII, so `text[k]` is its k-th character) and its number of letters. */
type Entry = { text: string; letters: number };
let index: Map<string, Entry[]> | undefined;
/** The list keyed by its folded spelling, so a leet-spelled window is found with one lookup. */
function commonIndex(): Map<string, Entry[]> {
  if (!index) {
    index = new Map();
    for (const text of commonPasswords()) {
      const chars = [...text];
      const key = chars.map(fold).join('');
      const entry = { text, letters: chars.filter(isLetter).length };
      const same = index.get(key);
      if (same) same.push(entry);
      else index.set(key, [entry]);
    }
  }
  return index;
}

/**
 * Whether `window` spells `entry`, each character as itself or as a letter it stands for, with
 * at least as many real letters as stand-ins (`p@55w0rd`, not `$m1|!3` for `smilie`) and `!`
 * only inside the word.
 */
function spells(window: readonly string[], entry: Entry): boolean {
  if (entry.text.length !== window.length) return false;
  let real = 0;
  let standIns = 0;
  for (let k = 0; k < window.length; k++) {
    const [c, e] = [window[k] as string, entry.text[k] as string];
    if (c === e) {
      if (isLetter(c)) real++;
    } else if ((LEET[c] ?? '').includes(e) && !(c === '!' && (k === 0 || k === window.length - 1))) {
      standIns++;
    } else {
      return false;
    }
  }
  return standIns <= real;
}

/**
 * Whether `text` is mostly a listed password: some window of it spells a listed password (leet
 * allowed) and what lies outside the window holds no letters, or at most 3 when the listed
 * password has 5 letters or more (`admin` + `abc`). Digits, symbols and spaces outside it are
 * decoration and do not count. A 4-letter word gets no extra letters: with them, about 1 in 170
 * random 12-16 character strings over all printable ASCII would be refused (`Dang~;^W!**E`);
 * as it is, about 1 in 800 (1 in 4,000 over letters, digits and a few symbols). Only windows that
 * hold all but at most 3 of the letters are looked up, so a long passphrase costs nothing.
 */
function isMostlyListed(chars: readonly string[], list: Map<string, Entry[]>): boolean {
  const letter = chars.map(isLetter);
  const folded = chars.map(fold);
  const letters = letter.filter(Boolean).length;
  if (letters > longestEntry + 3) return false; // no entry is long enough to be "most" of it
  for (let i = 0; i < chars.length; i++) {
    let inside = 0;
    for (let j = i; j < Math.min(chars.length, i + longestEntry); j++) {
      if (letter[j]) inside++;
      if (j - i < 2 || letters - inside > 3) continue; // the shortest entries have 3 characters
      const candidates = list.get(folded.slice(i, j + 1).join(''));
      if (!candidates) continue;
      const window = chars.slice(i, j + 1);
      for (const entry of candidates) {
        if (letters - inside <= (entry.letters >= 5 ? 3 : 0) && spells(window, entry)) return true;
      }
    }
  }
  return false;
}

/**
 * Common-password check that sees through decorations. On {@link normalizePassword} (NFKC, no
 * format characters, lower case, no accents), read with spaces removed; also without the symbols
 * that are not leetspeak; also without any symbol; each also with runs of 3+ identical characters
 * counted once (`Passwooooord`): the password is common when one reading is mostly a listed
 * password (see {@link isMostlyListed}): `Sunshine!2024`, `!!Password123`, `P@ssword2024!`,
 * `Password 1234`, `Admin!2024abc` (listed word + 3 letters). A passphrase that merely contains a
 * listed word (`Sunshine over the quiet harbour 42`) has too many other letters to be refused.
 */
export function isCommonPassword(password: string): boolean {
  const list = commonIndex();
  const compact = normalizePassword(password).replace(/\s+/gu, '');
  const readings = new Set([
    compact,
    compact.replace(/[^\p{L}\p{N}@$!|+]+/gu, ''),
    compact.replace(/[^\p{L}\p{N}]+/gu, ''),
  ]);
  for (const reading of [...readings]) readings.add(reading.replace(/(.)\1{2,}/gsu, '$1'));
  for (const reading of readings) if (isMostlyListed([...reading], list)) return true;
  return false;
}

/**
 * Too little variety to be a real password, on the normalized form. Thresholds: fewer than 5
 * distinct characters (`Aaaaaaaaaaa1!`, spaces + `Aa1`: at most 4 symbols to guess from, and no
 * reasonable 12+ character password has so few); one character repeated for half the length or
 * more (`Xy7!pQzzzzzz`: the run adds length, not secrecy); or one piece repeated at least twice
 * (`Abc1!Abc1!Abc1!`: as strong as the piece). Random strings and passphrases have none of these.
 */
export function hasTooLittleVariety(password: string): boolean {
  const chars = [...normalizePassword(password)];
  const n = chars.length;
  if (new Set(chars).size < 5) return true;
  let longest = 1;
  for (let i = 1, run = 1; i < n; i++) {
    run = chars[i] === chars[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  if (longest * 2 >= n) return true;
  // Smallest period from the prefix function: n - border(n).
  const border = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) {
    let k = border[i - 1] as number;
    while (k > 0 && chars[i] !== chars[k]) k = border[k - 1] as number;
    if (chars[i] === chars[k]) k++;
    border[i] = k;
  }
  return n > 0 && (n - (border[n - 1] as number)) * 2 <= n;
}
