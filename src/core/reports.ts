import type { Tx } from '../db/client.js';
import { parseClockTime } from '../domain/calendar.js';
import { buildDigest, departmentChartRows } from '../domain/digest.js';
import { formatDate } from './presentation/dates.js';
import { renderDigest } from './presentation/digest.js';
import type { ReportClock, TicketSnapshot } from '../domain/report-types.js';
import { dueState } from '../domain/reminder-policy.js';
import type { Translate } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { ChatAddress } from './port.js';
// The chart renderer (vega, resvg: tens of megabytes) loads with the first digest, not at boot.
import type { DepartmentChartRow } from '../reports/chart.js';
import { calendarFrom, type Settings } from '../settings.js';
import type { OutboxMeta, OutboxWriter } from './outbox-writer.js';

/**
 * What the leaders' reports share between the chat commands and the daily digest job: the
 * working-time clock the settings describe, and the digest as messages (text, then chart).
 */

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** DigestRun kind of the scheduled digest; (chat, local date, kind) is unique. */
export const DAILY_DIGEST = 'daily';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Start of the period a digest for this chat covers: the previous daily digest it got, or the
 * last 24 hours when it never got one. After a weekend or holiday the period spans the days off.
 */
export async function digestSince(tx: Tx, chatId: string, now: Date): Promise<Date> {
  const previous = await tx.digestRun.findFirst({
    where: { chatId, kind: DAILY_DIGEST, createdAt: { lt: now } },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  return previous?.createdAt ?? new Date(now.getTime() - DAY_MS);
}

/** Working milliseconds in one full working day of the settings' working hours. */
export function workingDayMs(settings: Pick<Settings, 'workingHours'>): number {
  let minutes = 0;
  for (const [start, end] of settings.workingHours) minutes += (parseClockTime(end, true) ?? 0) - (parseClockTime(start) ?? 0);
  return minutes * 60_000;
}

/** The reports' view of time at `now`: the settings' working calendar and "due soon" window. */
export function reportClock(settings: Settings, now: Date): ReportClock {
  const cal = calendarFrom(settings);
  return { now, clock: cal, dueState: (due, at) => dueState(due, at, settings, cal) };
}

/** The export's file name, dated by the local day: `thao-go-2026-11-27.xlsx`. */
export function exportFileName(settings: Settings, now: Date): string {
  return `thao-go-${calendarFrom(settings).localDate(now)}.xlsx`;
}

export type ChartRenderer = (rows: readonly DepartmentChartRow[], opts: { t: Translate }) => Promise<Buffer>;

export interface DigestContent {
  /** HTML messages, each within the platform's limit, in order. */
  texts: string[];
  /** The chart PNG, or null when it could not be drawn (the text goes without it). */
  chart: Buffer | null;
  caption: string;
}

export interface ComposeDigestOptions {
  settings: Settings;
  now: Date;
  since: Date;
  t: Translate;
  /** Longest message of the channel it goes to. */
  maxLength: number;
  logger: Logger;
  renderChart?: ChartRenderer;
}

/** The digest for one chat: numbers rendered as text, and the chart with the same numbers. */
export async function composeDigest(tickets: readonly TicketSnapshot[], opts: ComposeDigestOptions): Promise<DigestContent> {
  const { settings, t } = opts;
  const digest = buildDigest(tickets, { ...reportClock(settings, opts.now), since: opts.since, workingDayMs: workingDayMs(settings) });
  const texts = renderDigest(digest, t, { maxLength: opts.maxLength, timeZone: settings.timezone });
  const render = opts.renderChart ?? (async (rows, o) => (await import('../reports/chart.js')).renderDepartmentChart(rows, o));
  let chart: Buffer | null = null;
  try {
    chart = await render(departmentChartRows(digest), { t });
  } catch (err) {
    // The numbers matter more than the picture: a chart that fails to draw never holds the text back.
    opts.logger.warn({ err: (err as Error).message }, 'digest chart could not be rendered; sending the text alone');
  }
  return { texts, chart, caption: t('leaders-chart-caption', { date: formatDate(opts.now, settings.timezone) }) };
}

/**
 * Writes the digest as outbox rows: every text part as its own message first, the chart last, so
 * a photo upload that fails (or is refused) can never keep the numbers from arriving.
 */
export async function writeDigest(out: OutboxWriter, chat: ChatAddress, content: DigestContent, meta: OutboxMeta & { replyToMessageId?: string | null } = {}): Promise<void> {
  const { replyToMessageId, ...rowMeta } = meta;
  for (const [i, html] of content.texts.entries()) {
    await out.send(chat, { html, replyToMessageId: i === 0 ? (replyToMessageId ?? null) : null }, rowMeta);
  }
  if (content.chart) {
    await out.sendFile(
      chat,
      { kind: 'photo', fileName: 'tong-hop.png', mimeType: 'image/png', data: content.chart, caption: content.caption },
      { ...rowMeta, purpose: `${rowMeta.purpose ?? 'digest'}-chart` },
    );
  }
}
