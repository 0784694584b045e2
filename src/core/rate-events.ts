import type { Tx } from '../db/client.js';

/**
 * Sliding-window limits kept in PostgreSQL (RateEvent rows). They are read and written in the
 * caller's transaction, under an advisory lock per key, so every process counts the same rows and
 * an event is counted exactly when the change it limits commits.
 */

export interface WindowState {
  /** Events of the key inside the window. */
  count: number;
  /** The oldest of them: the window frees a place when it leaves (at oldest + window). */
  oldest: Date | null;
  /** The newest of them. */
  latest: Date | null;
}

/**
 * Serialises every transaction that limits by these keys until this one ends, so two processes
 * cannot both see "one place left". Keys are locked in one order: two callers cannot deadlock.
 */
export async function lockRateKeys(tx: Tx, ...keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`rate:${key}`}))`;
  }
}

/** How many events of `key` happened in the `windowMs` before `now`. */
export async function windowState(tx: Tx, key: string, now: Date, windowMs: number): Promise<WindowState> {
  const since = new Date(now.getTime() - windowMs);
  const agg = await tx.rateEvent.aggregate({ where: { key, at: { gt: since, lte: now } }, _count: { _all: true }, _min: { at: true }, _max: { at: true } });
  return { count: agg._count._all, oldest: agg._min.at, latest: agg._max.at };
}

export async function recordRateEvent(tx: Tx, key: string, at: Date): Promise<void> {
  await tx.rateEvent.create({ data: { key, at } });
}

/**
 * When a window holding `limit` or more events has a place again: when the event that makes it
 * full leaves it (with more events than the limit, after the limit was lowered, a later one).
 */
export async function windowFreesAt(tx: Tx, key: string, now: Date, windowMs: number, limit: number): Promise<Date> {
  const state = await windowState(tx, key, now, windowMs);
  if (state.count < limit) return now;
  const since = new Date(now.getTime() - windowMs);
  const blocking = await tx.rateEvent.findFirst({ where: { key, at: { gt: since, lte: now } }, orderBy: [{ at: 'asc' }, { id: 'asc' }], skip: state.count - limit, select: { at: true } });
  return new Date((blocking?.at ?? now).getTime() + windowMs);
}

/** A time shown to people as "try again after": rounded up to the minute, since the minute is all they see. */
export function ceilToMinute(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
}

/** Rows are kept this long (longer than any window: config caps them at a week), then the sweep forgets them. */
export const RATE_EVENT_RETENTION_MS = 8 * 24 * 60 * 60_000;

/** Forgets rows older than every window in use. */
export async function forgetRateEventsBefore(db: Pick<Tx, 'rateEvent'>, before: Date): Promise<number> {
  // By the time the row was written, not `at`: a business clock set back (tests, a replay) must not age rows early.
  const { count } = await db.rateEvent.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
