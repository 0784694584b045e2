import type { Translate } from '../i18n/index.js';
import {
  DEFAULT_TIME_ZONE,
  DEFAULT_WORKING_DAY_MS,
  HOUR_MS,
  type ReportClock,
  type TicketSnapshot,
} from './report-types.js';
import { departmentKpis, isOpen, summarizeKpis, ticketDueState, ticketKpi } from './kpi.js';
import { AWAITING_DEPARTMENT, type TicketStatus } from './types.js';

/**
 * The leaders' daily digest and the two on-demand lists (`/quahan`, `/baocaotw`).
 * `buildDigest` computes numbers only; the renderers turn them into chat messages already split to
 * the platform's length limit. Digest and overdue list are Telegram HTML (every piece of text that
 * is not markup is escaped, including the locale's own text); the central-level report is plain text
 * meant to be pasted into a written document.
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

  const departments = departmentKpis(tickets, opts)
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

  return { now, since, totals, departments, categories, communes, oldestUnanswered, central };
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

const byCreated = (a: TicketSnapshot, b: TicketSnapshot): number =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;

const collator = new Intl.Collator('vi');
const compareText = (a: string, b: string): number => collator.compare(a, b);

/**
 * Flagged reports, each once: a report merged into a flagged parent is folded into it (its commune
 * is named with the parent), since the central level needs the issue once with everyone who raised it.
 */
function centralItems(tickets: readonly TicketSnapshot[]): { ticket: TicketSnapshot; alsoCommunes: string[] }[] {
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

// ---------------------------------------------------------------------------------------------
// Rendering

export interface RenderOptions {
  /** Longest message the platform takes: 4096 on Telegram, 2000 on Zalo. */
  maxLength: number;
  timeZone?: string;
}

/** Escapes text for Telegram HTML, which only requires `&`, `<` and `>`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The text of a rendered HTML message for a platform without markup (Zalo). It is never longer than
 * the HTML, so the pieces stay within the limit they were split to.
 */
export function htmlToPlainText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
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

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/**
 * Offset of `timeZone` from UTC at `at`, in ms. Asking Intl costs microseconds and exports convert
 * thousands of dates, so the answer is kept per quarter hour: zones change offset only on quarter
 * hours (historical local mean time aside, long before any ticket).
 */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const bucket = Math.floor(at.getTime() / QUARTER_HOUR_MS);
  const key = `${timeZone} ${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    let format = dateFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
      });
      dateFormats.set(timeZone, format);
    }
    const start = bucket * QUARTER_HOUR_MS;
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(start))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    offset = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - start;
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * The wall-clock time in `timeZone` as a Date whose UTC fields carry it. Zone-less consumers
 * (spreadsheet dates) read UTC fields, so this makes them show the province's local time.
 */
export function localWallClock(at: Date, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return new Date(at.getTime() + zoneOffsetMs(at, timeZone));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `dd/mm/yyyy` in the given zone. */
export function formatLocalDate(at: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const local = localWallClock(at, timeZone);
  return `${pad(local.getUTCDate())}/${pad(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`;
}

/** `hh:mm dd/mm/yyyy` in the given zone. */
export function formatLocalDateTime(at: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const local = localWallClock(at, timeZone);
  return `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())} ${formatLocalDate(at, timeZone)}`;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const percent = (rate: number): number => Math.round(rate * 100);

/** Renders the digest as Telegram HTML messages, each at most `maxLength` characters. */
export function renderDigest(digest: Digest, t: Translate, opts: RenderOptions): string[] {
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const { totals } = digest;
  const bold = (text: string): string => `<b>${escapeHtml(text)}</b>`;
  const join = (pieces: string[]): string => pieces.map(escapeHtml).join(' · ');

  const head = [
    bold(t('digest-title', { date: formatLocalDate(digest.now, tz) })),
    escapeHtml(t('digest-period', { since: formatLocalDateTime(digest.since, tz), until: formatLocalDateTime(digest.now, tz) })),
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
          t('digest-received', { date: formatLocalDate(r.createdAt, tz), days: round1(r.ageWorkingDays) }),
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
    escapeHtml(t('overdue-as-of', { time: formatLocalDateTime(now, tz) })),
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
        const due = t('overdue-due', { date: formatLocalDateTime(ticket.dueAt as Date, tz) });
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

  const head = [t('central-title'), opts.now ? t('central-as-of', { count: items.length, date: formatLocalDate(opts.now, tz) }) : t('central-count', { count: items.length })];
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

// ---------------------------------------------------------------------------------------------
// Splitting into messages

export type MessageMarkup = 'html' | 'plain';

/**
 * Packs sections (lists of lines) into messages of at most `maxLength` characters: sections are kept
 * whole when they fit, otherwise split between lines, and a single over-long line is split between
 * words without cutting an HTML tag or entity. Sections are separated by a blank line.
 */
export function packSections(sections: readonly (readonly string[])[], maxLength: number, markup: MessageMarkup): string[] {
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
        const pieces = splitMessage(line, maxLength, markup);
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

/**
 * Splits one message into pieces of at most `maxLength` characters, preferring line breaks, then
 * spaces. In HTML, tags and entities are never cut, and tags open at a cut are closed at the end of
 * one piece and reopened at the start of the next so each piece is valid on its own.
 */
export function splitMessage(text: string, maxLength: number, markup: MessageMarkup): string[] {
  if (text.length <= maxLength) return [text];
  const tokens = tokenize(text, markup);
  const pieces: string[] = [];
  let open: { name: string; tag: string }[] = [];
  let i = 0;
  while (i < tokens.length) {
    const prefix = open.map((o) => o.tag).join('');
    let body = prefix;
    let stack = open;
    let best: { next: number; body: string; stack: typeof open; newline: boolean } | null = null;
    let j = i;
    for (; j < tokens.length; j++) {
      const token = tokens[j] as string;
      const next = markup === 'html' ? applyTag(stack, token) : stack;
      if (body.length + token.length + closers(next).length > maxLength) break;
      body += token;
      stack = next;
      if (token === '\n' || token === ' ') {
        // A break at a newline wins over any later space.
        const newline = token === '\n';
        if (!best || newline || !best.newline) best = { next: j + 1, body, stack, newline };
      }
    }
    if (j === tokens.length) {
      pieces.push(body + closers(stack));
      break;
    }
    if (j === i) {
      // Not even one token fits after the reopened tags: emit it alone rather than loop forever.
      pieces.push((tokens[i] as string).slice(0, maxLength));
      i += 1;
      continue;
    }
    const cut = best && best.body.length > prefix.length + maxLength / 3 ? best : { next: j, body, stack, newline: false };
    pieces.push(dropEmptyTags(cut.body.trimEnd() + closers(cut.stack)));
    open = cut.stack;
    i = cut.next;
    // A piece never starts with the separator it was cut at.
    while (i < tokens.length && (tokens[i] === ' ' || tokens[i] === '\n')) i += 1;
  }
  return pieces.filter((p) => p.length > 0);
}

function tokenize(text: string, markup: MessageMarkup): string[] {
  // Tags and entities are atomic; everything else is one code point, so surrogate pairs stay whole.
  const pattern = markup === 'html' ? /<[^>]*>|&#?[A-Za-z0-9]+;|[\s\S]/gu : /[\s\S]/gu;
  return text.match(pattern) ?? [];
}

function applyTag(stack: { name: string; tag: string }[], token: string): { name: string; tag: string }[] {
  const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)/.exec(token);
  if (!m || token.endsWith('/>')) return stack;
  const name = (m[2] as string).toLowerCase();
  if (m[1]) {
    const at = stack.map((s) => s.name).lastIndexOf(name);
    return at < 0 ? stack : stack.slice(0, at);
  }
  return [...stack, { name, tag: token }];
}

const closers = (stack: { name: string }[]): string => stack.map((s) => `</${s.name}>`).reverse().join('');
const dropEmptyTags = (html: string): string => html.replace(/<([A-Za-z][A-Za-z0-9-]*)(?:\s[^>]*)?><\/\1>/g, '');
