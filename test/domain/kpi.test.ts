import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { departmentKpis, median, onTimeRate, summarizeKpis, ticketKpi } from '../../src/domain/kpi.js';
import type { WorkingClock } from '../../src/domain/report-types.js';
import { HOUR, at, byCode, ctx, fixtureTickets, makeTicket } from '../reports/fixtures.js';

describe('ticketKpi', () => {
  it('measures first response and answer time in working time', () => {
    const ticket = makeTicket({ createdAt: at(-10), claimedAt: at(-8), assignedAt: at(-7), firstAnsweredAt: at(-2), answeredAt: at(-2), dueAt: at(-1), status: 'answered' });
    expect(ticketKpi(ticket, ctx)).toEqual({ answered: true, firstResponseMs: 2 * HOUR, answerMs: 5 * HOUR, timeliness: 'on_time' });
  });

  it('uses the injected clock, so time outside working hours does not count', () => {
    // Only the first hour of any interval counts.
    const clock: WorkingClock = { workingMsBetween: (from, to) => Math.min(HOUR, Math.max(0, to.getTime() - from.getTime())) };
    const ticket = makeTicket({ createdAt: at(-50), claimedAt: at(-10) });
    expect(ticketKpi(ticket, { ...ctx, clock }).firstResponseMs).toBe(HOUR);
  });

  it('an answer exactly at the deadline is on time; one a minute later is late', () => {
    const due = at(-5);
    const onTheDot = makeTicket({ status: 'answered', firstAnsweredAt: due, answeredAt: due, dueAt: due });
    const aMinuteLate = makeTicket({ status: 'answered', firstAnsweredAt: new Date(due.getTime() + 60_000), dueAt: due });
    expect(ticketKpi(onTheDot, ctx).timeliness).toBe('on_time');
    expect(ticketKpi(aMinuteLate, ctx).timeliness).toBe('late');
  });

  it('an unanswered ticket is late once past due and pending before', () => {
    expect(ticketKpi(makeTicket({ status: 'assigned', dueAt: at(-1) }), ctx).timeliness).toBe('late');
    expect(ticketKpi(makeTicket({ status: 'assigned', dueAt: at(1) }), ctx).timeliness).toBe('pending');
    expect(ticketKpi(makeTicket({ status: 'reopened', dueAt: at(-1) }), ctx).timeliness).toBe('late');
  });

  it('nothing is judged without a deadline or when no department owes an answer', () => {
    expect(ticketKpi(makeTicket({ status: 'new', claimedAt: null, assignedAt: null, dueAt: null }), ctx)).toEqual({
      answered: false,
      firstResponseMs: null,
      answerMs: null,
      timeliness: 'none',
    });
    for (const status of ['returned', 'escalated_central', 'rejected'] as const) {
      expect(ticketKpi(makeTicket({ status, dueAt: at(-100) }), ctx).timeliness).toBe('none');
    }
  });

  it('an answer given before the latest assignment (after a transfer) gets no answer time', () => {
    const ticket = makeTicket({ status: 'reopened', firstAnsweredAt: at(-20), assignedAt: at(-5), dueAt: at(10) });
    expect(ticketKpi(ticket, ctx).answerMs).toBeNull();
    expect(ticketKpi(ticket, ctx).answered).toBe(true);
  });
});

describe('median', () => {
  it('is the middle value, the mean of the middle two, or null', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('lies between min and max, with as many values on each side', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1 }), (values) => {
        const m = median(values) as number;
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
        expect(values.filter((v) => v < m).length).toBeLessThanOrEqual(values.length / 2);
        expect(values.filter((v) => v > m).length).toBeLessThanOrEqual(values.length / 2);
      }),
    );
  });
});

describe('on-time rate', () => {
  it('is null when nothing can be judged', () => {
    expect(onTimeRate(0, 0)).toBeNull();
    expect(onTimeRate(3, 1)).toBe(0.75);
  });
});

describe('fixture figures', () => {
  const tickets = fixtureTickets();

  it('classifies every fixture ticket', () => {
    const timeliness = Object.fromEntries(tickets.map((t) => [t.code, ticketKpi(t, ctx).timeliness]));
    expect(timeliness).toEqual({
      'HY-0001': 'none',
      'HY-0002': 'none',
      'HY-0003': 'late', // unanswered, 2 h past due
      'HY-0004': 'pending',
      'HY-0005': 'on_time',
      'HY-0006': 'late', // answered 10 h after the deadline
      'HY-0007': 'late',
      'HY-0008': 'late',
      'HY-0009': 'on_time',
      'HY-0010': 'on_time',
      'HY-0011': 'on_time',
      'HY-0012': 'none', // waiting on the central level
      'HY-0013': 'pending',
      'HY-0014': 'none',
      'HY-0015': 'pending',
      'HY-0016': 'none', // returned for rerouting
      'HY-0017': 'late',
    });
  });

  it('summarises: on-time rate counts overdue unanswered tickets as late', () => {
    const summary = summarizeKpis(tickets.map((t) => ticketKpi(t, ctx)));
    expect(summary).toEqual({
      count: 17,
      answered: 6,
      onTime: 4,
      late: 5,
      pending: 3,
      onTimeRate: 4 / 9,
      // answer times 4, 6, 8, 20, 48, 58 h
      medianAnswerMs: 14 * HOUR,
      // twelve 1 h claims, three 2 h, one 3 h
      medianFirstResponseMs: 1 * HOUR,
    });
  });

  it('groups by the department a ticket sits with', () => {
    const rows = Object.fromEntries(departmentKpis(tickets, ctx).map((d) => [d.departmentCode, d]));
    expect(Object.keys(rows).sort()).toEqual(['SKHCN', 'SNNMT', 'SNV', 'STC', 'STP']);
    expect(rows.SNV).toMatchObject({
      departmentName: 'Sở Nội vụ',
      count: 4,
      open: 3,
      dueSoon: 1,
      overdue: 1,
      answered: 2,
      onTime: 1,
      late: 2,
      onTimeRate: 1 / 3,
      medianAnswerMs: 13 * HOUR,
    });
    expect(rows.STC).toMatchObject({ count: 3, open: 3, overdue: 2, onTimeRate: 1 / 3, medianAnswerMs: 48 * HOUR });
    // The returned ticket neither counts as overdue nor weighs on the rate.
    expect(rows.SNNMT).toMatchObject({ count: 3, open: 2, overdue: 0, onTimeRate: 1, medianAnswerMs: 6 * HOUR });
    expect(rows.STP).toMatchObject({ count: 3, open: 3, overdue: 0, answered: 0, onTimeRate: null, medianAnswerMs: null });
    expect(rows.SKHCN).toMatchObject({ onTimeRate: 0, medianAnswerMs: 58 * HOUR });
  });

  it('a ticket that has a deadline and whose department owes an answer is never left unjudged', () => {
    for (const ticket of tickets) {
      const { timeliness } = ticketKpi(ticket, ctx);
      if (ticket.dueAt && (ticket.status === 'assigned' || ticket.status === 'reopened')) expect(timeliness).not.toBe('none');
    }
    expect(ticketKpi(byCode(tickets, 'HY-0010'), ctx).timeliness).toBe('on_time');
  });
});
