import type { Platform } from '../domain/types.js';

/**
 * The channel-neutral port. Telegram and Zalo adapters translate their updates into `Inbound`
 * and deliver `OutboundRequest`s; the application never knows which platform a message used,
 * so one ticket can involve a commune on Zalo and a department on Telegram.
 */

export interface ChatRef {
  platform: Platform;
  externalId: string;
  kind: 'private' | 'group';
  title: string | null;
}

export interface SenderRef {
  platform: Platform;
  externalUserId: string;
  displayName: string;
  username: string | null;
}

export interface AttachmentRef {
  type: 'photo' | 'document';
  fileId: string;
  fileUniqueId?: string | null;
  fileName?: string | null;
  mimeType?: string | null;
}

export interface ParsedCommand {
  /** Lower-case command word without slash or @botname. */
  name: string;
  /** Everything after the command word, trimmed. */
  args: string;
}

export interface InboundMessage {
  kind: 'message';
  platform: Platform;
  chat: ChatRef;
  sender: SenderRef;
  messageId: string;
  text: string;
  command: ParsedCommand | null;
  attachments: AttachmentRef[];
  replyToMessageId: string | null;
  /** The author of the message replied to, when it was a person (not the bot). */
  replyTo: SenderRef | null;
  /** A change to a message sent earlier: never a new report or command, only answered (features/edited.ts). */
  edited?: boolean;
}

/** A button press. `data` is untrusted and must be parsed before use. */
export interface InboundAction {
  kind: 'action';
  platform: Platform;
  chat: ChatRef;
  sender: SenderRef;
  messageId: string;
  actionId: string;
  data: string;
}

/** The bot was added to or removed from a chat. */
export interface InboundMembership {
  kind: 'membership';
  platform: Platform;
  chat: ChatRef;
  by: SenderRef;
  joined: boolean;
}

export type Inbound = InboundMessage | InboundAction | InboundMembership;

export interface OutboundButton {
  text: string;
  data: string;
}

/** What to show. `html` uses the small subset both platforms can render or strip: b, i, code, a. */
export interface OutboundContent {
  html: string;
  buttons?: OutboundButton[][];
  replyToMessageId?: string | null;
  attachments?: AttachmentRef[];
  /** Ask the reader to reply to this message (Telegram's force_reply); the reply carries the text. */
  forceReply?: boolean;
  /** A file made by the bot (an export, a chart), uploaded with the message; `html` is its caption. */
  upload?: OutboundUpload;
}

export interface OutboundUpload {
  kind: 'photo' | 'document';
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

export interface ChatAddress {
  platform: Platform;
  externalId: string;
}

/**
 * How far a delivery that takes several calls (files, then text) got: the calls the platform
 * accepted, and the id of the message cards and replies are found by, once it exists.
 */
export interface DeliveryProgress {
  calls: number;
  messageId: string | null;
}

export type OutboundRequest =
  /** `resume`: an earlier try got this far; accepted calls are not made again. */
  | { op: 'send'; chat: ChatAddress; content: OutboundContent; resume?: DeliveryProgress }
  | { op: 'edit'; chat: ChatAddress; messageId: string; content: OutboundContent }
  | { op: 'answer_action'; platform: Platform; actionId: string; text: string | null; alert: boolean };

export interface DeliveryResult {
  /** The platform's id of the (first) message sent, when one was sent. */
  messageId: string | null;
}

/** Why a delivery failed, mapped once per platform. */
export type ChannelFailure =
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'forbidden'; description: string }
  | { kind: 'migrated'; newChatId: string }
  | { kind: 'not_modified' }
  | { kind: 'bad_request'; description: string }
  /** `unconfirmed`: the request may have reached the platform (a timeout, a connection cut mid-call). */
  | { kind: 'transient'; description: string; unconfirmed?: boolean };

export class ChannelError extends Error {
  override name = 'ChannelError';
  /** `progress`: calls the platform accepted before this failure, so a retry does not repeat them. */
  constructor(
    readonly failure: ChannelFailure,
    readonly progress?: DeliveryProgress,
  ) {
    super(`${failure.kind}${'description' in failure ? `: ${failure.description}` : ''}`);
  }
}

export interface Channel {
  readonly platform: Platform;
  /** Longest text one message may carry on this platform. */
  readonly maxTextLength: number;
  readonly supportsButtons: boolean;
  readonly supportsEdits: boolean;
  deliver(request: OutboundRequest): Promise<DeliveryResult>;
}
