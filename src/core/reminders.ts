import type { Db, Tx } from '../db/client.js';
import { nextAutoCloseStep, reopenWindowEnd } from '../domain/auto-close.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Duration } from '../domain/duration.js';
import { dueState, nextReminder, type EscalationTarget, type PlannedReminder } from '../domain/reminder-policy.js';
import { decide, workflowView, type Actor } from '../domain/ticket-workflow.js';
import type { Chat, Prisma } from '../generated/prisma/client.js';
import { createTranslator, type Translate } from '../i18n/index.js';
import { calendarFrom, type Settings } from '../settings.js';
import { formatDateTime } from './presentation/dates.js';
import { escapeHtml, nameText, userText } from './presentation/markup.js';
import type { ChannelDirectory } from './port.js';
import { OutboxWriter } from './outbox-writer.js';
import { workingDayMs } from './reports.js';
import { communeAnswerButtons } from './cards.js';
import { addressOf } from './scope.js';
import { chatsWithRole, departmentChats, refreshCards, supportLeadMentions } from './tickets.js';

type ReminderTicket = Pick<
  Prisma.TicketGetPayload<object>,
  | 'status'
  | 'createdAt'
  | 'claimedAt'
  | 'assignedAt'
  | 'priority'
  | 'dueAt'
  | 'lastDepartmentReminderAt'
  | 'lastNudgeAt'
  | 'snoozedUntil'
  | 'escalationStep'
  | 'answeredAt'
  | 'autoCloseRemindedAt'
> & { returnedAt?: Date | null };

const SYSTEM: Actor = { kind: 'system', personId: null };

/**
 * A working-time duration as people read it: "5 ngày làm việc" when it is whole days, otherwise
 * in working hours ("1d 2h" with 7.5-hour days is "9,5 giờ làm việc").
 */
export function workingDurationText(t: Translate, d: Duration, settings: Pick<Settings, 'workingHours'>): string {
  if (d.minutes === 0) return t('closure-working-days', { n: d.days });
  const hours = (d.days * workingDayMs(settings)) / 3_600_000 + d.minutes / 60;
  return t('closure-working-hours', { n: hours });
}

/** The ticket's next reminder event under the settings, or null. */
export function planReminder(t: ReminderTicket, settings: Settings, cal: WorkingCalendar = calendarFrom(settings)): PlannedReminder | null {
  return nextReminder({ ...t, returnedAt: t.returnedAt ?? null }, settings, cal);
}

/**
 * When each of these tickets was last handed back by a department: the latest `returned` event.
 * The ticket row keeps no such column; the audit trail is the record.
 */
async function returnedTimes(tx: Tx, ticketIds: number[]): Promise<Map<number, Date>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await tx.ticketEvent.groupBy({ by: ['ticketId'], where: { ticketId: { in: ticketIds }, kind: 'returned' }, _max: { createdAt: true } });
  return new Map(rows.flatMap((r) => (r._max.createdAt ? [[r.ticketId, r._max.createdAt] as const] : [])));
}

/**
 * Stores when the ticket next needs a reminder. The database, not Redis, is the record: the tick
 * job and the periodic sweep both read `nextReminderAt`, so a lost queue loses no reminder.
 */
export async function rescheduleReminder(tx: Tx, ticketId: number, settings: Settings): Promise<Date | null> {
  const row = await tx.ticket.findUniqueOrThrow({ where: { id: ticketId } });
  const t = row.status === 'returned' ? { ...row, returnedAt: (await returnedTimes(tx, [ticketId])).get(ticketId) ?? null } : row;
  const at = planReminder(t, settings)?.at ?? null;
  if ((at?.getTime() ?? null) !== (t.nextReminderAt?.getTime() ?? null)) {
    await tx.ticket.update({ where: { id: ticketId }, data: { nextReminderAt: at } });
  }
  return at;
}

/** Beyond this many tickets a reminder lists each on a shorter line (still every one of them). */
const LIST_IN_FULL = 30;

/** What a round records of each ticket it looked at. */
interface StoredPlan {
  id: number;
  lastNudgeAt: Date | null;
  lastDepartmentReminderAt: Date | null;
  escalationStep: number;
  autoCloseRemindedAt: Date | null;
  nextReminderAt: Date | null;
}

/** Writes a round's plans in one statement (a round may hold hundreds of tickets). */
async function storePlans(tx: Tx, plans: readonly StoredPlan[]): Promise<void> {
  if (plans.length === 0) return;
  const at = (d: Date | null) => (d ? d.toISOString() : null);
  await tx.$executeRaw`
    UPDATE "Ticket" AS t SET
      "lastNudgeAt" = (v.nudge::timestamptz AT TIME ZONE 'UTC'),
      "lastDepartmentReminderAt" = (v.dept::timestamptz AT TIME ZONE 'UTC'),
      "escalationStep" = v.step,
      "autoCloseRemindedAt" = (v.closing::timestamptz AT TIME ZONE 'UTC'),
      "nextReminderAt" = (v.next::timestamptz AT TIME ZONE 'UTC')
    FROM unnest(${plans.map((p) => p.id)}::int[], ${plans.map((p) => at(p.lastNudgeAt))}::text[], ${plans.map((p) => at(p.lastDepartmentReminderAt))}::text[],
                ${plans.map((p) => p.escalationStep)}::int[], ${plans.map((p) => at(p.autoCloseRemindedAt))}::text[], ${plans.map((p) => at(p.nextReminderAt))}::text[])
         AS v(id, nudge, dept, step, closing, next)
    WHERE t."id" = v.id`;
}

interface Due {
  id: number;
  code: string;
  communeName: string;
  departmentCode: string | null;
  departmentName: string | null;
  headMention: string | null;
  createdAt: Date;
  assignedAt: Date | null;
  dueAt: Date | null;
}

export interface TickResult {
  outbox: bigint[];
  /**
   * nudges: support-team lists of tickets nobody holds; claimantNudges / leadNudges: tickets whose
   * claimant / whose support lead was named; departmentRounds: department messages; escalations: steps done;
   * communeReminders: answered tickets whose commune was reminded they will close; autoClosed: tickets closed.
   */
  sent: { nudges: number; claimantNudges: number; leadNudges: number; departmentRounds: number; escalations: number; communeReminders: number; autoClosed: number };
  nextAt: Date | null;
}

/** How a reminder names a person: @username when there is one (the platform then notifies them), else the name. */
function mention(p: { username: string | null; displayName: string } | null): string {
  if (!p) return '?';
  return p.username ? `@${escapeHtml(p.username)}` : nameText(p.displayName);
}

/** Working time between two instants, in the largest unit that reads well ("1,5 ngày", "3 giờ"). */
function workingAge(t: Translate, cal: WorkingCalendar, dayMs: number, from: Date, to: Date): string {
  const ms = cal.workingMsBetween(from, to);
  const fmt = (n: number) => n.toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  if (dayMs > 0 && ms >= dayMs) return t('age-days', { n: fmt(ms / dayMs) });
  if (ms >= 3_600_000) return t('age-hours', { n: fmt(ms / 3_600_000) });
  return t('age-minutes', { n: Math.round(ms / 60_000) });
}

/**
 * One reminder round at `now`: every ticket whose reminder is due is locked (SKIP LOCKED, so a
 * second worker running the same round finds nothing), and each group gets ONE message listing
 * its waiting tickets. Escalation steps run in order, once each, and go to the audit trail.
 * The support group's message has a section per kind: tickets nobody holds (new, returned),
 * claimed tickets not yet routed (naming the claimant), and what the support lead is told.
 * Answered tickets nobody confirmed: the commune is reminded once, then the ticket closes as
 * resolved (the domain's `auto_close`); each commune chat gets ONE message for all of its tickets.
 */
export async function runReminderRound(db: Db, settings: Settings, now: Date, opts: { channels: ChannelDirectory; batch?: number }): Promise<TickResult> {
  const cal = calendarFrom(settings);
  const t: Translate = createTranslator('vi');
  const tz = settings.timezone;
  const dayMs = workingDayMs(settings);
  const sent = { nudges: 0, claimantNudges: 0, leadNudges: 0, departmentRounds: 0, escalations: 0, communeReminders: 0, autoClosed: 0 };
  const outbox = await db.$transaction(
    async (tx) => {
      // Rounds are serialized across workers: a second worker waits, then finds nothing due.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(727001)`;
      // An answered ticket without a plan was answered before answered tickets had one: it is planned here.
      const locked = await tx.$queryRaw<{ id: number }[]>`
        SELECT "id" FROM "Ticket"
        WHERE ("nextReminderAt" IS NOT NULL AND "nextReminderAt" <= ${now}) OR ("status" = 'answered' AND "nextReminderAt" IS NULL)
        ORDER BY "nextReminderAt" ASC NULLS FIRST LIMIT ${opts.batch ?? 500} FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return [];
      const tickets = await tx.ticket.findMany({
        where: { id: { in: locked.map((r) => r.id) } },
        include: { commune: true, department: true, claimedBy: true, children: { select: { communeCode: true, sourceChatId: true } } },
        orderBy: { id: 'asc' },
      });
      const returnedAt = await returnedTimes(tx, tickets.filter((x) => x.status === 'returned').map((x) => x.id));
      const nudges = new Set<number>();
      const claimantNudges = new Set<number>();
      const leadNudges = new Set<number>();
      const deptRounds = new Set<string>();
      const deptDue = new Set<number>();
      const escalations: { ticketId: number; notify: EscalationTarget; step: number }[] = [];
      const communeReminders: Closing[] = [];
      const autoClosed: Closing[] = [];

      const planned: StoredPlan[] = [];
      for (const ticket of tickets) {
        let state = { ...ticket, returnedAt: returnedAt.get(ticket.id) ?? null };
        let closeNow = false;
        // A ticket may owe several events at once (an escalation and a reminder): take them in order.
        for (let i = 0; i < 6; i++) {
          const plan = planReminder(state, settings, cal);
          if (!plan || plan.at.getTime() > now.getTime()) break;
          if (plan.kind === 'remind_commune') {
            communeReminders.push(ticket);
            state = { ...state, autoCloseRemindedAt: now };
            continue;
          }
          if (plan.kind === 'auto_close') {
            closeNow = true;
            break;
          }
          if (plan.kind === 'nudge_support') {
            nudges.add(ticket.id);
            state = { ...state, lastNudgeAt: now };
          } else if (plan.kind === 'nudge_claimant') {
            claimantNudges.add(ticket.id);
            state = { ...state, lastNudgeAt: now };
          } else if (plan.kind === 'nudge_support_lead') {
            leadNudges.add(ticket.id);
            state = { ...state, lastNudgeAt: now };
          } else if (plan.kind === 'remind_department') {
            if (ticket.departmentCode) deptRounds.add(ticket.departmentCode);
            deptDue.add(ticket.id);
            state = { ...state, lastDepartmentReminderAt: now };
          } else {
            escalations.push({ ticketId: ticket.id, notify: plan.notify!, step: plan.escalationStep! });
            state = { ...state, escalationStep: plan.escalationStep! + 1 };
          }
        }
        if (closeNow && (await autoClose(tx, ticket, settings, cal, now))) {
          autoClosed.push(ticket);
          continue;
        }
        const next = planReminder(state, settings, cal)?.at ?? null;
        planned.push({ id: ticket.id, lastNudgeAt: state.lastNudgeAt, lastDepartmentReminderAt: state.lastDepartmentReminderAt, escalationStep: state.escalationStep, autoCloseRemindedAt: state.autoCloseRemindedAt, nextReminderAt: next });
      }
      await storePlans(tx, planned);
      for (const ticket of communeReminders) {
        await tx.ticketEvent.create({ data: { ticketId: ticket.id, actorId: null, actorLabel: 'Tháo gỡ', kind: 'auto_close_reminded', createdAt: now } });
      }

      const out = new OutboxWriter(tx, opts.channels, now);
      const toDue = (x: (typeof tickets)[number] | Prisma.TicketGetPayload<{ include: { commune: true; department: true } }>): Due => ({
        id: x.id,
        code: x.code,
        communeName: x.commune.name,
        departmentCode: x.departmentCode,
        departmentName: x.department?.name ?? null,
        headMention: x.department?.headMention ?? null,
        createdAt: x.createdAt,
        assignedAt: x.assignedAt,
        dueAt: x.dueAt,
      });
      const dueLabel = (d: Due) => {
        if (!d.dueAt) return '';
        const s = dueState(d.dueAt, now, settings, cal);
        return s === 'ok' ? '' : ` — <b>${t(s === 'due_soon' ? 'due-soon' : 'due-overdue')}</b>`;
      };

      // The support group gets one message with a section per kind (sent after the escalations below).
      const supportSections: string[] = [];

      // Tickets nobody holds: every new and returned ticket, listed once.
      if (nudges.size > 0) {
        // All of them, however many: a ticket counts as nudged only when the message names it
        // (a long list goes out in several messages, shorter lines beyond LIST_IN_FULL).
        const waiting = await tx.ticket.findMany({ where: { status: { in: ['new', 'returned'] }, parentId: null }, include: { commune: true }, orderBy: { id: 'asc' } });
        const backAt = await returnedTimes(tx, waiting.filter((w) => w.status === 'returned').map((w) => w.id));
        const lines = [t('reminder-unclaimed-title', { count: waiting.length })];
        for (const w of waiting) {
          const since = w.status === 'returned' ? (backAt.get(w.id) ?? w.createdAt) : w.createdAt;
          const args = { code: w.code, commune: escapeHtml(w.commune.name), at: formatDateTime(since, tz), age: workingAge(t, cal, dayMs, since, now) };
          lines.push(waiting.length > LIST_IN_FULL ? t('reminder-short-item', args) : t(w.status === 'returned' ? 'reminder-returned-item' : 'reminder-unclaimed-item', args));
        }
        supportSections.push(lines.join('\n'));
        // Everyone listed was nudged in this round — except a returned ticket already past its first
        // nudge: its next reminder names the lead, and being listed again must not put that off.
        const nudged = waiting.filter((w) => {
          const since = backAt.get(w.id);
          return !(w.status === 'returned' && since !== undefined && w.lastNudgeAt !== null && w.lastNudgeAt >= since && !nudges.has(w.id));
        });
        await storePlans(
          tx,
          nudged.map((w) => {
            const state = { ...w, returnedAt: backAt.get(w.id) ?? null, lastNudgeAt: now };
            return { ...state, nextReminderAt: planReminder(state, settings, cal)?.at ?? null };
          }),
        );
        await tx.reminderRound.create({ data: { key: `nudge:${now.toISOString()}`, kind: 'nudge_support', ticketIds: [...nudges] } });
        sent.nudges++;
      }

      // Claimed, not routed: the claimant is named.
      if (claimantNudges.size > 0) {
        const held = tickets.filter((x) => claimantNudges.has(x.id));
        const lines = [t('reminder-claimed-title', { count: held.length })];
        for (const x of held) {
          const since = x.claimedAt ?? x.createdAt;
          lines.push(t('reminder-claimed-item', { code: x.code, commune: escapeHtml(x.commune.name), claimant: mention(x.claimedBy), at: formatDateTime(since, tz), age: workingAge(t, cal, dayMs, since, now) }));
        }
        supportSections.push(lines.join('\n'));
        await tx.reminderRound.create({ data: { key: `claimant:${now.toISOString()}`, kind: 'nudge_claimant', ticketIds: held.map((x) => x.id) } });
        sent.claimantNudges += held.length;
      }

      // Held too long by the support team (claimed and still not routed, or returned and still unclaimed): the lead is named.
      if (leadNudges.size > 0) {
        const held = tickets.filter((x) => leadNudges.has(x.id));
        const lines = [t('reminder-lead-title', { count: held.length, leads: await supportLeadMentions(tx, t) })];
        for (const x of held) {
          if (x.status === 'claimed') {
            const since = x.claimedAt ?? x.createdAt;
            lines.push(t('reminder-lead-claimed-item', { code: x.code, commune: escapeHtml(x.commune.name), claimant: mention(x.claimedBy), at: formatDateTime(since, tz), age: workingAge(t, cal, dayMs, since, now) }));
          } else {
            const since = returnedAt.get(x.id) ?? x.createdAt;
            lines.push(t('reminder-lead-returned-item', { code: x.code, commune: escapeHtml(x.commune.name), at: formatDateTime(since, tz), age: workingAge(t, cal, dayMs, since, now) }));
          }
        }
        supportSections.push(lines.join('\n'));
        await tx.reminderRound.create({ data: { key: `lead:${now.toISOString()}`, kind: 'nudge_support_lead', ticketIds: held.map((x) => x.id) } });
        sent.leadNudges += held.length;
      }

      // Each department: one message listing all its waiting tickets.
      for (const dept of deptRounds) {
        // Every waiting ticket, however many: one counts as reminded only when the message names it.
        const all = await tx.ticket.findMany({
          where: { departmentCode: dept, status: { in: ['assigned', 'reopened'] } },
          include: { commune: true, department: true },
          orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        });
        // A snoozed ticket is left out of routine rounds until its snooze ends.
        const waiting = all.filter((w) => !w.snoozedUntil || w.snoozedUntil <= now || deptDue.has(w.id));
        if (waiting.length === 0) continue;
        const first = toDue(waiting[0]!);
        const lines = [t('reminder-department-title', { department: escapeHtml(first.departmentName ?? dept), count: waiting.length })];
        for (const w of waiting.map(toDue)) {
          const args = {
            code: w.code,
            commune: escapeHtml(w.communeName),
            age: workingAge(t, cal, dayMs, w.assignedAt ?? w.createdAt, now),
            deadline: w.dueAt ? formatDateTime(w.dueAt, tz) : '—',
            due: dueLabel(w),
          };
          lines.push(t(waiting.length > LIST_IN_FULL ? 'reminder-department-short-item' : 'reminder-department-item', args));
        }
        lines.push(t('reminder-department-footer'));
        for (const chat of await departmentChats(tx, dept)) {
          await out.send(addressOf(chat), { html: lines.join('\n') }, { purpose: 'reminder:department' });
        }
        // Everyone listed was reminded in this round (the due ones' plans are stored above).
        const inRound = new Set(tickets.map((x) => x.id));
        await storePlans(
          tx,
          waiting
            .filter((w) => !inRound.has(w.id))
            .map((w) => {
              const state = { ...w, lastDepartmentReminderAt: now };
              return { ...state, nextReminderAt: planReminder(state, settings, cal)?.at ?? null };
            }),
        );
        await tx.reminderRound.create({ data: { key: `dept:${dept}:${now.toISOString()}`, kind: 'remind_department', ticketIds: waiting.map((w) => w.id) } });
        sent.departmentRounds++;
      }

      // Escalations: grouped per target so each group still gets one message per round.
      const byTarget = new Map<EscalationTarget, { ticket: Due; step: number }[]>();
      for (const e of escalations) {
        const ticket = tickets.find((x) => x.id === e.ticketId)!;
        byTarget.set(e.notify, [...(byTarget.get(e.notify) ?? []), { ticket: toDue(ticket), step: e.step }]);
        await tx.ticketEvent.create({
          data: { ticketId: ticket.id, actorId: null, actorLabel: 'Tháo gỡ', kind: 'escalated', text: t(`escalation-target-${e.notify}`), data: { step: e.step, notify: e.notify }, createdAt: now },
        });
        sent.escalations++;
      }
      for (const [target, items] of byTarget) {
        const item = (x: { ticket: Due }) =>
          t('escalation-item', { code: x.ticket.code, commune: escapeHtml(x.ticket.communeName), department: escapeHtml(x.ticket.departmentName ?? ''), deadline: x.ticket.dueAt ? formatDateTime(x.ticket.dueAt, tz) : '—' });
        if (target === 'department_head') {
          const perDept = new Map<string, typeof items>();
          for (const x of items) if (x.ticket.departmentCode) perDept.set(x.ticket.departmentCode, [...(perDept.get(x.ticket.departmentCode) ?? []), x]);
          for (const [dept, list] of perDept) {
            const head = list[0]!.ticket.headMention;
            const department = escapeHtml(list[0]!.ticket.departmentName ?? dept);
            const title = head ? t('escalation-department-head', { head: userText(head), department }) : t('escalation-department-no-head', { department });
            const html = [title, ...list.map(item)].join('\n');
            for (const chat of await departmentChats(tx, dept)) await out.send(addressOf(chat), { html }, { purpose: 'escalation:department_head' });
          }
        } else if (target === 'support_lead') {
          supportSections.push([t('escalation-support-lead', { leads: await supportLeadMentions(tx, t) }), ...items.map(item)].join('\n'));
        } else {
          const html = [t('escalation-leaders', { count: items.length }), ...items.map(item)].join('\n');
          for (const chat of await chatsWithRole(tx, 'leaders')) await out.send(addressOf(chat), { html }, { purpose: 'escalation:leaders' });
        }
      }
      // Answered tickets waiting for their commune: one message per commune chat for all of them.
      if (communeReminders.length > 0 || autoClosed.length > 0) {
        const closedIds = new Set(autoClosed.map((x) => x.id));
        const rows = await tx.ticket.findMany({ where: { id: { in: [...closedIds] } }, select: { id: true, reopenableUntil: true } });
        const until = new Map(rows.map((r) => [r.id, r.reopenableUntil]));
        const after = workingDurationText(t, settings.autoClose.after, settings);
        const perChat = await communeChatsOf(tx, [...communeReminders, ...autoClosed]);
        for (const { chat, tickets: mine } of perChat.values()) {
          const parts: string[] = [];
          for (const x of mine) {
            if (closedIds.has(x.id)) {
              const end = until.get(x.id);
              parts.push(t('closure-auto-closed', { code: x.code, after, until: end ? formatDateTime(end, tz) : '—' }));
            } else {
              // The close the commune is promised: the planned one, or a full notice from now when reminded late.
              const close = nextAutoCloseStep({ status: 'answered', answeredAt: x.answeredAt ?? now, autoCloseRemindedAt: now }, settings, cal);
              parts.push(t('closure-reminder', { code: x.code, closeAt: formatDateTime(close?.at ?? now, tz) }));
            }
          }
          // Buttons answer for one ticket (a press is checked against the ticket its message was about).
          const only = mine.length === 1 ? mine[0]! : null;
          const choices = only === null ? undefined : closedIds.has(only.id) ? [[{ text: t('btn-reopen'), data: `t:reopen:${only.id}` }]] : communeAnswerButtons(t, only.id);
          await out.send(addressOf(chat), { html: parts.join('\n\n'), ...(choices ? { choices } : {}) }, { ticketId: only?.id ?? null, purpose: 'reminder:commune' });
        }
        if (communeReminders.length > 0) {
          await tx.reminderRound.create({ data: { key: `commune:${now.toISOString()}`, kind: 'remind_commune', ticketIds: communeReminders.map((x) => x.id) } });
        }
        if (autoClosed.length > 0) {
          await tx.reminderRound.create({ data: { key: `autoclose:${now.toISOString()}`, kind: 'auto_close', ticketIds: autoClosed.map((x) => x.id) } });
          // The department and the support team learn of it too, one line per ticket in one message each.
          const byDept = new Map<string, Closing[]>();
          for (const x of autoClosed) if (x.departmentCode) byDept.set(x.departmentCode, [...(byDept.get(x.departmentCode) ?? []), x]);
          for (const [dept, list] of byDept) {
            const html = [t('closure-auto-closed-title', { count: list.length }), ...list.map((x) => t('closure-auto-closed-item', { code: x.code, commune: escapeHtml(x.commune.name) }))].join('\n');
            for (const chat of await departmentChats(tx, dept)) await out.send(addressOf(chat), { html }, { purpose: 'auto-close:department' });
          }
          supportSections.push(
            [t('closure-auto-closed-title', { count: autoClosed.length }), ...autoClosed.map((x) => t('closure-auto-closed-item', { code: x.code, commune: escapeHtml(x.commune.name) }))].join('\n'),
          );
        }
        sent.communeReminders += communeReminders.length;
        sent.autoClosed += autoClosed.length;
      }
      if (supportSections.length > 0) {
        for (const chat of await chatsWithRole(tx, 'support')) await out.send(addressOf(chat), { html: supportSections.join('\n\n') }, { purpose: 'reminder:support' });
      }
      // Cards show "sắp đến hạn" / "quá hạn": refresh those of tickets whose state moved.
      for (const ticket of tickets) await refreshCards(tx, out, ticket.id);
      return out.created;
    },
    { timeout: 60_000 },
  );
  const next = await db.ticket.findFirst({ where: { nextReminderAt: { not: null } }, orderBy: { nextReminderAt: 'asc' }, select: { nextReminderAt: true } });
  return { outbox, sent, nextAt: next?.nextReminderAt ?? null };
}

/** An answered ticket a round reminds or closes, with what finds its commune chats (merged children included). */
type Closing = Prisma.TicketGetPayload<{ include: { commune: true; children: { select: { communeCode: true; sourceChatId: true } } } }>;

/**
 * Closes an answered ticket nobody confirmed, as the workflow decides it: resolved, "tự động đóng",
 * no rating, reopenable until `reopenWindowEnd`. A conditional update, so a commune's confirmation
 * that got there first wins. False when nothing changed.
 */
async function autoClose(tx: Tx, ticket: Closing, settings: Settings, cal: WorkingCalendar, now: Date): Promise<boolean> {
  const decision = decide(workflowView(ticket, now), { kind: 'auto_close' }, SYSTEM);
  if (!decision.ok) return false;
  const reopenableUntil = reopenWindowEnd(now, settings, cal);
  const updated = await tx.ticket.updateMany({
    where: { id: ticket.id, status: decision.from },
    data: { status: decision.to, resolvedAt: now, autoClosedAt: now, reopenableUntil, satisfaction: null, nextReminderAt: null, updatedAt: now },
  });
  if (updated.count === 0) return false;
  await tx.ticketEvent.create({
    data: {
      ticketId: ticket.id,
      actorId: null,
      actorLabel: 'Tháo gỡ',
      kind: decision.event.kind,
      fromStatus: decision.from,
      toStatus: decision.to,
      data: { reopenableUntil: reopenableUntil.toISOString() },
      createdAt: now,
    },
  });
  return true;
}

/**
 * Where the communes of these tickets hear about them — the chat each report came from and the
 * commune's groups, as for an answer — grouped by chat, so each chat gets one message.
 */
async function communeChatsOf(tx: Tx, tickets: readonly Closing[]): Promise<Map<string, { chat: Chat; tickets: Closing[] }>> {
  const sources = (x: Closing) => [x.sourceChatId, ...x.children.map((c) => c.sourceChatId)].filter((id): id is string => !!id);
  const communes = (x: Closing) => [x.communeCode, ...x.children.map((c) => c.communeCode)];
  const chats = await tx.chat.findMany({
    where: { active: true, OR: [{ id: { in: tickets.flatMap(sources) } }, { role: 'commune', kind: 'group', communeCode: { in: tickets.flatMap(communes) } }] },
    orderBy: { id: 'asc' },
  });
  const out = new Map<string, { chat: Chat; tickets: Closing[] }>();
  for (const x of tickets) {
    for (const chat of chats) {
      const reaches = sources(x).includes(chat.id) || (chat.role === 'commune' && chat.kind === 'group' && chat.communeCode !== null && communes(x).includes(chat.communeCode));
      if (!reaches) continue;
      const entry = out.get(chat.id) ?? { chat, tickets: [] };
      if (!entry.tickets.some((y) => y.id === x.id)) entry.tickets.push(x);
      out.set(chat.id, entry);
    }
  }
  return out;
}
