import { Api, InlineKeyboard, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { ChannelError, type Channel, type DeliveryResult, type OutboundContent, type OutboundRequest } from '../types.js';
import { classifyTelegramError } from './errors.js';

const CAPTION_LIMIT = 1024;

function keyboard(content: OutboundContent): InlineKeyboardMarkup | undefined {
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
        const markup = keyboard(request.content);
        const msg = await this.api.editMessageText(request.chat.externalId, Number(request.messageId), request.content.html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(markup ? { reply_markup: markup } : {}),
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
          const caption = [...content.html].length <= CAPTION_LIMIT ? { caption: content.html, parse_mode: 'HTML' as const } : {};
          const msg = u.kind === 'photo' ? await this.api.sendPhoto(chatId, input, { ...caption, ...replyParameters }) : await this.api.sendDocument(chatId, input, { ...caption, ...replyParameters });
          if (!('caption' in caption)) await this.api.sendMessage(chatId, content.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
          return { messageId: String(msg.message_id) };
        }
        let first: string | null = null;
        const files = content.attachments ?? [];
        // One file with a short text travels as its caption; otherwise files first, then the text.
        const captioned = files.length === 1 && [...content.html].length <= CAPTION_LIMIT;
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
          const msg = await this.api.sendMessage(chatId, content.html, {
            parse_mode: 'HTML',
            link_preview_options: { is_disabled: true },
            ...(markup ? { reply_markup: markup } : {}),
            ...(first === null ? replyParameters : {}),
          });
          // Cards and replies are found again by the id of the text message.
          first = String(msg.message_id);
        }
        return { messageId: first };
      }
    }
  }
}
