/**
 * Working-time durations as written in the settings file: "90m", "2h", "1d", "1d 2h", "1d2h", "0m".
 *
 * A duration is kept as two separate parts because they mean different things on a calendar:
 * - `days` counts working days. Adding one day moves an instant to the same working-clock position
 *   (the same amount of working time elapsed since that day's first working minute) on the next
 *   working day. It is never 24 hours: with the default hours it is 7 h 30 min of working time.
 * - `minutes` counts working minutes, consumed one by one through working hours only.
 * Hours are stored as minutes (`2h` = 120 minutes); "1d 2h" is one working day, then two working
 * hours. See `WorkingCalendar.addWorking` for the exact arithmetic.
 */

/** A parsed working-time duration: whole working days, then working minutes. */
export interface Duration {
  /** Whole working days, ≥ 0. */
  readonly days: number;
  /** Working minutes, ≥ 0 (hours are folded in: 2h = 120). */
  readonly minutes: number;
}

/** Thrown when a string is not a duration; the message quotes the bad text and shows examples. */
export class DurationError extends Error {
  constructor(readonly input: unknown) {
    super(`${describe(input)} is not a duration like 90m, 2h or 1d`);
    this.name = 'DurationError';
  }
}

function describe(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input);
  if (input === undefined) return 'undefined';
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}

// Bounds keep every duration far inside safe-integer arithmetic and keep calendar walks short;
// nothing in this project needs more than a few working years.
const MAX_DAYS = 10_000;
const MAX_MINUTES = 10_000 * 24 * 60;

// Units in the fixed order d, h, m, each at most once, optional spaces between parts.
const DURATION_RE = /^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?$/;

/** Parses "90m", "2h", "1d", "1d 2h", "1d2h", "1h 30m", "0m"; throws DurationError otherwise. */
export function parseDuration(text: unknown): Duration {
  if (typeof text !== 'string') throw new DurationError(text);
  const trimmed = text.trim().toLowerCase();
  const match = DURATION_RE.exec(trimmed);
  // The regex also matches the empty string (every part optional), which is not a duration.
  if (trimmed === '' || !match) throw new DurationError(text);
  const [, d, h, m] = match;
  const days = d === undefined ? 0 : Number(d);
  const minutes = (h === undefined ? 0 : Number(h) * 60) + (m === undefined ? 0 : Number(m));
  if (days > MAX_DAYS || minutes > MAX_MINUTES) throw new DurationError(text);
  return { days, minutes };
}

/** Like parseDuration, but returns null instead of throwing. */
export function tryParseDuration(text: unknown): Duration | null {
  try {
    return parseDuration(text);
  } catch {
    return null;
  }
}

/** Canonical text of a duration: "1d 2h", "1h 30m", "0m"; parseDuration(formatDuration(d)) equals d. */
export function formatDuration(d: Duration): string {
  const parts: string[] = [];
  if (d.days > 0) parts.push(`${d.days}d`);
  const hours = Math.floor(d.minutes / 60);
  const minutes = d.minutes % 60;
  if (hours > 0) parts.push(`${hours}h`);
  if (minutes > 0) parts.push(`${minutes}m`);
  return parts.length === 0 ? '0m' : parts.join(' ');
}

/** True when the duration is zero (adding it only moves an instant to the next working moment). */
export function isZeroDuration(d: Duration): boolean {
  return d.days === 0 && d.minutes === 0;
}

/** True for a positive whole number of working days with no minutes ("1d", "2d", not "1d 2h"). */
export function isWholeDays(d: Duration): boolean {
  return d.days > 0 && d.minutes === 0;
}

/** Shorthand constructor, for code and tests: `duration({ days: 1 })`, `duration({ minutes: 90 })`. */
export function duration(parts: { days?: number; hours?: number; minutes?: number }): Duration {
  const days = parts.days ?? 0;
  const minutes = (parts.hours ?? 0) * 60 + (parts.minutes ?? 0);
  if (!Number.isInteger(days) || !Number.isInteger(minutes) || days < 0 || minutes < 0) {
    throw new DurationError(parts);
  }
  return { days, minutes };
}
