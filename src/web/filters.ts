import { z } from 'zod';
import type { Db } from '../db/client.js';
import { parseLocalDate } from '../domain/calendar.js';
import { foldVietnamese } from '../domain/fold.js';
import { AWAITING_DEPARTMENT, PRIORITIES, TICKET_STATUSES, type Priority, type TicketStatus } from '../domain/types.js';
import { Prisma } from '../generated/prisma/client.js';
import { calendarFrom, type Settings } from '../settings.js';

/**
 * The ticket list's filter, as it lives in the URL (so a link can be shared): Vietnamese parameter
 * names, every one optional. A value that does not parse is dropped and named back to the person;
 * it never reaches a query.
 */

export const DUE_FILTERS = ['sap_den_han', 'qua_han'] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];
export const SORTS = ['moi', 'cu', 'han', 'capnhat'] as const;
export type Sort = (typeof SORTS)[number];
/** `mo`: every open state; the others are the workflow's states. */
export const STATUS_FILTERS = ['mo', ...TICKET_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const PAGE_SIZE = 25;

export interface TicketFilter {
  status: StatusFilter | null;
  department: string | null;
  commune: string | null;
  category: string | null;
  priority: Priority | null;
  due: DueFilter | null;
  from: string | null;
  to: string | null;
  q: string | null;
  sort: Sort;
  page: number;
}

export const EMPTY_FILTER: TicketFilter = { status: null, department: null, commune: null, category: null, priority: null, due: null, from: null, to: null, q: null, sort: 'moi', page: 1 };

/** URL parameter of each filter field. */
export const PARAM: Record<Exclude<keyof TicketFilter, never>, string> = {
  status: 'trangthai',
  department: 'so',
  commune: 'xa',
  category: 'linhvuc',
  priority: 'mucdo',
  due: 'han',
  from: 'tu',
  to: 'den',
  q: 'q',
  sort: 'sapxep',
  page: 'trang',
};

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const text = (max: number) => z.preprocess(first, z.string().trim().max(max));
const code = z.preprocess(first, z.string().trim().regex(/^[A-Za-z0-9_]{1,24}$/));

const FIELDS = {
  status: z.preprocess(first, z.enum(STATUS_FILTERS)),
  department: code.transform((s) => s.toUpperCase()),
  commune: code,
  category: code,
  priority: z.preprocess(first, z.enum(PRIORITIES)),
  due: z.preprocess(first, z.enum(DUE_FILTERS)),
  from: text(10).refine((s) => parseLocalDate(s) !== null),
  to: text(10).refine((s) => parseLocalDate(s) !== null),
  q: text(200),
  sort: z.preprocess(first, z.enum(SORTS)),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(100_000)),
} as const;

/** The filter of a query string; `invalid` names the parameters that were dropped. */
export function parseFilter(query: unknown): { filter: TicketFilter; invalid: string[] } {
  const raw = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const filter: TicketFilter = { ...EMPTY_FILTER };
  const invalid: string[] = [];
  for (const key of Object.keys(FIELDS) as (keyof typeof FIELDS)[]) {
    const value = raw[PARAM[key]];
    if (value === undefined || value === '' || (Array.isArray(value) && value.every((x) => x === ''))) continue;
    const parsed = FIELDS[key].safeParse(value);
    if (!parsed.success) {
      invalid.push(PARAM[key]);
      continue;
    }
    if (parsed.data === '') continue;
    (filter as unknown as Record<string, unknown>)[key] = parsed.data;
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    invalid.push(PARAM.to);
    filter.to = null;
  }
  return { filter, invalid };
}

/** The query string of a filter (defaults left out), with `change` applied; page 1 unless given. */
export function filterQuery(filter: TicketFilter, change: Partial<TicketFilter> = {}): string {
  const f: TicketFilter = { ...filter, page: 1, ...change };
  const params = new URLSearchParams();
  for (const key of Object.keys(PARAM) as (keyof TicketFilter)[]) {
    const value = f[key];
    if (value === null || value === undefined || value === '') continue;
    if (key === 'sort' && value === 'moi') continue;
    if (key === 'page' && value === 1) continue;
    params.set(PARAM[key], String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Whether any narrowing field is set (sort and page do not narrow). */
export function isFiltered(f: TicketFilter): boolean {
  return Boolean(f.status || f.department || f.commune || f.category || f.priority || f.due || f.from || f.to || f.q);
}

const OPEN: TicketStatus[] = TICKET_STATUSES.filter((s) => s !== 'resolved' && s !== 'rejected');

/**
 * A text condition that ignores case and diacritics on both sides, in SQL: Unicode decomposition
 * separates the marks, which are then removed, and đ becomes d — the same folding as
 * foldVietnamese, so "rac thai" finds "Rác thải" and "rác" finds "rac".
 */
async function idsMatchingText(db: Db, q: string): Promise<number[]> {
  const folded = foldVietnamese(q);
  if (folded === '') return [];
  const pattern = `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const fold = (column: Prisma.Sql) => Prisma.sql`translate(lower(regexp_replace(normalize(${column}, NFD), '[\u0300-\u036f]', '', 'g')), 'đ', 'd')`;
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT t."id" FROM "Ticket" t JOIN "Commune" c ON c."code" = t."communeCode"
    WHERE ${fold(Prisma.sql`t."text"`)} LIKE ${pattern}
       OR lower(t."code") LIKE ${pattern}
       OR ${fold(Prisma.sql`c."name"`)} LIKE ${pattern}`;
  return rows.map((r) => r.id);
}

/** The database condition of a filter (without the viewer's scope, which the caller adds). */
export async function filterWhere(db: Db, f: TicketFilter, settings: Settings, now: Date): Promise<Prisma.TicketWhereInput> {
  const and: Prisma.TicketWhereInput[] = [];
  if (f.status === 'mo') and.push({ status: { in: OPEN } });
  else if (f.status) and.push({ status: f.status });
  if (f.department) and.push({ departmentCode: f.department });
  if (f.commune) and.push({ communeCode: f.commune });
  if (f.category) and.push({ categoryCode: f.category });
  if (f.priority) and.push({ priority: f.priority });
  if (f.due) {
    // The due states of reminder-policy.ts dueState: overdue from the deadline on, due soon while at
    // most `dueSoonBefore` of working time remains; only while a department owes the answer.
    const awaiting = { status: { in: [...AWAITING_DEPARTMENT] } };
    if (f.due === 'qua_han') and.push({ ...awaiting, dueAt: { lte: now } });
    else and.push({ ...awaiting, dueAt: { gt: now, lte: calendarFrom(settings).addWorking(now, settings.reminders.dueSoonBefore) } });
  }
  const cal = calendarFrom(settings);
  if (f.from) and.push({ createdAt: { gte: cal.atLocal(f.from, '00:00') } });
  if (f.to) and.push({ createdAt: { lt: cal.atLocal(f.to, '24:00') } });
  if (f.q) and.push({ id: { in: await idsMatchingText(db, f.q) } });
  return and.length ? { AND: and } : {};
}

/** The order of a sort choice; ties broken by id so paging is stable. */
export function orderBy(sort: Sort): Prisma.TicketOrderByWithRelationInput[] {
  switch (sort) {
    case 'cu':
      return [{ createdAt: 'asc' }, { id: 'asc' }];
    case 'han':
      return [{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }];
    case 'capnhat':
      return [{ updatedAt: 'desc' }, { id: 'desc' }];
    default:
      return [{ createdAt: 'desc' }, { id: 'desc' }];
  }
}
