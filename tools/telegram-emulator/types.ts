/**
 * Shapes shared by the Bot API emulator: the Telegram objects it stores and answers with (a
 * subset of the Bot API types, enough for this bot), and the records of its control API.
 */

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface TgMessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: TgUser;
  language?: string;
  custom_emoji_id?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

export interface TgInlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [other: string]: unknown;
}

/** Inline keyboards are checked; other markups (keyboard, remove_keyboard, force_reply) are kept as sent. */
export interface TgReplyMarkup {
  inline_keyboard?: TgInlineKeyboardButton[][];
  [other: string]: unknown;
}

export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  entities?: TgMessageEntity[];
  caption?: string;
  caption_entities?: TgMessageEntity[];
  photo?: TgPhotoSize[];
  document?: TgDocument;
  reply_markup?: TgReplyMarkup;
  reply_to_message?: TgMessage;
  edit_date?: number;
  forward_origin?: Record<string, unknown>;
  new_chat_members?: TgUser[];
  left_chat_member?: TgUser;
  group_chat_created?: true;
  migrate_to_chat_id?: number;
  migrate_from_chat_id?: number;
}

export type ChatMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export interface TgChatMember {
  status: ChatMemberStatus;
  user: TgUser;
  [other: string]: unknown;
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: TgMessage;
  chat_instance: string;
  data?: string;
}

/** An update as delivered; `pushRawUpdate` may queue anything with any keys. */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  my_chat_member?: Record<string, unknown>;
  chat_member?: Record<string, unknown>;
  [other: string]: unknown;
}

/** A Telegram error answer, as in `{ ok: false, error_code, description, parameters }`. */
export interface ApiErrorResponse {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Who put a message in the chat: the bot (Bot API), a user (control API) or Telegram itself (service messages). */
export type MessageSender = 'bot' | 'user' | 'system';

/**
 * A message as the emulator stores it: the Telegram message (as the bot got it back) plus what only
 * the emulator knows. Returned as a copy; mutating it changes nothing.
 */
export interface EmulatorMessage extends TgMessage {
  sender: MessageSender;
  /** Earlier versions (Telegram-shaped snapshots), oldest first; empty when never edited. */
  edits: TgMessage[];
  deleted: boolean;
  /** What the bot sent before parse_mode processing: raw `text`/`caption` and the `parse_mode`. */
  source?: { text?: string; caption?: string; parse_mode?: string };
  /** For files the bot uploaded (multipart): the part's filename, byte length and content type. */
  upload?: { field: string; filename: string; size: number; contentType?: string };
}

/** One Bot API request, logged when it arrives and completed when it is answered. */
export interface ApiCallRecord {
  seq: number;
  method: string;
  params: Record<string, unknown>;
  /** Arrival time, ms since the epoch (the emulator's clock). */
  at: number;
  /** Set once answered (or dropped). */
  finishedAt?: number;
  /** `true` ok, `false` error answer, `undefined` still pending or connection dropped. */
  ok?: boolean;
  error_code?: number;
  description?: string;
  /** The `result` of a successful call. */
  result?: unknown;
  /** Which injected fault shaped this call, if any. */
  injected?: 'fail' | 'delay' | 'drop' | 'result' | 'blocked' | 'migrated' | 'unsupported';
  /** The call came back in a webhook answer body rather than as a request. */
  viaWebhookReply?: boolean;
}

export interface CallbackAnswerRecord {
  callbackQueryId: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
  at: number;
}

export interface WebhookDeliveryRecord {
  update_id: number;
  attempt: number;
  url: string;
  at: number;
  /** HTTP status, when the bot answered at all. */
  status?: number;
  /** Network error or timeout text. */
  error?: string;
  durationMs: number;
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  file_size?: number;
  file_name?: string;
  mime_type?: string;
  bytes?: Buffer;
}

/** Events for live views (the demo chat page subscribes over SSE at `/__emulator/events`). */
export type EmulatorEvent =
  | { type: 'message'; chatId: number; message: EmulatorMessage }
  | { type: 'message_edited'; chatId: number; message: EmulatorMessage }
  | { type: 'message_deleted'; chatId: number; messageId: number }
  | { type: 'callback_answer'; answer: CallbackAnswerRecord }
  | { type: 'update'; update: TgUpdate }
  | { type: 'call'; call: ApiCallRecord }
  | { type: 'chat'; chat: TgChat }
  | { type: 'chat_migrated'; fromChatId: number; toChatId: number }
  | { type: 'webhook_delivery'; delivery: WebhookDeliveryRecord }
  | { type: 'reset' };

export interface FaultMatch {
  /** How many calls this applies to (default 1). */
  times?: number;
  /** Only calls whose `chat_id` equals this (compared as strings). */
  chatId?: number | string;
}

export interface FailNextOptions extends FaultMatch {
  /**
   * Answer with this raw body instead of Telegram's JSON (e.g. an HTML 502 page from a proxy).
   * The HTTP status is still `error_code`.
   */
  rawBody?: string;
}

export interface DelayNextOptions extends FaultMatch {
  /** Delay the answer after the call took effect instead of before (default false). */
  afterProcessing?: boolean;
}

export interface DropConnectionOptions extends FaultMatch {
  /**
   * Let the call take effect first, then drop the connection: the "unknown outcome" case where a
   * message was sent but the bot never heard back (default false: dropped before any effect).
   */
  afterProcessing?: boolean;
}

export interface CreateChatInput {
  /** Default: the next free id (negative for groups, -100… for supergroups). */
  id?: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface CreateUserInput {
  id?: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_bot?: boolean;
}

export interface SendUserMessageInput {
  chatId: number;
  userId: number;
  text?: string;
  caption?: string;
  /** A photo with generated file ids (and a few placeholder bytes behind getFile). */
  photo?: true;
  document?: { file_name: string; mime_type?: string; file_size?: number };
  replyToMessageId?: number;
  /** Override the computed entities (default: bot_command entities like Telegram computes). */
  entities?: TgMessageEntity[];
}

export interface PressButtonInput {
  chatId: number;
  userId: number;
  messageId: number;
  /** The callback data; may be anything (forged data reaches the bot as it would from a hacked client). */
  data?: string;
  /** Alternatively the button's text: the data is taken from that button of the message's keyboard. */
  buttonText?: string;
}

export interface EditUserMessageInput {
  chatId: number;
  messageId: number;
  text?: string;
  caption?: string;
}

export interface AddBotToGroupInput {
  chatId: number;
  byUserId: number;
  /** The bot's status after being added (default member). */
  status?: 'member' | 'administrator';
}
