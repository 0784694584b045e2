import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { localWallClock } from '../domain/calendar.js';
import {
  closureKpi,
  departmentKpis,
  isOpen,
  summarizeKpis,
  ticketDueState,
  ticketKpi,
  timesReopened,
  type ClosureKpi,
  type Timeliness,
} from '../domain/kpi.js';
import { DEFAULT_TIME_ZONE, HOUR_MS, type ReportClock, type TicketSnapshot } from '../domain/report-types.js';
import { satisfactionLabelKey } from '../domain/satisfaction.js';
import type { Translate } from '../i18n/index.js';

/**
 * The .xlsx export leaders attach to written reports: every ticket, every event of its timeline,
 * a per-department summary of deadlines and one of what became of the answers (confirmation,
 * satisfaction, reopening, auto-close). Headers come from the locale files; dates are real Excel
 * dates. New ticket columns go at the end, so sheets built on the earlier columns keep working.
 */

export interface ExportOptions extends ReportClock {
  t: Translate;
  /** Zone whose wall-clock time the dates show; Excel dates carry no zone. */
  timeZone?: string;
}

const DATE_FORMAT = 'dd/mm/yyyy hh:mm';
// Excel refuses cells longer than this.
const MAX_CELL_CHARS = 32_767;

interface Column {
  header: string;
  width: number;
  kind?: 'date' | 'wrap' | 'number';
  numFmt?: string;
}

type CellValue = string | number | Date | null;

/** Builds the export workbook (sheets: tickets, timeline, per-department summary) as .xlsx bytes. */
export async function buildExportWorkbook(tickets: readonly TicketSnapshot[], opts: ExportOptions): Promise<Buffer> {
  const { t } = opts;
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const h = (key: string): string => t(`digest-export-col-${key}`);
  const date = (at: Date | null): Date | null => (at ? localWallClock(at, tz) : null);
  const status = (s: string | null): string | null => (s ? t(`status-${s}`) : null);
  const ordered = [...tickets].sort((a, b) => a.id - b.id);

  // The streaming writer takes half the time of the in-memory workbook on a full export, and the
  // rows are known up front, so nothing needs the random access the in-memory one offers.
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  // The writer resolves on the stream's 'finish'; the last chunks may still be on their way to the
  // readable side then, so the bytes are complete only at 'end'.
  const bytes = new Promise<Buffer>((resolve, reject) => {
    out.on('end', () => resolve(Buffer.concat(chunks)));
    out.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  workbook.creator = 'Tháo gỡ';
  workbook.created = opts.now;

  const onTimeLabel: Record<Timeliness, string | null> = {
    on_time: t('digest-export-yes'),
    late: t('digest-export-no'),
    pending: t('digest-export-pending'),
    none: null,
  };
  addSheet(
    workbook,
    t('digest-export-sheet-tickets'),
    [
      { header: h('code'), width: 11 },
      { header: h('commune'), width: 22 },
      { header: h('category'), width: 36, kind: 'wrap' },
      { header: h('department'), width: 28, kind: 'wrap' },
      { header: h('priority'), width: 10 },
      { header: h('status'), width: 22 },
      { header: h('created'), width: 17, kind: 'date' },
      { header: h('claimed'), width: 17, kind: 'date' },
      { header: h('assigned'), width: 17, kind: 'date' },
      { header: h('due'), width: 17, kind: 'date' },
      { header: h('answered'), width: 17, kind: 'date' },
      { header: h('resolved'), width: 17, kind: 'date' },
      { header: h('on-time'), width: 14 },
      { header: h('text'), width: 60, kind: 'wrap' },
      { header: h('answer'), width: 60, kind: 'wrap' },
      { header: h('central'), width: 12 },
      { header: h('satisfaction'), width: 16 },
      { header: h('confirmed'), width: 17, kind: 'date' },
      { header: h('auto-closed'), width: 17, kind: 'date' },
      { header: h('reopened-count'), width: 12, kind: 'number' },
    ],
    ordered.map((ticket) => [
      ticket.code,
      ticket.communeName,
      ticket.categoryLabel,
      ticket.departmentName,
      t(`priority-${ticket.priority}`),
      status(ticket.status),
      date(ticket.createdAt),
      date(ticket.claimedAt),
      date(ticket.assignedAt),
      date(ticket.dueAt),
      // The first answer, the one timeliness is judged on; later answers are in the timeline.
      date(ticket.firstAnsweredAt),
      date(ticket.resolvedAt),
      onTimeLabel[ticketKpi(ticket, opts).timeliness],
      ticket.text,
      ticket.answerText,
      ticket.flaggedCentral ? t('digest-export-yes') : t('digest-export-no'),
      ticket.satisfaction ? t(satisfactionLabelKey(ticket.satisfaction)) : null,
      date(ticket.confirmedAt),
      date(ticket.autoClosedAt),
      timesReopened(ticket),
    ]),
  );

  const eventLabel = (kind: string): string => {
    const label = t(`event-${kind}`);
    return label === `event-${kind}` ? kind : label;
  };
  addSheet(
    workbook,
    t('digest-export-sheet-timeline'),
    [
      { header: h('code'), width: 11 },
      { header: h('time'), width: 17, kind: 'date' },
      { header: h('event'), width: 30 },
      { header: h('actor'), width: 24 },
      { header: h('from-status'), width: 22 },
      { header: h('to-status'), width: 22 },
      { header: h('event-text'), width: 70, kind: 'wrap' },
    ],
    ordered.flatMap((ticket) =>
      [...ticket.events]
        .sort((a, b) => a.at.getTime() - b.at.getTime())
        .map((e) => [ticket.code, date(e.at), eventLabel(e.kind), e.actor, status(e.fromStatus), status(e.toStatus), e.text]),
    ),
  );

  const collator = new Intl.Collator('vi');
  const departments = departmentKpis(ordered, opts).sort((a, b) => collator.compare(a.departmentName, b.departmentName));
  const summaryRows: CellValue[][] = departments.map((d) => summaryRow(d.departmentName, d));
  const unassigned = ordered.filter((ticket) => !ticket.departmentCode);
  if (unassigned.length > 0) summaryRows.push(summaryRow(t('digest-no-department'), totalsOf(unassigned, opts)));
  summaryRows.push(summaryRow(t('digest-export-total-row'), totalsOf(ordered, opts)));
  addSheet(
    workbook,
    t('digest-export-sheet-summary'),
    [
      { header: h('department'), width: 34 },
      { header: h('total'), width: 10, kind: 'number' },
      { header: h('open'), width: 10, kind: 'number' },
      { header: h('overdue'), width: 10, kind: 'number' },
      { header: h('answered-count'), width: 12, kind: 'number' },
      { header: h('on-time-count'), width: 12, kind: 'number' },
      { header: h('on-time-rate'), width: 16, kind: 'number', numFmt: '0.0' },
      { header: h('median'), width: 22, kind: 'number', numFmt: '0.0' },
    ],
    summaryRows,
    { boldLastRow: true },
  );

  // Same rows as the summary above: departments by name, tickets without one, then the total.
  const closureRows: CellValue[][] = departments.map((d) => closureRow(d.departmentName, d.closure));
  if (unassigned.length > 0) closureRows.push(closureRow(t('digest-no-department'), closureKpi(unassigned)));
  closureRows.push(closureRow(t('digest-export-total-row'), closureKpi(ordered)));
  const percentColumn = (key: string): Column => ({ header: h(key), width: 14, kind: 'number', numFmt: '0.0' });
  const countColumn = (key: string): Column => ({ header: h(key), width: 12, kind: 'number' });
  addSheet(
    workbook,
    t('digest-export-sheet-closure'),
    [
      { header: h('department'), width: 34 },
      countColumn('answered-count'),
      countColumn('confirmed-count'),
      percentColumn('confirmed-rate'),
      countColumn('rated-count'),
      countColumn('hai-long-count'),
      countColumn('tam-duoc-count'),
      countColumn('chua-hai-long-count'),
      percentColumn('hai-long-rate'),
      percentColumn('tam-duoc-rate'),
      percentColumn('chua-hai-long-rate'),
      { header: h('satisfaction-score'), width: 16, kind: 'number', numFmt: '0.0' },
      countColumn('reopened-tickets'),
      percentColumn('reopen-rate'),
      countColumn('resolved-count'),
      countColumn('auto-closed-count'),
      percentColumn('auto-closed-rate'),
    ],
    closureRows,
    { boldLastRow: true },
  );

  await workbook.commit();
  return bytes;
}

interface SummaryFigures {
  count: number;
  open: number;
  overdue: number;
  answered: number;
  onTime: number;
  onTimeRate: number | null;
  medianAnswerMs: number | null;
}

function totalsOf(tickets: readonly TicketSnapshot[], clock: ReportClock): SummaryFigures {
  const kpis = summarizeKpis(tickets.map((t) => ticketKpi(t, clock)));
  return {
    ...kpis,
    open: tickets.filter(isOpen).length,
    overdue: tickets.filter((t) => ticketDueState(t, clock) === 'overdue').length,
  };
}

function summaryRow(label: string, f: SummaryFigures): CellValue[] {
  return [
    label,
    f.count,
    f.open,
    f.overdue,
    f.answered,
    f.onTime,
    asPercent(f.onTimeRate),
    f.medianAnswerMs === null ? null : Math.round((f.medianAnswerMs / HOUR_MS) * 10) / 10,
  ];
}

/** A share as a percentage with one decimal; no share (nothing to divide by) leaves the cell empty, never 0. */
const asPercent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 1000) / 10);

function closureRow(label: string, k: ClosureKpi): CellValue[] {
  const shares = k.satisfactionShares;
  return [
    label,
    k.answered,
    k.confirmed,
    asPercent(k.confirmedShare),
    k.rated,
    k.satisfaction.hai_long,
    k.satisfaction.tam_duoc,
    k.satisfaction.chua_hai_long,
    asPercent(shares?.hai_long ?? null),
    asPercent(shares?.tam_duoc ?? null),
    asPercent(shares?.chua_hai_long ?? null),
    k.satisfactionScore === null ? null : Math.round(k.satisfactionScore * 10) / 10,
    k.reopened,
    asPercent(k.reopenRate),
    k.resolved,
    k.autoClosed,
    asPercent(k.autoClosedShare),
  ];
}

function addSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: Column[],
  rows: CellValue[][],
  opts: { boldLastRow?: boolean } = {},
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  // Column styles are copied into every new cell, which is much cheaper than styling cell by cell.
  sheet.columns = columns.map((c, i) => ({
    key: `c${i}`,
    width: c.width,
    style: {
      alignment: { vertical: 'top', wrapText: c.kind === 'wrap' },
      ...(c.kind === 'date' ? { numFmt: DATE_FORMAT } : c.numFmt ? { numFmt: c.numFmt } : {}),
    },
  }));
  const header = sheet.getRow(1);
  header.values = columns.map((c) => c.header);
  header.eachCell((cell) => {
    cell.style = {
      font: { bold: true },
      alignment: { vertical: 'middle', wrapText: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } },
      border: { bottom: { style: 'thin', color: { argb: 'FF8C9BB5' } } },
    };
  });
  header.commit();
  rows.forEach((values, i) => {
    const row = sheet.addRow(values.map((v) => (typeof v === 'string' ? cleanText(v) : v)));
    if (opts.boldLastRow && i === rows.length - 1) row.font = { bold: true };
    row.commit();
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: columns.length } };
  sheet.commit();
}

/**
 * Chat text may carry control characters or lone surrogates that XML cannot hold; one of them would
 * make Excel call the whole file corrupt.
 */
function cleanText(text: string): string {
  const short = text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
  return short
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
