import type { Translate } from '../../i18n/index.js';
import {
  byCreated,
  centralItems,
  compareText,
  type Digest,
  type DigestClosure,
  type DigestTicketRef,
} from '../../domain/digest.js';
import { ticketDueState } from '../../domain/kpi.js';
import { DEFAULT_TIME_ZONE, DEFAULT_WORKING_DAY_MS, HOUR_MS, type ReportClock, type TicketSnapshot } from '../../domain/report-types.js';
import { AWAITING_DEPARTMENT } from '../../domain/types.js';
import { formatDate, formatDateTime } from './dates.js';
import { escapeHtml, type TextFormat } from './markup.js';
import { splitText } from './split.js';

/**
 * The leaders' reports as messages: the digest and the overdue list in markup (every piece of text
 * that is not markup is escaped, the locale's own included), the central-level report as plain text
 * meant to be pasted into a written document. Each is packed into messages within the channel's limit.
 */

const DIGEST_CENTRAL_LINES = 10;
const DIGEST_SUMMARY_CHARS = 70;
const CENTRAL_SUMMARY_CHARS = 300;

export interface RenderOptions {
  /** Longest message of the channel it goes to (its capabilities say). */
  maxLength: number;
  timeZone?: string;
}

/** One line of at most `max` characters from free text: whitespace collapsed, cut at a word with "…". */
export function summarizeText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  let head = flat.slice(0, max - 1);
  // Never leave half a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  const space = head.lastIndexOf(' ');
  if (space > max * 0.6) head = head.slice(0, space);
  return `${head.replace(/[\s,.;:–-]+$/, '')}…`;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const percent = (rate: number): number => Math.round(rate * 100);

/** Renders the digest as messages in the core's HTML markup, each at most `maxLength` characters. */
export function renderDigest(digest: Digest, t: Translate, opts: RenderOptions): string[] {
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const { totals } = digest;
  const bold = (text: string): string => `<b>${escapeHtml(text)}</b>`;
  const join = (pieces: string[]): string => pieces.map(escapeHtml).join(' · ');

  const head = [
    bold(t('digest-title', { date: formatDate(digest.now, tz) })),
    escapeHtml(t('digest-period', { since: formatDateTime(digest.since, tz), until: formatDateTime(digest.now, tz) })),
    join([
      t('digest-new', { count: totals.newSince }),
      t('digest-answered', { count: totals.answeredSince }),
      t('digest-resolved', { count: totals.resolvedSince }),
    ]),
    join([
      t('digest-open', { count: totals.open }),
      t('digest-due-soon', { count: totals.dueSoon }),
      t('digest-overdue', { count: totals.overdue }),
    ]),
    join([
      totals.onTimeRate === null ? t('digest-on-time-rate-none') : t('digest-on-time-rate', { pct: percent(totals.onTimeRate) }),
      totals.medianAnswerHours === null
        ? t('digest-median-answer-none')
        : t('digest-median-answer', { hours: round1(totals.medianAnswerHours) }),
    ]),
  ];
  if (totals.total === 0) head.push(escapeHtml(t('digest-empty')));
  const sections: string[][] = [head];

  if (digest.departments.length > 0) {
    sections.push([
      bold(t('digest-departments')),
      ...digest.departments.map((d, i) => {
        const pieces = [t('digest-dept-overdue', { count: d.overdue }), t('digest-dept-open', { count: d.open })];
        if (d.onTimeRate !== null) pieces.push(t('digest-dept-on-time', { pct: percent(d.onTimeRate) }));
        if (d.medianAnswerHours !== null) pieces.push(t('digest-dept-median', { hours: round1(d.medianAnswerHours) }));
        return `${i + 1}. ${bold(d.name)}: ${join(pieces)}`;
      }),
    ]);
  }

  sections.push(renderClosureSection(digest.closure, t));

  if (digest.categories.length > 0) {
    sections.push([
      bold(t('digest-categories')),
      ...digest.categories.map(
        (c) =>
          `• ${escapeHtml(c.label ?? t('digest-uncategorized'))}: ${escapeHtml(t('digest-category-counts', { total: c.total, open: c.open, overdue: c.overdue }))}`,
      ),
    ]);
  }

  if (digest.communes.length > 0) {
    sections.push([
      bold(t('digest-communes')),
      ...digest.communes.map(
        (c, i) => `${i + 1}. ${escapeHtml(c.name)}: ${escapeHtml(t('digest-commune-counts', { open: c.open, overdue: c.overdue }))}`,
      ),
    ]);
  }

  if (digest.oldestUnanswered.length > 0) {
    sections.push([
      bold(t('digest-oldest', { count: digest.oldestUnanswered.length })),
      ...digest.oldestUnanswered.map((r) => {
        const pieces = [
          r.communeName,
          t('digest-received', { date: formatDate(r.createdAt, tz), days: round1(r.ageWorkingDays) }),
          holderOf(r, t),
        ];
        return `• ${bold(r.code)} · ${join(pieces)} — ${escapeHtml(summarizeText(r.text, DIGEST_SUMMARY_CHARS))}`;
      }),
    ]);
  }

  if (digest.central.length > 0) {
    const shown = digest.central.slice(0, DIGEST_CENTRAL_LINES);
    const lines = [
      bold(t('digest-central', { count: digest.central.length })),
      ...shown.map(
        (r) =>
          `• ${bold(r.code)} · ${join([communesOf(r), t('status-' + r.status)])} — ${escapeHtml(summarizeText(r.text, DIGEST_SUMMARY_CHARS))}`,
      ),
    ];
    if (digest.central.length > shown.length) lines.push(escapeHtml(t('digest-central-more', { count: digest.central.length - shown.length })));
    sections.push(lines);
  }

  return packSections(sections, opts.maxLength, 'html');
}

// ---------------------------------------------------------------------------------------------
// Rendering: "Mức độ hài lòng của xã" (closing the loop)

/** What a share or score without data shows: never 0 %, which would read as a real result. */
export const NO_FIGURE = '—';

const percentOrDash = (rate: number | null): string => (rate === null ? NO_FIGURE : `${percent(rate)}%`);
const scoreOrDash = (score: number | null): string => (score === null ? NO_FIGURE : String(Math.round(score)));

/**
 * The digest section on what became of the answers: the province's confirmed share, satisfaction
 * (share of each answer and the 0–100 score), reopen rate and auto-closed share, then one line per
 * department that has answered something, worst score first. HTML lines; no lines at all
 * when nothing has been answered yet, since every figure would be "—".
 */
export function renderClosureSection(closure: DigestClosure, t: Translate): string[] {
  const { overall } = closure;
  if (overall.answered === 0) return [];
  const bold = (text: string): string => `<b>${escapeHtml(text)}</b>`;
  const shares = overall.satisfactionShares;
  return [
    bold(t('digest-closure')),
    escapeHtml(
      t('digest-closure-confirmed', { confirmed: overall.confirmed, answered: overall.answered, pct: percentOrDash(overall.confirmedShare) }),
    ),
    escapeHtml(
      shares === null
        ? t('digest-closure-no-rating')
        : t('digest-closure-satisfaction', {
            haiLong: percentOrDash(shares.hai_long),
            tamDuoc: percentOrDash(shares.tam_duoc),
            chuaHaiLong: percentOrDash(shares.chua_hai_long),
            score: scoreOrDash(overall.satisfactionScore),
            rated: overall.rated,
          }),
    ),
    escapeHtml(t('digest-closure-rates', { reopen: percentOrDash(overall.reopenRate), autoClosed: percentOrDash(overall.autoClosedShare) })),
    ...closure.departments.map(
      (d, i) =>
        `${i + 1}. ${bold(d.name)}: ${escapeHtml(
          t('digest-closure-dept', {
            confirmed: percentOrDash(d.confirmedShare),
            score: scoreOrDash(d.satisfactionScore),
            reopen: percentOrDash(d.reopenRate),
            autoClosed: percentOrDash(d.autoClosedShare),
          }),
        )}`,
    ),
  ];
}

/** Who has the ticket now: the department while it owes an answer, otherwise the state it waits in. */
const holderOf = (r: DigestTicketRef, t: Translate): string =>
  AWAITING_DEPARTMENT.includes(r.status) && r.departmentName ? r.departmentName : t('status-' + r.status);

const communesOf = (r: DigestTicketRef): string => [r.communeName, ...r.alsoCommunes].join(', ');

export interface OverdueListOptions extends ReportClock, RenderOptions {
  t: Translate;
  workingDayMs?: number;
}

/** The `/quahan` answer: overdue tickets grouped by department, with commune and working time overdue. */
export function renderOverdueList(tickets: readonly TicketSnapshot[], opts: OverdueListOptions): string[] {
  const { t, now, clock } = opts;
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const dayMs = opts.workingDayMs ?? DEFAULT_WORKING_DAY_MS;

  const groups = new Map<string, { name: string; items: { ticket: TicketSnapshot; overdueMs: number }[] }>();
  for (const ticket of tickets) {
    if (ticketDueState(ticket, opts) !== 'overdue' || !ticket.dueAt) continue;
    const key = ticket.departmentCode ?? '';
    let group = groups.get(key);
    if (!group) {
      group = { name: ticket.departmentName ?? ticket.departmentCode ?? t('digest-no-department'), items: [] };
      groups.set(key, group);
    }
    group.items.push({ ticket, overdueMs: clock.workingMsBetween(ticket.dueAt, now) });
  }
  const ordered = [...groups.values()];
  for (const g of ordered) g.items.sort((a, b) => b.overdueMs - a.overdueMs || byCreated(a.ticket, b.ticket));
  ordered.sort(
    (a, b) => b.items.length - a.items.length || (b.items[0]?.overdueMs ?? 0) - (a.items[0]?.overdueMs ?? 0) || compareText(a.name, b.name),
  );
  const count = ordered.reduce((n, g) => n + g.items.length, 0);

  const head = [
    `<b>${escapeHtml(t('overdue-title', { count }))}</b>`,
    escapeHtml(t('overdue-as-of', { time: formatDateTime(now, tz) })),
  ];
  if (count === 0) head.push(escapeHtml(t('overdue-none')));
  const sections: string[][] = [head];
  for (const group of ordered) {
    sections.push([
      `<b>${escapeHtml(group.name)}</b> (${group.items.length})`,
      ...group.items.map(({ ticket, overdueMs }) => {
        const days = overdueMs / dayMs;
        const by =
          days >= 1
            ? t('overdue-by-days', { days: round1(days) })
            : t('overdue-by-hours', { hours: Math.max(0.1, round1(overdueMs / HOUR_MS)) });
        const due = t('overdue-due', { date: formatDateTime(ticket.dueAt as Date, tz) });
        return `• <b>${escapeHtml(ticket.code)}</b> · ${[ticket.communeName, by, due].map(escapeHtml).join(' · ')}`;
      }),
    ]);
  }
  return packSections(sections, opts.maxLength, 'html');
}

export interface CentralReportOptions {
  maxLength: number;
  /** When given, the report says which date it is as of. */
  now?: Date;
  timeZone?: string;
}

/**
 * The `/baocaotw` answer: open and closed reports flagged for the central level, grouped by
 * category, numbered like a written report. Plain text: send it without a parse mode.
 */
export function renderCentralReport(tickets: readonly TicketSnapshot[], t: Translate, opts: CentralReportOptions): string[] {
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const items = centralItems(tickets);
  const groups = new Map<string | null, { label: string; items: typeof items }>();
  for (const item of items) {
    const key = item.ticket.categoryCode;
    let group = groups.get(key);
    if (!group) {
      group = { label: item.ticket.categoryLabel ?? t('digest-uncategorized'), items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  const ordered = [...groups.values()].sort((a, b) => b.items.length - a.items.length || compareText(a.label, b.label));

  const head = [t('central-title'), opts.now ? t('central-as-of', { count: items.length, date: formatDate(opts.now, tz) }) : t('central-count', { count: items.length })];
  if (items.length === 0) head.push(t('central-none'));
  const sections: string[][] = [head];
  ordered.forEach((group, gi) => {
    const lines = [`${roman(gi + 1)}. ${group.label} (${group.items.length})`];
    group.items.forEach(({ ticket, alsoCommunes }, i) => {
      lines.push(
        `${i + 1}. ${ticket.code} – ${[ticket.communeName, ...alsoCommunes].join(', ')} – ${t('status-' + ticket.status)}`,
        `   ${t('central-content', { text: summarizeText(ticket.text, CENTRAL_SUMMARY_CHARS) })}`,
      );
    });
    sections.push(lines);
  });
  return packSections(sections, opts.maxLength, 'plain');
}

function roman(n: number): string {
  const table: [number, string][] = [
    [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
    [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
  ];
  let out = '';
  for (const [value, symbol] of table) {
    while (n >= value) {
      out += symbol;
      n -= value;
    }
  }
  return out;
}

/**
 * Packs sections (lists of lines) into messages of at most `maxLength` characters: sections are kept
 * whole when they fit, otherwise split between lines, and a single over-long line is split between
 * words without cutting an HTML tag or entity. Sections are separated by a blank line.
 */
export function packSections(sections: readonly (readonly string[])[], maxLength: number, markup: TextFormat): string[] {
  const chunks: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current) chunks.push(current);
    current = '';
  };
  const addLine = (line: string, separator: string): void => {
    if (!current) {
      if (line.length <= maxLength) current = line;
      else {
        const pieces = splitText(line, maxLength, markup);
        chunks.push(...pieces.slice(0, -1));
        current = pieces.at(-1) ?? '';
      }
    } else if (current.length + separator.length + line.length <= maxLength) current += separator + line;
    else {
      flush();
      addLine(line, separator);
    }
  };
  for (const section of sections) {
    if (section.length === 0) continue;
    const text = section.join('\n');
    if (current && current.length + 2 + text.length <= maxLength) current += `\n\n${text}`;
    else {
      // A section that fits a message on its own starts a new one rather than being torn in two.
      if (text.length <= maxLength) {
        flush();
        current = text;
      } else {
        section.forEach((line, i) => addLine(line, i === 0 ? '\n\n' : '\n'));
      }
    }
  }
  flush();
  return chunks;
}
