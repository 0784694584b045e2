import type { Tx } from '../db/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { TicketEventSnapshot, TicketSnapshot } from '../domain/report-types.js';
import type { Locale } from '../i18n/index.js';

/** Event kinds that carry a department's written answer; the latest one is the answer on record. */
const ANSWER_EVENTS = new Set(['answered', 'answer_supplemented']);

/**
 * Tickets are read in pages of this many so every query stays bounded (the events query is a
 * range on the (ticketId, createdAt) index) however large the province's history grows.
 */
const PAGE = 1_000;

const ticketFields = {
  id: true,
  code: true,
  communeCode: true,
  commune: { select: { name: true } },
  categoryCode: true,
  category: { select: { label: true, labelEn: true } },
  departmentCode: true,
  department: { select: { name: true } },
  priority: true,
  status: true,
  flaggedCentral: true,
  text: true,
  createdAt: true,
  claimedAt: true,
  assignedAt: true,
  firstAnsweredAt: true,
  answeredAt: true,
  resolvedAt: true,
  confirmedAt: true,
  satisfaction: true,
  autoClosedAt: true,
  dueAt: true,
  parent: { select: { code: true } },
} satisfies Prisma.TicketSelect;

const eventFields = {
  ticketId: true,
  kind: true,
  createdAt: true,
  text: true,
  fromStatus: true,
  toStatus: true,
  actorLabel: true,
  actor: { select: { displayName: true } },
} satisfies Prisma.TicketEventSelect;

export interface SnapshotOptions {
  /** Language of the category labels (the catalog has Vietnamese and English ones). */
  locale?: Locale;
}

/**
 * Every ticket as the reports see it (report-types.ts), in id order, with its whole timeline.
 * Reads page by page: one query for a page of tickets with their names, one for the events of
 * that id range, so the number of queries grows with tickets / PAGE, not with tickets.
 */
export async function loadTicketSnapshots(db: Tx, opts: SnapshotOptions = {}): Promise<TicketSnapshot[]> {
  const english = opts.locale === 'en';
  const snapshots: TicketSnapshot[] = [];
  let after = 0;
  for (;;) {
    const tickets = await db.ticket.findMany({ where: { id: { gt: after } }, select: ticketFields, orderBy: { id: 'asc' }, take: PAGE });
    if (tickets.length === 0) break;
    const first = tickets[0]!.id;
    const last = tickets[tickets.length - 1]!.id;
    const events = await db.ticketEvent.findMany({
      where: { ticketId: { gte: first, lte: last } },
      select: eventFields,
      orderBy: [{ ticketId: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    });
    const byTicket = new Map<number, TicketEventSnapshot[]>();
    const answers = new Map<number, string | null>();
    for (const e of events) {
      let list = byTicket.get(e.ticketId);
      if (!list) byTicket.set(e.ticketId, (list = []));
      list.push({
        at: e.createdAt,
        kind: e.kind,
        // The label recorded with the event is what the person was called then; the audit trail keeps it.
        actor: e.actorLabel ?? e.actor?.displayName ?? null,
        text: e.text,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
      });
      // Events come in time order, so the last answer seen is the latest.
      if (ANSWER_EVENTS.has(e.kind)) answers.set(e.ticketId, e.text);
    }
    for (const t of tickets) {
      snapshots.push({
        id: t.id,
        code: t.code,
        communeCode: t.communeCode,
        communeName: t.commune.name,
        categoryCode: t.categoryCode,
        categoryLabel: t.category ? (english ? t.category.labelEn : t.category.label) : null,
        departmentCode: t.departmentCode,
        departmentName: t.department?.name ?? null,
        priority: t.priority,
        status: t.status,
        flaggedCentral: t.flaggedCentral,
        text: t.text,
        createdAt: t.createdAt,
        claimedAt: t.claimedAt,
        assignedAt: t.assignedAt,
        firstAnsweredAt: t.firstAnsweredAt,
        answeredAt: t.answeredAt,
        resolvedAt: t.resolvedAt,
        confirmedAt: t.confirmedAt,
        satisfaction: t.satisfaction,
        autoClosedAt: t.autoClosedAt,
        dueAt: t.dueAt,
        answerText: answers.get(t.id) ?? null,
        parentCode: t.parent?.code ?? null,
        events: byTicket.get(t.id) ?? [],
      });
    }
    if (tickets.length < PAGE) break;
    after = last;
  }
  return snapshots;
}
