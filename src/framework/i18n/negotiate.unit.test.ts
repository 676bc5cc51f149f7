import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, type Language } from './locales.ts';
import { languageOfTag, negotiateLanguage, preferredLanguage } from './negotiate.ts';

const languages = fc.constantFrom(...SUPPORTED_LANGUAGES);
/** Every weight the grammar allows: 0–1 with up to three decimals, written in the ways clients write it. */
const weight = fc.integer({ min: 0, max: 1000 }).chain((milli) => {
  const q = milli / 1000;
  const three = q.toFixed(3);
  const forms = new Set([String(q), three, three.replace(/0+$/, ''), q === 0 || q === 1 ? `${q}.` : three]);
  return fc.constantFrom(...forms).map((text) => ({ q, text }));
});
const randomCase = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length })
  .map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
const ows = fc.constantFrom('', ' ', '  ', '\t', ' \t');
/** Elements that break the grammar and must not change the outcome. */
const malformed = fc.constantFrom(
  'de;q=2', 'fr;q=1.5', 'es;q=0.1234', 'sq;q=-1', 'de;q=', 'de;q', 'fr;x=1', 'es;q=0.5;x=1', 'd e', ';q=1', '123',
  'toolonglang', 'de-', '-de', 'de--at', 'de_AT', '**', 'de;q=.5', 'de;q=1.001', 'fr;q=0x1', 'é', 'de;;q=1', 'de q=1',
);
const entry = (range: string, q?: string) => (q === undefined ? range : `${range};q=${q}`);

describe('Accept-Language (RFC 9110 §12.5.4)', () => {
  it('answers the audit cases', () => {
    assert.equal(preferredLanguage('en;q=0.1, fr;q=0.9'), 'fr');
    assert.equal(preferredLanguage('es;q=0.8,de'), 'de');
    assert.equal(preferredLanguage('de;q=0'), undefined);
    assert.equal(negotiateLanguage({ acceptLanguage: 'de;q=0' }), DEFAULT_LANGUAGE);
    assert.equal(negotiateLanguage({ acceptLanguage: 'de-CH' }), 'de');
    assert.equal(negotiateLanguage({ acceptLanguage: 'fr-CH, fr;q=0.9, en;q=0.5' }), 'fr');
  });

  it('weights: grammar, ties, wildcard, specificity', () => {
    assert.equal(preferredLanguage('de;q=0.5, fr;q=0.5'), 'de', 'a tie keeps header order');
    assert.equal(preferredLanguage('fr;q=0.5, de;q=0.5'), 'fr');
    assert.equal(preferredLanguage('de;q=0.501, fr;q=0.5'), 'de');
    assert.equal(preferredLanguage('es;Q=1.000 , de;q=0.999'), 'es', '"q" in any case, three decimals');
    assert.equal(preferredLanguage('de ; q=0.5,\tfr;q=0.4'), 'de', 'whitespace around ";"');
    assert.equal(preferredLanguage('fr;q=0., es;q=1.'), 'es');
    assert.equal(preferredLanguage('*'), 'en', 'the wildcard alone: the default');
    assert.equal(preferredLanguage('*;q=0'), undefined);
    assert.equal(preferredLanguage('fr;q=0.5, *'), 'en', 'the wildcard outweighs fr');
    assert.equal(preferredLanguage('en;q=0, *'), 'de', 'en refused, the wildcard takes the next language');
    assert.equal(preferredLanguage('*;q=0, sq'), 'sq');
    assert.equal(preferredLanguage('de;q=0, de-CH'), undefined, 'the exact range decides over a regional one');
    assert.equal(preferredLanguage('de-CH;q=0.1, de, fr;q=0.9'), 'de');
    assert.equal(preferredLanguage('de-CH;q=0.2, de-AT;q=0.7, fr;q=0.5'), 'de', 'the best regional range counts');
    assert.equal(preferredLanguage('de-CH;q=0, fr;q=0.1'), 'fr', 'a refused region refuses its language');
    assert.equal(preferredLanguage('ja, zh-Hant-TW, pt-BR;q=0.9'), undefined);
    assert.equal(preferredLanguage('ja, es-419;q=0.2'), 'es');
    assert.equal(preferredLanguage('de;q=2, fr;q=0.1'), 'fr', 'a weight above 1 is malformed: the element is ignored');
    assert.equal(preferredLanguage('de;q=0.1234, fr;q=0.1'), 'fr', 'more than three decimals is malformed');
    assert.equal(preferredLanguage('de;level=1, fr;q=0.1'), 'fr', 'no other parameter exists for this header');
    assert.equal(preferredLanguage(''), undefined);
    assert.equal(preferredLanguage(' , ,, '), undefined);
    assert.equal(preferredLanguage('DE-at'), 'de');
  });

  it('any value yields a supported language or none, and the cache agrees with a fresh negotiation', () => {
    fc.assert(fc.property(fc.string(), fc.string({ unit: 'binary' }), (a, b) => {
      for (const header of [a, b, `${a},${b}`]) {
        const found = preferredLanguage(header);
        assert.ok(found === undefined || (SUPPORTED_LANGUAGES as readonly string[]).includes(found));
        assert.equal(negotiateLanguage({ acceptLanguage: header }), found ?? DEFAULT_LANGUAGE);
        assert.equal(negotiateLanguage({ acceptLanguage: header }), found ?? DEFAULT_LANGUAGE, 'cached');
      }
    }));
  });

  it('the highest weight wins, in any order', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.tuple(languages, weight), { minLength: 1, maxLength: 5, selector: ([l]) => l }),
      fc.array(ows, { minLength: 10, maxLength: 10 }),
      (entries, spaces) => {
        const header = entries.map(([l, w], i) => `${spaces[i]}${entry(l, w.text)}${spaces[i + 5]}`).join(',');
        const best = Math.max(...entries.map(([, w]) => w.q));
        const expected = best === 0 ? undefined : entries.find(([, w]) => w.q === best)![0];
        assert.equal(preferredLanguage(header), expected, header);
      },
    ));
  });

  it('a language refused with q=0 is never chosen, whatever else the header holds', () => {
    const other = (refused: Language) => fc.oneof(
      fc.tuple(languages.filter((l) => l !== refused), fc.option(weight)).map(([l, w]) => entry(l, w?.text)),
      fc.tuple(languages, fc.constantFrom('CH', 'AT', '419', 'Latn-AL'), fc.option(weight)).map(([l, region, w]) => entry(`${l}-${region}`, w?.text)),
      fc.option(weight).map((w) => entry('*', w?.text)),
      fc.constantFrom('ja', 'pt-BR;q=0.7', 'zh;q=1'),
      malformed,
    );
    fc.assert(fc.property(
      languages.chain((refused) => fc.tuple(fc.constant(refused), randomCase(refused), fc.array(other(refused), { maxLength: 8 }), fc.nat())),
      ([refused, written, rest, at]) => {
        const elements = [...rest];
        elements.splice(at % (rest.length + 1), 0, `${written};q=0`);
        assert.notEqual(preferredLanguage(elements.join(', ')), refused, elements.join(', '));
      },
    ));
  });

  it('the wildcard gives its weight to the languages the header does not name', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.tuple(languages, weight), { maxLength: 4, selector: ([l]) => l }),
      weight.filter((w) => w.q > 0),
      fc.nat(),
      (named, star, at) => {
        const elements = named.map(([l, w]) => entry(l, w.text));
        elements.splice(at % (elements.length + 1), 0, entry('*', star.text));
        const result = preferredLanguage(elements.join(','));
        const unnamed = SUPPORTED_LANGUAGES.filter((l) => !named.some(([n]) => n === l));
        const bestNamed = Math.max(0, ...named.map(([, w]) => w.q));
        if (star.q > bestNamed && unnamed.length > 0) assert.equal(result, unnamed[0], elements.join(','));
        if (star.q < bestNamed) assert.equal(result, named.find(([, w]) => w.q === bestNamed)![0], elements.join(','));
        assert.ok(!named.some(([l, w]) => l === result && w.q === 0));
      },
    ));
  });

  it('ranges are case-insensitive, region subtags count for their language, malformed elements change nothing', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.tuple(languages, fc.option(weight)), { minLength: 1, maxLength: 5, selector: ([l]) => l }),
      fc.constantFrom('CH', 'at', 'AL', '419', 'Latn'),
      fc.array(fc.tuple(malformed, fc.nat()), { maxLength: 4 }),
      fc.infiniteStream(fc.boolean()),
      (entries, region, noise, upper) => {
        const plain = entries.map(([l, w]) => entry(l, w?.text)).join(', ');
        const expected = preferredLanguage(plain);
        const cased = [...plain].map((c) => (upper.next().value ? c.toUpperCase() : c)).join('');
        assert.equal(preferredLanguage(cased), expected, cased);
        const regional = entries.map(([l, w]) => entry(`${l}-${region}`, w?.text)).join(', ');
        assert.equal(preferredLanguage(regional), expected, regional);
        const noisy = entries.map(([l, w]) => entry(l, w?.text));
        for (const [element, at] of noise) noisy.splice(at % (noisy.length + 1), 0, element);
        assert.equal(preferredLanguage(noisy.join(', ')), expected, noisy.join(', '));
      },
    ));
  });
});

describe('?lang and the preferred_language cookie', () => {
  it('read tags in any case and with region subtags, like the header', () => {
    assert.equal(negotiateLanguage({ query: 'DE', acceptLanguage: 'fr' }), 'de');
    assert.equal(negotiateLanguage({ query: 'de-AT', acceptLanguage: 'fr' }), 'de');
    assert.equal(negotiateLanguage({ query: 'Sq-al' }), 'sq');
    assert.equal(negotiateLanguage({ cookie: 'theme=dark; preferred_language=FR-ca', acceptLanguage: 'de' }), 'fr');
    assert.equal(negotiateLanguage({ cookie: 'preferred_language="es"' }), 'es');
    assert.equal(negotiateLanguage({ query: 'es', cookie: 'preferred_language=sq', acceptLanguage: 'de' }), 'es', '?lang first');
    assert.equal(negotiateLanguage({ cookie: 'preferred_language=sq', acceptLanguage: 'de' }), 'sq', 'then the cookie');
    assert.equal(negotiateLanguage({ query: 'xx', cookie: 'preferred_language=de_AT', acceptLanguage: 'es;q=0.8,de' }), 'de', 'unsupported or malformed: skipped');
    assert.equal(negotiateLanguage({ query: '*', cookie: 'preferred_language=*' }), 'en');
    assert.equal(negotiateLanguage({ query: ['de'], cookie: 'xpreferred_language=de' }), 'en', 'only a single ?lang, only the cookie by its name');
    assert.equal(negotiateLanguage({}), 'en');
  });

  it('a tag and its case or region variants name the same language, in every source', () => {
    fc.assert(fc.property(
      languages,
      fc.option(fc.constantFrom('AT', 'ch', 'AL', '419', 'Latn-RS')),
      fc.infiniteStream(fc.boolean()),
      (language, region, upper) => {
        const tag = [...(region ? `${language}-${region}` : language)].map((c) => (upper.next().value ? c.toUpperCase() : c.toLowerCase())).join('');
        assert.equal(languageOfTag(tag), language);
        assert.equal(negotiateLanguage({ query: tag, acceptLanguage: 'ja' }), language);
        assert.equal(negotiateLanguage({ cookie: `a=b; preferred_language=${tag}`, acceptLanguage: 'ja' }), language);
        assert.equal(negotiateLanguage({ acceptLanguage: tag }), language);
      },
    ));
  });
});
