export {
  loadTranslations,
  negotiateLanguage,
  messageKey,
  isLanguage,
  SUPPORTED_LANGUAGES,
  DEFAULT_LANGUAGE,
  type Language,
  type Translations,
} from './locales.ts';
