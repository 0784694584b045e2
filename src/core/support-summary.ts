import type { Tx } from '../db/client.js';
import type { Translate } from '../i18n/index.js';
import type { Chat } from '../generated/prisma/client.js';
import type { ChannelCapabilities, ChatAddress } from './port.js';
import type { Message } from './outbox-writer.js';
import { escapeHtml, excerpt, shapeThatFits, userText } from './presentation/markup.js';
import { addressOf, type Scope } from './scope.js';

/** A summary collects the new tickets of this long (real time), then a new one begins. */
const SUMMARY_SPAN_SECONDS = 10 * 60;
/**
 * A summary with room for more is edited at most this often: the announcements of a steady stream
 * gather for a few seconds and go in one edit, so edits never eat a group's budget of messages a
 * minute (20 where the platform limits groups so) that new summaries, cards and answers need.
 */
export const SUMMARY_EDIT_GAP_MS = 5_000;
/** Waiting announcements older than this are not folded (they go out as cards in their turn). */
const FOLD_LOOKBACK_SECONDS = 24 * 60 * 60;

/**
 * A new ticket for the support team: an announcement in each support chat. It is written as the
 * ticket's card, marked `announce`, and nothing else happens in the report's transaction — no
 * shared row is read or locked, so reports never wait for one another here. The sender decides, when
 * the announcement's turn comes, whether it goes out as the card or joins a burst summary
 * (foldAnnouncements): a burst of hundreds of reports costs the group a few messages, not one card
 * per ticket at its minute limit.
 */
export async function announceToSupport(scope: Scope, chats: readonly Chat[], ticketId: number): Promise<void> {
  for (const chat of chats) await scope.out.card(addressOf(chat), ticketId, 'support', { announce: true });
}

/**
 * Tickets a summary lists with a line each, at most: each with its own button where there are
 * buttons (100 to a message, the platform's limit), else as a numbered choice (30).
 */
export function summaryCapacity(caps: Pick<ChannelCapabilities, 'buttons'>): number {
  return caps.buttons ? 100 : 30;
}

/** Room a compact summary gives each code: the code (up to 9 characters) and its separator. */
const COMPACT_CODE_CHARS = 12;

/**
 * Tickets a compact summary lists at most: codes only, as many as one message of the channel holds
 * (about 300 in 4,096 characters, 130 in 2,000). A large burst is listed compactly, so the support group's
 * budget of messages a minute covers thousands of new tickets in a few messages; each code is
 * still one typed command (/phieu, /nhan) from its card and its actions.
 */
export function compactCapacity(caps: Pick<ChannelCapabilities, 'maxTextLength' | 'buttons'>): number {
  return Math.max(summaryCapacity(caps), Math.floor((caps.maxTextLength - SUMMARY_FRAME_CHARS) / COMPACT_CODE_CHARS));
}

export interface WaitingAnnouncement {
  id: bigint;
  ticketId: number;
}

/**
 * The announcements waiting in a support chat, oldest first, from `fromId` (the one whose turn it
 * is) on: what a summary drawn now would take. Only committed rows are seen; one committed later
 * waits for its own turn.
 */
export async function waitingAnnouncements(tx: Pick<Tx, '$queryRaw'>, chat: ChatAddress, fromId: bigint, limit: number): Promise<WaitingAnnouncement[]> {
  const rows = await tx.$queryRaw<{ id: bigint; ticketId: number }[]>`
    SELECT "id", "ticketId" FROM "OutboundMessage"
    WHERE "platform" = ${chat.platform}::"Platform" AND "chatExternalId" = ${chat.externalId} AND "purpose" = 'card:support'
      AND "createdAt" > now() - make_interval(secs => ${FOLD_LOOKBACK_SECONDS})
      AND "status" = 'pending' AND "method" = 'card' AND ("payload"->>'announce') = 'true' AND "id" >= ${fromId}
    ORDER BY "id" ASC LIMIT ${limit}`;
  return rows.map((r) => ({ id: BigInt(r.id), ticketId: Number(r.ticketId) }));
}

export interface Fold {
  summaryId: bigint;
  /** How many tickets this summary may list (a line each, or compact). */
  capacity: number;
  /** Every ticket the summary lists now, in order. */
  ticketIds: number[];
  /** The announcements it took besides the one whose turn it was (now delivered as part of it). */
  absorbed: bigint[];
  /** A summary already shown (edited in place) or a new one. */
  fresh: boolean;
}

/**
 * Folds waiting announcements into the chat's burst summary, in the sender's own transaction, when
 * the head announcement `head` is due: into the open summary while it has room (where messages can
 * be edited; otherwise every summary is new and lists only what it brings), else a new one. The head
 * row becomes the summary's message (method `summary`); the others are delivered with it. Only the
 * head of a chat's send line gets here, so two folds of one chat never run at once. More waiting
 * than a summary lists a line each: the summary is compact (codes only) and takes that many more.
 */
export async function foldAnnouncements(tx: Tx, chat: ChatAddress, head: bigint, waiting: readonly WaitingAnnouncement[], caps: ChannelCapabilities): Promise<Fold> {
  const capacity = waiting.length > summaryCapacity(caps) ? compactCapacity(caps) : summaryCapacity(caps);
  const open = caps.edits
    ? await tx.$queryRaw<{ id: bigint; ticketIds: number[] }[]>`
        SELECT "id", "ticketIds" FROM "SupportSummary"
        WHERE "platform" = ${chat.platform}::"Platform" AND "chatExternalId" = ${chat.externalId}
          AND "createdAt" > now() - make_interval(secs => ${SUMMARY_SPAN_SECONDS}) AND cardinality("ticketIds") < ${capacity}
        ORDER BY "id" DESC LIMIT 1 FOR UPDATE`
    : [];
  const current = open[0];
  const room = capacity - (current?.ticketIds.length ?? 0);
  const taken = waiting.slice(0, Math.max(1, room));
  const added = taken.map((w) => w.ticketId);
  let summaryId: bigint;
  let ticketIds: number[];
  if (current) {
    const rows = await tx.$queryRaw<{ ticketIds: number[] }[]>`
      UPDATE "SupportSummary" SET "ticketIds" = "ticketIds" || ${added}::int[], "updatedAt" = now() WHERE "id" = ${current.id} RETURNING "ticketIds"`;
    summaryId = BigInt(current.id);
    ticketIds = rows[0]!.ticketIds.map(Number);
  } else {
    const rows = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO "SupportSummary" ("platform", "chatExternalId", "ticketIds") VALUES (${chat.platform}::"Platform", ${chat.externalId}, ${added}::int[]) RETURNING "id"`;
    summaryId = BigInt(rows[0]!.id);
    ticketIds = added;
  }
  const absorbed = taken.map((w) => w.id).filter((id) => id !== head);
  const summary = JSON.stringify({ op: 'summary', summaryId: summaryId.toString() });
  await tx.$executeRaw`UPDATE "OutboundMessage" SET "method" = 'summary', "purpose" = 'summary', "payload" = ${summary}::jsonb, "updatedAt" = now() WHERE "id" = ${head}`;
  if (absorbed.length) {
    // Delivered as lines of the summary: no card of their own, and no card to refresh later.
    await tx.$executeRaw`
      UPDATE "OutboundMessage" SET "status" = 'sent', "sentAt" = now(), "purpose" = 'announce:summary',
        "payload" = "payload" || jsonb_build_object('summaryId', ${summaryId.toString()}::text), "updatedAt" = now()
      WHERE "id" = ANY(${absorbed.map(String)}::bigint[]) AND "status" = 'pending'`;
  }
  return { summaryId, capacity, ticketIds, absorbed, fresh: !current };
}

/** The tickets a summary lists. */
export async function summaryTickets(tx: Pick<Tx, '$queryRaw'>, summaryId: bigint): Promise<number[]> {
  const rows = await tx.$queryRaw<{ ticketIds: number[] }[]>`SELECT "ticketIds" FROM "SupportSummary" WHERE "id" = ${summaryId}`;
  return rows[0]?.ticketIds.map(Number) ?? [];
}

export interface SummaryTicket {
  id: number;
  code: string;
  text: string;
  communeName: string;
}

/** Room kept for the title, the hint and (without buttons) the numbered choices. */
const SUMMARY_FRAME_CHARS = 400;

/**
 * The rolling summary: the burst's new tickets, each a tap (or a typed number) from its card. Each
 * line shows as much as fits in one message of the channel: code, commune and the start of the
 * report; then shorter; at the least the code. More tickets than a summary lists a line each (a
 * large burst): the codes alone, each one typed command from its card.
 */
export function renderSupportSummary(tickets: readonly SummaryTicket[], t: Translate, caps: Pick<ChannelCapabilities, 'maxTextLength' | 'buttons'>): Message {
  const first = tickets[0]?.code ?? '';
  const last = tickets.at(-1)?.code ?? '';
  const title = { kind: 'title' as const, text: escapeHtml(t('summary-title', { count: tickets.length, first, last })) };
  if (tickets.length > summaryCapacity(caps)) {
    return {
      blocks: [title, { kind: 'text', text: tickets.map((tk) => escapeHtml(tk.code)).join(', ') }, { kind: 'text', text: escapeHtml(t('summary-hint-compact', { example: first })) }],
    };
  }
  const choiceChars = caps.buttons ? 0 : tickets.reduce((n, tk) => n + tk.code.length + 6, 0);
  const budget = caps.maxTextLength - SUMMARY_FRAME_CHARS - choiceChars;
  const shape = shapeThatFits(
    tickets,
    [
      ...[60, 30].map((chars) => (tk: SummaryTicket) => `<b>${escapeHtml(tk.code)}</b> · ${escapeHtml(tk.communeName)} — ${userText(excerpt(tk.text, chars))}`),
      (tk: SummaryTicket) => `<b>${escapeHtml(tk.code)}</b> · ${escapeHtml(tk.communeName)}`,
      (tk: SummaryTicket) => `<b>${escapeHtml(tk.code)}</b>`,
    ],
    budget,
    3,
  );
  const choices = [];
  for (let i = 0; i < tickets.length; i += 4) choices.push(tickets.slice(i, i + 4).map((tk) => ({ text: tk.code, data: `t:card:${tk.id}` })));
  return {
    blocks: [title, { kind: 'list', items: tickets.map(shape) }, { kind: 'text', text: escapeHtml(t('summary-hint', { example: first })) }],
    choices,
  };
}
