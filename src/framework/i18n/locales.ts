import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';

export const SUPPORTED_LANGUAGES = ['en', 'de', 'sq', 'fr', 'es'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** Fluent identifiers cannot contain dots, so `tenant.not_found` is stored as `tenant-not_found`. */
export const messageKey = (code: string): string => code.replace(/\./g, '-');

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);

/**
 * All Fluent bundles, one per language, loaded once from `locales/<lang>/*.ftl`.
 *
 * @example
 *   const i18n = loadTranslations('locales');
 *   i18n.format('de', 'tenant.not_found', { tenantId });
 */
export type Translations = {
  format(language: Language, code: string, params?: Record<string, FluentVariable>): string;
  has(language: Language, code: string): boolean;
  keys(language: Language): Set<string>;
};

export function loadTranslations(directory: string): Translations {
  const bundles = new Map<Language, FluentBundle>();
  const keySets = new Map<Language, Set<string>>();
  for (const language of SUPPORTED_LANGUAGES) {
    const bundle = new FluentBundle(language, { useIsolating: false });
    const keys = new Set<string>();
    const dir = join(directory, language);
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ftl')).sort() : [];
    for (const file of files) {
      const resource = new FluentResource(readFileSync(join(dir, file), 'utf8'));
      for (const message of resource.body) keys.add(message.id);
      const errors = bundle.addResource(resource);
      if (errors.length > 0) throw new Error(`locales/${language}/${file}: ${errors[0]?.message}`);
    }
    bundles.set(language, bundle);
    keySets.set(language, keys);
  }

  const render = (language: Language, key: string, params?: Record<string, FluentVariable>) => {
    const bundle = bundles.get(language);
    const message = bundle?.getMessage(key);
    if (!bundle || !message?.value) return undefined;
    // Collecting errors keeps a missing variable from throwing: it renders as {$name} instead.
    const errors: Error[] = [];
    return bundle.formatPattern(message.value, params, errors);
  };

  return {
    format(language, code, params) {
      const key = messageKey(code);
      return render(language, key, params) ?? render(DEFAULT_LANGUAGE, key, params) ?? code;
    },
    has: (language, code) => keySets.get(language)?.has(messageKey(code)) ?? false,
    keys: (language) => new Set(keySets.get(language)),
  };
}
