import { z } from 'zod';
import { sanitizeJson } from '../../ingress/sanitize.js';
import type { UpdateVerdict } from '../plugin.js';

/**
 * The gate every Telegram update passes before it is stored (webhook and polling alike). It checks
 * the shape of the parts the bot reads, so a stored update can always be handled: a message without
 * a chat, a sender id that is a string or a text that is a number is refused here, once, instead of
 * failing every time a worker touches it. Kinds the bot does not act on pass unchecked (they are
 * stored and ignored). The chat the update belongs to is worked out here too, from checked data.
 */

const User = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const Chat = z.looseObject({
  id: z.number().int(),
  type: z.string(),
  title: z.string().optional(),
});

const Entity = z.looseObject({ type: z.string(), offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });

const Message = z.looseObject({
  message_id: z.number().int(),
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(Entity).optional(),
  caption_entities: z.array(Entity).optional(),
  photo: z.array(z.looseObject({ file_id: z.string(), file_unique_id: z.string().optional() })).optional(),
  document: z.looseObject({ file_id: z.string(), file_unique_id: z.string().optional(), file_name: z.string().optional(), mime_type: z.string().optional() }).optional(),
  reply_to_message: z.looseObject({ message_id: z.number().int(), from: User.optional() }).optional(),
});

const CallbackQuery = z.looseObject({
  id: z.string(),
  from: User,
  // Some test servers leave out the pressed message's id; the chat is what ordering needs.
  message: z.looseObject({ message_id: z.number().int().optional(), chat: Chat }).optional(),
  data: z.string().optional(),
});

const ChatMemberUpdated = z.looseObject({
  chat: Chat,
  from: User,
  old_chat_member: z.looseObject({ status: z.string() }),
  new_chat_member: z.looseObject({ status: z.string() }),
});

const TelegramUpdate = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: Message.optional(),
  edited_message: Message.optional(),
  callback_query: CallbackQuery.optional(),
  my_chat_member: ChatMemberUpdated.optional(),
});
type TelegramUpdate = z.infer<typeof TelegramUpdate>;

/** The chat of a checked update: the key its per-chat ordering uses. */
function chatKeyOf(u: TelegramUpdate): string | null {
  const id = u.message?.chat.id ?? u.edited_message?.chat.id ?? u.callback_query?.message?.chat.id ?? u.my_chat_member?.chat.id;
  return id === undefined ? null : String(id);
}

function updateIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const id = (raw as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? String(id) : null;
}

/** Checks, cleans and keys one update as received (already JSON-parsed). */
export function checkTelegramUpdate(raw: unknown): UpdateVerdict {
  const updateId = updateIdOf(raw);
  if (updateId === null) return { ok: false, updateId: null, reason: 'not a Telegram update' };
  const clean = sanitizeJson(raw);
  if (!clean.ok) return { ok: false, updateId, reason: clean.reason === 'too_deep' ? 'nested too deeply' : 'not JSON data' };
  const parsed = TelegramUpdate.safeParse(clean.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, updateId, reason: `invalid ${issue?.path.join('.') || 'update'}` };
  }
  return { ok: true, updateId, payload: parsed.data, chatKey: chatKeyOf(parsed.data) };
}
