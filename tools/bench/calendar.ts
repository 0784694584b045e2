/**
 * Throughput of the working calendar, for `npm run bench`. The only module of domain/ that reads a
 * clock: measuring elapsed time is its purpose. Figures are per-run rates on this machine, meant
 * for comparing runs, not for asserting in tests.
 */
import { performance } from 'node:perf_hooks';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import type { Duration } from '../../src/domain/duration.js';
import { shippedHolidays } from '../../src/domain/holidays.js';

export interface CalendarBenchResult {
  /** `addWorking` calls per second over a mix of instants (2025–2026) and durations (0m–10d). */
  addWorkingPerSecond: number;
  /** `workingMsBetween` calls per second over spans of up to about a month. */
  workingMsBetweenPerSecond: number;
}

const DURATIONS: readonly Duration[] = [
  { days: 0, minutes: 0 },
  { days: 0, minutes: 90 },
  { days: 0, minutes: 120 },
  { days: 0, minutes: 240 },
  { days: 1, minutes: 0 },
  { days: 1, minutes: 120 },
  { days: 5, minutes: 0 },
  { days: 10, minutes: 0 },
];

/** Measures the default Hưng Yên calendar; runs for roughly half a second. */
export function benchCalendar(iterations = 200_000): CalendarBenchResult {
  const shipped = shippedHolidays();
  const cal = new WorkingCalendar({
    timezone: 'Asia/Ho_Chi_Minh',
    workingDays: [1, 2, 3, 4, 5],
    workingHours: [
      ['07:30', '11:30'],
      ['13:30', '17:00'],
    ],
    holidays: shipped.holidays,
    makeupWorkingDays: shipped.makeupWorkingDays,
  });
  // Deterministic pseudo-random instants across two years, at 7-minute granularity.
  const base = Date.UTC(2025, 0, 1);
  const span = 2 * 365 * 24 * 60;
  const instants: Date[] = [];
  for (let i = 0; i < 4096; i++) instants.push(new Date(base + ((i * 7_919 * 7) % span) * 60_000));

  // Warm-up fills the day and offset caches, as a long-running worker would have them.
  for (let i = 0; i < 20_000; i++) cal.addWorking(instants[i % instants.length]!, DURATIONS[i % DURATIONS.length]!);

  let sink = 0;
  let t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    sink += cal.addWorking(instants[i & 4095]!, DURATIONS[i & 7]!).getTime() & 1;
  }
  const addSeconds = (performance.now() - t0) / 1000;

  const spans = Math.max(1, Math.floor(iterations / 4));
  t0 = performance.now();
  for (let i = 0; i < spans; i++) {
    const a = instants[i & 4095]!;
    const b = new Date(a.getTime() + ((i * 104_729) % (30 * 24 * 60)) * 60_000);
    sink += cal.workingMsBetween(a, b) & 1;
  }
  const betweenSeconds = (performance.now() - t0) / 1000;
  if (sink < 0) throw new Error('unreachable'); // keeps the loops from being optimised away

  return {
    addWorkingPerSecond: Math.round(iterations / addSeconds),
    workingMsBetweenPerSecond: Math.round(spans / betweenSeconds),
  };
}
