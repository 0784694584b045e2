import { Api, InlineKeyboard, InputFile } from 'grammy';
import type { ForceReply, InlineKeyboardMarkup } from 'grammy/types';
import { htmlToPlain, splitHtml } from '../../app/format.js';
import { ChannelError, type Channel, type DeliveryResult, type OutboundContent, type OutboundRequest } from '../types.js';
import { classifyTelegramError } from './errors.js';

// Telegram's limits count UTF-16 code units of the text after entity parsing: an emoji is two.
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/** Length of an HTML message as Telegram counts it (an overestimate for numeric entities). */
function telegramLength(html: string): number {
  return htmlToPlain(html).length;
}

/**
 * The outbox splits long text by characters; text dense with emoji can still exceed Telegram's
 * limit in UTF-16 units. Such a message is split again here, so it arrives instead of failing.
 */
export function fitTelegramText(html: string): string[] {
  if (telegramLength(html) <= TEXT_LIMIT) return [html];
  for (let limit = TEXT_LIMIT; limit > TEXT_LIMIT / 2; limit = Math.floor(limit * 0.95)) {
    const parts = splitHtml(html, limit);
    if (parts.every((p) => telegramLength(p) <= TEXT_LIMIT)) return parts;
  }
  return splitHtml(html, TEXT_LIMIT / 2); // no character is more than two units
}

function keyboard(content: OutboundContent): InlineKeyboardMarkup | ForceReply | undefined {
  if (content.forceReply) return { force_reply: true, selective: true };
  if (!content.buttons?.length) return undefined;
  return InlineKeyboard.from(content.buttons.map((row) => row.map((b) => InlineKeyboard.text(b.text, b.data))));
}

/** Delivers outbound requests through the Bot API at TELEGRAM_API_ROOT. */
export class TelegramChannel implements Channel {
  readonly platform = 'telegram' as const;
  readonly maxTextLength = 4096;
  readonly supportsButtons = true;
  readonly supportsEdits = true;

  constructor(readonly api: Api) {}

  static create(token: string, apiRoot: string, timeoutSeconds = 20): TelegramChannel {
    return new TelegramChannel(new Api(token, { apiRoot, timeoutSeconds }));
  }

  async deliver(request: OutboundRequest): Promise<DeliveryResult> {
    try {
      return await this.call(request);
    } catch (err) {
      throw new ChannelError(classifyTelegramError(err));
    }
  }

  private async call(request: OutboundRequest): Promise<DeliveryResult> {
    switch (request.op) {
      case 'answer_action':
        await this.api.answerCallbackQuery(request.actionId, { ...(request.text ? { text: request.text } : {}), show_alert: request.alert });
        return { messageId: null };
      case 'edit': {
        // Edits can carry only an inline keyboard; an empty one removes the buttons.
        const markup = request.content.buttons?.length ? keyboard({ ...request.content, forceReply: false }) as InlineKeyboardMarkup : { inline_keyboard: [] };
        const msg = await this.api.editMessageText(request.chat.externalId, Number(request.messageId), request.content.html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          reply_markup: markup,
        });
        return { messageId: typeof msg === 'object' ? String(msg.message_id) : request.messageId };
      }
      case 'send': {
        const { content } = request;
        const chatId = request.chat.externalId;
        const markup = keyboard(content);
        const replyParameters = content.replyToMessageId ? { reply_parameters: { message_id: Number(content.replyToMessageId), allow_sending_without_reply: true } } : {};
        if (content.upload) {
          const u = content.upload;
          const input = new InputFile(Buffer.from(u.data), u.fileName);
          const caption = telegramLength(content.html) <= CAPTION_LIMIT ? { caption: content.html, parse_mode: 'HTML' as const } : {};
          const msg = u.kind === 'photo' ? await this.api.sendPhoto(chatId, input, { ...caption, ...replyParameters }) : await this.api.sendDocument(chatId, input, { ...caption, ...replyParameters });
          if (!('caption' in caption)) {
            for (const part of fitTelegramText(content.html)) await this.api.sendMessage(chatId, part, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
          }
          return { messageId: String(msg.message_id) };
        }
        let first: string | null = null;
        const files = content.attachments ?? [];
        // One file with a short text travels as its caption; otherwise files first, then the text.
        const captioned = files.length === 1 && telegramLength(content.html) <= CAPTION_LIMIT;
        for (const file of files) {
          const extra: Record<string, unknown> = {
            ...(captioned ? { caption: content.html, parse_mode: 'HTML' as const, ...(markup ? { reply_markup: markup } : {}) } : {}),
            ...(first === null ? replyParameters : {}),
          };
          const msg: { message_id: number } =
            file.type === 'photo' ? await this.api.sendPhoto(chatId, file.fileId, extra) : await this.api.sendDocument(chatId, file.fileId, extra);
          first ??= String(msg.message_id);
        }
        if (!captioned) {
          const parts = fitTelegramText(content.html);
          let textId: string | null = null;
          for (const [i, part] of parts.entries()) {
            const msg = await this.api.sendMessage(chatId, part, {
              parse_mode: 'HTML',
              link_preview_options: { is_disabled: true },
              ...(markup && i === parts.length - 1 ? { reply_markup: markup } : {}),
              ...(first === null && textId === null ? replyParameters : {}),
            });
            textId ??= String(msg.message_id);
          }
          // Cards and replies are found again by the id of the (first) text message.
          first = textId;
        }
        return { messageId: first };
      }
    }
  }
}
