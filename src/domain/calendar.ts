/**
 * Working time: which instants count toward deadlines and when reminders may be sent.
 *
 * Model. Each local calendar day (in the configured IANA time zone) is either a working day or not:
 * a make-up day is always a working day, otherwise a listed holiday is not, otherwise the ISO
 * weekday decides. A working day's working time is the union of its `workingHours` intervals, each
 * half-open `[start, end)` in local wall-clock time: 07:30 is working, 11:30 and 17:00 are not.
 * "24:00" as an end means the next local midnight, so `[["00:00","24:00"]]` on all seven days makes
 * every instant working time.
 *
 * Internally everything is UTC milliseconds. Per local day the intervals are resolved once to UTC
 * and cached, and zone offsets are cached per UTC hour, so the hot operations are a few map lookups
 * and comparisons (well over 100k `addWorking` per second).
 *
 * Daylight-saving zones are supported: a local time that does not exist (spring-forward gap) maps
 * to the instant just after the gap, an ambiguous one (fall-back overlap) to its earlier instant,
 * like Temporal's "compatible" disambiguation. Working time is real elapsed time, so a working day
 * that contains a transition is an hour shorter or longer.
 */
import type { Duration } from './duration.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Searches for working time give up after this many days (a calendar with none is misconfigured). */
const MAX_SCAN_DAYS = 3_700;
/** Caches are dropped wholesale past these sizes; they refill on demand. */
const MAX_CACHED_DAYS = 50_000;
const MAX_CACHED_HOURS = 500_000;

/** How a WorkingCalendar is built; the settings file's keys of the same names. */
export interface CalendarConfig {
  /** IANA zone, e.g. "Asia/Ho_Chi_Minh". */
  readonly timezone: string;
  /** ISO weekdays that are normally working days, 1 = Monday … 7 = Sunday. */
  readonly workingDays: readonly number[];
  /** Local "HH:MM" intervals, ordered and non-overlapping; an end may be "24:00". */
  readonly workingHours: readonly (readonly [string, string])[];
  /** "YYYY-MM-DD" local dates that are days off. */
  readonly holidays: readonly string[];
  /** "YYYY-MM-DD" local dates that are working days even though their weekday is not. */
  readonly makeupWorkingDays: readonly string[];
}

/** Thrown for a calendar that cannot work (bad zone, bad hours, a date both off and worked…). */
export class CalendarConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarConfigError';
  }
}

const TIME_RE = /^(\d{2}):(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Minutes since local midnight of a "HH:MM" time, or null if malformed. "24:00" (= 1440) is
 * accepted only when `allowEndOfDay` is set, for the end of a working-hours interval.
 */
export function parseClockTime(text: string, allowEndOfDay = false): number | null {
  const m = TIME_RE.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (allowEndOfDay && h === 24 && min === 0) return 1440;
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

/** Day number (days since 1970-01-01) of a real "YYYY-MM-DD" date, or null if malformed or unreal. */
export function parseLocalDate(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** True if the IANA zone name is known to this runtime's Intl. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatDayNumber(n: number): string {
  const d = new Date(n * DAY_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

function toMs(at: Date): number {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('WorkingCalendar: invalid Date');
  return t;
}

/**
 * UTC offsets of one zone, cached per UTC hour. An hour that contains a transition is marked
 * (NaN) and computed exactly on every call; real zones have at most a few such hours a year.
 */
export class ZoneOffsets {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly byHour = new Map<number, number>();

  constructor(readonly zone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Offset in ms such that local wall-clock ms = utcMs + offset. */
  at(utcMs: number): number {
    const hour = Math.floor(utcMs / HOUR_MS);
    const cached = this.byHour.get(hour);
    if (cached !== undefined) return Number.isNaN(cached) ? this.exact(utcMs) : cached;
    if (this.byHour.size > MAX_CACHED_HOURS) this.byHour.clear();
    const first = this.exact(hour * HOUR_MS);
    const last = this.exact(hour * HOUR_MS + HOUR_MS - 1);
    this.byHour.set(hour, first === last ? first : Number.NaN);
    return first === last ? first : this.exact(utcMs);
  }

  private exact(utcMs: number): number {
    const whole = Math.floor(utcMs / 1000) * 1000;
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    for (const p of this.fmt.formatToParts(whole)) {
      switch (p.type) {
        case 'year': y = Number(p.value); break;
        case 'month': mo = Number(p.value); break;
        case 'day': d = Number(p.value); break;
        case 'hour': h = Number(p.value); break;
        case 'minute': mi = Number(p.value); break;
        case 'second': s = Number(p.value); break;
        default: break;
      }
    }
    return Date.UTC(y, mo - 1, d, h, mi, s) - whole;
  }

  /** The UTC instant of a local wall-clock time ("compatible" disambiguation, see file comment). */
  toUtc(localMs: number): number {
    const before = this.at(localMs - DAY_MS);
    const after = this.at(localMs + DAY_MS);
    if (before === after) return localMs - before;
    const a = localMs - before;
    const b = localMs - after;
    const aValid = this.at(a) === before;
    const bValid = this.at(b) === after;
    if (aValid && bValid) return Math.min(a, b);
    if (aValid) return a;
    if (bValid) return b;
    // In a gap: keep the pre-transition offset, which lands just as far past the transition.
    return a;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The one place wall-clock times are worked out: offsets of `zone`, shared by every caller. */
export function zoneOffsets(zone: string): ZoneOffsets {
  let z = zones.get(zone);
  if (!z) zones.set(zone, (z = new ZoneOffsets(zone)));
  return z;
}

/**
 * The wall-clock time in `zone` as a Date whose UTC fields carry it. Zone-less consumers
 * (spreadsheet dates, formatting) read the UTC fields and so show the province's local time.
 */
export function localWallClock(at: Date, zone: string): Date {
  return new Date(at.getTime() + zoneOffsets(zone).at(toMs(at)));
}

/** One local day, resolved to UTC. Intervals are sorted, disjoint and non-empty. */
interface Day {
  readonly date: string;
  readonly workingDay: boolean;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly totalMs: number;
}

/** Working-day calendar in one time zone; see the file comment for the model. */
export class WorkingCalendar {
  readonly timezone: string;
  private readonly offsets: ZoneOffsets;
  private readonly weekdays: ReadonlySet<number>;
  /** Merged working intervals in minutes since local midnight. */
  private readonly intervals: readonly (readonly [number, number])[];
  private readonly holidays: ReadonlySet<string>;
  private readonly makeups: ReadonlySet<string>;
  private readonly days = new Map<number, Day>();
  private readonly clockCache = new Map<string, number>();

  constructor(config: CalendarConfig) {
    if (!isValidTimeZone(config.timezone)) {
      throw new CalendarConfigError(`unknown time zone ${JSON.stringify(config.timezone)}`);
    }
    this.timezone = config.timezone;
    this.offsets = zoneOffsets(config.timezone);

    const weekdays = new Set<number>();
    for (const d of config.workingDays) {
      if (!Number.isInteger(d) || d < 1 || d > 7) {
        throw new CalendarConfigError(`working day ${String(d)} is not an ISO weekday 1..7`);
      }
      weekdays.add(d);
    }
    if (weekdays.size === 0) throw new CalendarConfigError('there must be at least one working day');
    this.weekdays = weekdays;

    this.intervals = normaliseHours(config.workingHours);

    for (const list of [config.holidays, config.makeupWorkingDays]) {
      for (const date of list) {
        if (parseLocalDate(date) === null) {
          throw new CalendarConfigError(`${JSON.stringify(date)} is not a date like 2026-01-01`);
        }
      }
    }
    this.holidays = new Set(config.holidays);
    this.makeups = new Set(config.makeupWorkingDays);
    for (const date of this.makeups) {
      if (this.holidays.has(date)) {
        throw new CalendarConfigError(`${date} is listed both as a holiday and as a make-up working day`);
      }
    }
  }

  // ---- public API -------------------------------------------------------------------------

  /** True if the instant is inside working hours of a working day. */
  isWorkingTime(at: Date): boolean {
    const t = toMs(at);
    const day = this.day(this.dayOf(t));
    for (let k = 0; k < day.starts.length; k++) {
      if (t < day.ends[k]!) return t >= day.starts[k]!;
    }
    return false;
  }

  /** The instant itself if it is working time, else the start of the next working interval. */
  nextWorkingMoment(at: Date): Date {
    return new Date(this.nextWorkingMs(toMs(at)));
  }

  /**
   * Adds working time. First `d.days`: the instant (moved to the next working moment if needed)
   * keeps its working-clock position — the working time elapsed since its day's first working
   * minute — on the `d.days`-th next working day. Then `d.minutes` working minutes are consumed.
   * The result is always a working moment: time that ends exactly at the end of an interval rolls
   * to the start of the next one (so Friday 16:00 + 2h is Monday 08:30 with the default hours,
   * and Monday 07:30 + 1d is Tuesday 07:30, not Monday 17:00; both denote the same working time).
   * For minutes, `workingMsBetween(at, addWorking(at, d)) === d.minutes * 60 000` exactly.
   */
  addWorking(at: Date, d: Duration): Date {
    return new Date(this.addWorkingMs(toMs(at), d));
  }

  /** Working milliseconds in `[from, to)`; 0 if `to <= from`. */
  workingMsBetween(from: Date, to: Date): number {
    const a = toMs(from);
    const b = toMs(to);
    if (b <= a) return 0;
    const first = this.dayOf(a);
    const last = this.dayOf(b);
    let sum = 0;
    for (let n = first; n <= last; n++) {
      const day = this.day(n);
      if (n > first && n < last) {
        sum += day.totalMs;
        continue;
      }
      for (let k = 0; k < day.starts.length; k++) {
        const s = Math.max(day.starts[k]!, a);
        const e = Math.min(day.ends[k]!, b);
        if (e > s) sum += e - s;
      }
    }
    return sum;
  }

  /** True if the local date ("YYYY-MM-DD") is a working day (make-up days are, holidays are not). */
  isWorkingDay(localDate: string): boolean {
    return this.day(this.dayNumber(localDate)).workingDay;
  }

  /** The local calendar date of an instant, "YYYY-MM-DD". */
  localDate(at: Date): string {
    return formatDayNumber(this.dayOf(toMs(at)));
  }

  /** The local wall-clock time of an instant, "HH:MM" (seconds dropped). */
  localTime(at: Date): string {
    const t = toMs(at);
    const local = t + this.offsets.at(t);
    const minuteOfDay = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
    return `${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}`;
  }

  /** The instant of a local date and "HH:MM" time ("24:00" is the next midnight). */
  atLocal(date: string, time: string): Date {
    return new Date(this.atLocalMs(this.dayNumber(date), this.clock(time, true)));
  }

  /**
   * The first instant strictly after `at` that is `time` ("HH:MM") on a working day — today's if it
   * is still ahead, e.g. "every working morning at 08:00". It is not moved into working hours: a
   * time outside them (say "18:00") is returned as is.
   */
  nextWorkingDayAt(at: Date, time: string): Date {
    const t = toMs(at);
    const minutes = this.clock(time, false);
    let n = this.dayOf(t);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, n++) {
      if (!this.day(n).workingDay) continue;
      const candidate = this.atLocalMs(n, minutes);
      if (candidate > t) return new Date(candidate);
    }
    throw this.noWorkingTime();
  }

  /** The `count`-th working day strictly after a local date (count ≥ 1), "YYYY-MM-DD". */
  nextWorkingDate(localDate: string, count = 1): string {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('nextWorkingDate: count must be ≥ 1');
    let n = this.dayNumber(localDate);
    for (let i = 0; i < count; i++) n = this.nextWorkingDayNumber(n, false);
    return formatDayNumber(n);
  }

  /** Working milliseconds of a local date (0 for a day off). */
  workingMsOn(localDate: string): number {
    return this.day(this.dayNumber(localDate)).totalMs;
  }

  // ---- internals on UTC milliseconds --------------------------------------------------------

  private addWorkingMs(start: number, d: Duration): number {
    if (d.days < 0 || d.minutes < 0 || !Number.isInteger(d.days) || !Number.isInteger(d.minutes)) {
      throw new RangeError('addWorking: a duration is whole, non-negative days and minutes');
    }
    let t = this.nextWorkingMs(start);
    let n = this.dayOf(t);
    let day = this.day(n);

    if (d.days > 0) {
      // Working-clock position of t on its day; t is a working moment so it is < day.totalMs.
      let pos = 0;
      for (let k = 0; k < day.starts.length; k++) {
        if (t >= day.ends[k]!) pos += day.ends[k]! - day.starts[k]!;
        else { pos += t - day.starts[k]!; break; }
      }
      for (let i = 0; i < d.days; i++) n = this.nextWorkingDayNumber(n, true);
      day = this.day(n);
      t = NaN;
      for (let k = 0; k < day.starts.length; k++) {
        const len = day.ends[k]! - day.starts[k]!;
        if (pos < len) { t = day.starts[k]! + pos; break; }
        pos -= len;
      }
      if (Number.isNaN(t)) {
        // Only when the target day is shorter than the position (a DST day): its end, rolled on.
        t = this.nextWorkingMs(day.ends[day.ends.length - 1]!);
        n = this.dayOf(t);
        day = this.day(n);
      }
    }

    let rem = d.minutes * MINUTE_MS;
    let k = 0;
    while (day.ends[k]! <= t) k++;
    for (;;) {
      const avail = day.ends[k]! - t;
      if (rem < avail) return t + rem;
      rem -= avail;
      k++;
      if (k >= day.starts.length) {
        n = this.nextWorkingDayNumber(n, true);
        day = this.day(n);
        k = 0;
        // Whole days are skipped at once; the `<` keeps an exact fit on the next day's start.
        while (rem > day.totalMs) {
          rem -= day.totalMs;
          n = this.nextWorkingDayNumber(n, true);
          day = this.day(n);
        }
      }
      t = day.starts[k]!;
    }
  }

  private nextWorkingMs(t: number): number {
    let n = this.dayOf(t);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, n++) {
      const day = this.day(n);
      for (let k = 0; k < day.starts.length; k++) {
        if (t < day.ends[k]!) return Math.max(t, day.starts[k]!);
      }
    }
    throw this.noWorkingTime();
  }

  /** Next day number after n that is a working day (with working time if `needTime`). */
  private nextWorkingDayNumber(n: number, needTime: boolean): number {
    for (let i = 0; i < MAX_SCAN_DAYS; i++) {
      n++;
      const day = this.day(n);
      if (day.workingDay && (!needTime || day.totalMs > 0)) return n;
    }
    throw this.noWorkingTime();
  }

  private noWorkingTime(): Error {
    return new CalendarConfigError(`no working time within ${MAX_SCAN_DAYS} days; check the calendar settings`);
  }

  /** Local day number of an instant. */
  private dayOf(t: number): number {
    return Math.floor((t + this.offsets.at(t)) / DAY_MS);
  }

  private atLocalMs(n: number, minuteOfDay: number): number {
    return this.offsets.toUtc(n * DAY_MS + minuteOfDay * MINUTE_MS);
  }

  private dayNumber(date: string): number {
    const n = parseLocalDate(date);
    if (n === null) throw new RangeError(`${JSON.stringify(date)} is not a date like 2026-01-01`);
    return n;
  }

  private clock(time: string, allowEndOfDay: boolean): number {
    const key = allowEndOfDay ? `${time}+` : time;
    let m = this.clockCache.get(key);
    if (m === undefined) {
      const parsed = parseClockTime(time, allowEndOfDay);
      if (parsed === null) throw new RangeError(`${JSON.stringify(time)} is not a time like 08:00`);
      m = parsed;
      if (this.clockCache.size > 1000) this.clockCache.clear();
      this.clockCache.set(key, m);
    }
    return m;
  }

  private day(n: number): Day {
    const cached = this.days.get(n);
    if (cached) return cached;
    if (this.days.size > MAX_CACHED_DAYS) this.days.clear();
    const date = formatDayNumber(n);
    const weekday = ((((n + 3) % 7) + 7) % 7) + 1; // day 0 (1970-01-01) was a Thursday
    const workingDay = this.makeups.has(date) || (!this.holidays.has(date) && this.weekdays.has(weekday));
    const starts: number[] = [];
    const ends: number[] = [];
    let totalMs = 0;
    if (workingDay) {
      let prevEnd = -Infinity;
      for (const [s, e] of this.intervals) {
        // Clamping keeps intervals ordered even around a DST transition inside working hours.
        const us = Math.max(this.atLocalMs(n, s), prevEnd);
        const ue = this.atLocalMs(n, e);
        if (ue <= us) continue;
        // A day a zone skipped entirely (Pacific/Apia, 30 Dec 2011) resolves to instants of its
        // neighbours; keeping them would count the same time twice.
        if (this.dayOf(us) !== n || this.dayOf(ue - 1) !== n) continue;
        starts.push(us);
        ends.push(ue);
        totalMs += ue - us;
        prevEnd = ue;
      }
    }
    const day: Day = { date, workingDay, starts, ends, totalMs };
    this.days.set(n, day);
    return day;
  }
}

/** Validates and merges working hours into minute intervals; touching intervals become one. */
function normaliseHours(hours: readonly (readonly [string, string])[]): [number, number][] {
  if (hours.length === 0) throw new CalendarConfigError('there must be at least one working-hours interval');
  const out: [number, number][] = [];
  let prevEnd = -1;
  for (const pair of hours) {
    const [startText, endText] = pair;
    const s = parseClockTime(startText, false);
    const e = parseClockTime(endText, true);
    if (s === null) throw new CalendarConfigError(`${JSON.stringify(startText)} is not a time like 07:30`);
    if (e === null) throw new CalendarConfigError(`${JSON.stringify(endText)} is not a time like 17:00`);
    if (e <= s) throw new CalendarConfigError(`working hours ${startText}–${endText} end before they start`);
    if (s < prevEnd) {
      throw new CalendarConfigError(`working hours ${startText}–${endText} overlap or are out of order`);
    }
    const last = out[out.length - 1];
    if (last && last[1] === s) last[1] = e;
    else out.push([s, e]);
    prevEnd = e;
  }
  return out;
}
