import type { Translate } from '../i18n/index.js';
import type { OutboundContent } from '../platforms/types.js';
import type { CardView } from './outbox-writer.js';
import { escapeHtml, formatDateTime } from './format.js';
import type { TicketView } from './tickets.js';

const PREVIEW_LIMIT = 1500;

/** The ticket card: what each kind of group sees about a ticket, rendered fresh at send time. */
export function renderCard(ticket: TicketView, view: CardView, t: Translate, timeZone: string): OutboundContent {
  const lines: string[] = [t('card-title', { code: ticket.code, commune: escapeHtml(ticket.commune.name) })];
  lines.push(t('card-status', { status: t(`status-${ticket.status}`) }));
  if (view !== 'commune' && ticket.reporter) lines.push(t('card-reporter', { name: escapeHtml(ticket.reporter.displayName) }));
  lines.push(t('card-created', { at: formatDateTime(ticket.createdAt, timeZone) }));
  if (ticket.category) lines.push(t('card-category', { category: escapeHtml(ticket.category.label) }));
  else if (view === 'support' && ticket.suggestedCategory) {
    lines.push(t('card-category-suggested', { category: ticket.suggestedCategory, confidence: Math.round((ticket.suggestedConfidence ?? 0) * 100) }));
  }
  lines.push(t('card-priority', { priority: t(`priority-${ticket.priority}`) }));
  if (ticket.department) lines.push(t('card-department', { department: escapeHtml(ticket.department.name) }));
  if (view === 'support' && ticket.claimedBy) lines.push(t('card-claimant', { name: escapeHtml(ticket.claimedBy.displayName) }));
  if (ticket.dueAt) lines.push(t('card-deadline', { deadline: formatDateTime(ticket.dueAt, timeZone) }));
  if (ticket._count.attachments) lines.push(t('card-attachments', { count: ticket._count.attachments }));
  const text = ticket.text.length > PREVIEW_LIMIT ? `${ticket.text.slice(0, PREVIEW_LIMIT)}…` : ticket.text;
  lines.push('', escapeHtml(text));
  return { html: lines.join('\n') };
}
