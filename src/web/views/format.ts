import { dueState, type DueState } from '../../domain/reminder-policy.js';
import { AWAITING_DEPARTMENT, type TicketStatus } from '../../domain/types.js';
import { formatDateTime } from '../../core/presentation/dates.js';
import type { Translate } from '../../i18n/index.js';
import { calendarFrom, type Settings } from '../../settings.js';
import { html, type Html } from '../html.js';

/** A date and time in the province's zone, as the chats show them. */
export function when(at: Date, settings: Settings): string {
  return formatDateTime(at, settings.timezone);
}

/** The due state of a ticket a department owes an answer on; null otherwise (as /ds and /phieu). */
export function dueOf(t: { status: TicketStatus; dueAt: Date | null }, settings: Settings, now: Date): DueState | null {
  if (!t.dueAt || !AWAITING_DEPARTMENT.includes(t.status)) return null;
  return dueState(t.dueAt, now, settings, calendarFrom(settings));
}

export function dueBadge(t: Translate, state: DueState | null): Html | '' {
  if (!state) return '';
  return html`<span class="badge ${state}">${t(state === 'ok' ? 'due-ok' : state === 'due_soon' ? 'due-soon' : 'due-overdue')}</span>`;
}

export function statusBadge(t: Translate, status: TicketStatus): Html {
  return html`<span class="badge status-${status}">${t(`status-${status}`)}</span>`;
}

/** Working milliseconds as hours or working days, for medians ("—" when there is nothing to measure). */
export function duration(t: Translate, ms: number | null, workingDayMs: number): string {
  if (ms === null) return '—';
  const hours = ms / 3_600_000;
  if (ms >= workingDayMs) return t('web-duration-days', { days: (ms / workingDayMs).toFixed(1).replace('.', ',') });
  return t('web-duration-hours', { hours: hours.toFixed(1).replace('.', ',') });
}

/** A share as a percentage ("—" when null). */
export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}

/** The first characters of a text on one line. */
export function summary(text: string, max = 140): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
