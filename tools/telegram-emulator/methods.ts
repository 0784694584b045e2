/**
 * The Bot API methods the emulator answers, with Telegram's validation and error wording for the
 * cases a bot meets in practice. getUpdates and the webhook methods live in delivery.ts.
 */
import { parseTelegramHtml, EntityParseError } from './html.js';
import type { UploadedPart } from './http-body.js';
import { type ChatState, type EmulatorState, type StoredMessage } from './state.js';
import type {
  ApiErrorResponse,
  ChatMemberStatus,
  TgChatMember,
  TgDocument,
  TgMessage,
  TgMessageEntity,
  TgPhotoSize,
  TgReplyMarkup,
  TgUser,
  CallbackAnswerRecord,
} from './types.js';

export class ApiError extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly parameters?: ApiErrorResponse['parameters'],
  ) {
    super(description);
    this.name = 'ApiError';
  }

  toResponse(): ApiErrorResponse {
    return {
      error_code: this.error_code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

const bad = (description: string) => new ApiError(400, `Bad Request: ${description}`);

export interface MethodContext {
  params: Record<string, unknown>;
  files: Map<string, UploadedPart>;
  /** Aborted when the client goes away (used by long polling). */
  signal: AbortSignal;
}

export type MethodHandler = (ctx: MethodContext) => unknown;

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

// --- parameter helpers ---------------------------------------------------------------------

export function stringParam(params: Record<string, unknown>, key: string): string | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function intParam(params: Record<string, unknown>, key: string): number | undefined {
  const v = params[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(`invalid ${key} specified`);
  return n;
}

function boolParam(params: Record<string, unknown>, key: string): boolean {
  const v = params[key];
  return v === true || v === 'true' || v === 1 || v === '1';
}

function objectParam(params: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = params[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`can't parse ${key} JSON object`);
  return v as Record<string, unknown>;
}

/** The chat a `chat_id`-like parameter names; numeric ids and @usernames. */
export function resolveChatParam(state: EmulatorState, params: Record<string, unknown>, key = 'chat_id'): ChatState {
  const raw = stringParam(params, key);
  if (raw === undefined || raw.trim() === '') throw bad(`${key} is empty`);
  const trimmed = raw.trim();
  const chat = /^-?\d+$/.test(trimmed) ? state.chatState(Number(trimmed)) : state.chatByUsername(trimmed);
  if (!chat) throw bad('chat not found');
  return chat;
}

/** The 403/400 a call for this chat gets because the bot was removed or the group moved, if any. */
export function chatAccessError(state: EmulatorState, params: Record<string, unknown>): { error: ApiError; kind: 'blocked' | 'migrated' } | undefined {
  const raw = stringParam(params, 'chat_id');
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return undefined;
  const chat = state.chatState(Number(raw.trim()));
  if (!chat) return undefined;
  if (chat.migratedTo !== undefined) {
    return {
      kind: 'migrated',
      error: new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: chat.migratedTo }),
    };
  }
  const kind = chat.chat.type === 'supergroup' ? 'supergroup chat' : chat.chat.type === 'channel' ? 'channel chat' : 'group chat';
  if (chat.blocked) {
    const description =
      chat.chat.type === 'private' ? 'Forbidden: bot was blocked by the user' : `Forbidden: bot was kicked from the ${kind}`;
    return { kind: 'blocked', error: new ApiError(403, description) };
  }
  if (chat.chat.type !== 'private' && (chat.botStatus === 'left' || chat.botStatus === 'kicked')) {
    return { kind: 'blocked', error: new ApiError(403, `Forbidden: bot is not a member of the ${kind}`) };
  }
  return undefined;
}

// --- formatting ----------------------------------------------------------------------------

interface FormattedText {
  text: string;
  entities?: TgMessageEntity[];
}

function formatText(raw: string, parseModeRaw: string | undefined, entitiesParam: unknown): FormattedText {
  const parseMode = parseModeRaw?.trim().toLowerCase() ?? '';
  if (parseMode === 'html') {
    try {
      const parsed = parseTelegramHtml(raw);
      return parsed.entities.length > 0 ? parsed : { text: parsed.text };
    } catch (err) {
      if (err instanceof EntityParseError) throw new ApiError(400, err.message);
      throw err;
    }
  }
  if (parseMode === 'markdownv2' || parseMode === 'markdown') {
    // Not parsed: the text is kept as sent (this project formats with HTML).
    return { text: raw };
  }
  if (parseMode !== '') throw bad(`unsupported parse_mode "${parseModeRaw ?? ''}"`);
  if (entitiesParam !== undefined && entitiesParam !== null) {
    if (!Array.isArray(entitiesParam)) throw bad("can't parse entities JSON object");
    for (const e of entitiesParam as TgMessageEntity[]) {
      if (typeof e !== 'object' || e === null || typeof e.offset !== 'number' || typeof e.length !== 'number') {
        throw bad("can't parse entities JSON object");
      }
      if (e.offset > raw.length) throw bad('entity begins after the end of the text');
    }
    if (entitiesParam.length > 0) return { text: raw, entities: structuredClone(entitiesParam as TgMessageEntity[]) };
  }
  return { text: raw };
}

function messageText(params: Record<string, unknown>): FormattedText {
  const raw = stringParam(params, 'text');
  if (raw === undefined || raw.trim() === '') throw bad('message text is empty');
  const formatted = formatText(raw, stringParam(params, 'parse_mode'), params['entities']);
  if (formatted.text.trim() === '') throw bad('message text is empty');
  if (formatted.text.length > MAX_TEXT_LENGTH) throw bad('message is too long');
  return formatted;
}

function messageCaption(params: Record<string, unknown>): FormattedText | undefined {
  const raw = stringParam(params, 'caption');
  if (raw === undefined || raw === '') return undefined;
  const formatted = formatText(raw, stringParam(params, 'parse_mode'), params['caption_entities']);
  if (formatted.text.length > MAX_CAPTION_LENGTH) throw bad('message caption is too long');
  return formatted.text.trim() === '' ? undefined : formatted;
}

const INLINE_BUTTON_ACTIONS = [
  'callback_data', 'url', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat', 'callback_game', 'pay', 'web_app', 'copy_text',
];

function replyMarkup(params: Record<string, unknown>): TgReplyMarkup | undefined {
  const raw = params['reply_markup'];
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad("can't parse reply keyboard markup JSON object");
  const markup = raw as TgReplyMarkup;
  if ('inline_keyboard' in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) throw bad('field "inline_keyboard" must be an Array of Arrays');
    for (const row of rows) {
      for (const button of row) {
        if (typeof button !== 'object' || button === null || typeof button.text !== 'string') {
          throw bad("can't parse inline keyboard button: Field \"text\" must be of type String");
        }
        if (button.text.trim() === '') throw bad('BUTTON_TEXT_INVALID');
        const actions = INLINE_BUTTON_ACTIONS.filter((k) => button[k] !== undefined);
        if (actions.length === 0) throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        if (button.callback_data !== undefined) {
          const bytes = typeof button.callback_data === 'string' ? Buffer.byteLength(button.callback_data) : 0;
          if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
        }
        if (button.url !== undefined && (typeof button.url !== 'string' || !/^(https?|tg):\/\//i.test(button.url))) {
          throw bad(`inline keyboard button URL '${String(button.url)}' is invalid: Wrong HTTP URL`);
        }
      }
    }
    if (rows.length === 0 || rows.every((row) => row.length === 0)) {
      // An empty inline keyboard is how bots remove one; Telegram stores no markup.
      return undefined;
    }
  }
  return structuredClone(markup);
}

/** A copy of a message as it appears inside another (one level deep, like Telegram). */
function nested(message: TgMessage): TgMessage {
  const copy = structuredClone(message);
  delete copy.reply_to_message;
  return copy;
}

function replyTarget(chat: ChatState, params: Record<string, unknown>): TgMessage | undefined {
  const rp = objectParam(params, 'reply_parameters');
  const messageId = rp ? intParam(rp, 'message_id') : intParam(params, 'reply_to_message_id');
  if (messageId === undefined) return undefined;
  const allowWithout = rp ? boolParam(rp, 'allow_sending_without_reply') : boolParam(params, 'allow_sending_without_reply');
  const target = chat.messages.get(messageId);
  if (!target || target.deleted) {
    if (allowWithout) return undefined;
    throw bad('message to be replied not found');
  }
  return nested(target.message);
}

// --- files ---------------------------------------------------------------------------------

const MIME_BY_EXT: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  csv: 'text/csv',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
  json: 'application/json',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  svg: 'image/svg+xml',
};

function mimeFor(fileName: string, partType: string | undefined): string {
  if (partType && partType !== 'application/octet-stream') return partType;
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  return MIME_BY_EXT[ext] ?? 'application/octet-stream';
}

/** Width and height of a PNG or JPEG, when the bytes say. */
function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return undefined;
      const marker = bytes[i + 1]!;
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
      }
      i += 2 + length;
    }
  }
  return undefined;
}

export function photoSizes(fileId: string, uniqueId: string, size: number | undefined, dims?: { width: number; height: number }): TgPhotoSize[] {
  const width = dims?.width ?? 1280;
  const height = dims?.height ?? 960;
  const scale = Math.min(1, 90 / Math.max(width, height, 1));
  const thumb: TgPhotoSize = {
    file_id: `${fileId}_s`,
    file_unique_id: `${uniqueId}_s`,
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
  if (size !== undefined) thumb.file_size = Math.min(size, 1500);
  const full: TgPhotoSize = { file_id: fileId, file_unique_id: uniqueId, width, height };
  if (size !== undefined) full.file_size = size;
  return [thumb, full];
}

interface ResolvedMedia {
  photo?: TgPhotoSize[];
  document?: TgDocument;
  upload?: StoredMessage['upload'];
}

function resolveMedia(state: EmulatorState, ctx: MethodContext, field: 'photo' | 'document'): ResolvedMedia {
  const value = ctx.params[field];
  let part: UploadedPart | undefined;
  if (typeof value === 'string' && value.startsWith('attach://')) {
    part = ctx.files.get(value.slice('attach://'.length));
    if (!part) throw bad(`wrong remote file identifier specified: can't find attached file "${value}"`);
  } else if (value === undefined && ctx.files.has(field)) {
    part = ctx.files.get(field);
  }
  if (part) {
    const mimeType = mimeFor(part.filename, part.contentType);
    const file = state.registerFile(field, { bytes: part.bytes, fileName: part.filename, mimeType });
    const upload = {
      field,
      filename: part.filename,
      size: part.bytes.length,
      ...(part.contentType ? { contentType: part.contentType } : {}),
    };
    if (field === 'photo') {
      if (part.bytes.length === 0) throw bad('IMAGE_PROCESS_FAILED');
      return { photo: photoSizes(file.file_id, file.file_unique_id, part.bytes.length, imageSize(part.bytes)), upload };
    }
    return {
      document: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: part.filename, mime_type: mimeType, file_size: part.bytes.length },
      upload,
    };
  }
  if (typeof value !== 'string' || value.trim() === '') throw bad(`there is no ${field} in the request`);
  if (/^https?:\/\//i.test(value)) {
    const fileName = decodeURIComponent(new URL(value).pathname.split('/').pop() || `${field}.dat`);
    const file = state.registerFile(field, { fileName, mimeType: mimeFor(fileName, undefined) });
    if (field === 'photo') return { photo: photoSizes(file.file_id, file.file_unique_id, undefined) };
    return { document: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: fileName, mime_type: file.mime_type ?? 'application/octet-stream' } };
  }
  const known = state.files.get(value) ?? state.files.get(value.replace(/_s$/, ''));
  if (!known) throw bad('wrong file identifier/HTTP URL specified');
  if (field === 'photo') {
    const dims = known.bytes ? imageSize(known.bytes) : undefined;
    return { photo: photoSizes(known.file_id, known.file_unique_id, known.file_size, dims) };
  }
  const document: TgDocument = { file_id: known.file_id, file_unique_id: known.file_unique_id };
  if (known.file_name !== undefined) document.file_name = known.file_name;
  if (known.mime_type !== undefined) document.mime_type = known.mime_type;
  if (known.file_size !== undefined) document.file_size = known.file_size;
  return { document };
}

// --- chat members --------------------------------------------------------------------------

export function chatMember(user: TgUser, status: ChatMemberStatus): TgChatMember {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
        can_manage_video_chats: false, can_restrict_members: true, can_promote_members: false, can_change_info: true,
        can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false, can_pin_messages: true,
      };
    case 'restricted':
      return { status, user, is_member: true, can_send_messages: false, until_date: 0 };
    case 'kicked':
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}

function userOrPlaceholder(state: EmulatorState, userId: number): TgUser {
  if (userId === state.bot.id) return { ...state.bot };
  const user = state.users.get(userId);
  return user ? { ...user } : { id: userId, is_bot: false, first_name: `User ${userId}` };
}

/** my_chat_member payload for a change of the bot's status in a chat. */
export function botMemberUpdate(
  state: EmulatorState,
  chat: ChatState,
  by: TgUser,
  oldStatus: ChatMemberStatus,
  newStatus: ChatMemberStatus,
): Record<string, unknown> {
  return {
    my_chat_member: {
      chat: { ...chat.chat },
      from: { ...by },
      date: state.nowSeconds(),
      old_chat_member: chatMember({ ...state.bot }, oldStatus),
      new_chat_member: chatMember({ ...state.bot }, newStatus),
    },
  };
}

// --- the method table ----------------------------------------------------------------------

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export interface MethodTableDeps {
  state: EmulatorState;
  recordCallbackAnswer(answer: CallbackAnswerRecord): void;
}

export function createMethodTable({ state, recordCallbackAnswer }: MethodTableDeps): Map<string, MethodHandler> {
  const table = new Map<string, MethodHandler>();
  const bot = () => ({ ...state.bot });

  function editable(ctx: MethodContext): { chat: ChatState; stored: StoredMessage } {
    if (ctx.params['inline_message_id'] !== undefined) throw bad('MESSAGE_ID_INVALID');
    const chat = resolveChatParam(state, ctx.params);
    const messageId = intParam(ctx.params, 'message_id');
    if (messageId === undefined) throw bad('message identifier is not specified');
    const stored = state.liveMessage(chat, messageId);
    if (!stored) throw bad('message to edit not found');
    if (stored.sender !== 'bot') throw bad("message can't be edited");
    return { chat, stored };
  }

  function send(chat: ChatState, ctx: MethodContext, fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'>, extra: Parameters<EmulatorState['addMessage']>[3] = {}): TgMessage {
    const reply = replyTarget(chat, ctx.params);
    const markup = replyMarkup(ctx.params);
    const stored = state.addMessage(
      chat,
      'bot',
      { from: bot(), ...fields, ...(reply ? { reply_to_message: reply } : {}), ...(markup ? { reply_markup: markup } : {}) },
      extra,
    );
    return structuredClone(stored.message);
  }

  table.set('getMe', () => ({
    ...state.bot,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }));

  table.set('sendMessage', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    const formatted = messageText(ctx.params);
    const parseMode = stringParam(ctx.params, 'parse_mode');
    return send(chat, ctx, { ...formatted }, {
      source: { text: stringParam(ctx.params, 'text')!, ...(parseMode ? { parse_mode: parseMode } : {}) },
    });
  });

  for (const field of ['photo', 'document'] as const) {
    table.set(field === 'photo' ? 'sendPhoto' : 'sendDocument', (ctx) => {
      const chat = resolveChatParam(state, ctx.params);
      const caption = messageCaption(ctx.params);
      const media = resolveMedia(state, ctx, field);
      const parseMode = stringParam(ctx.params, 'parse_mode');
      const rawCaption = stringParam(ctx.params, 'caption');
      const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = {};
      if (media.photo) fields.photo = media.photo;
      if (media.document) fields.document = media.document;
      if (caption) {
        fields.caption = caption.text;
        if (caption.entities) fields.caption_entities = caption.entities;
      }
      return send(chat, ctx, fields, {
        ...(rawCaption !== undefined ? { source: { caption: rawCaption, ...(parseMode ? { parse_mode: parseMode } : {}) } } : {}),
        ...(media.upload ? { upload: media.upload } : {}),
      });
    });
  }

  table.set('copyMessage', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    const from = resolveChatParam(state, ctx.params, 'from_chat_id');
    const messageId = intParam(ctx.params, 'message_id');
    const original = messageId === undefined ? undefined : state.liveMessage(from, messageId);
    if (!original) throw bad('message to copy not found');
    const m = original.message;
    const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = {};
    if (m.text !== undefined) fields.text = m.text;
    if (m.entities) fields.entities = structuredClone(m.entities);
    if (m.photo) fields.photo = structuredClone(m.photo);
    if (m.document) fields.document = { ...m.document };
    const caption = ctx.params['caption'] !== undefined ? messageCaption(ctx.params) : m.caption !== undefined ? { text: m.caption, ...(m.caption_entities ? { entities: m.caption_entities } : {}) } : undefined;
    if (caption) {
      fields.caption = caption.text;
      if (caption.entities) fields.caption_entities = structuredClone(caption.entities);
    }
    if (fields.text === undefined && !fields.photo && !fields.document) throw bad("message can't be copied");
    return { message_id: send(chat, ctx, fields).message_id };
  });

  table.set('forwardMessage', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    const from = resolveChatParam(state, ctx.params, 'from_chat_id');
    const messageId = intParam(ctx.params, 'message_id');
    const original = messageId === undefined ? undefined : state.liveMessage(from, messageId);
    if (!original) throw bad('message to forward not found');
    const m = structuredClone(original.message);
    const origin: Record<string, unknown> = m.from
      ? { type: 'user', date: m.date, sender_user: m.from }
      : { type: 'chat', date: m.date, sender_chat: from.chat };
    const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = { forward_origin: origin };
    if (m.text !== undefined) fields.text = m.text;
    if (m.entities) fields.entities = m.entities;
    if (m.caption !== undefined) fields.caption = m.caption;
    if (m.caption_entities) fields.caption_entities = m.caption_entities;
    if (m.photo) fields.photo = m.photo;
    if (m.document) fields.document = m.document;
    const stored = state.addMessage(chat, 'bot', { from: bot(), ...fields });
    return structuredClone(stored.message);
  });

  table.set('editMessageText', (ctx) => {
    const { chat, stored } = editable(ctx);
    if (stored.message.text === undefined) throw bad('there is no text in the message to edit');
    const formatted = messageText(ctx.params);
    const markup = replyMarkup(ctx.params);
    const current = stored.message;
    if (current.text === formatted.text && same(current.entities, formatted.entities) && same(current.reply_markup, markup)) {
      throw bad(NOT_MODIFIED);
    }
    const parseMode = stringParam(ctx.params, 'parse_mode');
    state.editMessage(chat, stored, { text: formatted.text, entities: formatted.entities, reply_markup: markup });
    stored.source = { text: stringParam(ctx.params, 'text')!, ...(parseMode ? { parse_mode: parseMode } : {}) };
    return structuredClone(stored.message);
  });

  table.set('editMessageCaption', (ctx) => {
    const { chat, stored } = editable(ctx);
    if (!stored.message.photo && !stored.message.document) throw bad('there is no caption in the message to edit');
    const caption = messageCaption(ctx.params);
    const markup = replyMarkup(ctx.params);
    const current = stored.message;
    if (same(current.caption, caption?.text) && same(current.caption_entities, caption?.entities) && same(current.reply_markup, markup)) {
      throw bad(NOT_MODIFIED);
    }
    state.editMessage(chat, stored, { caption: caption?.text, caption_entities: caption?.entities, reply_markup: markup });
    const rawCaption = stringParam(ctx.params, 'caption');
    const parseMode = stringParam(ctx.params, 'parse_mode');
    stored.source = rawCaption !== undefined ? { caption: rawCaption, ...(parseMode ? { parse_mode: parseMode } : {}) } : {};
    return structuredClone(stored.message);
  });

  table.set('editMessageReplyMarkup', (ctx) => {
    const { chat, stored } = editable(ctx);
    const markup = replyMarkup(ctx.params);
    if (same(stored.message.reply_markup, markup)) throw bad(NOT_MODIFIED);
    state.editMessage(chat, stored, { reply_markup: markup });
    return structuredClone(stored.message);
  });

  table.set('deleteMessage', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    const messageId = intParam(ctx.params, 'message_id');
    const stored = messageId === undefined ? undefined : state.liveMessage(chat, messageId);
    if (!stored) throw bad('message to delete not found');
    stored.deleted = true;
    state.emit({ type: 'message_deleted', chatId: chat.chat.id, messageId: stored.message.message_id });
    return true;
  });

  table.set('answerCallbackQuery', (ctx) => {
    const id = stringParam(ctx.params, 'callback_query_id');
    const query = id === undefined ? undefined : state.callbackQueries.get(id);
    if (!id || !query || query.answered) throw bad('query is too old and response timeout expired or query ID is invalid');
    const text = stringParam(ctx.params, 'text');
    if (text !== undefined && text.length > 200) throw bad('MESSAGE_TOO_LONG');
    query.answered = true;
    const answer: CallbackAnswerRecord = { callbackQueryId: id, at: state.now() };
    if (text !== undefined) answer.text = text;
    if (ctx.params['show_alert'] !== undefined) answer.show_alert = boolParam(ctx.params, 'show_alert');
    const url = stringParam(ctx.params, 'url');
    if (url !== undefined) answer.url = url;
    const cacheTime = intParam(ctx.params, 'cache_time');
    if (cacheTime !== undefined) answer.cache_time = cacheTime;
    recordCallbackAnswer(answer);
    return true;
  });

  table.set('sendChatAction', (ctx) => {
    resolveChatParam(state, ctx.params);
    const action = stringParam(ctx.params, 'action');
    if (!action) throw bad('wrong parameter action in request');
    return true;
  });

  table.set('getChat', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false } };
  });

  table.set('getChatMember', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    const userId = intParam(ctx.params, 'user_id');
    if (userId === undefined) throw bad('user_id is empty');
    if (userId === state.bot.id) return chatMember(bot(), chat.botStatus);
    if (chat.chat.type === 'private') return chatMember(userOrPlaceholder(state, userId), userId === chat.chat.id ? 'member' : 'left');
    return chatMember(userOrPlaceholder(state, userId), chat.members.get(userId) ?? 'member');
  });

  table.set('getChatAdministrators', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    const admins: TgChatMember[] = [];
    for (const [userId, status] of chat.members) {
      if (status === 'creator' || status === 'administrator') admins.push(chatMember(userOrPlaceholder(state, userId), status));
    }
    if (chat.botStatus === 'administrator') admins.push(chatMember(bot(), 'administrator'));
    return admins;
  });

  table.set('getChatMemberCount', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    if (chat.chat.type === 'private') return 2;
    let count = chat.botStatus === 'left' || chat.botStatus === 'kicked' ? 0 : 1;
    for (const status of chat.members.values()) if (status !== 'left' && status !== 'kicked') count++;
    return count;
  });

  table.set('leaveChat', (ctx) => {
    const chat = resolveChatParam(state, ctx.params);
    if (chat.chat.type === 'private') throw bad("chat member status can't be changed in private chats");
    const old = chat.botStatus;
    chat.botStatus = 'left';
    state.enqueueUpdate(botMemberUpdate(state, chat, bot(), old, 'left'));
    return true;
  });

  table.set('getFile', (ctx) => {
    const id = stringParam(ctx.params, 'file_id');
    const file = id === undefined ? undefined : (state.files.get(id) ?? state.files.get(id.replace(/_s$/, '')));
    if (!id || !file) throw bad('invalid file_id');
    return {
      file_id: id,
      file_unique_id: id.endsWith('_s') ? `${file.file_unique_id}_s` : file.file_unique_id,
      ...(file.file_size !== undefined ? { file_size: file.file_size } : {}),
      file_path: file.file_path,
    };
  });

  const commandsKey = (params: Record<string, unknown>) =>
    `${JSON.stringify(objectParam(params, 'scope') ?? { type: 'default' })}|${stringParam(params, 'language_code') ?? ''}`;

  table.set('setMyCommands', (ctx) => {
    const commands = ctx.params['commands'];
    if (!Array.isArray(commands)) throw bad("can't parse commands JSON object");
    if (commands.length > 100) throw bad('too many commands');
    for (const c of commands as Record<string, unknown>[]) {
      const command = typeof c?.['command'] === 'string' ? c['command'] : '';
      const description = typeof c?.['description'] === 'string' ? c['description'] : '';
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw bad('BOT_COMMAND_INVALID');
      if (description.length < 1 || description.length > 256) throw bad('command description must be 1-256 characters');
    }
    state.commands.set(commandsKey(ctx.params), structuredClone(commands));
    return true;
  });
  table.set('getMyCommands', (ctx) => structuredClone(state.commands.get(commandsKey(ctx.params)) ?? []));
  table.set('deleteMyCommands', (ctx) => {
    state.commands.delete(commandsKey(ctx.params));
    return true;
  });

  const menuKey = (params: Record<string, unknown>) => stringParam(params, 'chat_id') ?? 'default';
  table.set('setChatMenuButton', (ctx) => {
    const button = objectParam(ctx.params, 'menu_button') ?? { type: 'default' };
    state.menuButtons.set(menuKey(ctx.params), structuredClone(button));
    return true;
  });
  table.set('getChatMenuButton', (ctx) => structuredClone(state.menuButtons.get(menuKey(ctx.params)) ?? { type: 'commands' }));

  // Accepted and remembered nowhere: profile settings a bot may set at boot.
  for (const method of ['setMyDescription', 'setMyShortDescription', 'setMyName', 'setMyDefaultAdministratorRights', 'pinChatMessage', 'unpinChatMessage', 'unpinAllChatMessages', 'setMessageReaction']) {
    table.set(method, () => true);
  }

  return table;
}
