import type { Tx } from '../db/client.js';
import type { Translate } from '../i18n/index.js';
import type { Chat } from '../generated/prisma/client.js';
import type { Message } from './outbox-writer.js';
import { escapeHtml, userText } from './presentation/markup.js';
import { addressOf, type Scope } from './scope.js';

/** A summary collects the new tickets of this long (real time), then a new one begins. */
const SUMMARY_SPAN_SECONDS = 10 * 60;
/** …or of this many tickets, so it stays one message. */
const SUMMARY_MAX_TICKETS = 40;
/** How much of each report the summary shows. */
const SUMMARY_TEXT_CHARS = 60;

/**
 * A new ticket for the support team. Normally its card (with its buttons); but when more than
 * `settings.supportCards.perMinute` cards went to a group in the last minute — a burst — the ticket
 * joins one rolling summary message instead ("12 kiến nghị mới: HY-0101 … HY-0112"), edited as the
 * burst goes on, with each code one tap from its card and one typed word from its actions. A burst
 * of hundreds of reports then costs the group a few messages, not one per ticket at its minute limit.
 */
export async function announceToSupport(scope: Scope, chats: readonly Chat[], ticketId: number): Promise<void> {
  const { tx, out } = scope;
  const perMinute = scope.settings.supportCards.perMinute;
  for (const chat of chats) {
    const to = addressOf(chat);
    const open = await tx.$queryRaw<{ id: bigint; refreshPending: boolean }[]>`
      SELECT "id", "refreshPending" FROM "SupportSummary"
      WHERE "platform" = ${chat.platform}::"Platform" AND "chatExternalId" = ${chat.externalId}
        AND "createdAt" > now() - make_interval(secs => ${SUMMARY_SPAN_SECONDS}) AND cardinality("ticketIds") < ${SUMMARY_MAX_TICKETS}
      ORDER BY "id" DESC LIMIT 1 FOR UPDATE`;
    if (open[0]) {
      await tx.$executeRaw`UPDATE "SupportSummary" SET "ticketIds" = array_append("ticketIds", ${ticketId}), "refreshPending" = true, "updatedAt" = now() WHERE "id" = ${open[0].id}`;
      // A redraw already waiting will show this ticket too.
      if (!open[0].refreshPending) await out.summary(to, open[0].id);
      continue;
    }
    const recent = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS "n" FROM "OutboundMessage"
      WHERE "platform" = ${chat.platform}::"Platform" AND "chatExternalId" = ${chat.externalId} AND "purpose" = 'card:support'
        AND "createdAt" > now() - interval '60 seconds'`;
    if ((recent[0]?.n ?? 0) < perMinute) {
      await out.card(to, ticketId, 'support');
      continue;
    }
    const created = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO "SupportSummary" ("platform", "chatExternalId", "ticketIds", "refreshPending")
      VALUES (${chat.platform}::"Platform", ${chat.externalId}, ARRAY[${ticketId}]::int[], true) RETURNING "id"`;
    await out.summary(to, created[0]!.id);
  }
}

/** Clears the summary's "redraw pending" mark and reads its tickets: what the sender draws now. */
export async function takeSummary(tx: Pick<Tx, '$queryRaw'>, summaryId: bigint): Promise<number[]> {
  const rows = await tx.$queryRaw<{ ticketIds: number[] }[]>`UPDATE "SupportSummary" SET "refreshPending" = false WHERE "id" = ${summaryId} RETURNING "ticketIds"`;
  return rows[0]?.ticketIds.map(Number) ?? [];
}

export interface SummaryTicket {
  id: number;
  code: string;
  text: string;
  communeName: string;
}

/** The rolling summary: the burst's new tickets, each a tap (or a typed word) from its card. */
export function renderSupportSummary(tickets: readonly SummaryTicket[], t: Translate): Message {
  const lines = tickets.map((tk) => {
    const flat = tk.text.replace(/\s+/g, ' ').trim();
    const short = flat.length > SUMMARY_TEXT_CHARS ? `${flat.slice(0, SUMMARY_TEXT_CHARS - 1)}…` : flat;
    return `<b>${escapeHtml(tk.code)}</b> · ${escapeHtml(tk.communeName)} — ${userText(short)}`;
  });
  const first = tickets[0]?.code ?? '';
  const last = tickets.at(-1)?.code ?? '';
  const choices = [];
  for (let i = 0; i < tickets.length; i += 4) choices.push(tickets.slice(i, i + 4).map((tk) => ({ text: tk.code, data: `t:card:${tk.id}` })));
  return {
    blocks: [
      { kind: 'title', text: escapeHtml(t('summary-title', { count: tickets.length, first, last })) },
      { kind: 'list', items: lines },
      { kind: 'text', text: escapeHtml(t('summary-hint', { example: first })) },
    ],
    choices,
  };
}
