import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { daysInMonth, isRfc3339DateTime, parseRfc3339 } from './rfc3339.ts';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** Oracle for calendar days: whether the Date built from the parts rolls over (it does for a day the month lacks). */
const dayExists = (year: number, month: number, day: number) => {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

describe('parseRfc3339 (property-based)', () => {
  it('reads back every instant written as toISOString (years 0000–9999)', () => {
    fc.assert(fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) =>
      parseRfc3339(date.toISOString())?.getTime() === date.getTime()));
  });

  it('accepts a day exactly when the month has it (February 29th only in leap years), and never rolls it over', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (year, month, day) => {
      const parsed = parseRfc3339(`${pad(year, 4)}-${pad(month)}-${pad(day)}T00:00:00Z`);
      const exists = month >= 1 && month <= 12 && day >= 1 && dayExists(year, month, day);
      if (!exists) return parsed === null;
      return parsed !== null && parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
    }));
  });

  it('applies the offset: local time minus offset is the UTC instant', () => {
    fc.assert(fc.property(
      fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9000-12-31T23:59:59Z'), noInvalidDate: true }),
      fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      (instant, offset) => {
        const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const text = `${local}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
        return parseRfc3339(text)?.getTime() === instant.getTime();
      },
    ));
  });

  it('refuses times and offsets out of range', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (h, m, s) =>
      isRfc3339DateTime(`2030-01-01T${pad(h)}:${pad(m)}:${pad(s)}Z`) === (h <= 23 && m <= 59 && s <= 59)));
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (h, m) =>
      isRfc3339DateTime(`2030-01-01T00:00:00+${pad(h)}:${pad(m)}`) === (h <= 23 && m <= 59)));
  });

  it('refuses any text that is not a full date-time', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }).filter((s) => !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}/.test(s)), (s) => parseRfc3339(s) === null));
  });
});

describe('parseRfc3339 (examples)', () => {
  it('refuses what Date.parse rolls over or reads loosely', () => {
    for (const bad of [
      '2030-02-30T00:00:00Z', '2030-13-01T00:00:00Z', '2030-04-31T00:00:00Z', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2030-00-10T00:00:00Z',
      '2030-01-00T00:00:00Z', '2030-06-30T23:59:60Z', '2030-01-01T24:00:00Z', '2030-01-01', '2030-01-01T00:00Z', '2030-01-01T00:00:00',
      '2030-01-01T00:00:00+0100', '2030-01-01T00:00:00.Z', ' 2030-01-01T00:00:00Z', '2030-1-01T00:00:00Z', 'tomorrow',
    ]) assert.equal(parseRfc3339(bad), null, bad);
  });

  it('accepts leap days, lower-case separators, fractions and offsets', () => {
    assert.equal(parseRfc3339('2024-02-29T00:00:00Z')?.toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(parseRfc3339('2000-02-29t12:30:00z')?.toISOString(), '2000-02-29T12:30:00.000Z');
    assert.equal(parseRfc3339('2030-01-01 00:00:00.123456789Z')?.toISOString(), '2030-01-01T00:00:00.123Z');
    assert.equal(parseRfc3339('2030-01-01T00:30:00+01:00')?.toISOString(), '2029-12-31T23:30:00.000Z');
    assert.equal(parseRfc3339('0001-01-01T00:00:00-00:00')?.toISOString(), '0001-01-01T00:00:00.000Z');
    assert.deepEqual([1, 2, 3, 4, 12].map((m) => daysInMonth(2024, m)), [31, 29, 31, 30, 31]);
  });
});
