import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NO_REMINDER_BECAUSE,
  deadlineFor,
  dueState,
  nextReminder,
  type PlannedReminder,
  type ReminderInput,
} from '../../src/domain/reminder-policy.js';
import { isOpen } from '../../src/domain/ticket-workflow.js';
import { PRIORITIES, TICKET_STATUSES, type TicketStatus } from '../../src/domain/types.js';
import { calendarFrom, defaultSettings, parseSettings } from '../../src/settings.js';

const settings = defaultSettings();
const cal = calendarFrom(settings);

/** A Hưng Yên wall-clock time, "2025-11-17 09:00" (seconds optional). */
function vn(text: string): Date {
  const [date, time] = text.split(' ');
  return new Date(`${date}T${time!.length === 5 ? `${time}:00` : time}+07:00`);
}
function show(d: Date): string {
  return `${cal.localDate(d)} ${cal.localTime(d)}`;
}
function plan(r: PlannedReminder | null): string | null {
  if (r === null) return null;
  const extra = r.kind === 'escalate' ? ` #${r.escalationStep} ${r.notify}` : '';
  return `${r.kind} ${show(r.at)}${extra}`;
}

function ticket(patch: Partial<ReminderInput>): ReminderInput {
  return {
    status: 'assigned',
    createdAt: vn('2025-11-17 08:00'),
    claimedAt: vn('2025-11-17 08:30'),
    returnedAt: null,
    assignedAt: vn('2025-11-17 09:00'),
    priority: 'thuong',
    dueAt: null,
    lastDepartmentReminderAt: null,
    lastNudgeAt: null,
    snoozedUntil: null,
    escalationStep: 0,
    answeredAt: null,
    autoCloseRemindedAt: null,
    ...patch,
  };
}

describe('deadlineFor', () => {
  it.each([
    ['khan', '2025-11-17 09:00', '2025-11-18 09:00'],
    ['thuong', '2025-11-17 09:00', '2025-11-24 09:00'],
    ['phuc_tap', '2025-11-17 09:00', '2025-12-01 09:00'],
    ['khan', '2025-11-14 18:00', '2025-11-18 07:30'], // Friday evening: Monday is the one working day
    ['khan', '2026-02-13 10:00', '2026-02-23 10:00'], // across Tết
    ['thuong', '2025-12-29 10:00', '2026-01-07 10:00'], // across the new year days off (1–4/1)
  ] as const)('%s assigned %s is due %s', (priority, assigned, due) => {
    expect(show(deadlineFor(vn(assigned), priority, settings, cal))).toBe(due);
  });
});

describe('dueState', () => {
  const due = vn('2025-11-24 09:00'); // thuong assigned Monday 17/11 09:00

  it.each([
    ['2025-11-17 09:00', 'ok'],
    ['2025-11-20 09:00', 'ok'],
    ['2025-11-21 08:59', 'ok'],
    ['2025-11-21 09:00', 'due_soon'], // one working day left
    ['2025-11-22 10:00', 'due_soon'], // Saturday: still one working hour and a half on Monday
    ['2025-11-24 08:59', 'due_soon'],
    ['2025-11-24 09:00', 'overdue'],
    ['2025-11-25 10:00', 'overdue'],
  ] as const)('at %s → %s', (now, state) => {
    expect(dueState(due, vn(now), settings, cal)).toBe(state);
  });

  it('is ok without a deadline, and never warns with a zero window', () => {
    expect(dueState(null, vn('2025-11-24 09:00'), settings, cal)).toBe('ok');
    const noWarning = parseSettings({ reminders: { dueSoonBefore: '0m' } });
    expect(dueState(due, vn('2025-11-24 08:59'), noWarning, cal)).toBe('ok');
    expect(dueState(due, vn('2025-11-24 09:00'), noWarning, cal)).toBe('overdue');
  });
});

describe('unclaimed tickets nudge the support team', () => {
  it.each([
    ['2025-11-17 09:00', null, 'nudge_support 2025-11-17 11:00'],
    ['2025-11-17 10:00', null, 'nudge_support 2025-11-17 14:00'], // lunch does not count
    ['2025-11-14 16:00', null, 'nudge_support 2025-11-17 08:30'], // nor the weekend
    ['2025-11-15 10:00', null, 'nudge_support 2025-11-17 09:30'], // reported on Saturday
    ['2025-11-17 09:00', '2025-11-17 11:00', 'nudge_support 2025-11-18 11:00'], // then every working day
    ['2026-02-13 10:00', '2026-02-13 14:00', 'nudge_support 2026-02-23 14:00'], // not during Tết
  ])('created %s, last nudge %s → %s', (created, lastNudge, expected) => {
    const t = ticket({
      status: 'new',
      createdAt: vn(created),
      claimedAt: null,
      assignedAt: null,
      lastNudgeAt: lastNudge === null ? null : vn(lastNudge),
    });
    expect(plan(nextReminder(t, settings, cal))).toBe(expected);
  });
});

describe('departments are reminded until they answer', () => {
  it.each([
    ['khan', null, 'remind_department 2025-11-17 11:00'], // first after 2 working hours
    ['thuong', null, 'remind_department 2025-11-18 09:00'], // first after 1 working day
    ['phuc_tap', null, 'remind_department 2025-11-18 09:00'],
    ['thuong', '2025-11-18 09:00', 'remind_department 2025-11-19 08:00'], // then every morning at 08:00
    ['thuong', '2025-11-19 08:00', 'remind_department 2025-11-20 08:00'],
    ['thuong', '2025-11-21 08:00', 'remind_department 2025-11-24 08:00'], // Friday → Monday
    ['thuong', '2025-11-18 07:45', 'remind_department 2025-11-19 08:00'], // never twice the same morning
  ] as const)('%s, last reminder %s → %s', (priority, last, expected) => {
    const t = ticket({ priority, lastDepartmentReminderAt: last === null ? null : vn(last) });
    expect(plan(nextReminder(t, settings, cal))).toBe(expected);
  });

  it('skips holidays and works make-up Saturdays', () => {
    const beforeTet = ticket({ lastDepartmentReminderAt: vn('2026-02-13 08:00'), assignedAt: vn('2026-02-10 09:00') });
    expect(plan(nextReminder(beforeTet, settings, cal))).toBe('remind_department 2026-02-23 08:00');
    const beforeMakeup = ticket({ lastDepartmentReminderAt: vn('2026-01-09 08:00'), assignedAt: vn('2026-01-07 09:00') });
    expect(plan(nextReminder(beforeMakeup, settings, cal))).toBe('remind_department 2026-01-10 08:00');
  });

  it('restarts from the first reminder when the ticket was assigned again after the last one', () => {
    const t = ticket({ lastDepartmentReminderAt: vn('2025-11-17 08:00'), assignedAt: vn('2025-11-17 09:00') });
    expect(plan(nextReminder(t, settings, cal))).toBe('remind_department 2025-11-18 09:00');
  });

  it('treats a reopened ticket like an assigned one', () => {
    const t = ticket({ status: 'reopened', lastDepartmentReminderAt: vn('2025-11-18 09:00') });
    expect(plan(nextReminder(t, settings, cal))).toBe('remind_department 2025-11-19 08:00');
  });

  it('repeats in plain working time when repeatEvery is not whole days', () => {
    const s = parseSettings({ reminders: { repeatEvery: '4h' } });
    const t = ticket({ lastDepartmentReminderAt: vn('2025-11-18 09:00') });
    expect(plan(nextReminder(t, s, calendarFrom(s)))).toBe('remind_department 2025-11-18 15:00');
  });

  it('repeats every second working morning with 2d, at the configured time', () => {
    const s = parseSettings({ reminders: { repeatEvery: '2d', repeatAt: '09:15' } });
    const t = ticket({ lastDepartmentReminderAt: vn('2025-11-20 10:00'), dueAt: vn('2025-12-01 09:00') });
    expect(plan(nextReminder(t, s, calendarFrom(s)))).toBe('remind_department 2025-11-24 09:15');
  });

  it('moves a repeat time outside working hours to the next working moment', () => {
    const s = parseSettings({ reminders: { repeatAt: '12:00' } });
    const t = ticket({ lastDepartmentReminderAt: vn('2025-11-18 09:00') });
    expect(plan(nextReminder(t, s, calendarFrom(s)))).toBe('remind_department 2025-11-19 13:30');
  });
});

describe('snooze', () => {
  it('never plans a reminder before snoozedUntil, and lands on a working moment', () => {
    const t = ticket({ lastDepartmentReminderAt: vn('2025-11-18 09:00'), snoozedUntil: vn('2025-11-19 12:00') });
    expect(plan(nextReminder(t, settings, cal))).toBe('remind_department 2025-11-19 13:30');
  });

  it('has no effect when it ends before the planned reminder', () => {
    const t = ticket({ lastDepartmentReminderAt: vn('2025-11-18 09:00'), snoozedUntil: vn('2025-11-18 10:00') });
    expect(plan(nextReminder(t, settings, cal))).toBe('remind_department 2025-11-19 08:00');
  });

  it('does not hold back escalation past the deadline', () => {
    const t = ticket({
      priority: 'khan',
      lastDepartmentReminderAt: vn('2025-11-17 11:00'),
      snoozedUntil: vn('2025-11-20 10:00'),
    });
    expect(plan(nextReminder(t, settings, cal))).toBe('escalate 2025-11-18 09:00 #0 department_head');
  });
});

describe('escalation after the deadline', () => {
  // khan assigned Monday 17/11 09:00: due Tuesday 09:00.
  const base = { priority: 'khan' as const };

  it('runs the chain in order, each step once, interleaved with the morning reminders', () => {
    const steps: [Partial<ReminderInput>, string][] = [
      [{}, 'remind_department 2025-11-17 11:00'],
      [{ lastDepartmentReminderAt: vn('2025-11-17 11:00') }, 'remind_department 2025-11-18 08:00'],
      [{ lastDepartmentReminderAt: vn('2025-11-18 08:00') }, 'escalate 2025-11-18 09:00 #0 department_head'],
      [{ lastDepartmentReminderAt: vn('2025-11-18 08:00'), escalationStep: 1 }, 'escalate 2025-11-18 15:00 #1 support_lead'],
      [{ lastDepartmentReminderAt: vn('2025-11-18 08:00'), escalationStep: 2 }, 'remind_department 2025-11-19 08:00'],
      [{ lastDepartmentReminderAt: vn('2025-11-19 08:00'), escalationStep: 2 }, 'escalate 2025-11-19 09:00 #2 leaders'],
      [{ lastDepartmentReminderAt: vn('2025-11-19 08:00'), escalationStep: 3 }, 'remind_department 2025-11-20 08:00'],
    ];
    for (const [patch, expected] of steps) {
      expect(plan(nextReminder(ticket({ ...base, ...patch }), settings, cal))).toBe(expected);
    }
  });

  it('counts from the stored deadline, which an extension moves', () => {
    const t = ticket({ ...base, lastDepartmentReminderAt: vn('2025-11-18 08:00'), dueAt: vn('2025-11-20 10:00') });
    expect(plan(nextReminder(t, settings, cal))).toBe('remind_department 2025-11-19 08:00');
    const later = ticket({ ...base, lastDepartmentReminderAt: vn('2025-11-20 08:00'), dueAt: vn('2025-11-20 10:00') });
    expect(plan(nextReminder(later, settings, cal))).toBe('escalate 2025-11-20 10:00 #0 department_head');
  });

  it('moves a deadline that is not a working moment to the next one', () => {
    const t = ticket({ ...base, lastDepartmentReminderAt: vn('2025-11-21 08:00'), dueAt: vn('2025-11-22 10:00') });
    expect(plan(nextReminder(t, settings, cal))).toBe('escalate 2025-11-24 07:30 #0 department_head');
  });

  it('escalates nothing once every step is done, or when there is no chain', () => {
    const done = ticket({ ...base, lastDepartmentReminderAt: vn('2025-11-25 08:00'), escalationStep: 3 });
    expect(nextReminder(done, settings, cal)?.kind).toBe('remind_department');
    const none = parseSettings({ escalation: [] });
    const t = ticket({ ...base, lastDepartmentReminderAt: vn('2025-11-25 08:00') });
    expect(nextReminder(t, none, calendarFrom(none))?.kind).toBe('remind_department');
  });
});

describe('tickets the support team holds (issue 10, item 13)', () => {
  /** Claimed Monday 17/11 09:00, nothing routed since. */
  const claimed = (patch: Partial<ReminderInput> = {}) =>
    ticket({ status: 'claimed', claimedAt: vn('2025-11-17 09:00'), assignedAt: null, ...patch });
  /** Handed back by the department Monday 17/11 10:00; nobody holds it. */
  const returned = (patch: Partial<ReminderInput> = {}) =>
    ticket({ status: 'returned', claimedAt: vn('2025-11-17 08:30'), returnedAt: vn('2025-11-17 10:00'), assignedAt: null, ...patch });

  it.each([
    [null, 'nudge_claimant 2025-11-17 11:00'], // claimedAfter (default: unclaimedAfter, 2 working hours)
    ['2025-11-17 08:50', 'nudge_claimant 2025-11-17 11:00'], // a nudge from before the claim does not count
    ['2025-11-17 11:00', 'nudge_support_lead 2025-11-18 11:00'], // then the lead, repeatEvery later
    ['2025-11-18 11:00', 'nudge_support_lead 2025-11-19 11:00'], // and again every working day
    ['2025-11-21 16:00', 'nudge_support_lead 2025-11-24 16:00'], // Friday → Monday
  ])('claimed, last nudge %s → %s', (lastNudge, expected) => {
    expect(plan(nextReminder(claimed({ lastNudgeAt: lastNudge === null ? null : vn(lastNudge) }), settings, cal))).toBe(expected);
  });

  it('follows claimedAfter when it is set', () => {
    const s = parseSettings({ reminders: { claimedAfter: '30m' } });
    expect(plan(nextReminder(claimed(), s, calendarFrom(s)))).toBe('nudge_claimant 2025-11-17 09:30');
  });

  it.each([
    [null, 'nudge_support 2025-11-17 14:00'], // like an unclaimed report: unclaimedAfter after the return (lunch excluded)
    ['2025-11-17 09:00', 'nudge_support 2025-11-17 14:00'], // a nudge from before the return does not count
    ['2025-11-17 14:00', 'nudge_support_lead 2025-11-18 14:00'], // then the lead
    ['2025-11-18 14:00', 'nudge_support_lead 2025-11-19 14:00'],
  ])('returned, last nudge %s → %s', (lastNudge, expected) => {
    expect(plan(nextReminder(returned({ lastNudgeAt: lastNudge === null ? null : vn(lastNudge) }), settings, cal))).toBe(expected);
  });
});

describe('answered: the commune is reminded once, then the ticket closes (issue 14)', () => {
  // Thursday 27/8/2026: 29/8–2/9 are days off (weekend, the swapped day, Quốc khánh).
  const answered = (patch: Partial<ReminderInput> = {}) => ticket({ status: 'answered', answeredAt: vn('2026-08-27 10:00'), ...patch });

  it.each([
    [null, 'remind_commune 2026-09-07 10:00'], // 4 working days on: Fri, Thu, Fri, Mon
    ['2026-08-20 10:00', 'remind_commune 2026-09-07 10:00'], // a reminder about an earlier answer does not count
    ['2026-09-07 10:00', 'auto_close 2026-09-08 10:00'], // then the close, 5 working days after the answer
    ['2026-09-08 09:00', 'auto_close 2026-09-09 09:00'], // reminded late (an outage): still a full day's notice
  ])('reminded %s → %s', (reminded, expected) => {
    expect(plan(nextReminder(answered({ autoCloseRemindedAt: reminded === null ? null : vn(reminded) }), settings, cal))).toBe(expected);
  });

  it('a supplementary answer restarts the wait', () => {
    const again = answered({ answeredAt: vn('2026-09-07 11:00'), autoCloseRemindedAt: vn('2026-09-07 10:00') });
    expect(plan(nextReminder(again, settings, cal))).toBe('remind_commune 2026-09-11 11:00');
  });

  it('follows autoClose in the settings', () => {
    const s = parseSettings({ autoClose: { after: '2d', remindBefore: '4h' } });
    expect(plan(nextReminder(answered(), s, calendarFrom(s)))).toBe('remind_commune 2026-08-28 15:30'); // 15 − 4 = 11 working hours after the answer
  });
});

describe('every open ticket has a next reminder, or a documented reason not to (issue 10, item 13)', () => {
  const OPEN: TicketStatus[] = TICKET_STATUSES.filter(isOpen);
  /** A plausible ticket in each status, as the workflow leaves it. */
  const SAMPLE: Record<TicketStatus, Partial<ReminderInput>> = {
    new: { claimedAt: null, assignedAt: null },
    claimed: { assignedAt: null },
    assigned: {},
    answered: { answeredAt: vn('2025-11-18 10:00') },
    resolved: {},
    returned: { returnedAt: vn('2025-11-17 10:00'), assignedAt: null },
    reopened: {},
    escalated_central: {},
    rejected: {},
  };

  it.each(OPEN)('%s', (status) => {
    const reason = NO_REMINDER_BECAUSE[status];
    for (const lastNudgeAt of [null, vn('2025-11-18 09:00')]) {
      const r = nextReminder(ticket({ status, ...SAMPLE[status], lastNudgeAt }), settings, cal);
      if (reason === undefined) {
        expect(r, `${status} must have a next reminder`).not.toBeNull();
        expect(cal.isWorkingTime(r!.at)).toBe(true);
      } else {
        expect(r, `${status}: no reminder because ${reason}`).toBeNull();
        expect(reason.length).toBeGreaterThan(20);
      }
    }
  });

  it('lists only open statuses, and only the ones that wait on someone outside the province’s clock', () => {
    expect(Object.keys(NO_REMINDER_BECAUSE).sort()).toEqual(['escalated_central']);
    for (const status of Object.keys(NO_REMINDER_BECAUSE) as TicketStatus[]) expect(isOpen(status)).toBe(true);
  });

  it.each(TICKET_STATUSES.filter((s) => !isOpen(s)))('%s is closed: nothing to send', (status) => {
    expect(nextReminder(ticket({ status }), settings, cal)).toBeNull();
  });
});

describe('every minute is working time', () => {
  const fast = parseSettings({
    workingDays: [1, 2, 3, 4, 5, 6, 7],
    workingHours: [['00:00', '24:00']],
    replaceShippedHolidays: true,
    deadlines: { khan: '2m', thuong: '2m', phuc_tap: '2m' },
    reminders: {
      unclaimedAfter: '1m',
      firstAfter: { khan: '1m', thuong: '1m', phuc_tap: '1m' },
      repeatEvery: '1m',
      dueSoonBefore: '1m',
    },
    escalation: [
      { after: '0m', notify: 'department_head' },
      { after: '1m', notify: 'support_lead' },
      { after: '2m', notify: 'leaders' },
    ],
  });
  const fastCal = calendarFrom(fast);
  const at = (t: string) => new Date(`2026-02-17T${t}+07:00`); // mùng 1 Tết, a Tuesday
  const clock = (r: PlannedReminder | null) =>
    r === null ? null : `${r.kind} ${r.at.toISOString().slice(11, 19)}${r.notify ? ` ${r.notify}` : ''}`;

  it('nudges within minutes, at night and on holidays', () => {
    const created = at('23:59:30');
    const first = nextReminder(ticket({ status: 'new', createdAt: created }), fast, fastCal);
    expect(first?.at.getTime()).toBe(created.getTime() + 60_000);
    const again = nextReminder(ticket({ status: 'new', createdAt: created, lastNudgeAt: first!.at }), fast, fastCal);
    expect(again?.at.getTime()).toBe(created.getTime() + 120_000);
  });

  it('reminds and escalates minute by minute', () => {
    const t = (patch: Partial<ReminderInput>) =>
      ticket({ priority: 'khan', assignedAt: at('10:00:00'), createdAt: at('09:59:00'), claimedAt: at('09:59:30'), ...patch });
    expect(deadlineFor(at('10:00:00'), 'khan', fast, fastCal).toISOString()).toBe(at('10:02:00').toISOString());
    expect(dueState(at('10:02:00'), at('10:00:30'), fast, fastCal)).toBe('ok');
    expect(dueState(at('10:02:00'), at('10:01:00'), fast, fastCal)).toBe('due_soon');
    expect(dueState(at('10:02:00'), at('10:02:00'), fast, fastCal)).toBe('overdue');

    expect(clock(nextReminder(t({}), fast, fastCal))).toBe('remind_department 03:01:00');
    expect(clock(nextReminder(t({ lastDepartmentReminderAt: at('10:01:00') }), fast, fastCal))).toBe(
      'escalate 03:02:00 department_head',
    );
    expect(
      clock(nextReminder(t({ lastDepartmentReminderAt: at('10:01:00'), escalationStep: 1 }), fast, fastCal)),
    ).toBe('remind_department 03:02:00');
    expect(
      clock(nextReminder(t({ lastDepartmentReminderAt: at('10:02:00'), escalationStep: 1 }), fast, fastCal)),
    ).toBe('escalate 03:03:00 support_lead');
    expect(
      clock(nextReminder(t({ lastDepartmentReminderAt: at('10:03:00'), escalationStep: 2 }), fast, fastCal)),
    ).toBe('escalate 03:04:00 leaders');
    expect(
      clock(nextReminder(t({ lastDepartmentReminderAt: at('10:04:00'), escalationStep: 3 }), fast, fastCal)),
    ).toBe('remind_department 03:05:00');
  });
});

describe('properties', () => {
  const instant = fc.integer({ min: Date.UTC(2024, 11, 1), max: Date.UTC(2026, 11, 31) }).map((ms) => new Date(ms));
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
  const input: fc.Arbitrary<ReminderInput> = fc.record({
    status: fc.constantFrom(...TICKET_STATUSES),
    createdAt: instant,
    claimedAt: maybe(instant),
    returnedAt: maybe(instant),
    assignedAt: maybe(instant),
    priority: fc.constantFrom(...PRIORITIES),
    dueAt: maybe(instant),
    lastDepartmentReminderAt: maybe(instant),
    lastNudgeAt: maybe(instant),
    snoozedUntil: maybe(instant),
    escalationStep: fc.integer({ min: 0, max: 4 }),
    answeredAt: maybe(instant),
    autoCloseRemindedAt: maybe(instant),
  });

  it('every planned event is a working moment; reminders respect the snooze and come after the last one', () => {
    fc.assert(
      fc.property(input, (t) => {
        const r = nextReminder(t, settings, cal);
        if (!isOpen(t.status) || NO_REMINDER_BECAUSE[t.status] !== undefined) {
          expect(r).toBeNull();
          return;
        }
        expect(r).not.toBeNull();
        expect(cal.isWorkingTime(r!.at)).toBe(true);
        if (r!.kind === 'remind_department') {
          if (t.snoozedUntil) expect(r!.at.getTime()).toBeGreaterThanOrEqual(t.snoozedUntil.getTime());
          if (t.lastDepartmentReminderAt) {
            const since = t.assignedAt ?? t.claimedAt ?? t.createdAt;
            if (t.lastDepartmentReminderAt >= since) {
              expect(r!.at.getTime()).toBeGreaterThan(t.lastDepartmentReminderAt.getTime());
            }
          }
        }
        if (r!.kind === 'escalate') {
          expect(r!.escalationStep).toBe(t.escalationStep);
          expect(r!.notify).toBe(settings.escalation[t.escalationStep]!.notify);
        }
        if (r!.kind === 'nudge_support' && t.lastNudgeAt && t.status === 'new') {
          expect(r!.at.getTime()).toBeGreaterThan(t.lastNudgeAt.getTime());
        }
        if (r!.kind === 'remind_commune' || r!.kind === 'auto_close') expect(t.status).toBe('answered');
        if (r!.kind === 'auto_close') {
          // Never closed before the commune had its full notice after the reminder.
          expect(r!.at.getTime()).toBeGreaterThanOrEqual(cal.addWorking(t.autoCloseRemindedAt!, settings.autoClose.remindBefore).getTime());
        }
        if (r!.kind === 'nudge_support_lead') {
          expect(['claimed', 'returned']).toContain(t.status);
          expect(r!.at.getTime()).toBeGreaterThan(t.lastNudgeAt!.getTime());
        }
      }),
      { numRuns: 1000 },
    );
  });
});
