import { localWallClock } from '../../domain/calendar.js';

/**
 * The one date format of every message: `dd/mm/yyyy hh:mm` (and `dd/mm/yyyy` for a day), in the
 * time zone of the operating settings (settings.timezone; APP_TIMEZONE is its default).
 */

const pad = (n: number): string => String(n).padStart(2, '0');

/** `dd/mm/yyyy` in `timeZone`. */
export function formatDate(at: Date, timeZone: string): string {
  const l = localWallClock(at, timeZone);
  return `${pad(l.getUTCDate())}/${pad(l.getUTCMonth() + 1)}/${l.getUTCFullYear()}`;
}

/** `dd/mm/yyyy hh:mm` in `timeZone`. */
export function formatDateTime(at: Date, timeZone: string): string {
  const l = localWallClock(at, timeZone);
  return `${pad(l.getUTCDate())}/${pad(l.getUTCMonth() + 1)}/${l.getUTCFullYear()} ${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}`;
}
