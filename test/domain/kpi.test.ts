import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  closureKpi,
  departmentKpis,
  isAutoClosed,
  median,
  onTimeRate,
  satisfactionScore,
  share,
  summarizeKpis,
  ticketKpi,
  timesReopened,
} from '../../src/domain/kpi.js';
import type { TicketEventSnapshot, TicketSnapshot, WorkingClock } from '../../src/domain/report-types.js';
import { SATISFACTIONS } from '../../src/domain/satisfaction.js';
import { TICKET_STATUSES } from '../../src/domain/types.js';
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

const reopenedEvent = (hoursFromNow: number): TicketEventSnapshot => ({
  at: at(hoursFromNow),
  kind: 'reopened',
  actor: 'Cán bộ xã',
  text: 'Chưa đồng ý',
  fromStatus: 'answered',
  toStatus: 'reopened',
});
const answeredTicket = (overrides: Partial<TicketSnapshot> = {}): TicketSnapshot =>
  makeTicket({ status: 'answered', firstAnsweredAt: at(-5), answeredAt: at(-5), ...overrides });
const confirmedTicket = (satisfaction: TicketSnapshot['satisfaction'], overrides: Partial<TicketSnapshot> = {}): TicketSnapshot =>
  answeredTicket({ status: 'resolved', resolvedAt: at(-1), confirmedAt: at(-1), satisfaction, ...overrides });
const autoClosedTicket = (overrides: Partial<TicketSnapshot> = {}): TicketSnapshot =>
  answeredTicket({ status: 'resolved', resolvedAt: at(-1), autoClosedAt: at(-1), ...overrides });

describe('closureKpi', () => {
  it('gives every share as null, not 0, when there is nothing to divide by', () => {
    expect(closureKpi([])).toEqual({
      answered: 0,
      confirmed: 0,
      confirmedShare: null,
      rated: 0,
      satisfaction: { hai_long: 0, tam_duoc: 0, chua_hai_long: 0 },
      satisfactionShares: null,
      satisfactionScore: null,
      reopened: 0,
      reopenRate: null,
      resolved: 0,
      autoClosed: 0,
      autoClosedShare: null,
    });
    // Unanswered tickets weigh on none of the figures.
    const k = closureKpi([makeTicket(), makeTicket({ status: 'new', claimedAt: null, assignedAt: null })]);
    expect([k.answered, k.confirmedShare, k.reopenRate, k.autoClosedShare, k.satisfactionScore]).toEqual([0, null, null, null, null]);
  });

  it('counts confirmed answers against every answered ticket, those still waiting included', () => {
    const k = closureKpi([confirmedTicket('hai_long'), confirmedTicket(null), answeredTicket(), answeredTicket({ status: 'reopened' }), makeTicket()]);
    expect(k).toMatchObject({ answered: 4, confirmed: 2, confirmedShare: 0.5 });
  });

  it('scores satisfaction over the answers given: hài lòng 100, tạm được 50, chưa hài lòng 0', () => {
    const tickets = [
      confirmedTicket('hai_long'),
      confirmedTicket('hai_long'),
      confirmedTicket('tam_duoc'),
      confirmedTicket('chua_hai_long'),
      // Confirmed without answering the question, and closed by itself: no answer, not in the score.
      confirmedTicket(null),
      autoClosedTicket(),
    ];
    const k = closureKpi(tickets);
    expect(k.rated).toBe(4);
    expect(k.satisfaction).toEqual({ hai_long: 2, tam_duoc: 1, chua_hai_long: 1 });
    expect(k.satisfactionShares).toEqual({ hai_long: 0.5, tam_duoc: 0.25, chua_hai_long: 0.25 });
    expect(k.satisfactionScore).toBe(62.5);
    expect(satisfactionScore({ hai_long: 0, tam_duoc: 3, chua_hai_long: 0 })).toBe(50);
    expect(satisfactionScore({ hai_long: 0, tam_duoc: 0, chua_hai_long: 0 })).toBeNull();
  });

  it('counts a ticket reopened twice once in the reopen rate, reopenings after an auto-close included', () => {
    const twice = answeredTicket({ events: [reopenedEvent(-4), reopenedEvent(-3)] });
    const afterAutoClose = answeredTicket({ status: 'reopened', events: [reopenedEvent(-2)] });
    expect(timesReopened(twice)).toBe(2);
    const k = closureKpi([twice, afterAutoClose, answeredTicket(), confirmedTicket('tam_duoc')]);
    expect(k).toMatchObject({ answered: 4, reopened: 2, reopenRate: 0.5 });
  });

  it('measures auto-closed tickets against all resolved ones', () => {
    const k = closureKpi([autoClosedTicket(), confirmedTicket('hai_long'), confirmedTicket(null), confirmedTicket('tam_duoc'), answeredTicket()]);
    expect(k).toMatchObject({ resolved: 4, autoClosed: 1, autoClosedShare: 0.25 });
    // A ticket reopened after an auto-close no longer stands auto-closed.
    expect(isAutoClosed(autoClosedTicket({ status: 'reopened' }))).toBe(false);
  });

  it('share divides, or is null without a whole', () => {
    expect(share(1, 4)).toBe(0.25);
    expect(share(0, 0)).toBeNull();
  });

  it('fixture figures: overall and per department', () => {
    const tickets = fixtureTickets();
    expect(closureKpi(tickets)).toEqual({
      answered: 6, // HY-0005, 0006, 0009, 0010, 0011, 0017
      confirmed: 1, // HY-0006
      confirmedShare: 1 / 6,
      rated: 1,
      satisfaction: { hai_long: 1, tam_duoc: 0, chua_hai_long: 0 },
      satisfactionShares: { hai_long: 1, tam_duoc: 0, chua_hai_long: 0 },
      satisfactionScore: 100,
      reopened: 2, // HY-0005, 0010
      reopenRate: 2 / 6,
      resolved: 2, // HY-0006, 0011
      autoClosed: 1, // HY-0011
      autoClosedShare: 0.5,
    });
    const rows = Object.fromEntries(departmentKpis(tickets, ctx).map((d) => [d.departmentCode, d.closure]));
    expect(rows.SNV).toMatchObject({ answered: 2, confirmedShare: 0.5, satisfactionScore: 100, reopenRate: 0.5, autoClosedShare: 0 });
    expect(rows.SNNMT).toMatchObject({ answered: 2, confirmedShare: 0, satisfactionScore: null, reopenRate: 0.5, autoClosedShare: 1 });
    expect(rows.STC).toMatchObject({ answered: 1, confirmedShare: 0, reopenRate: 0, resolved: 0, autoClosedShare: null });
    expect(rows.STP).toMatchObject({ answered: 0, confirmedShare: null, reopenRate: null, satisfactionScore: null, autoClosedShare: null });
  });

  const arbitraryTicket = fc
    .record({
      status: fc.constantFrom(...TICKET_STATUSES),
      answered: fc.boolean(),
      confirmed: fc.boolean(),
      satisfaction: fc.option(fc.constantFrom(...SATISFACTIONS), { nil: null }),
      autoClosed: fc.boolean(),
      reopenings: fc.nat(3),
      department: fc.option(fc.constantFrom('SNV', 'STC', 'SYT'), { nil: null }),
    })
    .map(({ status, answered, confirmed, satisfaction, autoClosed, reopenings, department }) =>
      makeTicket({
        status,
        departmentCode: department,
        departmentName: department,
        firstAnsweredAt: answered ? at(-5) : null,
        answeredAt: answered ? at(-5) : null,
        confirmedAt: confirmed ? at(-1) : null,
        satisfaction,
        autoClosedAt: autoClosed ? at(-1) : null,
        events: Array.from({ length: reopenings }, (_, i) => reopenedEvent(-4 + i)),
      }),
    );

  it('keeps every share in [0, 1] and every count within its denominator, whatever the data', () => {
    fc.assert(
      fc.property(fc.array(arbitraryTicket, { maxLength: 40 }), (tickets) => {
        const k = closureKpi(tickets);
        expect(k.confirmed).toBeLessThanOrEqual(k.answered);
        expect(k.reopened).toBeLessThanOrEqual(k.answered);
        expect(k.autoClosed).toBeLessThanOrEqual(k.resolved);
        expect(k.answered).toBeLessThanOrEqual(tickets.length);
        for (const value of [k.confirmedShare, k.reopenRate, k.autoClosedShare]) {
          if (value !== null) {
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(1);
          }
        }
        expect(k.confirmedShare === null).toBe(k.answered === 0);
        expect(k.autoClosedShare === null).toBe(k.resolved === 0);
        expect(SATISFACTIONS.reduce((n, s) => n + k.satisfaction[s], 0)).toBe(k.rated);
        expect(k.rated).toBe(tickets.filter((t) => t.satisfaction !== null).length);
        if (k.rated === 0) {
          expect(k.satisfactionScore).toBeNull();
          expect(k.satisfactionShares).toBeNull();
        } else {
          expect(k.satisfactionScore).toBeGreaterThanOrEqual(0);
          expect(k.satisfactionScore).toBeLessThanOrEqual(100);
          const shares = k.satisfactionShares!;
          expect(SATISFACTIONS.reduce((n, s) => n + shares[s], 0)).toBeCloseTo(1, 12);
        }
      }),
    );
  });

  it('departments and the tickets without one add up to the overall counts', () => {
    fc.assert(
      fc.property(fc.array(arbitraryTicket, { maxLength: 40 }), (tickets) => {
        const parts = [...departmentKpis(tickets, ctx).map((d) => d.closure), closureKpi(tickets.filter((t) => t.departmentCode === null))];
        const overall = closureKpi(tickets);
        for (const key of ['answered', 'confirmed', 'rated', 'reopened', 'resolved', 'autoClosed'] as const) {
          expect(parts.reduce((n, p) => n + p[key], 0), key).toBe(overall[key]);
        }
        for (const s of SATISFACTIONS) expect(parts.reduce((n, p) => n + p.satisfaction[s], 0)).toBe(overall.satisfaction[s]);
      }),
    );
  });
});
