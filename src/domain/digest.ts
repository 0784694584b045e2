import {
  DEFAULT_TIME_ZONE,
  DEFAULT_WORKING_DAY_MS,
  HOUR_MS,
  type ReportClock,
  type TicketSnapshot,
} from './report-types.js';
import { closureKpi, departmentKpis, isOpen, summarizeKpis, ticketDueState, ticketKpi, type ClosureKpi } from './kpi.js';
import { AWAITING_DEPARTMENT, type TicketStatus } from './types.js';

/**
 * The leaders' daily digest and the data of the two on-demand lists (`/quahan`, `/baocaotw`):
 * numbers and ticket references only. Rendering them as messages is presentation
 * (src/core/presentation/digest.ts); the domain returns data, never markup.
 */

export interface DigestOptions extends ReportClock {
  /** Start of the reporting period ("new since yesterday's digest"). */
  since: Date;
  /** Working ms in one working day, to express ages in days. */
  workingDayMs?: number;
}

export interface DigestTotals {
  total: number;
  newSince: number;
  answeredSince: number;
  resolvedSince: number;
  open: number;
  dueSoon: number;
  overdue: number;
  onTimeRate: number | null;
  medianAnswerHours: number | null;
  medianFirstResponseHours: number | null;
}

export interface DigestDepartment {
  code: string;
  name: string;
  total: number;
  open: number;
  dueSoon: number;
  overdue: number;
  answered: number;
  onTimeRate: number | null;
  medianAnswerHours: number | null;
}

export interface DigestCategory {
  code: string | null;
  label: string | null;
  total: number;
  open: number;
  overdue: number;
  newSince: number;
}

export interface DigestCommune {
  code: string;
  name: string;
  open: number;
  overdue: number;
}

export interface DigestTicketRef {
  code: string;
  communeName: string;
  /** Other communes whose reports were merged into this one. */
  alsoCommunes: string[];
  departmentName: string | null;
  categoryCode: string | null;
  categoryLabel: string | null;
  status: TicketStatus;
  createdAt: Date;
  dueAt: Date | null;
  /** Working days since the report came in. */
  ageWorkingDays: number;
  text: string;
}

/** One department's closure figures (kpi.ts `closureKpi`), by the department a ticket sits with. */
export interface DigestClosureDepartment extends ClosureKpi {
  code: string;
  name: string;
}

/** What became of the answers: confirmation, satisfaction, reopening, auto-close (all tickets, not the period). */
export interface DigestClosure {
  overall: ClosureKpi;
  /** Departments with at least one answered ticket, lowest satisfaction score first, no score last. */
  departments: DigestClosureDepartment[];
}

export interface Digest {
  now: Date;
  since: Date;
  totals: DigestTotals;
  /** Worst first: most overdue, then lowest on-time rate. */
  departments: DigestDepartment[];
  categories: DigestCategory[];
  /** The communes with the most open reports (at most five). */
  communes: DigestCommune[];
  /** The five oldest open reports nobody has answered yet. */
  oldestUnanswered: DigestTicketRef[];
  /** Open reports flagged for the central level, merged duplicates folded into their parent. */
  central: DigestTicketRef[];
  closure: DigestClosure;
}

const TOP_COMMUNES = 5;
const OLDEST_UNANSWERED = 5;
const DIGEST_CENTRAL_LINES = 10;
const DIGEST_SUMMARY_CHARS = 70;
const CENTRAL_SUMMARY_CHARS = 300;

const inPeriod = (at: Date | null, since: Date, now: Date): boolean => at !== null && at >= since && at <= now;
const toHours = (ms: number | null): number | null => (ms === null ? null : ms / HOUR_MS);

/** Numbers of the daily digest from ticket snapshots. */
export function buildDigest(tickets: readonly TicketSnapshot[], opts: DigestOptions): Digest {
  const { now, since } = opts;
  const dayMs = opts.workingDayMs ?? DEFAULT_WORKING_DAY_MS;
  const kpis = summarizeKpis(tickets.map((t) => ticketKpi(t, opts)));

  let dueSoon = 0;
  let overdue = 0;
  const overdueIds = new Set<number>();
  for (const ticket of tickets) {
    const state = ticketDueState(ticket, opts);
    if (state === 'due_soon') dueSoon += 1;
    if (state === 'overdue') {
      overdue += 1;
      overdueIds.add(ticket.id);
    }
  }
  const open = tickets.filter(isOpen);

  const totals: DigestTotals = {
    total: tickets.length,
    newSince: tickets.filter((t) => inPeriod(t.createdAt, since, now)).length,
    answeredSince: tickets.filter((t) => inPeriod(t.answeredAt, since, now)).length,
    resolvedSince: tickets.filter((t) => inPeriod(t.resolvedAt, since, now)).length,
    open: open.length,
    dueSoon,
    overdue,
    onTimeRate: kpis.onTimeRate,
    medianAnswerHours: toHours(kpis.medianAnswerMs),
    medianFirstResponseHours: toHours(kpis.medianFirstResponseMs),
  };

  const perDepartment = departmentKpis(tickets, opts);
  const departments = perDepartment
    .map(
      (d): DigestDepartment => ({
        code: d.departmentCode,
        name: d.departmentName,
        total: d.count,
        open: d.open,
        dueSoon: d.dueSoon,
        overdue: d.overdue,
        answered: d.answered,
        onTimeRate: d.onTimeRate,
        medianAnswerHours: toHours(d.medianAnswerMs),
      }),
    )
    .sort(compareDepartments);

  const categoryMap = new Map<string | null, DigestCategory>();
  for (const ticket of tickets) {
    let row = categoryMap.get(ticket.categoryCode);
    if (!row) {
      row = { code: ticket.categoryCode, label: ticket.categoryLabel, total: 0, open: 0, overdue: 0, newSince: 0 };
      categoryMap.set(ticket.categoryCode, row);
    }
    row.total += 1;
    if (isOpen(ticket)) row.open += 1;
    if (overdueIds.has(ticket.id)) row.overdue += 1;
    if (inPeriod(ticket.createdAt, since, now)) row.newSince += 1;
  }
  const categories = [...categoryMap.values()].sort(
    (a, b) =>
      b.open - a.open ||
      b.total - a.total ||
      Number(a.label === null) - Number(b.label === null) ||
      compareText(a.label ?? '', b.label ?? ''),
  );

  const communeMap = new Map<string, DigestCommune>();
  for (const ticket of open) {
    let row = communeMap.get(ticket.communeCode);
    if (!row) {
      row = { code: ticket.communeCode, name: ticket.communeName, open: 0, overdue: 0 };
      communeMap.set(ticket.communeCode, row);
    }
    row.open += 1;
    if (overdueIds.has(ticket.id)) row.overdue += 1;
  }
  const communes = [...communeMap.values()]
    .sort((a, b) => b.open - a.open || b.overdue - a.overdue || compareText(a.name, b.name))
    .slice(0, TOP_COMMUNES);

  const ref = (ticket: TicketSnapshot, alsoCommunes: string[] = []): DigestTicketRef => ({
    code: ticket.code,
    communeName: ticket.communeName,
    alsoCommunes,
    departmentName: ticket.departmentName,
    categoryCode: ticket.categoryCode,
    categoryLabel: ticket.categoryLabel,
    status: ticket.status,
    createdAt: ticket.createdAt,
    dueAt: ticket.dueAt,
    ageWorkingDays: opts.clock.workingMsBetween(ticket.createdAt, now) / dayMs,
    text: ticket.text,
  });

  // Reports raised to the central level wait on the central level, not on anyone in the province,
  // so they are listed with the central items rather than as the province's oldest unanswered.
  const oldestUnanswered = open
    .filter((t) => t.firstAnsweredAt === null && t.status !== 'escalated_central')
    .sort(byCreated)
    .slice(0, OLDEST_UNANSWERED)
    .map((t) => ref(t));

  const central = centralItems(open).map(({ ticket, alsoCommunes }) => ref(ticket, alsoCommunes));

  const closure: DigestClosure = {
    overall: closureKpi(tickets),
    departments: perDepartment
      .filter((d) => d.closure.answered > 0)
      .map((d): DigestClosureDepartment => ({ code: d.departmentCode, name: d.departmentName, ...d.closure }))
      .sort(compareClosure),
  };

  return { now, since, totals, departments, categories, communes, oldestUnanswered, central, closure };
}

/**
 * Satisfaction ranking: lowest score first (the departments whose answers help least), then the
 * lowest confirmed share; a department nobody has rated yet comes after those with a score.
 */
function compareClosure(a: DigestClosureDepartment, b: DigestClosureDepartment): number {
  if (a.satisfactionScore !== b.satisfactionScore) {
    if (a.satisfactionScore === null) return 1;
    if (b.satisfactionScore === null) return -1;
    return a.satisfactionScore - b.satisfactionScore;
  }
  return (a.confirmedShare ?? 0) - (b.confirmedShare ?? 0) || compareText(a.name, b.name);
}

/**
 * Department ranking of the digest: most overdue first, then lowest on-time rate. A department
 * with nothing to judge yet ranks after those with a rate, since it has shown neither good nor bad.
 */
export function compareDepartments(a: DigestDepartment, b: DigestDepartment): number {
  if (a.overdue !== b.overdue) return b.overdue - a.overdue;
  if (a.onTimeRate !== b.onTimeRate) {
    if (a.onTimeRate === null) return 1;
    if (b.onTimeRate === null) return -1;
    return a.onTimeRate - b.onTimeRate;
  }
  return b.open - a.open || compareText(a.name, b.name);
}

/** Rows for the department chart that goes with the digest, in the digest's order. */
export function departmentChartRows(digest: Digest): { department: string; open: number; overdue: number }[] {
  return digest.departments.filter((d) => d.open > 0).map((d) => ({ department: d.name, open: d.open, overdue: d.overdue }));
}

/** Oldest report first (then by id): the order lists and reports use. */
export const byCreated = (a: TicketSnapshot, b: TicketSnapshot): number =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;

const collator = new Intl.Collator('vi');
/** Vietnamese alphabetical order. */
export const compareText = (a: string, b: string): number => collator.compare(a, b);

/**
 * Flagged reports, each once: a report merged into a flagged parent is folded into it (its commune
 * is named with the parent), since the central level needs the issue once with everyone who raised it.
 */
export function centralItems(tickets: readonly TicketSnapshot[]): { ticket: TicketSnapshot; alsoCommunes: string[] }[] {
  const flagged = tickets.filter((t) => t.flaggedCentral && t.status !== 'rejected');
  const byCode = new Map(flagged.map((t) => [t.code, { ticket: t, alsoCommunes: [] as string[] }]));
  const items: { ticket: TicketSnapshot; alsoCommunes: string[] }[] = [];
  for (const ticket of [...flagged].sort(byCreated)) {
    const parent = ticket.parentCode ? byCode.get(ticket.parentCode) : undefined;
    if (parent && parent.ticket !== ticket) {
      const name = ticket.communeName;
      if (name !== parent.ticket.communeName && !parent.alsoCommunes.includes(name)) parent.alsoCommunes.push(name);
      continue;
    }
    items.push(byCode.get(ticket.code) ?? { ticket, alsoCommunes: [] });
  }
  return items;
}
