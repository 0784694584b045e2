/**
 * When the bot nudges, reminds and escalates: pure decisions over a ticket's timestamps.
 *
 * Nothing here reads the clock or sends anything. A worker asks `nextReminder` for the next event
 * of a ticket, schedules it (at once if `at` is already past), and after acting records what it did
 * (lastNudgeAt, lastDepartmentReminderAt, escalationStep + 1) and asks again. Because every answer
 * depends only on the recorded facts, asking twice gives the same event, so a crashed or repeated
 * job never sends a round twice.
 *
 * Every `at` returned is a working moment of the calendar: nothing at night, on weekends or
 * holidays. Durations come from the settings and are working time (see duration.ts).
 *
 * An answered ticket waits for its commune; its two steps (the one reminder, then the auto-close)
 * come from auto-close.ts and live in the same plan, so they survive restarts and a lost queue
 * exactly like the department's reminders do.
 */
import { nextAutoCloseStep, type AutoCloseSettings } from './auto-close.js';
import type { WorkingCalendar } from './calendar.js';
import { isWholeDays, isZeroDuration, type Duration } from './duration.js';
import { AWAITING_DEPARTMENT, type Priority, type TicketStatus } from './types.js';

/** Who an escalation step tells, in the order of the chain (department head → support lead → leaders). */
export const ESCALATION_TARGETS = ['department_head', 'support_lead', 'leaders'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

/** The part of the operating settings these rules read (src/settings.ts `Settings` fits it). */
export interface ReminderPolicySettings extends AutoCloseSettings {
  readonly deadlines: Readonly<Record<Priority, Duration>>;
  readonly reminders: {
    readonly unclaimedAfter: Duration;
    readonly claimedAfter: Duration;
    readonly firstAfter: Readonly<Record<Priority, Duration>>;
    readonly repeatEvery: Duration;
    readonly repeatAt: string;
    readonly dueSoonBefore: Duration;
  };
  readonly escalation: readonly { readonly after: Duration; readonly notify: EscalationTarget }[];
}

/** What the policy needs to know about a ticket; all times are instants as stored. */
export interface ReminderInput {
  status: TicketStatus;
  createdAt: Date;
  claimedAt: Date | null;
  /** When a department last handed the ticket back (its latest `returned` event); read in `returned` only. */
  returnedAt: Date | null;
  /** When the ticket was (last) assigned to its department; the deadline counts from here. */
  assignedAt: Date | null;
  priority: Priority;
  /** The stored deadline (extensions move it); null means "as the settings compute it". */
  dueAt: Date | null;
  lastDepartmentReminderAt: Date | null;
  lastNudgeAt: Date | null;
  /** The department asked not to be reminded before this instant. */
  snoozedUntil: Date | null;
  /** Escalation steps already done; the next pending one is `settings.escalation[escalationStep]`. */
  escalationStep: number;
  /** The latest department answer; the commune's wait counts from it. */
  answeredAt: Date | null;
  /** When the commune was last reminded that the answered ticket will close by itself. */
  autoCloseRemindedAt: Date | null;
}

/**
 * - `nudge_support`: the support team's list of tickets nobody holds (new, returned).
 * - `nudge_claimant`: the support group is told, naming the claimant, that a claimed ticket waits to be routed.
 * - `nudge_support_lead`: the support lead is named about a ticket the team has held too long.
 * - `remind_department`, `escalate`: a department owes the answer (escalation follows settings.escalation).
 * - `remind_commune`: the answered ticket's one reminder to its commune(s) that it will close by itself.
 * - `auto_close`: nobody confirmed or reopened it: it closes as resolved.
 */
export type ReminderKind =
  | 'nudge_support'
  | 'nudge_claimant'
  | 'nudge_support_lead'
  | 'remind_department'
  | 'escalate'
  | 'remind_commune'
  | 'auto_close';

/**
 * Open statuses that get no reminder, and why. Every other open status has a next reminder
 * (test/domain/reminder-policy.test.ts walks them all).
 */
export const NO_REMINDER_BECAUSE: Readonly<Partial<Record<TicketStatus, string>>> = {
  escalated_central: 'the problem is beyond the province: the central level answers on its own schedule, outside the province’s deadlines',
};

/** The next thing to do for a ticket, and when. */
export interface PlannedReminder {
  kind: ReminderKind;
  at: Date;
  /** For `escalate`: the index into settings.escalation of the step to perform. */
  escalationStep?: number;
  /** For `escalate`: who the step tells. */
  notify?: EscalationTarget;
}

export type DueState = 'ok' | 'due_soon' | 'overdue';

/** The answer deadline: the priority's working-time allowance counted from assignment. */
export function deadlineFor(
  assignedAt: Date,
  priority: Priority,
  settings: Pick<ReminderPolicySettings, 'deadlines'>,
  cal: WorkingCalendar,
): Date {
  return cal.addWorking(assignedAt, settings.deadlines[priority]);
}

/**
 * "quá hạn" from the deadline instant on; "sắp đến hạn" while at most `dueSoonBefore` of working
 * time remains (i.e. adding it to `now` reaches the deadline; a zero window never warns); else ok.
 * No deadline → ok.
 */
export function dueState(
  dueAt: Date | null,
  now: Date,
  settings: Pick<ReminderPolicySettings, 'reminders'>,
  cal: WorkingCalendar,
): DueState {
  if (dueAt === null) return 'ok';
  if (now.getTime() >= dueAt.getTime()) return 'overdue';
  const window = settings.reminders.dueSoonBefore;
  if (isZeroDuration(window)) return 'ok';
  return cal.addWorking(now, window).getTime() >= dueAt.getTime() ? 'due_soon' : 'ok';
}

/**
 * The next reminder event of a ticket, or null when none is owed.
 *
 * - `new` (nobody claimed it): nudge the support team at createdAt + unclaimedAfter, then every
 *   repeatEvery of working time after the last nudge.
 * - `claimed` (the support team holds it, no department yet): at claimedAt + claimedAfter nudge
 *   the claimant; once that is done (lastNudgeAt at or after claimedAt), name the support lead
 *   repeatEvery after the last nudge, and again every repeatEvery.
 * - `returned` (a department handed it back, nobody holds it): like `new` from returnedAt —
 *   the team's list at returnedAt + unclaimedAfter — then the support lead, as for `claimed`.
 * - `assigned` / `reopened` (the department owes an answer): remind the department at
 *   assignedAt + firstAfter[priority]; then, after the last reminder sent since the assignment,
 *   every repeatEvery — when that is whole days, on the n-th next working day at repeatAt (the
 *   "every working morning at 08:00" round), otherwise plain working time. A reminder is never
 *   planned before snoozedUntil. Snoozing delays only these reminders, not escalation.
 *   In parallel, once the deadline (dueAt, or deadlineFor(assignedAt) if none is stored) has
 *   passed, escalation step i is due at dueAt + escalation[i].after; steps run in order and once
 *   each, so only step `escalationStep` is pending. The earlier of the two events is returned;
 *   on a tie the escalation goes first.
 * - `answered` (the commune owes a word): remind the commune once, autoClose.remindBefore before the
 *   close at answeredAt + autoClose.after, then close it (auto-close.ts nextAutoCloseStep).
 * - `escalated_central`: null, for the reason in NO_REMINDER_BECAUSE; closed: null.
 */
export function nextReminder(
  t: ReminderInput,
  settings: ReminderPolicySettings,
  cal: WorkingCalendar,
): PlannedReminder | null {
  const r = settings.reminders;

  if (t.status === 'new') {
    const first = cal.addWorking(t.createdAt, r.unclaimedAfter);
    if (t.lastNudgeAt === null) return { kind: 'nudge_support', at: first };
    const repeat = cal.addWorking(t.lastNudgeAt, r.repeatEvery);
    return { kind: 'nudge_support', at: later(first, repeat) };
  }

  if (t.status === 'claimed' || t.status === 'returned') {
    const claimed = t.status === 'claimed';
    // The fallbacks only keep bad rows from crashing: a claimed ticket has claimedAt, a returned one its event.
    const since = (claimed ? t.claimedAt : t.returnedAt) ?? t.createdAt;
    const first = cal.addWorking(since, claimed ? r.claimedAfter : r.unclaimedAfter);
    const last = t.lastNudgeAt;
    if (last === null || last.getTime() < since.getTime()) return { kind: claimed ? 'nudge_claimant' : 'nudge_support', at: first };
    return { kind: 'nudge_support_lead', at: later(first, cal.addWorking(last, r.repeatEvery)) };
  }

  if (t.status === 'answered') {
    // An answered ticket always has answeredAt; the fallbacks only keep bad rows from crashing.
    const answeredAt = t.answeredAt ?? t.assignedAt ?? t.createdAt;
    const step = nextAutoCloseStep({ status: t.status, answeredAt, autoCloseRemindedAt: t.autoCloseRemindedAt }, settings, cal);
    return step === null ? null : { kind: step.kind, at: step.at };
  }

  if (!AWAITING_DEPARTMENT.includes(t.status)) return null;

  // An assigned ticket always has assignedAt; the fallbacks only keep bad rows from crashing.
  const since = t.assignedAt ?? t.claimedAt ?? t.createdAt;
  const last = t.lastDepartmentReminderAt;
  let remindAt =
    last === null || last.getTime() < since.getTime()
      ? cal.addWorking(since, r.firstAfter[t.priority])
      : repeatAfter(last, r.repeatEvery, r.repeatAt, cal);
  if (t.snoozedUntil !== null && t.snoozedUntil.getTime() > remindAt.getTime()) {
    remindAt = cal.nextWorkingMoment(t.snoozedUntil);
  }
  const remind: PlannedReminder = { kind: 'remind_department', at: remindAt };

  const stepIndex = Math.max(0, Math.floor(t.escalationStep));
  const step = settings.escalation[stepIndex];
  if (step === undefined) return remind;
  const due = t.dueAt ?? deadlineFor(since, t.priority, settings, cal);
  const escalateAt = cal.addWorking(due, step.after);
  if (escalateAt.getTime() <= remindAt.getTime()) {
    return { kind: 'escalate', at: escalateAt, escalationStep: stepIndex, notify: step.notify };
  }
  return remind;
}

/** The next repeat after a reminder sent at `last` (see nextReminder). */
function repeatAfter(last: Date, every: Duration, at: string, cal: WorkingCalendar): Date {
  if (!isWholeDays(every)) return cal.addWorking(last, every);
  // Counted in local days, not from the clock time of `last`: a reminder sent at 07:45 or at
  // 16:00 is followed by the next working morning's round, never by a second one the same day.
  const day = cal.nextWorkingDate(cal.localDate(last), every.days);
  return cal.nextWorkingMoment(cal.atLocal(day, at));
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
