import type { Platform } from '../domain/types.js';
import type { Tx } from '../db/client.js';
import type { ChatAddress, OutboundContent } from '../platforms/types.js';
import { splitHtml } from './format.js';

/** What an outbox row asks the sender to do; stored as JSON in OutboundMessage.payload. */
export type OutboxPayload =
  | { op: 'send'; content: OutboundContent }
  /** A ticket card rendered from the database at send time, edited in place once it exists. */
  | { op: 'card'; view: CardView }
  | { op: 'answer_action'; actionId: string; text: string | null; alert: boolean }
  /** A generated file stored in the row's fileData. */
  | { op: 'send_file'; kind: 'photo' | 'document'; captionHtml: string };

export type CardView = 'support' | 'department' | 'commune';

export interface OutboxMeta {
  purpose?: string;
  ticketId?: number | null;
}

/** Longest text per message on each platform. */
export const TEXT_LIMITS: Record<Platform, number> = { telegram: 4096, zalo: 2000 };

/**
 * Collects outgoing messages as rows inside the caller's transaction: a message exists if and
 * only if the change that caused it committed. The ids are enqueued after commit.
 */
export class OutboxWriter {
  readonly created: bigint[] = [];
  /** Reminder rounds to wake after commit (the ticket rows already hold the times). */
  readonly wakeups: Date[] = [];

  constructor(private readonly tx: Tx) {}

  /** Sends HTML content; long text is split at the platform's limit into ordered messages. */
  async send(chat: ChatAddress, content: OutboundContent, meta: OutboxMeta = {}): Promise<void> {
    const parts = splitHtml(content.html, TEXT_LIMITS[chat.platform]);
    for (const [i, html] of parts.entries()) {
      const last = i === parts.length - 1;
      const part: OutboundContent = {
        html,
        // Buttons belong under the last part; the reply link and files under the first.
        ...(last && content.buttons ? { buttons: content.buttons } : {}),
        ...(last && content.forceReply ? { forceReply: true } : {}),
        ...(i === 0 && content.replyToMessageId ? { replyToMessageId: content.replyToMessageId } : {}),
        ...(i === 0 && content.attachments?.length ? { attachments: content.attachments } : {}),
      };
      await this.insert(chat, { op: 'send', content: part }, meta.purpose ?? 'reply', meta.ticketId ?? null);
    }
  }

  /**
   * Uploads a generated file (an export, a chart) with a short HTML caption. The bytes live in the
   * outbox row, so the send survives restarts like any other message.
   */
  async sendFile(chat: ChatAddress, file: { kind: 'photo' | 'document'; fileName: string; mimeType: string; data: Uint8Array; captionHtml: string }, meta: OutboxMeta = {}): Promise<void> {
    const row = await this.tx.outboundMessage.create({
      data: {
        platform: chat.platform,
        chatExternalId: chat.externalId,
        method: 'send_file',
        payload: { op: 'send_file', kind: file.kind, captionHtml: file.captionHtml } satisfies OutboxPayload,
        purpose: meta.purpose ?? 'file',
        ticketId: meta.ticketId ?? null,
        fileData: Buffer.from(file.data),
        fileName: file.fileName,
        fileMime: file.mimeType,
      },
      select: { id: true },
    });
    this.created.push(row.id);
  }

  /** Asks for a reminder round at `at`, once the transaction has committed. */
  wakeAt(at: Date | null): void {
    if (at) this.wakeups.push(at);
  }

  /** Shows (or refreshes) a ticket's card in a chat. */
  async card(chat: ChatAddress, ticketId: number, view: CardView): Promise<void> {
    await this.insert(chat, { op: 'card', view }, `card:${view}`, ticketId);
  }

  /** Answers a button press (the small notice Telegram shows); Zalo has no buttons. */
  async answerAction(chat: ChatAddress, actionId: string, text: string | null, alert = false): Promise<void> {
    await this.insert(chat, { op: 'answer_action', actionId, text, alert }, 'answer_action', null);
  }

  private async insert(chat: ChatAddress, payload: OutboxPayload, purpose: string, ticketId: number | null): Promise<void> {
    const row = await this.tx.outboundMessage.create({
      data: { platform: chat.platform, chatExternalId: chat.externalId, method: payload.op, payload: payload as object, purpose, ticketId },
      select: { id: true },
    });
    this.created.push(row.id);
  }
}
