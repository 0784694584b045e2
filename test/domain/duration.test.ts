import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DurationError,
  duration,
  formatDuration,
  isWholeDays,
  isZeroDuration,
  parseDuration,
  tryParseDuration,
} from '../../src/domain/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90m', 0, 90],
    ['2h', 0, 120],
    ['1d', 1, 0],
    ['10d', 10, 0],
    ['1d 2h', 1, 120],
    ['1d2h', 1, 120],
    ['1h 30m', 0, 90],
    ['1d 2h 5m', 1, 125],
    ['0m', 0, 0],
    ['0d', 0, 0],
    ['  4h ', 0, 240],
    ['2H', 0, 120],
    ['1 d', 1, 0],
  ])('%j → %i days, %i minutes', (text, days, minutes) => {
    expect(parseDuration(text)).toEqual({ days, minutes });
  });

  it.each(['', ' ', 'abc', '1', '90', '1.5h', '-1h', '2h 1d', '1d1d', '1w', 'h', '1 day', '1d,2h', '2h30'])(
    'rejects %j with a message that quotes it and shows examples',
    (text) => {
      expect(() => parseDuration(text)).toThrow(DurationError);
      expect(() => parseDuration(text)).toThrow(`${JSON.stringify(text)} is not a duration like 90m, 2h or 1d`);
      expect(tryParseDuration(text)).toBeNull();
    },
  );

  it('rejects values that are not strings', () => {
    expect(() => parseDuration(90)).toThrow('90 is not a duration like 90m, 2h or 1d');
    expect(() => parseDuration(null)).toThrow(DurationError);
    expect(() => parseDuration(undefined)).toThrow(DurationError);
  });

  it('rejects absurdly long durations instead of walking the calendar for ages', () => {
    expect(() => parseDuration('99999d')).toThrow(DurationError);
    expect(() => parseDuration('999999999m')).toThrow(DurationError);
  });
});

describe('formatDuration', () => {
  it.each([
    [{ days: 0, minutes: 0 }, '0m'],
    [{ days: 0, minutes: 90 }, '1h 30m'],
    [{ days: 1, minutes: 120 }, '1d 2h'],
    [{ days: 5, minutes: 0 }, '5d'],
  ])('%j → %s', (d, text) => {
    expect(formatDuration(d)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 100_000 }), (days, minutes) => {
        expect(parseDuration(formatDuration({ days, minutes }))).toEqual({ days, minutes });
      }),
    );
  });
});

describe('helpers', () => {
  it('tells zero and whole-day durations apart', () => {
    expect(isZeroDuration(parseDuration('0m'))).toBe(true);
    expect(isZeroDuration(parseDuration('1m'))).toBe(false);
    expect(isWholeDays(parseDuration('1d'))).toBe(true);
    expect(isWholeDays(parseDuration('3d'))).toBe(true);
    expect(isWholeDays(parseDuration('1d 2h'))).toBe(false);
    expect(isWholeDays(parseDuration('8h'))).toBe(false);
    expect(isWholeDays(parseDuration('0d'))).toBe(false);
  });

  it('builds durations from parts and refuses negative or fractional ones', () => {
    expect(duration({ days: 1, hours: 2, minutes: 5 })).toEqual({ days: 1, minutes: 125 });
    expect(() => duration({ minutes: -1 })).toThrow(DurationError);
    expect(() => duration({ hours: 1.5 })).not.toThrow();
    expect(() => duration({ minutes: 0.5 })).toThrow(DurationError);
  });
});
