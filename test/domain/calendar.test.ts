import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CalendarConfigError,
  WorkingCalendar,
  parseClockTime,
  parseLocalDate,
  type CalendarConfig,
} from '../../src/domain/calendar.js';
import { parseDuration } from '../../src/domain/duration.js';
import { shippedHolidays } from '../../src/domain/holidays.js';

const HOUR = 3_600_000;
const DAY_LENGTH = 7.5 * HOUR; // 07:30–11:30 + 13:30–17:00

const shipped = shippedHolidays();
const HUNG_YEN: CalendarConfig = {
  timezone: 'Asia/Ho_Chi_Minh',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: [
    ['07:30', '11:30'],
    ['13:30', '17:00'],
  ],
  holidays: shipped.holidays,
  makeupWorkingDays: shipped.makeupWorkingDays,
};
const cal = new WorkingCalendar(HUNG_YEN);

/** A Hưng Yên wall-clock time, "2025-11-14 16:30" (seconds optional). */
function vn(text: string): Date {
  const [date, time] = text.split(' ');
  const withSeconds = time!.length === 5 ? `${time}:00` : time;
  return new Date(`${date}T${withSeconds}+07:00`);
}
/** The same format back, to make failures readable. */
function show(d: Date): string {
  return `${cal.localDate(d)} ${cal.localTime(d)}`;
}

describe('addWorking with the default Hưng Yên calendar', () => {
  it.each([
    // minutes and hours
    ['Friday 16:30 + 2h rolls over the weekend (30m Friday, 90m Monday)', '2025-11-14 16:30', '2h', '2025-11-17 09:00'],
    ['Friday 16:00 + 2h', '2025-11-14 16:00', '2h', '2025-11-17 08:30'],
    ['morning into the afternoon, skipping lunch', '2025-11-17 10:00', '2h', '2025-11-17 14:00'],
    ['ending exactly at the lunch break continues after it', '2025-11-17 11:00', '30m', '2025-11-17 13:30'],
    ['ending exactly at 17:00 continues next working morning', '2025-11-17 16:59', '1m', '2025-11-18 07:30'],
    ['0m during lunch is the end of lunch', '2025-11-17 11:30', '0m', '2025-11-17 13:30'],
    ['from inside the lunch break', '2025-11-17 12:00', '1m', '2025-11-17 13:31'],
    ['before opening', '2025-11-17 06:00', '90m', '2025-11-17 09:00'],
    ['at night', '2025-11-17 22:00', '2h', '2025-11-18 09:30'],
    ['Saturday', '2025-11-15 09:00', '2h', '2025-11-17 09:30'],
    ['a whole working day of minutes', '2025-11-17 07:30', '7h 30m', '2025-11-18 07:30'],
    ['a week of minutes', '2025-11-17 10:00', '37h 30m', '2025-11-24 10:00'],
    // days keep the working-clock position
    ['1d from opening time', '2025-11-17 07:30', '1d', '2025-11-18 07:30'],
    ['1d mid-morning', '2025-11-17 10:00', '1d', '2025-11-18 10:00'],
    ['1d in the afternoon', '2025-11-17 15:00', '1d', '2025-11-18 15:00'],
    ['1d from Friday lands on Monday', '2025-11-14 10:00', '1d', '2025-11-17 10:00'],
    ['1d from lunch counts from 13:30', '2025-11-17 12:00', '1d', '2025-11-18 13:30'],
    ['1d from Saturday counts from Monday 07:30', '2025-11-15 09:00', '1d', '2025-11-18 07:30'],
    ['1d 2h', '2025-11-17 10:00', '1d 2h', '2025-11-18 14:00'],
    ['5d is a week later', '2025-11-17 09:00', '5d', '2025-11-24 09:00'],
    ['10d is two weeks later', '2025-11-17 09:00', '10d', '2025-12-01 09:00'],
  ])('%s: %s + %s → %s', (_label, from, dur, expected) => {
    expect(show(cal.addWorking(vn(from), parseDuration(dur)))).toBe(expected);
  });

  it.each([
    ['Tết 2026 (14–22 Feb off): Friday 16:00 + 2h', '2026-02-13 16:00', '2h', '2026-02-23 08:30'],
    ['Tết 2026: Thursday + 2d', '2026-02-12 10:00', '2d', '2026-02-23 10:00'],
    ['Tết 2025 (25 Jan–2 Feb off): Friday + 1d', '2025-01-24 10:00', '1d', '2025-02-03 10:00'],
    ['make-up Saturday 10/1/2026 is worked', '2026-01-09 16:00', '2h', '2026-01-10 08:30'],
    ['make-up Saturday 26/4/2025 is worked', '2025-04-25 10:00', '1d', '2025-04-26 10:00'],
    ['year end 2025 → 2026: 1/1 and the swapped 2/1 are off', '2025-12-31 16:00', '2h', '2026-01-05 08:30'],
    ['year end with days', '2025-12-31 10:00', '1d', '2026-01-05 10:00'],
    ['Giỗ Tổ 2026 on Sunday, compensated Monday 27/4', '2026-04-24 16:00', '2h', '2026-04-28 08:30'],
    ['30/4–1/5 2026', '2026-04-29 16:00', '2h', '2026-05-04 08:30'],
    ['Quốc khánh 2026 (29/8–2/9 off)', '2026-08-28 16:00', '2h', '2026-09-03 08:30'],
    ['make-up Saturday 22/8/2026', '2026-08-21 16:00', '2h', '2026-08-22 08:30'],
    ['Quốc khánh 2025 (30/8–2/9 off)', '2025-08-29 10:00', '1d', '2025-09-03 10:00'],
  ])('%s: %s + %s → %s', (_label, from, dur, expected) => {
    expect(show(cal.addWorking(vn(from), parseDuration(dur)))).toBe(expected);
  });
});

describe('isWorkingTime and nextWorkingMoment', () => {
  it.each([
    ['2025-11-17 07:29:59', false],
    ['2025-11-17 07:30', true],
    ['2025-11-17 11:29:59', true],
    ['2025-11-17 11:30', false],
    ['2025-11-17 13:29', false],
    ['2025-11-17 13:30', true],
    ['2025-11-17 16:59:59', true],
    ['2025-11-17 17:00', false],
    ['2025-11-17 00:00', false],
    ['2025-11-15 10:00', false], // Saturday
    ['2025-11-16 10:00', false], // Sunday
    ['2026-02-17 10:00', false], // mùng 1 Tết
    ['2026-01-02 10:00', false], // swapped day off
    ['2026-01-10 10:00', true], // make-up Saturday
  ])('%s → %s', (at, expected) => {
    expect(cal.isWorkingTime(vn(at))).toBe(expected);
  });

  it.each([
    ['2025-11-17 10:00', '2025-11-17 10:00'],
    ['2025-11-17 11:30', '2025-11-17 13:30'],
    ['2025-11-17 17:00', '2025-11-18 07:30'],
    ['2025-11-14 17:00', '2025-11-17 07:30'],
    ['2026-02-13 17:00', '2026-02-23 07:30'],
    ['2026-01-09 18:00', '2026-01-10 07:30'],
  ])('nextWorkingMoment(%s) = %s', (at, expected) => {
    expect(show(cal.nextWorkingMoment(vn(at)))).toBe(expected);
  });

  it('keeps seconds and milliseconds of a working instant', () => {
    const at = new Date(vn('2025-11-17 10:00').getTime() + 12_345);
    expect(cal.nextWorkingMoment(at).getTime()).toBe(at.getTime());
    expect(cal.addWorking(at, parseDuration('1m')).getTime()).toBe(at.getTime() + 60_000);
  });
});

describe('workingMsBetween', () => {
  it.each([
    ['same morning', '2025-11-17 08:00', '2025-11-17 09:30', 1.5 * HOUR],
    ['across lunch', '2025-11-17 11:00', '2025-11-17 14:00', 1 * HOUR],
    ['across a weekend', '2025-11-14 16:00', '2025-11-17 09:00', 2.5 * HOUR],
    ['a whole week', '2025-11-17 00:00', '2025-11-24 00:00', 5 * DAY_LENGTH],
    ['a weekend only', '2025-11-15 00:00', '2025-11-17 00:00', 0],
    ['across Tết 2026', '2026-02-13 00:00', '2026-02-23 00:00', DAY_LENGTH],
    ['including a make-up Saturday', '2026-01-05 00:00', '2026-01-12 00:00', 6 * DAY_LENGTH],
    ['over the year end', '2025-12-29 00:00', '2026-01-05 00:00', 3 * DAY_LENGTH],
  ])('%s', (_label, from, to, expected) => {
    expect(cal.workingMsBetween(vn(from), vn(to))).toBe(expected);
  });

  it('is 0 when to is not after from', () => {
    expect(cal.workingMsBetween(vn('2025-11-17 10:00'), vn('2025-11-17 10:00'))).toBe(0);
    expect(cal.workingMsBetween(vn('2025-11-17 10:00'), vn('2025-11-17 09:00'))).toBe(0);
  });

  it('counts a year of working days', () => {
    // 2026: 261 weekdays, 13 of them shipped days off (26/4 is a Sunday), plus 2 make-up Saturdays.
    const days = 261 - 13 + 2;
    expect(cal.workingMsBetween(vn('2026-01-01 00:00'), vn('2027-01-01 00:00'))).toBe(days * DAY_LENGTH);
  });
});

describe('local dates and times', () => {
  it('converts between instants and Hưng Yên wall-clock time (UTC+7)', () => {
    expect(cal.atLocal('2026-01-01', '07:30').toISOString()).toBe('2026-01-01T00:30:00.000Z');
    expect(cal.atLocal('2026-01-01', '24:00').toISOString()).toBe('2026-01-01T17:00:00.000Z');
    expect(cal.localDate(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01');
    expect(cal.localDate(new Date('2025-12-31T16:59:59Z'))).toBe('2025-12-31');
    expect(cal.localTime(new Date('2025-12-31T16:59:59Z'))).toBe('23:59');
    expect(cal.localTime(new Date('2026-01-01T00:30:00Z'))).toBe('07:30');
  });

  it('knows working days', () => {
    expect(cal.isWorkingDay('2025-11-17')).toBe(true);
    expect(cal.isWorkingDay('2025-11-15')).toBe(false);
    expect(cal.isWorkingDay('2026-02-16')).toBe(false);
    expect(cal.isWorkingDay('2026-01-10')).toBe(true);
    expect(cal.isWorkingDay('2026-08-22')).toBe(true);
    expect(cal.isWorkingDay('2026-08-31')).toBe(false);
    expect(cal.nextWorkingDate('2026-02-13')).toBe('2026-02-23');
    expect(cal.nextWorkingDate('2026-01-09')).toBe('2026-01-10');
    expect(cal.nextWorkingDate('2025-11-14', 3)).toBe('2025-11-19');
    expect(cal.workingMsOn('2025-11-17')).toBe(DAY_LENGTH);
    expect(cal.workingMsOn('2025-11-16')).toBe(0);
  });

  it.each([
    ['before the time on a working day: the same day', '2025-11-17 07:00', '08:00', '2025-11-17 08:00'],
    ['exactly at the time: strictly after, so the next working day', '2025-11-17 08:00', '08:00', '2025-11-18 08:00'],
    ['Friday after the time: Monday', '2025-11-14 09:00', '08:00', '2025-11-17 08:00'],
    ['year end: the first working day of 2026', '2025-12-31 09:00', '08:00', '2026-01-05 08:00'],
    ['before a make-up Saturday', '2026-01-09 09:00', '08:00', '2026-01-10 08:00'],
    ['before Tết', '2026-02-13 09:00', '07:30', '2026-02-23 07:30'],
  ])('nextWorkingDayAt: %s', (_label, at, time, expected) => {
    expect(show(cal.nextWorkingDayAt(vn(at), time))).toBe(expected);
  });

  it('rejects malformed dates and times', () => {
    expect(() => cal.atLocal('2026-02-30', '08:00')).toThrow(RangeError);
    expect(() => cal.atLocal('2026-02-01', '8:00')).toThrow(RangeError);
    expect(() => cal.nextWorkingDayAt(new Date(), '24:00')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('26-01-01')).toThrow(RangeError);
    expect(() => cal.addWorking(new Date(Number.NaN), parseDuration('1m'))).toThrow(RangeError);
  });

  it('parses clock times and dates strictly', () => {
    expect(parseClockTime('07:30')).toBe(450);
    expect(parseClockTime('24:00')).toBeNull();
    expect(parseClockTime('24:00', true)).toBe(1440);
    expect(parseClockTime('24:01', true)).toBeNull();
    expect(parseClockTime('7:30')).toBeNull();
    expect(parseClockTime('12:60')).toBeNull();
    expect(parseLocalDate('2024-02-29')).not.toBeNull();
    expect(parseLocalDate('2025-02-29')).toBeNull();
    expect(parseLocalDate('2025-13-01')).toBeNull();
  });
});

describe('configuration', () => {
  it.each([
    ['an unknown zone', { timezone: 'Mars/Olympus' }],
    ['no working days', { workingDays: [] }],
    ['a weekday out of range', { workingDays: [0] }],
    ['no working hours', { workingHours: [] }],
    ['hours ending before they start', { workingHours: [['17:00', '07:30']] as [string, string][] }],
    ['overlapping hours', { workingHours: [['07:30', '12:00'], ['11:00', '17:00']] as [string, string][] }],
    ['a date both off and worked', { holidays: ['2026-03-03'], makeupWorkingDays: ['2026-03-03'] }],
    ['a malformed holiday', { holidays: ['2026-3-3'] }],
  ])('refuses %s', (_label, patch) => {
    expect(() => new WorkingCalendar({ ...HUNG_YEN, ...patch })).toThrow(CalendarConfigError);
  });

  it('merges touching intervals and lets "24:00" end the day', () => {
    const c = new WorkingCalendar({
      ...HUNG_YEN,
      workingHours: [
        ['08:00', '12:00'],
        ['12:00', '24:00'],
      ],
    });
    expect(c.isWorkingTime(vn('2025-11-17 12:00'))).toBe(true);
    expect(c.isWorkingTime(vn('2025-11-17 23:59'))).toBe(true);
    expect(show(c.addWorking(vn('2025-11-17 23:59'), parseDuration('2m')))).toBe('2025-11-18 08:01');
  });
});

describe('every minute is working time', () => {
  const always = new WorkingCalendar({
    timezone: 'Asia/Ho_Chi_Minh',
    workingDays: [1, 2, 3, 4, 5, 6, 7],
    workingHours: [['00:00', '24:00']],
    holidays: [],
    makeupWorkingDays: [],
  });

  it('counts real elapsed time, across midnight and weekends', () => {
    const a = vn('2025-11-15 23:59:30');
    expect(always.isWorkingTime(a)).toBe(true);
    expect(always.addWorking(a, parseDuration('1m')).getTime()).toBe(a.getTime() + 60_000);
    expect(always.addWorking(a, parseDuration('2m')).getTime()).toBe(a.getTime() + 120_000);
    expect(always.addWorking(a, parseDuration('1d')).getTime()).toBe(a.getTime() + 24 * HOUR);
    expect(always.workingMsBetween(a, new Date(a.getTime() + 3 * 24 * HOUR))).toBe(3 * 24 * HOUR);
    expect(always.nextWorkingDayAt(a, '08:00').toISOString()).toBe(vn('2025-11-16 08:00').toISOString());
  });
});

describe('other time zones', () => {
  const berlin = new WorkingCalendar({
    timezone: 'Europe/Berlin',
    workingDays: [1, 2, 3, 4, 5, 6, 7],
    workingHours: [['00:00', '24:00']],
    holidays: [],
    makeupWorkingDays: [],
  });

  it('resolves local times across daylight-saving changes', () => {
    expect(berlin.atLocal('2026-01-15', '09:00').toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(berlin.atLocal('2026-07-15', '09:00').toISOString()).toBe('2026-07-15T07:00:00.000Z');
    // 02:30 does not exist on 29 March 2026: it means 03:30 CEST.
    expect(berlin.atLocal('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 25 October 2026: the earlier one.
    expect(berlin.atLocal('2026-10-25', '02:30').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(berlin.localTime(new Date('2026-10-25T01:30:00Z'))).toBe('02:30');
  });

  it('has a 23-hour spring day and a 25-hour autumn day of working time', () => {
    expect(berlin.workingMsOn('2026-03-29')).toBe(23 * HOUR);
    expect(berlin.workingMsOn('2026-10-25')).toBe(25 * HOUR);
    // The working-clock position is working time elapsed since the day's first working minute:
    // 10 h into Saturday is 11:00 on the spring day, whose 02:00–03:00 does not exist.
    const sat = berlin.atLocal('2026-03-28', '10:00');
    const sun = berlin.addWorking(sat, parseDuration('1d'));
    expect(`${berlin.localDate(sun)} ${berlin.localTime(sun)}`).toBe('2026-03-29 11:00');
    expect(berlin.workingMsBetween(sat, sun)).toBe(24 * HOUR);
  });

  it('keeps office hours in local time in summer and winter', () => {
    const office = new WorkingCalendar({ ...HUNG_YEN, timezone: 'Europe/Berlin', holidays: [], makeupWorkingDays: [] });
    expect(office.isWorkingTime(new Date('2026-01-15T06:30:00Z'))).toBe(true); // 07:30 CET
    expect(office.isWorkingTime(new Date('2026-07-15T05:30:00Z'))).toBe(true); // 07:30 CEST
    expect(office.isWorkingTime(new Date('2026-07-15T06:30:00Z'))).toBe(true); // 08:30 CEST
    expect(office.isWorkingTime(new Date('2026-07-15T05:29:00Z'))).toBe(false);
  });
});

// ---- properties -------------------------------------------------------------------------------

const RANGE_START = Date.UTC(2024, 11, 1);
const RANGE_END = Date.UTC(2027, 0, 31);
const instant = fc.integer({ min: RANGE_START, max: RANGE_END }).map((ms) => new Date(ms));
const minutes = fc.integer({ min: 0, max: 6_000 });
const anyDuration = fc.record({ days: fc.integer({ min: 0, max: 15 }), minutes: fc.integer({ min: 0, max: 2_000 }) });

const calendars: [string, WorkingCalendar][] = [
  ['Hưng Yên', cal],
  [
    '24/7',
    new WorkingCalendar({
      timezone: 'Asia/Ho_Chi_Minh',
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: [['00:00', '24:00']],
      holidays: [],
      makeupWorkingDays: [],
    }),
  ],
  [
    'Berlin office hours with DST',
    new WorkingCalendar({ ...HUNG_YEN, timezone: 'Europe/Berlin', workingHours: [['01:00', '02:30'], ['02:45', '17:00']] }),
  ],
];

describe.each(calendars)('properties (%s calendar)', (_name, c) => {
  it('addWorking(a, m minutes) is exactly m working minutes after a', () => {
    fc.assert(
      fc.property(instant, minutes, (a, m) => {
        const r = c.addWorking(a, { days: 0, minutes: m });
        expect(c.workingMsBetween(a, r)).toBe(m * 60_000);
      }),
      { numRuns: 500 },
    );
  });

  it('every result is a working moment, never before the start', () => {
    fc.assert(
      fc.property(instant, anyDuration, (a, d) => {
        const r = c.addWorking(a, d);
        expect(c.isWorkingTime(r)).toBe(true);
        expect(r.getTime()).toBeGreaterThanOrEqual(a.getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('is monotonic in the start and in the duration', () => {
    fc.assert(
      fc.property(instant, instant, anyDuration, minutes, minutes, (a, b, d, m1, m2) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(c.addWorking(lo, d).getTime()).toBeLessThanOrEqual(c.addWorking(hi, d).getTime());
        const [short, long] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(c.addWorking(a, { days: d.days, minutes: short }).getTime()).toBeLessThanOrEqual(
          c.addWorking(a, { days: d.days, minutes: long }).getTime(),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('nextWorkingMoment skips only non-working time', () => {
    fc.assert(
      fc.property(instant, (a) => {
        const n = c.nextWorkingMoment(a);
        expect(c.isWorkingTime(n)).toBe(true);
        expect(n.getTime()).toBeGreaterThanOrEqual(a.getTime());
        expect(c.workingMsBetween(a, n)).toBe(0);
        if (c.isWorkingTime(a)) expect(n.getTime()).toBe(a.getTime());
      }),
      { numRuns: 500 },
    );
  });

  it('workingMsBetween is additive', () => {
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, d] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        expect(c.workingMsBetween(a, d)).toBe(c.workingMsBetween(a, b) + c.workingMsBetween(b, d));
      }),
      { numRuns: 300 },
    );
  });
});

it('a working day is 7h30 of working time in Hưng Yên, whatever the start', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 0, max: 12 }), (a, k) => {
      const r = cal.addWorking(a, { days: k, minutes: 0 });
      expect(cal.workingMsBetween(a, r)).toBe(k * DAY_LENGTH);
    }),
    { numRuns: 500 },
  );
});
