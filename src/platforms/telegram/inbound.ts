import type { Chat, Message, Update, User } from 'grammy/types';
import type { AttachmentRef, ChatAddress, ChatRef, Inbound, ParsedCommand, SenderRef } from '../../core/port.js';

export function chatRef(chat: Chat): ChatRef {
  return {
    platform: 'telegram',
    externalId: String(chat.id),
    kind: chat.type === 'private' ? 'private' : 'group',
    title: chat.type === 'private' ? null : (chat.title ?? null),
  };
}

export function senderRef(user: User): SenderRef {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return { platform: 'telegram', externalUserId: String(user.id), displayName: name || user.username || String(user.id), username: user.username ?? null };
}

/**
 * A leading bot command, with or without @botname; a command addressed to another bot is not ours.
 * Entities are used when present; some Bot API test servers omit them, so the text decides then.
 */
export function parseCommand(message: Message, botUsername: string): ParsedCommand | null {
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities;
  const first = entities?.[0];
  let length: number;
  if (first) {
    if (first.type !== 'bot_command' || first.offset !== 0) return null;
    length = first.length;
  } else {
    const m = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
    if (!m) return null;
    length = m[0].length;
  }
  const word = text.slice(1, length);
  const [name = '', target] = word.split('@');
  if (target && target.toLowerCase() !== botUsername.toLowerCase()) return null;
  return { name: name.toLowerCase(), args: text.slice(length).trim() };
}

function attachmentsOf(message: Message): AttachmentRef[] {
  const out: AttachmentRef[] = [];
  if (message.photo?.length) {
    // Telegram sends every size; the last is the largest.
    const best = message.photo[message.photo.length - 1]!;
    out.push({ type: 'photo', platform: 'telegram', fileId: best.file_id, fileUniqueId: best.file_unique_id });
  }
  if (message.document) {
    const d = message.document;
    out.push({ type: 'document', platform: 'telegram', fileId: d.file_id, fileUniqueId: d.file_unique_id, fileName: d.file_name ?? null, mimeType: d.mime_type ?? null });
  }
  return out;
}

function messageInbound(message: Message, botUsername: string, edited: boolean): Inbound | null {
  if (!message.from || message.from.is_bot) return null;
  return {
    kind: 'message',
    platform: 'telegram',
    chat: chatRef(message.chat),
    sender: senderRef(message.from),
    messageId: String(message.message_id),
    text: message.text ?? message.caption ?? '',
    command: parseCommand(message, botUsername),
    attachments: attachmentsOf(message),
    replyToMessageId: message.reply_to_message ? String(message.reply_to_message.message_id) : null,
    replyTo: message.reply_to_message?.from && !message.reply_to_message.from.is_bot ? senderRef(message.reply_to_message.from) : null,
    ...(edited ? { edited: true } : {}),
  };
}

/** Maps a Telegram update onto the channel-neutral port; null for kinds the bot does not act on. */
export function toInbound(update: Update, botUsername: string): Inbound | null {
  if (update.message) return messageInbound(update.message, botUsername, false);
  if (update.edited_message) return messageInbound(update.edited_message, botUsername, true);
  const cb = update.callback_query;
  if (cb?.message && cb.data !== undefined) {
    return {
      kind: 'action',
      platform: 'telegram',
      chat: chatRef(cb.message.chat),
      sender: senderRef(cb.from),
      // Some test servers omit the pressed message's id; the button is then bound by chat alone.
      messageId: cb.message.message_id === undefined ? '' : String(cb.message.message_id),
      actionId: cb.id,
      data: cb.data,
    };
  }
  const member = update.my_chat_member;
  if (member && member.chat.type !== 'private') {
    const joined = ['member', 'administrator'].includes(member.new_chat_member.status);
    const wasIn = ['member', 'administrator'].includes(member.old_chat_member.status);
    if (joined !== wasIn) return { kind: 'membership', platform: 'telegram', chat: chatRef(member.chat), by: senderRef(member.from), joined };
  }
  return null;
}

type Loose = Record<string, unknown> | undefined;
const field = (o: unknown, key: string): Loose => (typeof o === 'object' && o !== null ? ((o as Record<string, unknown>)[key] as Loose) : undefined);
const chatIdIn = (message: unknown): string | null => {
  const id = field(field(message, 'chat'), 'id');
  return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
};

/**
 * The chat an update belongs to, from a raw stored payload (rows stored before ingress kept the chat
 * key in its own column). Any shape at all gives an answer or null, never an exception.
 */
export function chatIdOfUpdate(payload: unknown): string | null {
  return (
    chatIdIn(field(payload, 'message')) ??
    chatIdIn(field(payload, 'edited_message')) ??
    chatIdIn(field(field(payload, 'callback_query'), 'message')) ??
    chatIdIn(field(payload, 'my_chat_member'))
  );
}

/**
 * Where to apologise for an update that could not be handled: the press of a button is answered,
 * a message gets a reply in its chat. Membership changes and chat-less kinds get nothing.
 */
export function failureReplyTarget(payload: unknown): { chat: ChatAddress; replyToMessageId: string | null; actionId: string | null } | null {
  const cb = field(payload, 'callback_query');
  if (cb) {
    const actionId = cb['id'];
    if (typeof actionId !== 'string') return null;
    return { chat: { platform: 'telegram', externalId: chatIdIn(field(cb, 'message')) ?? '' }, replyToMessageId: null, actionId };
  }
  const message = field(payload, 'message') ?? field(payload, 'edited_message');
  const chat = chatIdIn(message);
  if (!message || chat === null) return null;
  const messageId = message['message_id'];
  return { chat: { platform: 'telegram', externalId: chat }, replyToMessageId: typeof messageId === 'number' ? String(messageId) : null, actionId: null };
}
