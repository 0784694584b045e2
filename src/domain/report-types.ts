import type { Satisfaction } from './satisfaction.js';
import type { Priority, TicketStatus } from './types.js';

/**
 * Inputs of the reporting modules (KPIs, digest, exports). They are plain snapshots read from the
 * database by the caller, so the report code stays pure and can be tested with fixtures.
 */

/** One entry of a ticket's audit trail. */
export interface TicketEventSnapshot {
  at: Date;
  /** Event kind as recorded by the workflow (`created`, `claimed`, `assigned`, `answered`, …). */
  kind: string;
  actor: string | null;
  text: string | null;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
}

/** A ticket as the reports see it: current state, milestone times and its timeline. */
export interface TicketSnapshot {
  id: number;
  code: string;
  communeCode: string;
  communeName: string;
  categoryCode: string | null;
  categoryLabel: string | null;
  departmentCode: string | null;
  departmentName: string | null;
  priority: Priority;
  status: TicketStatus;
  flaggedCentral: boolean;
  text: string;
  createdAt: Date;
  claimedAt: Date | null;
  /** Latest assignment to the current department. */
  assignedAt: Date | null;
  firstAnsweredAt: Date | null;
  /** Latest answer. */
  answeredAt: Date | null;
  resolvedAt: Date | null;
  /** When a commune confirmed the answer; null while unconfirmed and for tickets that closed by themselves. */
  confirmedAt: Date | null;
  /** The confirming commune's answer to "was the answer helpful?"; null when not given. */
  satisfaction: Satisfaction | null;
  /** Set while the ticket stands resolved by the auto-close (nobody confirmed or reopened in time). */
  autoClosedAt: Date | null;
  /** Current answer deadline, extensions included. */
  dueAt: Date | null;
  answerText: string | null;
  /** Set when this report was merged into another ticket about the same issue. */
  parentCode: string | null;
  /** The whole audit trail in time order; reopenings are counted from its `reopened` events. */
  events: TicketEventSnapshot[];
}

/** Working time between two instants; the real implementation is the working calendar. */
export interface WorkingClock {
  /** Working milliseconds in [from, to); 0 when `to` is not after `from`. */
  workingMsBetween(from: Date, to: Date): number;
}

export type DueState = 'ok' | 'due_soon' | 'overdue';

/** Where `now` stands against a deadline, by the configured "due soon" window in working time. */
export type DueStateFn = (dueAt: Date, now: Date) => DueState;

/** What every report needs to judge time: the moment of the report and the working calendar. */
export interface ReportClock {
  now: Date;
  clock: WorkingClock;
  dueState: DueStateFn;
}

/** Length of the default working day (07:30–11:30 and 13:30–17:00), used to express working ms as days. */
export const DEFAULT_WORKING_DAY_MS = 7.5 * 60 * 60 * 1000;

export const HOUR_MS = 60 * 60 * 1000;

/** Zone of the province; dates in messages and exports are shown in it. */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
