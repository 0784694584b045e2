/**
 * The emulator's world: chats, users, messages, files and the update queue. Pure in-memory state
 * with no I/O; every mutation is synchronous, so concurrent HTTP requests (one JS thread) can never
 * interleave inside one, and ids stay strictly increasing.
 */
import { randomBytes } from 'node:crypto';
import type {
  ChatMemberStatus,
  ChatType,
  CreateChatInput,
  CreateUserInput,
  EmulatorEvent,
  EmulatorMessage,
  MessageSender,
  StoredFile,
  TgChat,
  TgMessage,
  TgUpdate,
  TgUser,
} from './types.js';

export interface StoredMessage {
  message: TgMessage;
  sender: MessageSender;
  edits: TgMessage[];
  deleted: boolean;
  source?: EmulatorMessage['source'];
  upload?: EmulatorMessage['upload'];
}

export interface ChatState {
  chat: TgChat;
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
  members: Map<number, ChatMemberStatus>;
  botStatus: ChatMemberStatus;
  /** Set by blockBot: every call for this chat answers 403. */
  blocked: boolean;
  migratedTo?: number;
  chatInstance: string;
  /** waitForBotMessage's cursor: bot messages with ids up to this were already handed out. */
  seenUpTo: number;
}

export interface CallbackQueryState {
  chatId: number;
  messageId: number;
  answered: boolean;
}

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** Update types Telegram leaves out unless asked for in allowed_updates. */
const OPT_IN_UPDATE_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const KNOWN_UPDATE_TYPES = new Set([
  'message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection',
  'business_message', 'edited_business_message', 'deleted_business_messages', 'message_reaction',
  'message_reaction_count', 'inline_query', 'chosen_inline_result', 'callback_query', 'shipping_query',
  'pre_checkout_query', 'purchased_paid_media', 'poll', 'poll_answer', 'my_chat_member', 'chat_member',
  'chat_join_request', 'chat_boost', 'removed_chat_boost',
]);

export function updateType(update: TgUpdate): string | undefined {
  return Object.keys(update).find((k) => k !== 'update_id');
}

/** Whether an update passes an allowed_updates filter (unknown update types always pass, for robustness tests). */
export function isAllowedUpdate(update: TgUpdate, allowed: readonly string[] | undefined): boolean {
  const type = updateType(update);
  if (type === undefined || !KNOWN_UPDATE_TYPES.has(type)) return true;
  if (!allowed || allowed.length === 0) return !OPT_IN_UPDATE_TYPES.has(type);
  return allowed.includes(type);
}

const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export class EmulatorState {
  readonly chats = new Map<number, ChatState>();
  readonly users = new Map<number, TgUser>();
  readonly files = new Map<string, StoredFile>();
  /** Unconfirmed updates, in id order. */
  readonly queue: TgUpdate[] = [];
  /** Every update ever queued (since the last reset). */
  readonly updateLog: TgUpdate[] = [];
  readonly callbackQueries = new Map<string, CallbackQueryState>();
  readonly commands = new Map<string, unknown[]>();
  readonly menuButtons = new Map<string, unknown>();
  webhook: WebhookConfig | null = null;
  /** The allowed_updates of the last getUpdates that named them. */
  pollAllowedUpdates: string[] | undefined;
  /** Never reset: a bot that confirmed offset N must still see updates made after a reset. */
  private nextUpdateId: number;
  private nextUserId = 1_000_001;
  private nextGroupSeq = 1;
  private nextFileSeq = 1;
  private nextCallbackSeq = 1;
  private readonly listeners = new Set<(event: EmulatorEvent) => void>();

  constructor(
    readonly bot: TgUser,
    readonly now: () => number,
    firstUpdateId: number,
  ) {
    this.nextUpdateId = firstUpdateId;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  subscribe(listener: (event: EmulatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EmulatorEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken observer must not break the Bot API.
      }
    }
  }

  reset(keepWebhook: boolean): void {
    this.chats.clear();
    this.users.clear();
    this.files.clear();
    this.queue.length = 0;
    this.updateLog.length = 0;
    this.callbackQueries.clear();
    if (!keepWebhook) {
      this.webhook = null;
      this.commands.clear();
      this.menuButtons.clear();
      this.pollAllowedUpdates = undefined;
    }
    this.emit({ type: 'reset' });
  }

  // --- users and chats -------------------------------------------------------------------

  createUser(input: CreateUserInput): TgUser {
    const id = input.id ?? this.nextUserId++;
    if (input.id !== undefined && input.id >= this.nextUserId) this.nextUserId = input.id + 1;
    if (id === this.bot.id) throw new Error(`user id ${id} is the bot's own id`);
    const user: TgUser = { id, is_bot: input.is_bot ?? false, first_name: input.first_name };
    if (input.last_name !== undefined) user.last_name = input.last_name;
    if (input.username !== undefined) user.username = input.username;
    if (input.language_code !== undefined) user.language_code = input.language_code;
    this.users.set(id, user);
    return { ...user };
  }

  requireUser(id: number): TgUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id} in the emulator; create it with createUser() first`);
    return user;
  }

  private defaultChatId(type: ChatType): number {
    const seq = this.nextGroupSeq++;
    if (type === 'group') return -(4_000_000_000 + seq);
    return -(1_002_000_000_000 + seq); // supergroup, channel: the -100… form
  }

  createChat(input: CreateChatInput & { botStatus?: ChatMemberStatus }): TgChat {
    let id = input.id;
    if (input.type === 'private') {
      if (id === undefined) throw new Error('a private chat needs id = the user id');
      if (id <= 0) throw new Error('a private chat id is a (positive) user id');
    }
    id ??= this.defaultChatId(input.type);
    while (input.id === undefined && this.chats.has(id)) id = this.defaultChatId(input.type);
    if (this.chats.has(id)) throw new Error(`chat ${id} already exists`);
    const chat: TgChat = { id, type: input.type };
    if (input.type === 'private') {
      const user = this.users.get(id);
      chat.first_name = input.first_name ?? user?.first_name ?? `User ${id}`;
      const lastName = input.last_name ?? user?.last_name;
      if (lastName !== undefined) chat.last_name = lastName;
      const username = input.username ?? user?.username;
      if (username !== undefined) chat.username = username;
    } else {
      chat.title = input.title ?? `Chat ${id}`;
      if (input.username !== undefined) chat.username = input.username;
    }
    this.chats.set(id, {
      chat,
      messages: new Map(),
      nextMessageId: 1,
      members: new Map(),
      botStatus: input.botStatus ?? 'member',
      blocked: false,
      chatInstance: BigInt.asIntN(64, BigInt(`0x${randomBytes(8).toString('hex')}`)).toString(),
      seenUpTo: 0,
    });
    this.emit({ type: 'chat', chat: { ...chat } });
    return { ...chat };
  }

  chatState(id: number): ChatState | undefined {
    return this.chats.get(id);
  }

  chatByUsername(username: string): ChatState | undefined {
    const wanted = username.replace(/^@/, '').toLowerCase();
    for (const state of this.chats.values()) if (state.chat.username?.toLowerCase() === wanted) return state;
    return undefined;
  }

  /** The private chat with a user, made on first use (a user who writes to the bot has one). */
  privateChatFor(user: TgUser): ChatState {
    const existing = this.chats.get(user.id);
    if (existing) return existing;
    this.createChat({ id: user.id, type: 'private' });
    return this.chats.get(user.id)!;
  }

  /** Turns a group into a supergroup: the old id is dead from now on (Telegram's migrate_to_chat_id). */
  migrateChat(oldId: number, newId?: number): { from: ChatState; to: ChatState } {
    const from = this.chats.get(oldId);
    if (!from) throw new Error(`no chat ${oldId} to migrate`);
    if (from.migratedTo !== undefined) return { from, to: this.chats.get(from.migratedTo)! };
    const targetId = newId ?? this.defaultChatId('supergroup');
    if (this.chats.has(targetId)) throw new Error(`chat ${targetId} already exists`);
    const chatInput: CreateChatInput & { botStatus: ChatMemberStatus } = {
      id: targetId,
      type: 'supergroup',
      botStatus: from.botStatus,
    };
    if (from.chat.title !== undefined) chatInput.title = from.chat.title;
    this.createChat(chatInput);
    const to = this.chats.get(targetId)!;
    for (const [userId, status] of from.members) to.members.set(userId, status);
    from.migratedTo = targetId;
    this.emit({ type: 'chat_migrated', fromChatId: oldId, toChatId: targetId });
    return { from, to };
  }

  // --- messages --------------------------------------------------------------------------

  addMessage(
    state: ChatState,
    sender: MessageSender,
    fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'>,
    extra: { source?: StoredMessage['source']; upload?: StoredMessage['upload'] } = {},
  ): StoredMessage {
    const message: TgMessage = {
      message_id: state.nextMessageId++,
      ...(fields.from ? { from: fields.from } : {}),
      chat: { ...state.chat },
      date: this.nowSeconds(),
      ...fields,
    };
    const stored: StoredMessage = { message, sender, edits: [], deleted: false, ...extra };
    state.messages.set(message.message_id, stored);
    this.emit({ type: 'message', chatId: state.chat.id, message: toView(stored) });
    return stored;
  }

  liveMessage(state: ChatState, messageId: number): StoredMessage | undefined {
    const stored = state.messages.get(messageId);
    return stored && !stored.deleted ? stored : undefined;
  }

  editMessage(state: ChatState, stored: StoredMessage, change: Partial<TgMessage>): void {
    stored.edits.push(structuredClone(stored.message));
    for (const [key, value] of Object.entries(change) as [keyof TgMessage, unknown][]) {
      if (value === undefined) delete stored.message[key];
      else (stored.message as unknown as Record<string, unknown>)[key] = value;
    }
    stored.message.edit_date = this.nowSeconds();
    this.emit({ type: 'message_edited', chatId: state.chat.id, message: toView(stored) });
  }

  // --- updates ---------------------------------------------------------------------------

  /** Queues an update; an explicit update_id is kept as given (duplicates too) and moves the counter past it. */
  enqueueUpdate(payload: Record<string, unknown>): TgUpdate {
    let updateId = payload['update_id'];
    if (typeof updateId !== 'number' || !Number.isInteger(updateId)) updateId = this.nextUpdateId++;
    else if (updateId >= this.nextUpdateId) this.nextUpdateId = updateId + 1;
    const update = { ...structuredClone(payload), update_id: updateId as number } as TgUpdate;
    this.queue.push(update);
    this.queue.sort((a, b) => a.update_id - b.update_id);
    this.updateLog.push(update);
    this.emit({ type: 'update', update: structuredClone(update) });
    return update;
  }

  /** Forgets updates below `offset` (getUpdates' confirmation), or all but the last -offset ones. */
  confirmUpdates(offset: number): void {
    if (offset > 0) {
      while (this.queue.length > 0 && this.queue[0]!.update_id < offset) this.queue.shift();
    } else if (offset < 0) {
      const keep = -offset;
      if (this.queue.length > keep) this.queue.splice(0, this.queue.length - keep);
    }
  }

  newCallbackQueryId(): string {
    return `${Date.now().toString(36)}${(this.nextCallbackSeq++).toString(36).padStart(4, '0')}${randomBytes(4).toString('hex')}`;
  }

  // --- files -----------------------------------------------------------------------------

  registerFile(
    kind: 'photo' | 'document',
    info: { bytes?: Buffer; size?: number; fileName?: string; mimeType?: string },
  ): StoredFile {
    const seq = this.nextFileSeq++;
    const prefix = kind === 'photo' ? 'AgACAgUAAxkBAA' : 'BQACAgUAAxkBAA';
    const file_id = `${prefix}${seq.toString(36)}_${randomBytes(18).toString('base64url')}`;
    const file_unique_id = `AQAD${seq.toString(36)}${randomBytes(6).toString('base64url')}`;
    const ext = kind === 'photo' ? 'jpg' : (info.fileName?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1] ?? 'dat');
    const file: StoredFile = {
      file_id,
      file_unique_id,
      file_path: `${kind === 'photo' ? 'photos' : 'documents'}/file_${seq}.${ext}`,
    };
    const size = info.bytes?.length ?? info.size;
    if (size !== undefined) file.file_size = size;
    if (info.fileName !== undefined) file.file_name = info.fileName;
    if (info.mimeType !== undefined) file.mime_type = info.mimeType;
    if (info.bytes !== undefined) file.bytes = info.bytes;
    this.files.set(file_id, file);
    return file;
  }

  /** Placeholder content for files users "send" (a 1×1 PNG for photos). */
  placeholderBytes(kind: 'photo' | 'document', size?: number, fileName?: string): Buffer {
    if (kind === 'photo') return TINY_PNG;
    if (size !== undefined) return Buffer.alloc(Math.min(size, 20 * 1024 * 1024), 0x20);
    return Buffer.from(`emulated file ${fileName ?? ''}\n`);
  }
}

export function toView(stored: StoredMessage): EmulatorMessage {
  const view: EmulatorMessage = {
    ...structuredClone(stored.message),
    sender: stored.sender,
    edits: structuredClone(stored.edits),
    deleted: stored.deleted,
  };
  if (stored.source) view.source = { ...stored.source };
  if (stored.upload) view.upload = { ...stored.upload };
  return view;
}
