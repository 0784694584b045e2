import type { Tx } from '../db/client.js';
import type { Translate } from '../i18n/index.js';
import type { ChannelCapabilities, ChatAddress, OutboundContent } from './port.js';
import { escapeHtml, excerpt, htmlToPlain, shapeThatFits, userText } from './presentation/markup.js';
import { RECEIPT_PURPOSE } from '../queues/names.js';

export { RECEIPT_PURPOSE };

/** Receipts one message gives at most: its own and those waiting behind it. */
export const RECEIPTS_PER_MESSAGE = 20;

/** Room kept for the title and the hint. */
const FRAME_CHARS = 300;

export interface ReceiptTicket {
  code: string;
  text: string;
}

/**
 * Several new reports from one chat whose receipts wait their turn together (someone sent a list of
 * difficulties in a row, or a burst holds the chat's line): one message gives every code, each with
 * the start of its report so the reporter knows which is which, as much as fits one message.
 */
export function renderReceipts(tickets: readonly ReceiptTicket[], t: Translate, caps: Pick<ChannelCapabilities, 'maxTextLength'>): string {
  const shape = shapeThatFits(
    tickets,
    [...[60, 30].map((chars) => (tk: ReceiptTicket) => `• <b>${escapeHtml(tk.code)}</b> — ${userText(excerpt(tk.text, chars))}`), (tk: ReceiptTicket) => `• <b>${escapeHtml(tk.code)}</b>`],
    caps.maxTextLength - FRAME_CHARS,
    1,
  );
  const first = tickets[0]?.code ?? '';
  return [escapeHtml(t('receipts-title', { count: tickets.length })), ...tickets.map(shape), escapeHtml(t('receipts-hint', { example: first }))].join('\n');
}

export interface ReceiptFold {
  /** The head's content now: every receipt it gives. */
  content: OutboundContent;
  /** The receipts delivered with it (their rows marked sent, folded into the head). */
  absorbed: bigint[];
}

/**
 * Folds the receipts waiting behind `head` in its chat into it, in one statement: they are marked
 * sent (`payload.foldedInto`) and the head's payload lists them (`payload.folded`), so a retry of the
 * head — or a run of its job handed back to wait for its slot, carrying the payload it first had —
 * gives the same receipts again and takes no more. The message is drawn from the tickets (their
 * codes and texts never change). 'gone' when the head is no longer due (given by another message);
 * null when it gives only its own. Only the head of a chat's send line gets here, so two folds of one
 * chat never run at once; a waiting receipt is taken only while still pending, so none is given twice.
 */
export async function foldReceipts(
  db: Pick<Tx, '$queryRaw'>,
  chat: ChatAddress,
  head: { id: bigint; replyToMessageId: string | null },
  caps: ChannelCapabilities,
  translator: (locale: string | null) => Translate,
): Promise<ReceiptFold | 'gone' | null> {
  const rows = await db.$queryRaw<{ status: string; locale: string | null; folded: bigint | null; code: string | null; text: string | null; headCode: string | null; headText: string | null }[]>`
    WITH head AS (
      SELECT "id", "status", "payload", "ticketId" FROM "OutboundMessage" WHERE "id" = ${head.id} FOR UPDATE
    ), fresh AS (
      SELECT o."id" FROM "OutboundMessage" o, head h
      WHERE h."status" = 'pending' AND h."payload" -> 'folded' IS NULL AND h."ticketId" IS NOT NULL
        AND o."platform" = ${chat.platform}::"Platform" AND o."chatExternalId" = ${chat.externalId} AND o."purpose" = ${RECEIPT_PURPOSE}
        AND o."status" = 'pending' AND o."method" = 'send' AND o."partsSent" = 0 AND o."ticketId" IS NOT NULL AND o."id" > h."id"
      ORDER BY o."id" LIMIT ${RECEIPTS_PER_MESSAGE - 1} FOR UPDATE OF o SKIP LOCKED
    ), taken AS (
      UPDATE "OutboundMessage" o SET "status" = 'sent', "sentAt" = now(), "updatedAt" = now(),
        "payload" = o."payload" || jsonb_build_object('foldedInto', ${head.id.toString()}::text)
      FROM fresh f WHERE o."id" = f."id"
      RETURNING o."id", o."ticketId"
    ), marked AS (
      UPDATE "OutboundMessage" o SET "updatedAt" = now(),
        "payload" = o."payload" || jsonb_build_object('folded', (SELECT jsonb_agg(t."id"::text ORDER BY t."id") FROM taken t))
      WHERE o."id" = ${head.id} AND EXISTS (SELECT 1 FROM taken)
      RETURNING o."id"
    ), folded AS (
      SELECT t."id", t."ticketId" FROM taken t
      UNION ALL
      SELECT m."id", m."ticketId" FROM head h JOIN "OutboundMessage" m
        ON h."payload" -> 'folded' IS NOT NULL AND m."id" IN (SELECT jsonb_array_elements_text(h."payload" -> 'folded')::bigint)
    )
    SELECT h."status", c."locale", f."id" AS "folded", tk."code", tk."text", ht."code" AS "headCode", ht."text" AS "headText"
    FROM head h
    LEFT JOIN "Chat" c ON c."platform" = ${chat.platform}::"Platform" AND c."externalId" = ${chat.externalId}
    LEFT JOIN "Ticket" ht ON ht."id" = h."ticketId"
    LEFT JOIN folded f ON true
    LEFT JOIN "Ticket" tk ON tk."id" = f."ticketId"
    ORDER BY f."id"`;
  const first = rows[0];
  if (!first || first.status !== 'pending') return 'gone';
  const given = rows.filter((r) => r.folded !== null && r.code !== null && r.text !== null);
  if (given.length === 0 || first.headCode === null || first.headText === null) return null;
  const tickets = [{ code: first.headCode, text: first.headText }, ...given.map((r) => ({ code: r.code!, text: r.text! }))];
  const html = renderReceipts(tickets, translator(first.locale), caps);
  const content: OutboundContent = {
    text: caps.format === 'html' ? html : htmlToPlain(html),
    ...(caps.replies && head.replyToMessageId ? { replyToMessageId: head.replyToMessageId } : {}),
  };
  return { content, absorbed: given.map((r) => BigInt(r.folded!)) };
}
