import { performance } from 'node:perf_hooks';
import { CATEGORIES, DEPARTMENTS } from '../../src/domain/catalog.js';
import { buildDigest, departmentChartRows } from '../../src/domain/digest.js';
import { renderDigest } from '../../src/core/presentation/digest.js';
import { median } from '../../src/domain/kpi.js';
import type { DueStateFn, ReportClock, TicketSnapshot, WorkingClock } from '../../src/domain/report-types.js';
import { SATISFACTIONS } from '../../src/domain/satisfaction.js';
import { PRIORITIES, type TicketStatus } from '../../src/domain/types.js';
import { createTranslator } from '../../src/i18n/index.js';
import { renderDepartmentChart } from '../../src/reports/chart.js';
import { buildExportWorkbook } from '../../src/reports/xlsx.js';

/**
 * Timings of the leaders' reports on a synthetic province: 1000 tickets with full timelines.
 * Each figure is the median of a few runs after one warm-up, in milliseconds; the figures are for
 * comparing runs on one machine, not thresholds.
 */

const HOUR = 3_600_000;
const OFFSET = 7 * HOUR; // Asia/Ho_Chi_Minh has no daylight saving time
const SHIFTS: [number, number][] = [
  [7.5 * HOUR, 11.5 * HOUR],
  [13.5 * HOUR, 17 * HOUR],
];

/** Monday–Friday 07:30–11:30 and 13:30–17:00 in UTC+7, without holidays: close enough to time reports. */
export const benchClock: WorkingClock = {
  workingMsBetween(from, to) {
    let total = 0;
    const start = from.getTime() + OFFSET;
    const end = to.getTime() + OFFSET;
    for (let day = Math.floor(start / (24 * HOUR)) * 24 * HOUR; day < end; day += 24 * HOUR) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      for (const [a, b] of SHIFTS) total += Math.max(0, Math.min(end, day + b) - Math.max(start, day + a));
    }
    return total;
  },
};

const benchDueState: DueStateFn = (dueAt, now) => {
  if (now > dueAt) return 'overdue';
  return benchClock.workingMsBetween(now, dueAt) <= 7.5 * HOUR ? 'due_soon' : 'ok';
};

/** A deterministic pseudo-random generator, so every run measures the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` plausible tickets spread over the 60 days before `now`, with timelines. */
export function syntheticTickets(count: number, now: Date, seed = 1): TicketSnapshot[] {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const later = (from: Date, maxHours: number): Date => new Date(from.getTime() + (0.2 + rnd() * maxHours) * HOUR);
  const tickets: TicketSnapshot[] = [];
  for (let i = 1; i <= count; i++) {
    const category = pick(CATEGORIES);
    const departmentCode = category.department ?? pick(DEPARTMENTS).code;
    const department = DEPARTMENTS.find((d) => d.code === departmentCode);
    const createdAt = new Date(now.getTime() - rnd() * 60 * 24 * HOUR);
    const stage = rnd();
    const claimedAt = stage > 0.05 ? later(createdAt, 6) : null;
    const assignedAt = claimedAt && stage > 0.12 ? later(claimedAt, 4) : null;
    const dueAt = assignedAt ? new Date(assignedAt.getTime() + (2 + rnd() * 10) * 24 * HOUR) : null;
    const answeredAt = assignedAt && stage > 0.4 ? later(assignedAt, 200) : null;
    const resolvedAt = answeredAt && stage > 0.65 ? later(answeredAt, 48) : null;
    const clip = (d: Date | null): Date | null => (d && d <= now ? d : null);
    const status: TicketStatus = clip(resolvedAt)
      ? 'resolved'
      : clip(answeredAt)
        ? 'answered'
        : clip(assignedAt)
          ? 'assigned'
          : clip(claimedAt)
            ? 'claimed'
            : 'new';
    const events: TicketSnapshot['events'] = [{ at: createdAt, kind: 'created', actor: 'Cán bộ xã', text: null, fromStatus: null, toStatus: 'new' }];
    const step = (at: Date | null, kind: string, fromStatus: TicketStatus, toStatus: TicketStatus, text: string | null): void => {
      if (clip(at)) events.push({ at: at as Date, kind, actor: 'Người dùng', text, fromStatus, toStatus });
    };
    step(claimedAt, 'claimed', 'new', 'claimed', null);
    step(assignedAt, 'assigned', 'claimed', 'assigned', departmentCode);
    step(answeredAt, 'answered', 'assigned', 'answered', 'Sở đã có văn bản trả lời, đề nghị xã triển khai theo hướng dẫn.');
    step(resolvedAt, 'resolved', 'answered', 'resolved', null);
    tickets.push({
      id: i,
      code: `HY-${String(i).padStart(4, '0')}`,
      communeCode: String(11950 + (i % 104)),
      communeName: `Xã số ${i % 104}`,
      categoryCode: category.code,
      categoryLabel: category.label,
      departmentCode: clip(assignedAt) ? departmentCode : null,
      departmentName: clip(assignedAt) ? (department?.name ?? departmentCode) : null,
      priority: pick(PRIORITIES),
      status,
      flaggedCentral: category.flagCentral,
      text: `Phản ánh ${i}: xã còn thiếu cán bộ, thiết bị và kinh phí; đề nghị tỉnh hướng dẫn, hỗ trợ sớm <b>&</b> cụ thể.`,
      createdAt,
      claimedAt: clip(claimedAt),
      assignedAt: clip(assignedAt),
      firstAnsweredAt: clip(answeredAt),
      answeredAt: clip(answeredAt),
      resolvedAt: clip(resolvedAt),
      // Every fourth resolved ticket closed by itself; the others were confirmed, with each answer in turn.
      confirmedAt: clip(resolvedAt) && i % 4 !== 3 ? clip(resolvedAt) : null,
      satisfaction: clip(resolvedAt) && i % 4 !== 3 ? SATISFACTIONS[i % 3]! : null,
      autoClosedAt: clip(resolvedAt) && i % 4 === 3 ? clip(resolvedAt) : null,
      dueAt: clip(assignedAt) ? dueAt : null,
      answerText: clip(answeredAt) ? 'Sở đã có văn bản trả lời.' : null,
      parentCode: null,
      events,
    });
  }
  return tickets;
}

async function timed(runs: number, work: () => unknown): Promise<number> {
  await work(); // warm-up: module loading, font parsing, JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return Math.round((median(times) ?? 0) * 10) / 10;
}

/** Times digest (build + render), .xlsx export and chart for 1000 tickets. */
export async function benchReports(): Promise<{ digestMsFor1000Tickets: number; xlsxMsFor1000Tickets: number; chartMs: number }> {
  const now = new Date('2026-11-27T00:30:00Z');
  const since = new Date(now.getTime() - 24 * HOUR);
  const ctx: ReportClock = { now, clock: benchClock, dueState: benchDueState };
  const t = createTranslator('vi');
  const tickets = syntheticTickets(1000, now);
  const chartRows = departmentChartRows(buildDigest(tickets, { ...ctx, since }));

  const digestMsFor1000Tickets = await timed(5, () => renderDigest(buildDigest(tickets, { ...ctx, since }), t, { maxLength: 4096 }));
  const xlsxMsFor1000Tickets = await timed(3, () => buildExportWorkbook(tickets, { ...ctx, t }));
  const chartMs = await timed(3, () => renderDepartmentChart(chartRows));
  return { digestMsFor1000Tickets, xlsxMsFor1000Tickets, chartMs };
}
