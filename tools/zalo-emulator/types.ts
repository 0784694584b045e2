/**
 * Shapes of the Zalo Bot API emulator: what it stores, the events it hands to the bot, and the
 * records its control API answers with.
 */

export type ZaloChatType = 'PRIVATE' | 'GROUP';

export interface ZaloEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * When set, other tokens get 401; when omitted any `{digits}:{secret}` token works and the
   * digits become the bot's id.
   */
  token?: string;
  /** How webhook bodies look: `{ ok: true, result: event }` (default) or the bare event. */
  webhookEnvelope?: 'wrapped' | 'bare';
  /** Longest a getUpdates waits before its 408, whatever timeout it asked for (default 30 000 ms). */
  pollTimeoutCapMs?: number;
  /** The field an image event carries its URL in (default photo_url; some payloads use photo). */
  imageField?: 'photo_url' | 'photo';
  /**
   * The bot sees every group message (default false: like Zalo, only messages that @mention the
   * bot by its display or account name reach it).
   */
  groupsSeeAllMessages?: boolean;
  /** Wait between webhook attempts (default 200 ms). */
  webhookRetryDelayMs?: number;
  /** Attempts per event before it is dropped (default 5). */
  webhookMaxAttempts?: number;
  /** Timeout of one webhook POST (default 10 000 ms). */
  webhookTimeoutMs?: number;
  /** Refuse http:// webhook URLs like the real platform (default false: tests use 127.0.0.1). */
  requireHttpsWebhook?: boolean;
  /** sendPhoto downloads the image like the platform does, and fails with 400 when it cannot. */
  fetchPhotos?: boolean;
  /** The bot's profile. */
  bot?: { id?: string; accountName?: string; displayName?: string; accountType?: string; canJoinGroups?: boolean };
  /** Clock for dates, ms since the epoch (default Date.now). */
  now?: () => number;
  /** Largest request body accepted (default 10 MB). */
  maxBodyBytes?: number;
  /** Serves other paths first (a demo page); return true when handled. */
  extraHandler?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean | Promise<boolean>;
  /** A bug in the emulator (never an API error). Default console.error. */
  onInternalError?: (err: unknown) => void;
}

export interface ZaloUser {
  id: string;
  display_name: string;
  is_bot: boolean;
}

export interface ZaloChatInfo {
  id: string;
  chat_type: ZaloChatType;
  /** Groups only. */
  title?: string;
  /** Group members (user ids); a private chat's only member is its user. */
  members: string[];
  /** The user blocked the bot (private) or the bot was removed (group): sends answer 403. */
  blocked: boolean;
}

/** An event as the platform hands it out (getUpdates `result`, or the webhook body's event). */
export interface ZaloEventPayload {
  event_name: string;
  message: Record<string, unknown> & {
    message_id: string;
    date: number;
    from: ZaloUser;
    chat: { id: string; chat_type: ZaloChatType };
  };
}

/** One message in a chat, sent by a user or by the bot. */
export interface ZaloStoredMessage {
  message_id: string;
  date: number;
  chat_id: string;
  sender: 'user' | 'bot';
  /** The user's id; absent for the bot. */
  from_id?: string;
  kind: 'text' | 'image' | 'sticker' | 'unsupported';
  text?: string;
  /** The image's URL (a user's image, or the bot's sendPhoto `photo`). */
  photo?: string;
  caption?: string;
  sticker?: string;
  /** For a user's message: whether it became an event (a group message without a mention does not). */
  event_queued?: boolean;
  /** For the bot's sendPhoto with fetchPhotos: the downloaded copy, served at /files/<id>. */
  file_id?: string;
  file_size?: number;
}

export interface ZaloStoredFile {
  id: string;
  mime: string;
  bytes: Buffer;
}

export interface ZaloApiCall {
  seq: number;
  method: string;
  httpMethod: string;
  params: Record<string, unknown>;
  at: number;
  finishedAt?: number;
  status?: number;
  ok?: boolean;
  error_code?: number;
  description?: string;
  result?: unknown;
  injected?: 'fail' | 'delay' | 'drop';
}

export interface ZaloErrorAnswer {
  error_code: number;
  description: string;
  /** HTTP status of the answer (default error_code when it is 400–599, else 400). */
  httpStatus?: number;
  parameters?: { retry_after?: number } & Record<string, unknown>;
}

export interface FaultMatch {
  /** How many matching calls (default 1). */
  times?: number;
  /** Only calls whose chat_id is this. */
  chatId?: string;
}

export interface WebhookConfig {
  url: string;
  secretToken: string;
  updatedAt: number;
}

export interface WebhookDeliveryRecord {
  /** The event's message_id. */
  messageId: string;
  eventName: string;
  attempt: number;
  at: number;
  /** HTTP status of the bot's answer, or null when none came. */
  status: number | null;
  error?: string;
  /** The platform stopped trying this event. */
  gaveUp?: boolean;
}

export type ZaloEmulatorEvent =
  | { type: 'message'; chatId: string; message: ZaloStoredMessage }
  | { type: 'event_queued'; event: ZaloEventPayload }
  | { type: 'call'; call: ZaloApiCall }
  | { type: 'webhook_delivery'; delivery: WebhookDeliveryRecord }
  | { type: 'reset' };

export interface SendTextInput {
  userId: string;
  /** Default: the user's private chat. */
  chatId?: string;
  text: string;
}

export interface SendImageInput {
  userId: string;
  chatId?: string;
  /** Where the image is; without it the emulator serves `bytes` (or a tiny PNG) itself. */
  photoUrl?: string;
  bytes?: Uint8Array;
  mime?: string;
  caption?: string;
}

export interface SendStickerInput {
  userId: string;
  chatId?: string;
  sticker?: string;
}

export interface SendUnsupportedInput {
  userId: string;
  chatId?: string;
  /** Default message.unsupported.received; e.g. message.voice.received for kinds the bot does not read. */
  eventName?: string;
}

export interface UserActionResult {
  event: ZaloEventPayload;
  /** False when the bot cannot see it (a group message without a mention, a blocked chat). */
  queued: boolean;
}
