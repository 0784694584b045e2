import { AWAITING_DEPARTMENT, CLOSED_STATUSES } from './types.js';
import type { DueState, ReportClock, TicketSnapshot } from './report-types.js';

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
    return { departmentCode: code, departmentName: group.name, open, dueSoon, overdue, ...summary };
  });
}
