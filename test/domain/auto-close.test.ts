import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  autoCloseSchedule,
  dueAutoCloseStep,
  nextAutoCloseStep,
  remindedForLatestAnswer,
  reopenWindow,
  reopenWindowEnd,
  type AutoCloseInput,
} from '../../src/domain/auto-close.js';
import { TICKET_STATUSES } from '../../src/domain/types.js';
import { calendarFrom, defaultSettings, parseSettings } from '../../src/settings.js';

// The shipped calendar: Saturday 29/8 and Sunday 30/8/2026, then 31/8 (swapped day off), 1/9 and
// 2/9 (Quốc khánh) are all off, so an answer on Thursday 27/8 waits across five days without work.
const settings = defaultSettings();
const cal = calendarFrom(settings);
const HOUR = 3_600_000;
const WORKING_DAY_MS = 7.5 * HOUR;

/** A Hưng Yên wall-clock time, "2026-08-27 10:00". */
const vn = (text: string): Date => new Date(`${text.replace(' ', 'T')}:00+07:00`);
const show = (d: Date | undefined): string => (d ? `${cal.localDate(d)} ${cal.localTime(d)}` : 'none');
const plus = (d: Date, minutes: number): Date => new Date(d.getTime() + minutes * 60_000);

const answered = (answeredAt: Date, autoCloseRemindedAt: Date | null = null): AutoCloseInput => ({
  status: 'answered',
  answeredAt,
  autoCloseRemindedAt,
});

describe('autoCloseSchedule on the working calendar', () => {
  it('closes 5 working days after the answer and reminds 1 working day before, across the 2/9 holidays', () => {
    const plan = autoCloseSchedule(vn('2026-08-27 10:00'), settings, cal);
    // Fri 28/8 is day 1; 29/8–2/9 are off; Thu 3/9, Fri 4/9, Mon 7/9, Tue 8/9 are days 2–5.
    expect(show(plan.closeAt)).toBe('2026-09-08 10:00');
    expect(show(plan.remindAt)).toBe('2026-09-07 10:00');
    expect(cal.workingMsBetween(plan.remindAt, plan.closeAt)).toBe(WORKING_DAY_MS);
  });

  it('would close five days sooner without the holidays', () => {
    const bare = parseSettings({ replaceShippedHolidays: true });
    const plan = autoCloseSchedule(vn('2026-08-27 10:00'), bare, calendarFrom(bare));
    expect(show(plan.closeAt)).toBe('2026-09-03 10:00');
    expect(show(plan.remindAt)).toBe('2026-09-02 10:00');
  });

  it('counts an answer given on a day off from the next working morning', () => {
    // Saturday evening of the long weekend: the wait starts on Thursday 3/9 at 07:30.
    const plan = autoCloseSchedule(vn('2026-08-29 20:00'), settings, cal);
    expect(show(plan.closeAt)).toBe('2026-09-10 07:30');
    // Four full working days end on Tuesday at 17:00, which is Wednesday's first working moment.
    expect(show(plan.remindAt)).toBe('2026-09-09 07:30');
  });

  it('follows settings in hours as well as days', () => {
    const s = parseSettings({ autoClose: { after: '1d 2h', remindBefore: '3h' } });
    const plan = autoCloseSchedule(vn('2026-08-28 16:00'), s, calendarFrom(s));
    // Fri 16:00 + 1 day = Thu 3/9 16:00, + 2 h = Fri 4/9 08:30 (1 h left on Thursday).
    expect(show(plan.closeAt)).toBe('2026-09-04 08:30');
    // Three working hours earlier: one on Friday morning, two before Thursday's 17:00.
    expect(show(plan.remindAt)).toBe('2026-09-03 15:00');
  });

  it('always puts the reminder exactly remindBefore of working time before the close, both on working moments', () => {
    const start = vn('2026-01-01 00:00').getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 364 * 24 * 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 600 }),
        (offsetMinutes, afterDays, afterMinutes, remindDays, remindMinutes) => {
          const dayMinutes = 450;
          const afterTotal = afterDays * dayMinutes + afterMinutes;
          const remindTotal = remindDays * dayMinutes + remindMinutes;
          fc.pre(remindTotal > 0 && remindTotal < afterTotal);
          const s = { autoClose: { after: { days: afterDays, minutes: afterMinutes }, remindBefore: { days: remindDays, minutes: remindMinutes }, reopenWithin: { days: 10, minutes: 0 } } };
          const answeredAt = new Date(start + offsetMinutes * 60_000);
          const plan = autoCloseSchedule(answeredAt, s, cal);
          expect(cal.isWorkingTime(plan.remindAt)).toBe(true);
          expect(cal.isWorkingTime(plan.closeAt)).toBe(true);
          expect(plan.remindAt.getTime()).toBeGreaterThanOrEqual(answeredAt.getTime());
          expect(cal.workingMsBetween(plan.remindAt, plan.closeAt)).toBe(remindTotal * 60_000);
          expect(cal.workingMsBetween(answeredAt, plan.closeAt)).toBe(afterTotal * 60_000);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('nextAutoCloseStep and dueAutoCloseStep with an injected now', () => {
  const answer = vn('2026-08-27 10:00');

  it('reminds once when the time comes, then closes a working day later', () => {
    const before = answered(answer);
    expect(nextAutoCloseStep(before, settings, cal)).toEqual({ kind: 'remind_commune', at: vn('2026-09-07 10:00') });
    // Nothing during the long weekend and holidays, nor a minute early.
    for (const now of ['2026-08-31 09:00', '2026-09-02 10:00', '2026-09-07 09:59']) {
      expect(dueAutoCloseStep(before, vn(now), settings, cal), now).toBeNull();
    }
    expect(dueAutoCloseStep(before, vn('2026-09-07 10:00'), settings, cal)?.kind).toBe('remind_commune');

    const reminded = answered(answer, vn('2026-09-07 10:00'));
    expect(remindedForLatestAnswer(reminded)).toBe(true);
    expect(nextAutoCloseStep(reminded, settings, cal)).toEqual({ kind: 'auto_close', at: vn('2026-09-08 10:00') });
    expect(dueAutoCloseStep(reminded, vn('2026-09-07 17:00'), settings, cal)).toBeNull();
    expect(dueAutoCloseStep(reminded, vn('2026-09-08 09:59'), settings, cal)).toBeNull();
    expect(dueAutoCloseStep(reminded, vn('2026-09-08 10:00'), settings, cal)).toEqual({ kind: 'auto_close', at: vn('2026-09-08 10:00') });
  });

  it('never asks for a second reminder for the same answer, however late it is asked', () => {
    const reminded = answered(answer, vn('2026-09-07 10:00'));
    for (let minutes = 0; minutes < 3 * 24 * 60; minutes += 17) {
      const step = dueAutoCloseStep(reminded, plus(vn('2026-09-07 10:00'), minutes), settings, cal);
      expect(step?.kind ?? 'none').not.toBe('remind_commune');
    }
  });

  it('gives the full notice when the reminder went out late', () => {
    // The jobs were down until Wednesday 9/9 08:00, after the planned close.
    const late = answered(answer, vn('2026-09-09 08:00'));
    expect(dueAutoCloseStep(answered(answer), vn('2026-09-09 08:00'), settings, cal)?.kind).toBe('remind_commune');
    expect(nextAutoCloseStep(late, settings, cal)).toEqual({ kind: 'auto_close', at: vn('2026-09-10 08:00') });
    expect(dueAutoCloseStep(late, vn('2026-09-10 07:59'), settings, cal)).toBeNull();
  });

  it('restarts the wait and the reminder with a supplementary answer', () => {
    const supplemented = answered(vn('2026-09-07 14:00'), vn('2026-09-07 10:00'));
    expect(remindedForLatestAnswer(supplemented)).toBe(false);
    expect(nextAutoCloseStep(supplemented, settings, cal)).toEqual({ kind: 'remind_commune', at: vn('2026-09-11 14:00') });
    expect(autoCloseSchedule(vn('2026-09-07 14:00'), settings, cal).closeAt).toEqual(vn('2026-09-14 14:00'));
  });

  it('plans nothing for a ticket that is not waiting for the commune', () => {
    for (const status of TICKET_STATUSES.filter((s) => s !== 'answered')) {
      const t = { status, answeredAt: answer, autoCloseRemindedAt: null };
      expect(nextAutoCloseStep(t, settings, cal), status).toBeNull();
      expect(dueAutoCloseStep(t, vn('2027-01-01 10:00'), settings, cal), status).toBeNull();
    }
    expect(nextAutoCloseStep({ status: 'answered', answeredAt: null, autoCloseRemindedAt: null }, settings, cal)).toBeNull();
  });
});

describe('reopening an auto-closed ticket', () => {
  const closedAt = vn('2026-09-08 10:00');
  const until = reopenWindowEnd(closedAt, settings, cal);
  const autoClosed = { status: 'resolved' as const, autoClosedAt: closedAt, reopenableUntil: until };

  it('is allowed for 10 working days after the close, up to the minute', () => {
    expect(show(until)).toBe('2026-09-22 10:00');
    expect(reopenWindow(autoClosed, vn('2026-09-08 10:00'))).toBe('open');
    expect(reopenWindow(autoClosed, vn('2026-09-22 10:00'))).toBe('open');
    expect(reopenWindow(autoClosed, vn('2026-09-22 10:01'))).toBe('expired');
  });

  it('counts the window in working days across the holidays', () => {
    // Closed Thursday 27/8: the window skips the long weekend and 31/8–2/9.
    expect(show(reopenWindowEnd(vn('2026-08-27 10:00'), settings, cal))).toBe('2026-09-15 10:00');
  });

  it('keeps the stored end, whatever the settings say now', () => {
    const shorter = parseSettings({ autoClose: { reopenWithin: '1d' } });
    expect(show(reopenWindowEnd(closedAt, shorter, calendarFrom(shorter)))).toBe('2026-09-09 10:00');
    expect(reopenWindow(autoClosed, vn('2026-09-15 10:00'))).toBe('open');
  });

  it('does not apply to a ticket a commune confirmed, nor to open tickets; no stored end promises nothing', () => {
    expect(reopenWindow({ status: 'resolved', autoClosedAt: null, reopenableUntil: null }, closedAt)).toBe('not_auto_closed');
    expect(reopenWindow({ status: 'reopened', autoClosedAt: closedAt, reopenableUntil: until }, closedAt)).toBe('not_auto_closed');
    expect(reopenWindow({ status: 'resolved', autoClosedAt: closedAt, reopenableUntil: null }, closedAt)).toBe('expired');
  });

  it('a zero window closes at once', () => {
    const none = parseSettings({ autoClose: { reopenWithin: '0m' } });
    const end = reopenWindowEnd(closedAt, none, calendarFrom(none));
    expect(end).toEqual(closedAt);
    expect(reopenWindow({ ...autoClosed, reopenableUntil: end }, plus(closedAt, 1))).toBe('expired');
  });
});
