import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasHiddenCharacters, visibleLength, visibleName } from './visible-text.ts';

/** Control and format characters (and line/paragraph separators) other than the joiners ZWNJ/ZWJ. */
const HIDDEN_SAMPLES = [
  '\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u00ad', '\u061c', '\u180e', '\u200b', '\u200e', '\u200f', '\u2028', '\u2029',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2060', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff', '\ufff9', '\u{e0001}', '\u{e0041}',
];
const hidden = fc.constantFrom(...HIDDEN_SAMPLES);
/** Text that shows nothing: white space, hidden characters, fillers. */
const blank = fc.string({ unit: fc.constantFrom(' ', '\u00a0', '\u3000', '\u2003', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u3164', '\uffa0', '\u2800', '\u034f', '\ufe0f'), maxLength: 30 });
/** Visible words: letters of several scripts, digits, punctuation. */
const letter = fc.constantFrom('a', 'Z', 'é', 'ß', 'ç', 'ë', 'Ж', 'ä', '日', 'ع', '7', '&', '-', '.', '😀');
const word = fc.array(letter, { minLength: 1, maxLength: 8 }).map((chars) => chars.join(''));

describe('visible text (property-based)', () => {
  it('what visibleName accepts is trimmed, within max, has min visible characters and nothing hidden', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 70 }), fc.integer({ min: 1, max: 5 }), (text, min) => {
      const name = visibleName(text, { min, max: 50 });
      return name === null
        || (name === text.trim() && [...name].length <= 50 && visibleLength(name) >= min && !hasHiddenCharacters(name) && !/[\p{Cc}\u2028\u2029]/u.test(name));
    }));
  });

  it('text made only of white space, hidden characters and fillers is never a name', () => {
    fc.assert(fc.property(blank, (text) => visibleLength(text) === 0 && visibleName(text, { min: 1, max: 100 }) === null));
  });

  it('words separated by spaces are a name; visible length counts their characters', () => {
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
      const text = ` ${words.join(' ')} `;
      return visibleLength(text) === [...words.join('')].length && visibleName(text, { min: 1, max: 100 }) === text.trim();
    }));
  });

  it('one hidden character anywhere inside a name makes it refused', () => {
    fc.assert(fc.property(word, word, hidden, (left, right, char) => visibleName(`${left}${char}${right}`, { min: 1, max: 100 }) === null));
  });

  it('ZWNJ/ZWJ are allowed between two characters, never at an edge, next to a space or doubled', () => {
    fc.assert(fc.property(word, word, fc.constantFrom('\u200c', '\u200d'), (left, right, joiner) =>
      !hasHiddenCharacters(`${left}${joiner}${right}`)
      && hasHiddenCharacters(`${joiner}${left}`) && hasHiddenCharacters(`${left}${joiner}`)
      && hasHiddenCharacters(`${left} ${joiner}${right}`) && hasHiddenCharacters(`${left}${joiner}${joiner}${right}`)));
  });
});

describe('visible text (examples)', () => {
  it('refuses the audit findings and keeps real names', () => {
    assert.equal(visibleName('\u200b\u200b\u200b', { min: 3, max: 50 }), null);
    assert.equal(visibleName('Evil\r\nBcc: victim@example.org', { min: 3, max: 50 }), null);
    assert.equal(visibleName('Acme\u202egnp.exe', { min: 3, max: 50 }), null, 'bidi override');
    assert.equal(visibleName('a b', { min: 3, max: 50 }), null, 'two visible characters');
    assert.equal(visibleName('\u3164\u3164\u3164', { min: 3, max: 50 }), null, 'Hangul fillers');
    assert.equal(visibleName('  Müller & Söhne  ', { min: 3, max: 50 }), 'Müller & Söhne');
    assert.equal(visibleName('می‌خواهم', { min: 3, max: 50 }), 'می‌خواهم', 'Persian with ZWNJ');
    assert.equal(visibleName('Team 👨‍👩‍👧', { min: 3, max: 50 }), 'Team 👨‍👩‍👧', 'emoji ZWJ sequence');
    assert.equal(visibleLength('e\u0301e\u0301e\u0301'), 3, 'combining marks belong to their letter');
  });
});
