/**
 * Digest and KPIs over a large synthetic province, in a process of its own (a million ticket
 * snapshots with timelines take a few GB of heap). argv[2] is a JSON array of ticket counts; it
 * prints one JSON line: for each count, the milliseconds of one digest build + render + the
 * per-department KPIs (the median of three runs below 200,000 tickets, one run above), and the
 * heap the snapshots took.
 */
import { performance } from 'node:perf_hooks';
import { buildDigest } from '../../../src/domain/digest.js';
import { renderDigest } from '../../../src/core/presentation/digest.js';
import { departmentKpis, median } from '../../../src/domain/kpi.js';
import type { DueStateFn, ReportClock } from '../../../src/domain/report-types.js';
import { createTranslator } from '../../../src/i18n/index.js';
import { benchClock, syntheticTickets } from '../reports.js';

export interface DigestScaleRow {
  tickets: number;
  digestMs: number;
  generateMs: number;
  heapMb: number;
}

const HOUR = 3_600_000;
const sizes = JSON.parse(process.argv[2] ?? '[]') as number[];
const now = new Date('2026-11-27T00:30:00Z');
const dueState: DueStateFn = (dueAt, at) => {
  if (at > dueAt) return 'overdue';
  return benchClock.workingMsBetween(at, dueAt) <= 7.5 * HOUR ? 'due_soon' : 'ok';
};
const ctx: ReportClock = { now, clock: benchClock, dueState };
const t = createTranslator('vi');

function digestOnce(tickets: Parameters<typeof buildDigest>[0]): number {
  const started = performance.now();
  const digest = buildDigest(tickets, { ...ctx, since: new Date(now.getTime() - 24 * HOUR) });
  const parts = renderDigest(digest, t, { maxLength: 4096 });
  const departments = departmentKpis(tickets, ctx);
  const ms = performance.now() - started;
  if (parts.length === 0 || departments.length < 0) throw new Error('empty digest');
  return ms;
}

// Warm-up on a small province: JIT, the translator, Intl formatters.
digestOnce(syntheticTickets(2000, now, 7));

const rows: DigestScaleRow[] = [];
for (const n of sizes) {
  const heap0 = process.memoryUsage().heapUsed;
  const g0 = performance.now();
  let tickets: ReturnType<typeof syntheticTickets> | null = syntheticTickets(n, now);
  const generateMs = performance.now() - g0;
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
  const runs = n < 200_000 ? 3 : 1;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(digestOnce(tickets));
  rows.push({ tickets: n, digestMs: Math.round((median(times) ?? 0) * 10) / 10, generateMs: Math.round(generateMs), heapMb: Math.round(heapMb) });
  tickets = null;
  (globalThis as { gc?: () => void }).gc?.();
}
process.stdout.write(`${JSON.stringify(rows)}\n`);
