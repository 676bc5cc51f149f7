export {
  loadTranslations,
  messageKey,
  isLanguage,
  SUPPORTED_LANGUAGES,
  DEFAULT_LANGUAGE,
  type Language,
  type Translations,
} from './locales.ts';
export { negotiateLanguage, preferredLanguage, languageOfTag } from './negotiate.ts';
