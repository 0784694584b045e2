import type { Translate } from '../i18n/index.js';
import type { OutboundButton } from './port.js';
import type { Settings } from '../settings.js';
import { calendarFrom } from '../settings.js';
import { dueState } from '../domain/reminder-policy.js';
import type { CardView, Message } from './outbox-writer.js';
import { formatDateTime } from './presentation/dates.js';
import { escapeHtml, nameText, userText } from './presentation/markup.js';
import { CATEGORIES } from '../domain/catalog.js';
import { SATISFACTIONS, satisfactionChoice, satisfactionLabelKey } from '../domain/satisfaction.js';
import type { TicketView } from './tickets.js';

const PREVIEW_LIMIT = 1500;

/** "Đồng ý / Chưa đồng ý" under an answer (and the reminder that the ticket will close by itself). */
export function communeAnswerButtons(t: Translate, ticketId: number): OutboundButton[][] {
  return [[{ text: t('btn-confirm'), data: `t:confirm:${ticketId}` }, { text: t('btn-reopen'), data: `t:reopen:${ticketId}` }]];
}

/** The satisfaction question's three answers, in order (`t:sat:<ticket>:<1..3>`; a typed number picks the same). */
export function satisfactionButtons(t: Translate, ticketId: number): OutboundButton[][] {
  return [SATISFACTIONS.map((s) => ({ text: t(satisfactionLabelKey(s)), data: `t:sat:${ticketId}:${satisfactionChoice(s)}` }))];
}

/** Choices a card offers in each kind of group, for the ticket's current state. */
export function cardButtons(ticket: TicketView, view: CardView, t: Translate): OutboundButton[][] {
  const id = ticket.id;
  const b = (key: string, action: string) => ({ text: t(key), data: `t:${action}:${id}` });
  const open = !['resolved', 'rejected'].includes(ticket.status) && ticket.parentId === null;
  if (view === 'support' && open) {
    const rows: OutboundButton[][] = [];
    if (ticket.status === 'new' || ticket.status === 'returned') rows.push([b('btn-claim', 'claim'), b('btn-assign', 'assign')]);
    else rows.push([b('btn-assign', 'assign')]);
    rows.push([b('btn-category', 'cat'), b('btn-priority', 'prio')]);
    rows.push([ticket.flaggedCentral ? b('btn-central-off', 'central_off') : b('btn-central', 'central')]);
    rows.push([b('btn-reject', 'reject'), b('btn-merge', 'merge')]);
    return rows;
  }
  if (view === 'department' && (ticket.status === 'assigned' || ticket.status === 'reopened')) {
    return [
      [b('btn-answer', 'answer'), b('btn-return', 'return')],
      [b('btn-extension', 'ext'), b('btn-snooze', 'snooze')],
    ];
  }
  return [];
}

/**
 * The ticket card: what each kind of group sees about a ticket, built fresh at send time as
 * content (the facts, the report, the choices) that each channel renders its own way.
 */
export function renderCard(ticket: TicketView, view: CardView, t: Translate, timeZone: string, settings?: Settings, now: Date = new Date(), maxLength = 4096): Message {
  const lines: string[] = [t('card-title', { code: ticket.code, commune: escapeHtml(ticket.commune.name) })];
  lines.push(t('card-status', { status: t(`status-${ticket.status}`) }));
  if (view !== 'commune' && ticket.reporter) lines.push(t('card-reporter', { name: nameText(ticket.reporter.displayName) }));
  lines.push(t('card-created', { at: formatDateTime(ticket.createdAt, timeZone) }));
  if (ticket.category) lines.push(t('card-category', { category: escapeHtml(ticket.category.label) }));
  if (view === 'support' && ticket.suggestedCategory && ticket.categoryCode !== ticket.suggestedCategory) {
    const label = CATEGORIES.find((c) => c.code === ticket.suggestedCategory);
    const dept = label?.department ? ` → ${label.department}` : '';
    lines.push(t('card-category-suggested', { category: escapeHtml(label?.label ?? ticket.suggestedCategory) + dept, confidence: Math.round((ticket.suggestedConfidence ?? 0) * 100) }));
  }
  if (view === 'support' && ticket.events.some((e) => e.kind === 'assigned' && e.actorId === null)) lines.push(t('card-auto-routed'));
  lines.push(t('card-priority', { priority: t(`priority-${ticket.priority}`) }));
  if (ticket.department) lines.push(t('card-department', { department: escapeHtml(ticket.department.name) }));
  if (view === 'support' && ticket.claimedBy) lines.push(t('card-claimant', { name: nameText(ticket.claimedBy.displayName) }));
  if (ticket.dueAt) {
    let deadline = formatDateTime(ticket.dueAt, timeZone);
    if (settings && ['assigned', 'reopened'].includes(ticket.status)) {
      const state = dueState(ticket.dueAt, now, settings, calendarFrom(settings));
      if (state === 'due_soon') deadline += ` — ${t('due-soon')}`;
      if (state === 'overdue') deadline += ` — <b>${t('due-overdue')}</b>`;
    }
    lines.push(t('card-deadline', { deadline }));
  }
  if (ticket.parent) lines.push(t('status-parent', { parent: ticket.parent.code }));
  if (ticket.satisfaction) lines.push(t('card-satisfaction', { answer: t(satisfactionLabelKey(ticket.satisfaction)) }));
  if (ticket.status === 'resolved' && ticket.autoClosedAt) {
    lines.push(t('card-auto-closed', { until: ticket.reopenableUntil ? formatDateTime(ticket.reopenableUntil, timeZone) : '—' }));
  }
  if (ticket._count.attachments) lines.push(t('card-attachments', { count: ticket._count.attachments }));
  // The card is one message: on a short channel the report is cut to leave room for the facts and choices.
  const preview = Math.min(PREVIEW_LIMIT, Math.max(200, maxLength - 800));
  const text = ticket.text.length > preview ? `${ticket.text.slice(0, preview)}…` : ticket.text;
  const choices = cardButtons(ticket, view, t);
  return {
    blocks: [
      { kind: 'text', text: lines.join('\n') },
      { kind: 'text', text: userText(text) },
    ],
    ...(choices.length ? { choices } : {}),
  };
}
