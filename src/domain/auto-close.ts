/**
 * When an answered ticket that no commune confirms or reopens closes by itself, and until when it
 * may still be reopened: pure decisions over the ticket's timestamps, like reminder-policy.ts.
 * Nothing here reads the clock or sends anything; the caller passes `now`.
 *
 * The wait starts at the latest answer (`answeredAt`): a supplementary answer gives the commune
 * something new to read, so it restarts the wait. With the default settings:
 *
 *   answer ──4 working days── reminder to the commune ──1 working day── closed as resolved
 *   closed ──10 working days── last moment a commune may reopen it
 *
 * Rules worth knowing:
 * - The reminder goes out once per answer: `autoCloseRemindedAt` at or after `answeredAt` means it
 *   went out for this answer, so nobody has to clear it when a new answer comes.
 * - The close never comes sooner than `remindBefore` after the reminder actually went out. After an
 *   outage (or for tickets answered long before this rule existed) the commune is reminded first
 *   and still gets the full notice, instead of being reminded and closed in the same minute.
 * - All times are working time on the calendar, so the reminder and the close land on working
 *   moments: never at night, on a weekend or on a holiday.
 * - The end of the reopen window is computed once, at the close, and stored with the ticket
 *   (`reopenableUntil`): what the commune was told stays true if the settings change later.
 */
import type { WorkingCalendar } from './calendar.js';
import type { Duration } from './duration.js';
import type { TicketStatus } from './types.js';

/** The part of the operating settings these rules read (src/settings.ts `Settings` fits it). */
export interface AutoCloseSettings {
  readonly autoClose: {
    /** Working time after the latest answer at which the ticket closes. */
    readonly after: Duration;
    /** The reminder comes this much working time before the close; shorter than `after` (settings check it). */
    readonly remindBefore: Duration;
    /** How long after the close a commune may still reopen. */
    readonly reopenWithin: Duration;
  };
}

/** What the policy needs to know about a ticket. */
export interface AutoCloseInput {
  status: TicketStatus;
  /** The latest answer. */
  answeredAt: Date | null;
  /** When the auto-close reminder last went out to the commune(s). */
  autoCloseRemindedAt: Date | null;
}

/** `remind_commune`: the one reminder that the ticket will close; `auto_close`: close it as resolved. */
export type AutoCloseStepKind = 'remind_commune' | 'auto_close';

export interface AutoCloseStep {
  kind: AutoCloseStepKind;
  /** When the step is due; a working moment. */
  at: Date;
}

/** The plan for one answer, before anything has been sent. */
export interface AutoCloseSchedule {
  remindAt: Date;
  closeAt: Date;
}

const MINUTE_MS = 60_000;

/**
 * A duration in working minutes. Every working day of the calendar has the same hours, so "1d" is
 * one day's working minutes wherever it is counted from; the day length is read off the calendar.
 */
function workingMinutes(d: Duration, from: Date, cal: WorkingCalendar): number {
  if (d.days === 0) return d.minutes;
  const start = cal.nextWorkingMoment(from);
  const dayMs = cal.workingMsBetween(start, cal.addWorking(start, { days: 1, minutes: 0 }));
  return d.days * (dayMs / MINUTE_MS) + d.minutes;
}

/**
 * When the commune is reminded and when the ticket closes, for an answer given at `answeredAt`:
 * closeAt = answeredAt + after, remindAt = remindBefore of working time before closeAt.
 */
export function autoCloseSchedule(answeredAt: Date, settings: AutoCloseSettings, cal: WorkingCalendar): AutoCloseSchedule {
  const { after, remindBefore } = settings.autoClose;
  const closeAt = cal.addWorking(answeredAt, after);
  // The calendar only adds, so the reminder is reached from the answer: after − remindBefore,
  // in working minutes (never negative; the settings keep remindBefore shorter than after).
  const lead = Math.max(0, workingMinutes(after, answeredAt, cal) - workingMinutes(remindBefore, answeredAt, cal));
  const remindAt = cal.addWorking(answeredAt, { days: 0, minutes: lead });
  return { remindAt, closeAt };
}

/** Whether the auto-close reminder already went out for the ticket's latest answer. */
export function remindedForLatestAnswer(t: Pick<AutoCloseInput, 'answeredAt' | 'autoCloseRemindedAt'>): boolean {
  return t.answeredAt !== null && t.autoCloseRemindedAt !== null && t.autoCloseRemindedAt.getTime() >= t.answeredAt.getTime();
}

/**
 * The next auto-close step of a ticket, or null when it is not waiting for a commune (any status
 * but `answered`). First the reminder; once it has gone out for this answer, the close, at the
 * planned time or `remindBefore` after the reminder went out, whichever is later.
 */
export function nextAutoCloseStep(t: AutoCloseInput, settings: AutoCloseSettings, cal: WorkingCalendar): AutoCloseStep | null {
  if (t.status !== 'answered' || t.answeredAt === null) return null;
  const plan = autoCloseSchedule(t.answeredAt, settings, cal);
  if (!remindedForLatestAnswer(t)) return { kind: 'remind_commune', at: plan.remindAt };
  const noticeEnds = cal.addWorking(t.autoCloseRemindedAt as Date, settings.autoClose.remindBefore);
  return { kind: 'auto_close', at: noticeEnds > plan.closeAt ? noticeEnds : plan.closeAt };
}

/** The step whose time has come at `now` (the job's question), or null when nothing is due yet. */
export function dueAutoCloseStep(
  t: AutoCloseInput,
  now: Date,
  settings: AutoCloseSettings,
  cal: WorkingCalendar,
): AutoCloseStep | null {
  const step = nextAutoCloseStep(t, settings, cal);
  return step !== null && step.at.getTime() <= now.getTime() ? step : null;
}

/** The end of the reopen window of a ticket auto-closed at `closedAt`; store it as `reopenableUntil`. */
export function reopenWindowEnd(closedAt: Date, settings: AutoCloseSettings, cal: WorkingCalendar): Date {
  return cal.addWorking(closedAt, settings.autoClose.reopenWithin);
}

/**
 * - `not_auto_closed`: the ticket is not standing auto-closed (open, confirmed by a commune, rejected);
 *   reopening follows the ordinary rules.
 * - `open`: auto-closed and `now` is at or before the stored end of the window: a commune may reopen.
 * - `expired`: auto-closed and the window has passed (or no end was stored, which promises nothing).
 */
export type ReopenWindow = 'not_auto_closed' | 'open' | 'expired';

/** Whether a commune may still reopen an auto-closed ticket at `now`. */
export function reopenWindow(
  t: { status: TicketStatus; autoClosedAt: Date | null; reopenableUntil: Date | null },
  now: Date,
): ReopenWindow {
  if (t.status !== 'resolved' || t.autoClosedAt === null) return 'not_auto_closed';
  if (t.reopenableUntil === null) return 'expired';
  return now.getTime() <= t.reopenableUntil.getTime() ? 'open' : 'expired';
}
