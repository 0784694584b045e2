import { classify, type Classification } from '../../domain/classifier/index.js';
import { chatsWithRole, createTicket } from '../tickets.js';
import { announceToSupport } from '../support-summary.js';
import { RECEIPT_PURPOSE } from '../receipts.js';
import { performAction } from '../workflow.js';
import { planReminder } from '../reminders.js';
import { unitOf } from '../identity.js';
import { addressOf, reply, type Scope } from '../scope.js';
import { formatDateTime } from '../presentation/dates.js';
import { ceilToMinute, lockRateKeys, recordRateEvent, windowState } from '../rate-events.js';

const FLOOD_WINDOW_MS = 60 * 60 * 1000;

/** /baocao <text> (also as a photo/document caption): a commune files a report; it becomes a ticket. */
export async function fileReport(scope: Scope, text: string): Promise<void> {
  const { t, tx, inbound } = scope;
  const unit = unitOf(scope.chat, scope.person);
  if (unit.role === 'none') return reply(scope, t('report-unlinked'));
  if (unit.role !== 'commune' || !unit.communeCode) return reply(scope, t('report-wrong-chat'));
  const attachments = inbound.kind === 'message' ? inbound.attachments : [];
  const body = text.trim();
  if (!body) return reply(scope, t('report-usage'));

  const suggestion = classify(body);
  // A new ticket's first reminder (the support team's nudge) is planned with it: one write.
  const plan = planReminder(
    { status: 'new', createdAt: scope.now, claimedAt: null, assignedAt: null, priority: 'thuong', dueAt: null, lastDepartmentReminderAt: null, lastNudgeAt: null, snoozedUntil: null, escalationStep: 0, answeredAt: null, autoCloseRemindedAt: null },
    scope.settings,
  );
  const ticket = await createTicket(tx, {
    prefix: scope.config.TICKET_PREFIX,
    communeCode: unit.communeCode,
    reporterId: scope.person.id,
    sourceChatId: scope.chat.id,
    sourceMessageId: inbound.kind === 'message' ? inbound.messageId : null,
    text: body,
    platform: scope.chat.platform,
    attachments,
    actorLabel: scope.person.displayName,
    now: scope.now,
    suggestion: { category: suggestion.category, confidence: suggestion.confidence },
    nextReminderAt: plan?.at ?? null,
    // The flood check rides on the insert; only a refused report reads further (refusedAsFlood).
    flood: { limit: scope.config.REPORT_FLOOD_LIMIT, since: new Date(scope.now.getTime() - FLOOD_WINDOW_MS) },
  });
  if (!ticket) {
    await refusedAsFlood(scope);
    return;
  }
  await reply(scope, t('report-created', { code: ticket.code }), { ticketId: ticket.id, purpose: RECEIPT_PURPOSE });
  const supportChats = scope.supportChats ?? (await chatsWithRole(tx, 'support'));
  await announceToSupport(scope, supportChats, ticket.id);
  if (supportChats.length === 0) scope.logger.warn({ ticket: ticket.code }, 'no support-team group linked; ticket card not posted');
  scope.out.wakeAt(plan?.at ?? null);
  await autoRoute(scope, ticket.id, suggestion);
}

/**
 * More than REPORT_FLOOD_LIMIT reports in the last hour are refused. The person is told once, with
 * the time they may report again; further refusals are silent until they have filed a report again,
 * so a script sending hundreds of reports cannot queue hundreds of refusals ahead of real messages.
 */
async function refusedAsFlood(scope: Scope): Promise<void> {
  const { tx, now } = scope;
  const limit = scope.config.REPORT_FLOOD_LIMIT;
  const recent = await tx.$queryRaw<{ createdAt: Date }[]>`
    SELECT "createdAt" FROM "Ticket" WHERE "reporterId" = ${scope.person.id} AND "createdAt" > ${new Date(now.getTime() - FLOOD_WINDOW_MS)} AND "createdAt" <= ${now}
    ORDER BY "createdAt" DESC LIMIT ${limit}`;
  if (recent.length === 0) return;
  const key = `report-refusal:${scope.person.id}`;
  // Reports from two chats of one person are handled in parallel; one refusal between them.
  await lockRateKeys(tx, key);
  const told = await windowState(tx, key, now, FLOOD_WINDOW_MS);
  if (told.latest && told.latest >= recent[0]!.createdAt) {
    scope.logger.debug({ person: scope.person.id }, 'report refused as flood; the person was already told');
    return;
  }
  await recordRateEvent(tx, key, now);
  // A place frees when the oldest of the last `limit` reports leaves the hour.
  const until = new Date(recent[Math.min(limit, recent.length) - 1]!.createdAt.getTime() + FLOOD_WINDOW_MS);
  await reply(scope, scope.t('report-flood-until', { until: formatDateTime(ceilToMinute(until), scope.settings.timezone) }));
}

/**
 * Above the configured confidence, a report goes straight to its category's department
 * (off by default): the system routes it, the card and the support team say so.
 */
async function autoRoute(scope: Scope, ticketId: number, suggestion: Classification): Promise<void> {
  const { enabled, minConfidence } = scope.settings.autoRoute;
  if (!enabled || suggestion.confidence < minConfidence) return;
  const category = await scope.tx.category.findUnique({ where: { code: suggestion.category } });
  if (!category?.departmentCode) return;
  await scope.tx.ticket.update({ where: { id: ticketId }, data: { categoryCode: category.code, flaggedCentral: category.flagCentral } });
  await performAction(scope, ticketId, { kind: 'assign', departmentCode: category.departmentCode }, { via: 'command' }, { actor: { kind: 'system', personId: null }, silent: true });
}
