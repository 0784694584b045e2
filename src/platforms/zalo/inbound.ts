import type { AttachmentRef, ChatRef, Inbound, ParsedCommand, SenderRef } from '../../core/port.js';
import type { FailureReplyTarget } from '../plugin.js';
import { parseZaloEvent, type ZaloEvent } from './events.js';

/** A slash command typed on Zalo (`/phieu HY-0001`); words without the slash are for the core to read. */
function parseSlashCommand(text: string): ParsedCommand | null {
  const m = /^\/([A-Za-z0-9_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return m ? { name: m[1]!.toLowerCase(), args: (m[2] ?? '').trim() } : null;
}

/**
 * In groups the bot only sees messages that mention it ("@Tháo gỡ lienket xa 12004"): the mention
 * is not part of what was asked.
 */
export function stripMention(text: string, botNames: readonly string[]): string {
  const t = text.trimStart();
  if (!t.startsWith('@')) return text;
  const lower = t.toLocaleLowerCase('vi');
  for (const name of botNames) {
    if (name && lower.startsWith(`@${name.toLocaleLowerCase('vi')}`)) return t.slice(name.length + 1).trimStart();
  }
  return t.replace(/^@\S+\s*/u, '');
}

function refs(event: ZaloEvent): { chat: ChatRef; sender: SenderRef } {
  const m = event.message;
  return {
    chat: { platform: 'zalo', externalId: m.chat.id, kind: m.chat.chat_type === 'GROUP' ? 'group' : 'private', title: null },
    sender: { platform: 'zalo', externalUserId: m.from.id, displayName: m.from.display_name || m.from.id, username: null },
  };
}

/** Maps a stored Zalo event onto the core's port; null for what the bot does not act on. */
export function zaloToInbound(payload: unknown, botNames: readonly string[]): Inbound | null {
  const parsed = parseZaloEvent(payload);
  if (!parsed.ok) return null;
  const event = parsed.event;
  if (event.message.from.is_bot) return null;
  const { chat, sender } = refs(event);
  let text = '';
  const attachments: AttachmentRef[] = [];
  switch (event.event_name) {
    case 'message.text.received':
      text = event.message.text;
      break;
    case 'message.image.received':
      text = event.message.caption ?? '';
      if (event.message.photo_url) attachments.push({ type: 'photo', platform: 'zalo', fileId: event.message.photo_url, fileName: null, mimeType: null });
      break;
    default:
      // Stickers and what Zalo does not pass on: an empty message (a private chat gets the hint).
      break;
  }
  if (chat.kind === 'group') text = stripMention(text, botNames);
  return {
    kind: 'message',
    platform: 'zalo',
    chat,
    sender,
    messageId: event.message.message_id,
    text,
    command: parseSlashCommand(text),
    attachments,
    replyToMessageId: null,
    replyTo: null,
  };
}

/** The chat of a stored event, never throwing. */
export function zaloChatOf(payload: unknown): string | null {
  const parsed = parseZaloEvent(payload);
  return parsed.ok ? parsed.event.message.chat.id : null;
}

/** Zalo has no buttons: an apology for a failed event is a message in its chat. */
export function zaloFailureTarget(payload: unknown): FailureReplyTarget | null {
  const parsed = parseZaloEvent(payload);
  if (!parsed.ok) return null;
  return { chat: { platform: 'zalo', externalId: parsed.event.message.chat.id }, replyToMessageId: null, actionId: null };
}
