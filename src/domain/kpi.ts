import { AWAITING_DEPARTMENT, CLOSED_STATUSES } from './types.js';
import type { DueState, ReportClock, TicketSnapshot } from './report-types.js';
import { SATISFACTIONS, SATISFACTION_SCORES, type Satisfaction } from './satisfaction.js';

/**
 * Service-level figures for tickets and departments. All durations are working time from the
 * injected clock, so nights, weekends and holidays never count against anyone.
 *
 * Timeliness of one ticket:
 * - `on_time`: first answer at or before `dueAt` (the deadline on record, approved extensions included);
 * - `late`: first answer after `dueAt`, or no answer yet while the department owes one and the
 *   deadline has passed (an overdue ticket must weigh on the rate before it is answered, otherwise
 *   a department could improve its rate by not answering);
 * - `pending`: the department owes an answer and the deadline has not passed yet;
 * - `none`: no deadline, or nobody in the province owes an answer any more (returned for rerouting,
 *   raised to the central level, rejected, closed without an answer).
 *
 * On-time rate = on_time / (on_time + late); pending and none are left out. It is null when there is
 * nothing to judge, so "no data" is never shown as 0 % or 100 %.
 */

export type Timeliness = 'on_time' | 'late' | 'pending' | 'none';

export interface TicketKpi {
  /** Has had at least one answer. */
  answered: boolean;
  /** Created → claimed by the support team, working ms; null while unclaimed. */
  firstResponseMs: number | null;
  /** Assigned → first answer, working ms; null while unanswered. */
  answerMs: number | null;
  timeliness: Timeliness;
}

export interface KpiSummary {
  count: number;
  answered: number;
  onTime: number;
  late: number;
  pending: number;
  onTimeRate: number | null;
  medianAnswerMs: number | null;
  medianFirstResponseMs: number | null;
}

export interface DepartmentKpi extends KpiSummary {
  departmentCode: string;
  departmentName: string;
  open: number;
  dueSoon: number;
  overdue: number;
  /** What became of the department's answers (see `closureKpi`). */
  closure: ClosureKpi;
}

/** Not resolved and not rejected. */
export function isOpen(ticket: TicketSnapshot): boolean {
  return !CLOSED_STATUSES.includes(ticket.status);
}

/** A department owes an answer (the states in which reminders run). */
export function isAwaitingDepartment(ticket: TicketSnapshot): boolean {
  return AWAITING_DEPARTMENT.includes(ticket.status);
}

/** Deadline state of a ticket a department owes an answer on; null when no deadline applies. */
export function ticketDueState(ticket: TicketSnapshot, ctx: Pick<ReportClock, 'now' | 'dueState'>): DueState | null {
  if (!ticket.dueAt || !isAwaitingDepartment(ticket)) return null;
  return ctx.dueState(ticket.dueAt, ctx.now);
}

/** First response time, answer time and timeliness of one ticket. */
export function ticketKpi(ticket: TicketSnapshot, ctx: ReportClock): TicketKpi {
  const { clock } = ctx;
  const firstResponseMs = ticket.claimedAt ? clock.workingMsBetween(ticket.createdAt, ticket.claimedAt) : null;
  // After a transfer, assignedAt is the latest assignment and may follow an earlier answer by another
  // department; such an answer cannot be attributed to the current one, so it gets no answer time.
  const answerMs =
    ticket.assignedAt && ticket.firstAnsweredAt && ticket.firstAnsweredAt >= ticket.assignedAt
      ? clock.workingMsBetween(ticket.assignedAt, ticket.firstAnsweredAt)
      : null;
  return { answered: ticket.firstAnsweredAt !== null, firstResponseMs, answerMs, timeliness: timelinessOf(ticket, ctx) };
}

function timelinessOf(ticket: TicketSnapshot, ctx: ReportClock): Timeliness {
  if (!ticket.dueAt) return 'none';
  if (ticket.firstAnsweredAt) return ticket.firstAnsweredAt <= ticket.dueAt ? 'on_time' : 'late';
  if (!isAwaitingDepartment(ticket)) return 'none';
  return ctx.dueState(ticket.dueAt, ctx.now) === 'overdue' ? 'late' : 'pending';
}

/** Median of the values; the mean of the two middle ones for an even count; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** On-time rate in [0, 1], null when no ticket can be judged yet. */
export function onTimeRate(onTime: number, late: number): number | null {
  return onTime + late === 0 ? null : onTime / (onTime + late);
}

/** Counts, on-time rate and medians over a set of per-ticket figures. */
export function summarizeKpis(kpis: readonly TicketKpi[]): KpiSummary {
  let answered = 0;
  let onTime = 0;
  let late = 0;
  let pending = 0;
  const answerTimes: number[] = [];
  const firstResponses: number[] = [];
  for (const k of kpis) {
    if (k.answered) answered += 1;
    if (k.answerMs !== null) answerTimes.push(k.answerMs);
    if (k.firstResponseMs !== null) firstResponses.push(k.firstResponseMs);
    if (k.timeliness === 'on_time') onTime += 1;
    else if (k.timeliness === 'late') late += 1;
    else if (k.timeliness === 'pending') pending += 1;
  }
  return {
    count: kpis.length,
    answered,
    onTime,
    late,
    pending,
    onTimeRate: onTimeRate(onTime, late),
    medianAnswerMs: median(answerTimes),
    medianFirstResponseMs: median(firstResponses),
  };
}

/**
 * Figures per department a ticket currently sits with, in first-seen order. Tickets without a
 * department (still with the support team) belong to no row; the caller's totals include them.
 */
export function departmentKpis(tickets: readonly TicketSnapshot[], ctx: ReportClock): DepartmentKpi[] {
  const groups = new Map<string, { name: string; tickets: TicketSnapshot[] }>();
  for (const ticket of tickets) {
    if (!ticket.departmentCode) continue;
    let group = groups.get(ticket.departmentCode);
    if (!group) {
      group = { name: ticket.departmentName ?? ticket.departmentCode, tickets: [] };
      groups.set(ticket.departmentCode, group);
    }
    group.tickets.push(ticket);
  }
  return [...groups].map(([code, group]) => {
    let open = 0;
    let dueSoon = 0;
    let overdue = 0;
    for (const ticket of group.tickets) {
      if (isOpen(ticket)) open += 1;
      const state = ticketDueState(ticket, ctx);
      if (state === 'due_soon') dueSoon += 1;
      else if (state === 'overdue') overdue += 1;
    }
    const summary = summarizeKpis(group.tickets.map((t) => ticketKpi(t, ctx)));
    return { departmentCode: code, departmentName: group.name, open, dueSoon, overdue, ...summary, closure: closureKpi(group.tickets) };
  });
}

// ---------------------------------------------------------------------------------------------
// Closing the loop: confirmation, satisfaction, reopening, auto-close

/**
 * What became of the answers in a set of tickets (one department's, grouped as in departmentKpis
 * by the department a ticket sits with now; or all tickets for the province). Definitions:
 *
 * - `answered`: tickets with at least one department answer (`firstAnsweredAt` set), whatever
 *   their state now: waiting for the commune, confirmed, auto-closed, reopened, raised further.
 * - `confirmed`: answered tickets a commune confirmed (`confirmedAt` set).
 *   confirmedShare = confirmed / answered. Answers still waiting for the commune are in the
 *   denominator: the share says how many answers communes have accepted so far.
 * - `rated`: tickets whose commune answered the satisfaction question; `satisfaction` counts each
 *   answer, satisfactionShares = each count / rated, satisfactionScore = the mean of
 *   SATISFACTION_SCORES over the rated tickets (0–100). A commune that confirmed without answering
 *   and auto-closed tickets give no answer and are left out: the score is the communes' own word.
 * - `reopened`: answered tickets reopened at least once (one or more `reopened` events in the
 *   audit trail, reopenings after an auto-close included). reopenRate = reopened / answered.
 * - `resolved`: tickets in state resolved; `autoClosed`: those of them resolved by the auto-close
 *   rather than by a commune. autoClosedShare = autoClosed / resolved.
 *
 * Every share is in [0, 1], and null when its denominator is 0, so "no data" is shown as "—" and
 * never as 0 % or 100 %.
 */
export interface ClosureKpi {
  answered: number;
  confirmed: number;
  confirmedShare: number | null;
  rated: number;
  satisfaction: Record<Satisfaction, number>;
  satisfactionShares: Record<Satisfaction, number> | null;
  /** 0–100; null when nobody answered the question. */
  satisfactionScore: number | null;
  reopened: number;
  reopenRate: number | null;
  resolved: number;
  autoClosed: number;
  autoClosedShare: number | null;
}

/** Event kind the workflow records when a commune reopens a ticket. */
export const REOPENED_EVENT = 'reopened';

/** How many times the ticket was reopened, from its audit trail. */
export function timesReopened(ticket: Pick<TicketSnapshot, 'events'>): number {
  let n = 0;
  for (const e of ticket.events) if (e.kind === REOPENED_EVENT) n += 1;
  return n;
}

/** Resolved by the auto-close, not by a commune's confirmation. */
export function isAutoClosed(ticket: Pick<TicketSnapshot, 'status' | 'autoClosedAt'>): boolean {
  return ticket.status === 'resolved' && ticket.autoClosedAt !== null;
}

/** `part / whole`, null when there is no whole. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** The mean score of satisfaction counts (0–100), null when there are none. */
export function satisfactionScore(counts: Readonly<Record<Satisfaction, number>>): number | null {
  let rated = 0;
  let points = 0;
  for (const s of SATISFACTIONS) {
    rated += counts[s];
    points += counts[s] * SATISFACTION_SCORES[s];
  }
  return rated === 0 ? null : points / rated;
}

/** Confirmation, satisfaction, reopen and auto-close figures of a set of tickets (definitions above). */
export function closureKpi(tickets: readonly TicketSnapshot[]): ClosureKpi {
  let answered = 0;
  let confirmed = 0;
  let reopened = 0;
  let resolved = 0;
  let autoClosed = 0;
  const satisfaction: Record<Satisfaction, number> = { hai_long: 0, tam_duoc: 0, chua_hai_long: 0 };
  for (const ticket of tickets) {
    if (ticket.satisfaction !== null) satisfaction[ticket.satisfaction] += 1;
    if (ticket.status === 'resolved') {
      resolved += 1;
      if (isAutoClosed(ticket)) autoClosed += 1;
    }
    // Confirming and reopening both need an answer first; a ticket without one cannot weigh on them.
    if (ticket.firstAnsweredAt === null) continue;
    answered += 1;
    if (ticket.confirmedAt !== null) confirmed += 1;
    if (timesReopened(ticket) > 0) reopened += 1;
  }
  const rated = SATISFACTIONS.reduce((n, s) => n + satisfaction[s], 0);
  return {
    answered,
    confirmed,
    confirmedShare: share(confirmed, answered),
    rated,
    satisfaction,
    satisfactionShares:
      rated === 0
        ? null
        : { hai_long: satisfaction.hai_long / rated, tam_duoc: satisfaction.tam_duoc / rated, chua_hai_long: satisfaction.chua_hai_long / rated },
    satisfactionScore: satisfactionScore(satisfaction),
    reopened,
    reopenRate: share(reopened, answered),
    resolved,
    autoClosed,
    autoClosedShare: share(autoClosed, resolved),
  };
}
