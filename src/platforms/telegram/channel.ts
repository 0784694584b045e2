import { Api, InlineKeyboard, InputFile } from 'grammy';
import type { ForceReply, InlineKeyboardMarkup } from 'grammy/types';
import { visibleLength } from '../../core/presentation/markup.js';
import { splitText } from '../../core/presentation/split.js';
import {
  ChannelError,
  FileUnavailable,
  type AttachmentRef,
  type Channel,
  type ChannelCapabilities,
  type ChannelLimits,
  type DeliveryProgress,
  type DeliveryResult,
  type FetchedFile,
  type OutboundContent,
  type OutboundFile,
  type OutboundRequest,
} from '../../core/port.js';
import { readCapped } from '../fetch-capped.js';
import { classifyTelegramError } from './errors.js';

// Telegram's limits count UTF-16 code units of the text after entity parsing: an emoji is two.
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  format: 'html',
  maxTextLength: TEXT_LIMIT,
  maxCaptionLength: CAPTION_LIMIT,
  buttons: true,
  edits: true,
  forceReply: true,
  documents: true,
  uploads: true,
  slashCommands: true,
  actionAnswers: true,
  replies: true,
};

/** A text the outbox split already, split again if it still exceeds the limit (it never should). */
export function fitTelegramText(html: string): string[] {
  return visibleLength(html) <= TEXT_LIMIT ? [html] : splitText(html, TEXT_LIMIT, 'html');
}

function keyboard(content: OutboundContent): InlineKeyboardMarkup | ForceReply | undefined {
  if (content.forceReply) return { force_reply: true, selective: true };
  if (!content.buttons?.length) return undefined;
  return InlineKeyboard.from(content.buttons.map((row) => row.map((b) => InlineKeyboard.text(b.text, b.data))));
}

/**
 * The id of the message a Bot API call returned, when its answer carries one. `ok: true` means the
 * platform accepted the call whatever the result's shape: some servers answer `true` or `null`
 * where Telegram answers a Message, and treating that as a failure would send the message again.
 */
export function messageIdOf(result: unknown): string | null {
  if (result === null || typeof result !== 'object') return null;
  const id = (result as { message_id?: unknown }).message_id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string' && id.trim() !== '') return id.trim();
  return null;
}

/** One Bot API call of a delivery; the answer's message id, if any, is read by messageIdOf. */
type Step = () => Promise<unknown>;

export interface TelegramChannelOptions {
  token: string;
  apiRoot: string;
  timeoutSeconds?: number;
  limits: ChannelLimits;
}

/** Delivers outbound requests through the Bot API at TELEGRAM_API_ROOT. */
export class TelegramChannel implements Channel {
  readonly platform = 'telegram' as const;
  readonly capabilities = TELEGRAM_CAPABILITIES;
  readonly limits: ChannelLimits;
  readonly api: Api;

  constructor(private readonly opts: TelegramChannelOptions) {
    this.api = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: opts.timeoutSeconds ?? 20 });
    this.limits = opts.limits;
  }

  /** Telegram group and channel ids are negative; private chats are the user's (positive) id. */
  isGroupAddress(externalId: string): boolean {
    return externalId.startsWith('-');
  }

  async fetchFile(ref: AttachmentRef, maxBytes: number): Promise<FetchedFile> {
    if (!ref.fileId) throw new FileUnavailable('unreachable', 'no Telegram file id');
    let path: string | undefined;
    let size: number | undefined;
    try {
      const file = await this.api.getFile(ref.fileId);
      path = file.file_path;
      size = file.file_size;
    } catch (err) {
      throw new FileUnavailable('unreachable', `getFile failed: ${classifyTelegramError(err).kind}`);
    }
    if (size !== undefined && size > maxBytes) throw new FileUnavailable('too_large', `${size} bytes`);
    if (!path) throw new FileUnavailable('unreachable', 'getFile gave no path');
    const data = await readCapped(`${this.opts.apiRoot}/file/bot${this.opts.token}/${path}`, maxBytes, 30_000);
    const fileName = ref.fileName ?? path.split('/').pop() ?? (ref.type === 'photo' ? 'anh.jpg' : 'tep');
    return { data: data.bytes, mimeType: ref.mimeType ?? data.mimeType ?? (ref.type === 'photo' ? 'image/jpeg' : 'application/octet-stream'), fileName };
  }

  async deliver(request: OutboundRequest): Promise<DeliveryResult> {
    switch (request.op) {
      case 'answer_action':
        try {
          await this.api.answerCallbackQuery(request.actionId, { ...(request.text ? { text: request.text } : {}), show_alert: request.alert });
        } catch (err) {
          throw new ChannelError(classifyTelegramError(err));
        }
        return { messageId: null };
      case 'clear_buttons':
        try {
          await this.api.editMessageReplyMarkup(request.chat.externalId, Number(request.messageId), { reply_markup: { inline_keyboard: [] } });
        } catch (err) {
          throw new ChannelError(classifyTelegramError(err));
        }
        return { messageId: request.messageId };
      case 'edit': {
        // Edits can carry only an inline keyboard; an empty one removes the buttons.
        const markup = request.content.buttons?.length ? (keyboard({ ...request.content, forceReply: false }) as InlineKeyboardMarkup) : { inline_keyboard: [] };
        let result: unknown;
        try {
          result = await this.api.editMessageText(request.chat.externalId, Number(request.messageId), request.content.text, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            reply_markup: markup,
          });
        } catch (err) {
          throw new ChannelError(classifyTelegramError(err));
        }
        // Telegram answers the edited Message (or `true`); some servers answer null. The card stays the same message.
        return { messageId: messageIdOf(result) ?? request.messageId };
      }
      case 'send':
        return this.runSteps(this.sendSteps(request), request.resume);
    }
  }

  /**
   * Runs the calls of one send in order, skipping those an earlier try already got accepted. A
   * failure carries how far it got, so the next try neither loses nor repeats a part.
   */
  private async runSteps(plan: { steps: Step[]; keyStep: number }, resume: DeliveryProgress | undefined): Promise<DeliveryResult> {
    const done = Math.min(resume?.calls ?? 0, plan.steps.length);
    let messageId = done > plan.keyStep ? (resume?.messageId ?? null) : null;
    for (let i = done; i < plan.steps.length; i++) {
      let result: unknown;
      try {
        result = await plan.steps[i]!();
      } catch (err) {
        throw new ChannelError(classifyTelegramError(err), i > 0 ? { calls: i, messageId } : undefined);
      }
      if (i === plan.keyStep) messageId = messageIdOf(result);
    }
    return { messageId };
  }

  private sendFile(chatId: string, file: OutboundFile, extra: Record<string, unknown>): Promise<unknown> {
    const input = file.via === 'id' ? file.fileId : file.via === 'url' ? file.url : new InputFile(Buffer.from(file.data), file.fileName ?? undefined);
    return file.type === 'photo' ? this.api.sendPhoto(chatId, input, extra) : this.api.sendDocument(chatId, input, extra);
  }

  /**
   * The Bot API calls one send takes, in order, and which of them makes the message that cards
   * and replies are found again by: the upload, the captioned file, or the first text part.
   */
  private sendSteps(request: Extract<OutboundRequest, { op: 'send' }>): { steps: Step[]; keyStep: number } {
    const { content } = request;
    const chatId = request.chat.externalId;
    const markup = keyboard(content);
    const replyParameters = content.replyToMessageId ? { reply_parameters: { message_id: Number(content.replyToMessageId), allow_sending_without_reply: true } } : {};
    const steps: Step[] = [];
    const hasText = content.text.trim().length > 0;
    const text = (parts: string[], opts: { markup: boolean; reply: boolean }) => {
      for (const [i, part] of parts.entries()) {
        steps.push(() =>
          this.api.sendMessage(chatId, part, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            ...(opts.markup && markup && i === parts.length - 1 ? { reply_markup: markup } : {}),
            ...(opts.reply && i === 0 ? replyParameters : {}),
          }),
        );
      }
    };

    if (content.upload) {
      const u = content.upload;
      const captioned = visibleLength(content.text) <= CAPTION_LIMIT;
      const caption = captioned && hasText ? { caption: content.text, parse_mode: 'HTML' as const } : {};
      steps.push(() => this.sendFile(chatId, { type: u.kind, fileName: u.fileName, mimeType: u.mimeType, via: 'bytes', data: u.data }, { ...caption, ...replyParameters }));
      if (!captioned) text(fitTelegramText(content.text), { markup: false, reply: false });
      return { steps, keyStep: 0 };
    }

    const files = request.files ?? [];
    // One file with a short text travels as its caption; otherwise files first, then the text.
    const captioned = files.length === 1 && visibleLength(content.text) <= CAPTION_LIMIT;
    for (const [i, file] of files.entries()) {
      const extra: Record<string, unknown> = {
        ...(captioned && hasText ? { caption: content.text, parse_mode: 'HTML' as const } : {}),
        ...(captioned && markup ? { reply_markup: markup } : {}),
        ...(i === 0 ? replyParameters : {}),
      };
      steps.push(() => this.sendFile(chatId, file, extra));
    }
    if (captioned) return { steps, keyStep: 0 };
    // Cards and replies are found again by the id of the (first) text message.
    const keyStep = steps.length;
    if (hasText) text(fitTelegramText(content.text), { markup: true, reply: files.length === 0 });
    return { steps, keyStep: hasText ? keyStep : 0 };
  }
}
