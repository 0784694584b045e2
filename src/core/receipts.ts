import type { Tx } from '../db/client.js';
import type { Translate } from '../i18n/index.js';
import type { ChannelCapabilities, ChatAddress, OutboundContent } from './port.js';
import { prepareMessage } from './outbox-writer.js';
import { escapeHtml, userText } from './presentation/markup.js';

import { RECEIPT_PURPOSE } from '../queues/names.js';

export { RECEIPT_PURPOSE };

/** Receipts one message gives at most: its own and those waiting behind it. */
export const RECEIPTS_PER_MESSAGE = 20;

/** Receipts waiting longer than this go out on their own, in their turn. */
const FOLD_LOOKBACK_SECONDS = 60 * 60;

/** Room kept for the title and the hint. */
const FRAME_CHARS = 300;

export interface ReceiptTicket {
  code: string;
  text: string;
}

/**
 * Receipts of a chat waiting behind the one whose turn it is (`headId`), oldest first: what one
 * message sent now can give. Only committed rows are seen; one committed later waits for its turn.
 */
export async function waitingReceipts(tx: Pick<Tx, '$queryRaw'>, chat: ChatAddress, headId: bigint, limit: number): Promise<bigint[]> {
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT "id" FROM "OutboundMessage"
    WHERE "platform" = ${chat.platform}::"Platform" AND "chatExternalId" = ${chat.externalId} AND "purpose" = ${RECEIPT_PURPOSE}
      AND "createdAt" > now() - make_interval(secs => ${FOLD_LOOKBACK_SECONDS})
      AND "status" = 'pending' AND "method" = 'send' AND "partsSent" = 0 AND "id" > ${headId}
    ORDER BY "id" ASC LIMIT ${limit}`;
  return rows.map((r) => BigInt(r.id));
}

/**
 * Several new reports from one chat whose receipts wait their turn together (someone sent a list of
 * difficulties in a row, or a burst holds the chat's line): one message gives every code, each with
 * the start of its report so the reporter knows which is which, as much as fits one message.
 */
export function renderReceipts(tickets: readonly ReceiptTicket[], t: Translate, caps: Pick<ChannelCapabilities, 'maxTextLength'>): string {
  const budget = caps.maxTextLength - FRAME_CHARS;
  const shapes: ((tk: ReceiptTicket) => string)[] = [60, 30].map((chars) => (tk: ReceiptTicket) => {
    const flat = tk.text.replace(/\s+/g, ' ').trim();
    const short = flat.length > chars ? `${flat.slice(0, chars - 1)}…` : flat;
    return `• <b>${escapeHtml(tk.code)}</b> — ${userText(short)}`;
  });
  shapes.push((tk) => `• <b>${escapeHtml(tk.code)}</b>`);
  const visible = (line: string) => line.replace(/<[^>]+>/g, '').length + 1;
  const shape = shapes.find((s) => tickets.reduce((n, tk) => n + visible(s(tk)), 0) <= budget) ?? shapes.at(-1)!;
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
 * Folds the receipts waiting behind `head` into it, in one transaction: they are marked sent
 * (`payload.foldedInto`), the head's payload becomes the message that gives them all (a retry of it
 * sends the same). A head folded before (a run handed back to wait for its slot carries the
 * payload it had before) gets that message again. 'gone' when the head is no longer due (given by
 * another message); null when nothing could be taken. Only the head of
 * a chat's send line gets here, so two folds of one chat never run at once; a waiting receipt is
 * taken only while still pending, so none is given twice.
 */
export async function foldReceipts(
  tx: Tx,
  chat: ChatAddress,
  head: { id: bigint; ticketId: number | null; content: OutboundContent },
  waiting: readonly bigint[],
  caps: ChannelCapabilities,
  t: Translate,
  now: Date,
): Promise<ReceiptFold | 'gone' | null> {
  const own = await tx.$queryRaw<{ status: string; payload: { content?: OutboundContent; folded?: string[] } }[]>`
    SELECT "status", "payload" FROM "OutboundMessage" WHERE "id" = ${head.id} FOR UPDATE`;
  if (own[0]?.status !== 'pending') return 'gone';
  // Folded on an earlier run (its job was handed back to wait for a later slot): the same message.
  const earlier = own[0].payload;
  if (earlier.folded && earlier.content) return { content: earlier.content, absorbed: earlier.folded.map((id) => BigInt(id)) };
  if (head.ticketId === null || waiting.length === 0) return null;
  const taken = await tx.$queryRaw<{ id: bigint; ticketId: number }[]>`
    UPDATE "OutboundMessage" SET "status" = 'sent', "sentAt" = now(), "updatedAt" = now(),
      "payload" = "payload" || jsonb_build_object('foldedInto', ${head.id.toString()}::text)
    WHERE "id" = ANY(${waiting.map(String)}::bigint[]) AND "status" = 'pending' AND "ticketId" IS NOT NULL
    RETURNING "id", "ticketId"`;
  if (taken.length === 0) return null;
  const ticketIds = [head.ticketId, ...taken.map((r) => Number(r.ticketId))];
  const tickets = await tx.$queryRaw<{ id: number; code: string; text: string }[]>`
    SELECT "id", "code", "text" FROM "Ticket" WHERE "id" = ANY(${ticketIds}::int[]) ORDER BY "id"`;
  const html = renderReceipts(tickets, t, caps);
  const prepared = await prepareMessage(tx, chat, { html }, caps, { now, t, audience: null, ticketId: head.ticketId });
  const content: OutboundContent = { ...(prepared.parts[0] ?? { text: '' }), replyToMessageId: head.content.replyToMessageId ?? null };
  const absorbed = taken.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const payload = JSON.stringify({ op: 'send', content, folded: absorbed.map(String) });
  await tx.$executeRaw`UPDATE "OutboundMessage" SET "payload" = ${payload}::jsonb, "updatedAt" = now() WHERE "id" = ${head.id}`;
  return { content, absorbed };
}
