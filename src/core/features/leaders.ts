import { formatDate } from '../presentation/dates.js';
import { renderCentralReport, renderOverdueList } from '../presentation/digest.js';
import type { TicketSnapshot } from '../../domain/report-types.js';
import { isLocale } from '../../i18n/index.js';
import { escapeHtml } from '../presentation/markup.js';
import { unitOf } from '../identity.js';
import { composeDigest, digestSince, exportFileName, reportClock, workingDayMs, writeDigest, XLSX_MIME } from '../reports.js';
import { addressOf, reply, type Scope } from '../scope.js';
import { loadTicketSnapshots } from '../snapshots.js';

/**
 * The leaders' on-demand reports: /tonghop (digest now), /quahan (overdue list), /xuatexcel (the
 * .xlsx export) and /baocaotw (the central-level report). They read every ticket, so only the
 * leaders' group, the support-team group and admins (anywhere) may ask for them.
 */

/** True when this chat may read the province-wide reports; otherwise replies with a refusal. */
async function mayReadReports(scope: Scope): Promise<boolean> {
  const { role } = unitOf(scope.chat, scope.person);
  if (scope.isAdmin || role === 'leaders' || role === 'support') return true;
  await reply(scope, scope.t('leaders-not-allowed'));
  return false;
}

function loadTickets(scope: Scope): Promise<TicketSnapshot[]> {
  return loadTicketSnapshots(scope.tx, { locale: isLocale(scope.chat.locale) ? scope.chat.locale : 'vi' });
}

/** Replies with ready-made parts, each its own message, quoting the command with the first. */
async function replyParts(scope: Scope, parts: readonly string[], purpose: string): Promise<void> {
  for (const [i, html] of parts.entries()) await reply(scope, html, { quote: i === 0, purpose });
}

/** /tonghop — the daily digest for this chat, now: the text first, then the chart. */
export async function sendDigestNow(scope: Scope): Promise<void> {
  if (!(await mayReadReports(scope))) return;
  const tickets = await loadTickets(scope);
  const since = await digestSince(scope.tx, scope.chat.id, scope.now);
  const content = await composeDigest(tickets, { settings: scope.settings, now: scope.now, since, t: scope.t, maxLength: scope.caps.maxTextLength, logger: scope.logger });
  const quote = scope.inbound.kind === 'message' ? scope.inbound.messageId : null;
  await writeDigest(scope.out, addressOf(scope.chat), content, { purpose: 'digest-on-demand', replyToMessageId: quote });
}

/** /quahan — overdue tickets by department. */
export async function sendOverdueList(scope: Scope): Promise<void> {
  if (!(await mayReadReports(scope))) return;
  const { settings } = scope;
  const parts = renderOverdueList(await loadTickets(scope), {
    ...reportClock(settings, scope.now),
    t: scope.t,
    maxLength: scope.caps.maxTextLength,
    timeZone: settings.timezone,
    workingDayMs: workingDayMs(settings),
  });
  await replyParts(scope, parts, 'overdue-list');
}

/** /xuatexcel — every ticket and its timeline as an .xlsx document. */
export async function sendExport(scope: Scope): Promise<void> {
  if (!(await mayReadReports(scope))) return;
  if (!scope.caps.documents) {
    // Some channels cannot send documents (docs/domain.md); say so rather than fail in the outbox.
    await reply(scope, scope.t('leaders-export-no-documents'));
    return;
  }
  const { settings, t, now } = scope;
  const tickets = await loadTickets(scope);
  // exceljs loads with the first export, not at boot.
  const { buildExportWorkbook } = await import('../../reports/xlsx.js');
  const data = await buildExportWorkbook(tickets, { ...reportClock(settings, now), t, timeZone: settings.timezone });
  await scope.out.sendFile(
    addressOf(scope.chat),
    {
      kind: 'document',
      fileName: exportFileName(settings, now),
      mimeType: XLSX_MIME,
      data,
      caption: t('leaders-export-caption', { count: tickets.length, date: formatDate(now, settings.timezone) }),
    },
    { purpose: 'export' },
  );
}

/** /baocaotw — reports flagged for the central level, as plain text to paste into a document. */
export async function sendCentralReport(scope: Scope): Promise<void> {
  if (!(await mayReadReports(scope))) return;
  const { settings } = scope;
  const parts = renderCentralReport(await loadTickets(scope), scope.t, {
    maxLength: scope.caps.maxTextLength,
    now: scope.now,
    timeZone: settings.timezone,
  });
  // Plain text (ticket texts included) goes out as HTML, so it is escaped; the visible length,
  // which the limit counts, does not change.
  await replyParts(scope, parts.map(escapeHtml), 'central-report');
}
