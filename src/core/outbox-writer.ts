import type { Tx } from '../db/client.js';
import type { Platform } from '../domain/types.js';
import { createTranslator, type Translate } from '../i18n/index.js';
import type { AttachmentRef, ChannelCapabilities, ChannelDirectory, ChatAddress, OutboundButton, OutboundContent } from './port.js';
import type { Block, PromptSpec } from './presentation/content.js';
import { htmlToPlain } from './presentation/markup.js';
import { renderBlocks } from './presentation/render.js';
import { splitText } from './presentation/split.js';

/**
 * A message as the core writes it, whatever channel it goes to: markup text (or blocks), semantic
 * choices, a prompt that waits for the person's next message. `prepareMessage` renders it for one
 * channel from that channel's capabilities alone.
 */
export interface Message {
  /** Markup in the bot's HTML subset (user text inside it already escaped and isolated). */
  html?: string;
  /** Structured content; rendered before `html` when both are given. */
  blocks?: readonly Block[];
  /** Choices: buttons where the channel has them, a numbered list answered by typing otherwise. */
  choices?: OutboundButton[][];
  replyToMessageId?: string | null;
  attachments?: AttachmentRef[];
  /** Wait for the person's next message as the answer (force reply, or a stored conversation step). */
  prompt?: PromptSpec;
}

/** What an outbox row asks the sender to do; stored as JSON in OutboundMessage.payload. */
export type OutboxPayload =
  | { op: 'send'; content: OutboundContent }
  /** A ticket card rendered from the database at send time, edited in place once it exists. */
  | { op: 'card'; view: CardView; announce?: boolean }
  | { op: 'answer_action'; actionId: string; text: string | null; alert: boolean }
  /** The rolling summary of a burst of new tickets, drawn at send time (core/support-summary.ts). */
  | { op: 'summary'; summaryId: string }
  /** A used menu whose buttons are taken away (channels that can edit). */
  | { op: 'clear_buttons'; messageId: string }
  /** A generated file stored in the row's fileData; `caption` is markup. */
  | { op: 'send_file'; kind: 'photo' | 'document'; caption: string };

export type CardView = 'support' | 'department' | 'commune';

export interface OutboxMeta {
  purpose?: string;
  ticketId?: number | null;
  /**
   * The person a message answers (a picker, a prompt): numbered choices and prompts on channels
   * without buttons bind to them. Null or absent: anyone in the chat may answer a menu.
   */
  audience?: string | null;
}

/** How long a numbered menu can be answered, and how long a prompt waits for the next message. */
export const MENU_TTL_MS = 24 * 60 * 60_000;
export const PROMPT_TTL_MS = 30 * 60_000;

/** Capabilities of a platform nothing was configured for: the plainest there is. */
export const PLAIN_CAPABILITIES: ChannelCapabilities = {
  format: 'plain',
  maxTextLength: 2000,
  maxCaptionLength: 1000,
  buttons: false,
  edits: false,
  forceReply: false,
  documents: false,
  uploads: false,
  slashCommands: false,
  actionAnswers: false,
  replies: false,
};

/** A directory that knows no channel: every platform gets the plain capabilities. */
export const PLAIN_DIRECTORY: ChannelDirectory = { capabilities: () => PLAIN_CAPABILITIES };

export interface PreparedMessage {
  /** Messages in order, each within the channel's limit and in its format. */
  parts: OutboundContent[];
}

/**
 * Renders a message for one channel: markup kept or turned into plain text, choices as buttons or
 * as a numbered list (whose menu is stored so the typed number can be mapped back), a prompt as a
 * force reply or as a stored conversation step, then split at the channel's limit. Buttons and the
 * force reply go under the last part; the quote and the files with the first.
 */
export async function prepareMessage(
  tx: Tx,
  chat: ChatAddress,
  message: Message,
  caps: ChannelCapabilities,
  ctx: { now: Date; t: Translate; audience: string | null; ticketId: number | null },
): Promise<PreparedMessage> {
  let markup = [message.blocks?.length ? renderBlocks(message.blocks, 'html') : '', message.html ?? ''].filter(Boolean).join('\n\n');
  let buttons: OutboundButton[][] | undefined;
  const choices = message.choices?.filter((row) => row.length > 0) ?? [];
  if (choices.length) {
    if (caps.buttons) buttons = choices;
    else {
      const flat = choices.flat();
      markup += `\n\n${ctx.t('choices-typed-header')}\n${flat.map((c, i) => `${i + 1}. ${c.text}`).join('\n')}`;
      await tx.choiceMenu.create({
        data: {
          platform: chat.platform,
          chatExternalId: chat.externalId,
          personId: ctx.audience,
          ticketId: ctx.ticketId,
          options: flat.map((c) => ({ text: c.text, data: c.data })),
          createdAt: ctx.now,
          expiresAt: new Date(ctx.now.getTime() + MENU_TTL_MS),
        },
      });
    }
  }
  let forceReply = false;
  if (message.prompt) {
    if (caps.forceReply) forceReply = true;
    else if (ctx.audience) {
      markup += `\n\n${ctx.t('prompt-next-message', { minutes: Math.round(PROMPT_TTL_MS / 60_000) })}`;
      // One prompt at a time per person and chat: a newer one replaces the one still waiting.
      await tx.conversationStep.updateMany({ where: { platform: chat.platform, chatExternalId: chat.externalId, personId: ctx.audience, doneAt: null }, data: { doneAt: ctx.now } });
      await tx.conversationStep.create({
        data: {
          platform: chat.platform,
          chatExternalId: chat.externalId,
          personId: ctx.audience,
          kind: message.prompt.kind,
          ticketId: message.prompt.ticketId,
          createdAt: ctx.now,
          expiresAt: new Date(ctx.now.getTime() + PROMPT_TTL_MS),
        },
      });
    }
  }
  const text = caps.format === 'html' ? markup : htmlToPlain(markup);
  const pieces = splitText(text, caps.maxTextLength, caps.format);
  // Files and choices still need a message to travel with, even without text.
  if (pieces.length === 0 && (message.attachments?.length || buttons)) pieces.push('');
  const parts = pieces.map((piece, i): OutboundContent => {
    const last = i === pieces.length - 1;
    return {
      text: piece,
      ...(last && buttons ? { buttons } : {}),
      ...(last && forceReply ? { forceReply: true } : {}),
      ...(i === 0 && caps.replies && message.replyToMessageId ? { replyToMessageId: message.replyToMessageId } : {}),
      ...(i === 0 && message.attachments?.length ? { attachments: message.attachments } : {}),
    };
  });
  return { parts };
}

/** A row written, as the queue needs it to enqueue its job without reading it back. */
export interface CreatedRow {
  id: bigint;
  platform: Platform;
  chatExternalId: string;
  op: OutboxPayload['op'];
  purpose: string;
  ticketId: number | null;
  /** The payload itself, for the sender's fast path (absent for files: their bytes stay in the row). */
  payload?: OutboxPayload;
}

/** A message waiting to be written with the others of its batch (a buffered writer). */
interface PendingRow {
  chat: ChatAddress;
  payload: OutboxPayload;
  purpose: string;
  ticketId: number | null;
}

/**
 * The messages of a batch of updates handled in one transaction, kept to be written together: one
 * INSERT for the batch's receipts, announcements and answers instead of one per message, in the
 * same statement that marks the batch's updates processed. Code that reads OutboundMessage in the
 * transaction flushes first (OutboxWriter.flush), so it sees every message written before it.
 */
export class OutboxBuffer {
  private pending: { row: PendingRow; writer: OutboxWriter }[] = [];

  constructor(private readonly tx: Tx) {}

  /** Messages kept by `writer` and not written yet. */
  heldFor(writer: OutboxWriter): number {
    return this.pending.filter((p) => p.writer === writer).length;
  }

  add(row: PendingRow, writer: OutboxWriter): void {
    this.pending.push({ row, writer });
  }

  /**
   * Writes the kept messages in the order they were sent, in one statement; `processed`: inbox
   * rows marked processed by the same statement.
   */
  async flush(processed: { ids: readonly bigint[]; at: Date } | null = null): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const done = processed?.ids.map(String) ?? [];
    if (batch.length === 0 && done.length === 0) return;
    const at = new Date();
    const rows = batch.map((p) => p.row);
    const inserted = await this.tx.$queryRaw<{ id: bigint }[]>`
      WITH "done" AS (
        UPDATE "InboundUpdate" SET "processedAt" = ${processed?.at ?? at}, "attempts" = "attempts" + 1, "error" = NULL WHERE "id" = ANY(${done}::bigint[]))
      INSERT INTO "OutboundMessage" ("platform", "chatExternalId", "method", "payload", "purpose", "ticketId", "createdAt", "updatedAt")
      SELECT u."platform"::"Platform", u."chat", u."method", u."payload"::jsonb, u."purpose", u."ticketId", ${at}, ${at}
      FROM unnest(${rows.map((r) => r.chat.platform)}::text[], ${rows.map((r) => r.chat.externalId)}::text[], ${rows.map((r) => r.payload.op)}::text[],
                  ${rows.map((r) => JSON.stringify(r.payload))}::text[], ${rows.map((r) => r.purpose)}::text[], ${rows.map((r) => r.ticketId)}::int[])
        WITH ORDINALITY AS u("platform", "chat", "method", "payload", "purpose", "ticketId", "n")
      ORDER BY u."n"
      RETURNING "id"`;
    // Ids are drawn from the sequence as the rows are inserted, in ORDER BY's order.
    const ids = inserted.map((r) => BigInt(r.id)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    if (ids.length !== batch.length) throw new Error(`outbox flush wrote ${ids.length} of ${batch.length} rows`);
    batch.forEach((p, i) => p.writer.record(ids[i]!, p.row));
  }
}

/**
 * Collects outgoing messages as rows inside the caller's transaction: a message exists if and
 * only if the change that caused it committed. The ids are enqueued after commit.
 */
export class OutboxWriter {
  private readonly writtenRows: CreatedRow[] = [];

  /** The ids of the rows written, in order. */
  get created(): bigint[] {
    return this.rows.map((r) => r.id);
  }

  /** The same rows with what their jobs carry. */
  get rows(): CreatedRow[] {
    this.assertFlushed();
    return this.writtenRows;
  }

  /** Reminder rounds to wake after commit (the ticket rows already hold the times). */
  readonly wakeups: Date[] = [];

  constructor(
    private readonly tx: Tx,
    private readonly channels: ChannelDirectory,
    private readonly now: Date,
    private readonly t: Translate = createTranslator('vi'),
    /** Kept in a batch's buffer and written with its other messages (OutboxBuffer), instead of one statement each. */
    private readonly buffer: OutboxBuffer | null = null,
  ) {}

  /** A buffered writer's rows asked for before they were written would be lost messages: never silently. */
  private assertFlushed(): void {
    if (this.buffer && this.buffer.heldFor(this) > 0) throw new Error('outbox rows read before flush()');
  }

  /** Writes the messages kept so far (of the whole batch, with a buffer): before reading OutboundMessage in the transaction. */
  async flush(): Promise<void> {
    await this.buffer?.flush();
  }

  /** A message written with id `id` (OutboxBuffer calls this for the rows it wrote). @internal */
  record(id: bigint, r: PendingRow): void {
    this.writtenRows.push({ id, platform: r.chat.platform, chatExternalId: r.chat.externalId, op: r.payload.op, purpose: r.purpose, ticketId: r.ticketId, payload: r.payload });
  }

  /** What the channel of `platform` can do. */
  capabilities(platform: Platform): ChannelCapabilities {
    return this.channels.capabilities(platform);
  }

  /** Sends a message, rendered for the chat's channel and split at its limit into ordered rows. */
  async send(chat: ChatAddress, message: Message, meta: OutboxMeta = {}): Promise<void> {
    const { parts } = await prepareMessage(this.tx, chat, message, this.capabilities(chat.platform), {
      now: this.now,
      t: this.t,
      audience: meta.audience ?? null,
      ticketId: meta.ticketId ?? null,
    });
    for (const content of parts) await this.insert(chat, { op: 'send', content }, meta.purpose ?? 'reply', meta.ticketId ?? null);
  }

  /**
   * Uploads a generated file (an export, a chart) with a short markup caption. The bytes live in
   * the outbox row, so the send survives restarts like any other message.
   */
  async sendFile(chat: ChatAddress, file: { kind: 'photo' | 'document'; fileName: string; mimeType: string; data: Uint8Array; caption: string }, meta: OutboxMeta = {}): Promise<void> {
    // After the messages sent before it, in id order as in its chat's line.
    await this.flush();
    const row = await this.tx.outboundMessage.create({
      data: {
        platform: chat.platform,
        chatExternalId: chat.externalId,
        method: 'send_file',
        payload: { op: 'send_file', kind: file.kind, caption: file.caption } satisfies OutboxPayload,
        purpose: meta.purpose ?? 'file',
        ticketId: meta.ticketId ?? null,
        fileData: Buffer.from(file.data),
        fileName: file.fileName,
        fileMime: file.mimeType,
      },
      select: { id: true },
    });
    this.writtenRows.push({ id: row.id, platform: chat.platform, chatExternalId: chat.externalId, op: 'send_file', purpose: meta.purpose ?? 'file', ticketId: meta.ticketId ?? null });
  }

  /** Asks for a reminder round at `at`, once the transaction has committed. */
  wakeAt(at: Date | null): void {
    if (at) this.wakeups.push(at);
  }

  /**
   * Shows (or refreshes) a ticket's card in a chat. `announce`: a new ticket's first card in a
   * support chat, which the sender may fold into a burst summary (core/support-summary.ts).
   */
  async card(chat: ChatAddress, ticketId: number, view: CardView, opts: { announce?: boolean } = {}): Promise<void> {
    await this.insert(chat, opts.announce ? { op: 'card', view, announce: true } : { op: 'card', view }, `card:${view}`, ticketId);
  }

  /** Answers a button press (the small notice some platforms show). */
  async answerAction(chat: ChatAddress, actionId: string, text: string | null, alert = false): Promise<void> {
    await this.insert(chat, { op: 'answer_action', actionId, text, alert }, 'answer_action', null);
  }

  /** Takes the buttons away from a message whose menu was used, where the channel can edit. */
  async clearButtons(chat: ChatAddress, messageId: string, ticketId: number | null): Promise<void> {
    if (!this.capabilities(chat.platform).edits) return;
    await this.insert(chat, { op: 'clear_buttons', messageId }, 'clear_buttons', ticketId);
  }

  private async insert(chat: ChatAddress, payload: OutboxPayload, purpose: string, ticketId: number | null): Promise<void> {
    if (this.buffer) {
      this.buffer.add({ chat, payload, purpose, ticketId }, this);
      return;
    }
    // Written with plain SQL: one of the most frequent statements, on every update's path.
    const at = new Date();
    const [row] = await this.tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO "OutboundMessage" ("platform", "chatExternalId", "method", "payload", "purpose", "ticketId", "createdAt", "updatedAt")
      VALUES (${chat.platform}::"Platform", ${chat.externalId}, ${payload.op}, ${JSON.stringify(payload)}::jsonb, ${purpose}, ${ticketId}, ${at}, ${at})
      RETURNING "id"`;
    this.record(BigInt(row!.id), { chat, payload, purpose, ticketId });
  }
}
