import { Api, InlineKeyboard, InputFile } from 'grammy';
import type { ForceReply, InlineKeyboardMarkup } from 'grammy/types';
import { htmlToPlain, splitHtml } from '../../core/format.js';
import { ChannelError, type Channel, type DeliveryProgress, type DeliveryResult, type OutboundContent, type OutboundRequest } from '../types.js';
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
    switch (request.op) {
      case 'answer_action':
        try {
          await this.api.answerCallbackQuery(request.actionId, { ...(request.text ? { text: request.text } : {}), show_alert: request.alert });
        } catch (err) {
          throw new ChannelError(classifyTelegramError(err));
        }
        return { messageId: null };
      case 'edit': {
        // Edits can carry only an inline keyboard; an empty one removes the buttons.
        const markup = request.content.buttons?.length ? (keyboard({ ...request.content, forceReply: false }) as InlineKeyboardMarkup) : { inline_keyboard: [] };
        let result: unknown;
        try {
          result = await this.api.editMessageText(request.chat.externalId, Number(request.messageId), request.content.html, {
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
      const captioned = telegramLength(content.html) <= CAPTION_LIMIT;
      const caption = captioned ? { caption: content.html, parse_mode: 'HTML' as const } : {};
      steps.push(() => {
        const input = new InputFile(Buffer.from(u.data), u.fileName);
        return u.kind === 'photo' ? this.api.sendPhoto(chatId, input, { ...caption, ...replyParameters }) : this.api.sendDocument(chatId, input, { ...caption, ...replyParameters });
      });
      if (!captioned) text(fitTelegramText(content.html), { markup: false, reply: false });
      return { steps, keyStep: 0 };
    }

    const files = content.attachments ?? [];
    // One file with a short text travels as its caption; otherwise files first, then the text.
    const captioned = files.length === 1 && telegramLength(content.html) <= CAPTION_LIMIT;
    for (const [i, file] of files.entries()) {
      const extra: Record<string, unknown> = {
        ...(captioned ? { caption: content.html, parse_mode: 'HTML' as const, ...(markup ? { reply_markup: markup } : {}) } : {}),
        ...(i === 0 ? replyParameters : {}),
      };
      steps.push(() => (file.type === 'photo' ? this.api.sendPhoto(chatId, file.fileId, extra) : this.api.sendDocument(chatId, file.fileId, extra)));
    }
    if (captioned) return { steps, keyStep: 0 };
    // Cards and replies are found again by the id of the (first) text message.
    const keyStep = steps.length;
    text(fitTelegramText(content.html), { markup: true, reply: files.length === 0 });
    return { steps, keyStep };
  }
}
