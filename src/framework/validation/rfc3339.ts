/**
 * RFC 3339 `date-time` (section 5.6) checked against the calendar. `Date.parse` rolls impossible
 * dates over (`2030-02-30` becomes March 2nd) and the `date-time` schema format (ajv-formats,
 * fast mode) only checks the shape, so every timestamp a command takes goes through here.
 *
 * Accepted: `YYYY-MM-DD`, then `T`, `t` or a space, `hh:mm:ss`, an optional fraction (any number
 * of digits, kept to the millisecond), then `Z`, `z` or an offset `±hh:mm`. Refused: a month
 * outside 01–12, a day the month does not have (February 29th only in leap years), hours past 23,
 * minutes or offset minutes past 59, and leap seconds (`:60`), which a JavaScript `Date` cannot
 * name.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days of a month (1–12) of a year of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The instant an RFC 3339 date-time names, or null when the text is not one or names a day that
 * does not exist.
 *
 * @example
 *   parseRfc3339('2030-02-28T12:00:00+01:00')?.toISOString() // '2030-02-28T11:00:00.000Z'
 *   parseRfc3339('2030-02-30T00:00:00Z')                     // null
 */
export function parseRfc3339(value: string): Date | null {
  const match = RFC3339.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (match[8] !== undefined) {
    const offsetHour = Number(match[9]);
    const offsetMinute = Number(match[10]);
    if (offsetHour > 23 || offsetMinute > 59) return null;
    offsetMinutes = (match[8] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const millis = Number((match[7] ?? '').slice(0, 3).padEnd(3, '0'));
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, millis);
  return date;
}

/** @example isRfc3339DateTime('2024-02-29T00:00:00Z') // true; '2023-02-29T00:00:00Z' // false */
export const isRfc3339DateTime = (value: string): boolean => parseRfc3339(value) !== null;
