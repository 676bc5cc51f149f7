/** Validators of values any module takes as input, free of any module's vocabulary. */
export { parseRfc3339, isRfc3339DateTime, daysInMonth } from './rfc3339.ts';
export { hasHiddenCharacters, visibleLength, visibleName } from './visible-text.ts';
export { isUuid } from './uuid.ts';
