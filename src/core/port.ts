import type { Platform } from '../domain/types.js';
import type { TextFormat } from './presentation/markup.js';

/**
 * The channel-neutral port. Each platform plug-in translates its updates into `Inbound` and
 * delivers `OutboundRequest`s; the core never knows which platform a message used, so one ticket
 * can involve a commune on one platform and a department on another. What a platform can show is
 * declared by its channel's `capabilities`, and the core decides from those alone.
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
  /** The platform the file id belongs to (a file id means nothing on another platform); null for web uploads. */
  platform?: Platform | null;
  /** The platform's id of the file (on some platforms the photo's URL); null when only the bytes are kept. */
  fileId: string | null;
  /** The stored copy of the bytes (StoredFile id), once fetched for another platform or uploaded on the web. */
  storedFileId?: string | null;
  /** The ticket's Attachment row, so a copy fetched once is kept for every later delivery. */
  attachmentId?: string | null;
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

/** A person acting on the web desk, with the role of the chat their sign-in link came from. */
export interface InboundWeb {
  kind: 'web';
  platform: Platform;
  chat: ChatRef;
  sender: SenderRef;
}

export type Inbound = InboundMessage | InboundAction | InboundMembership | InboundWeb;

export interface OutboundButton {
  text: string;
  data: string;
}

/**
 * One message as the channel delivers it, already rendered for it: `text` is in the channel's
 * format (markup or plain text) and within its length limit.
 */
export interface OutboundContent {
  text: string;
  buttons?: OutboundButton[][];
  replyToMessageId?: string | null;
  attachments?: AttachmentRef[];
  /** Ask the reader to reply to this message (force reply); the reply carries the text. */
  forceReply?: boolean;
  /** A file made by the bot (an export, a chart), uploaded with the message; `text` is its caption. */
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

/**
 * A file made ready for one channel by the sender: the channel's own file id, the bytes to upload,
 * or a public URL (for channels that only take files by URL).
 */
export type OutboundFile = { type: 'photo' | 'document'; fileName: string | null; mimeType: string | null } & (
  | { via: 'id'; fileId: string }
  | { via: 'bytes'; data: Uint8Array }
  | { via: 'url'; url: string }
);

export type OutboundRequest =
  /**
   * `files`: the content's attachments, made ready for this channel (in order). `resume`: an earlier
   * try got this far; accepted calls are not made again.
   */
  | { op: 'send'; chat: ChatAddress; content: OutboundContent; files?: OutboundFile[]; resume?: DeliveryProgress }
  | { op: 'edit'; chat: ChatAddress; messageId: string; content: OutboundContent }
  /** A menu that was used: its buttons are taken away so it cannot be pressed again. */
  | { op: 'clear_buttons'; chat: ChatAddress; messageId: string }
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

/** What a channel can show and do; the core renders and decides from these alone. */
export interface ChannelCapabilities {
  /** `html`: the bot's markup subset is shown; `plain`: text only. */
  format: TextFormat;
  /** Longest text one message may carry (UTF-16 units of the visible text). */
  maxTextLength: number;
  /** Longest caption under a photo or document. */
  maxCaptionLength: number;
  /** Inline buttons; without them choices are a numbered list answered by typing the number. */
  buttons: boolean;
  /** Sent messages can be edited (cards are kept up to date in place). */
  edits: boolean;
  /** A message can ask for a reply (force reply); without it the next message is the answer. */
  forceReply: boolean;
  /** Files other than photos can be sent. */
  documents: boolean;
  /** Files can be uploaded as bytes; otherwise only sent by a public URL. */
  uploads: boolean;
  /** Commands are typed with a slash; otherwise the command words are typed as they are. */
  slashCommands: boolean;
  /** A button press must be answered (the platform shows a spinner until then). */
  actionAnswers: boolean;
  /** A message can quote the message it answers. */
  replies: boolean;
}

/** The sending limits of a platform (every process shares them through Redis). */
export interface ChannelLimits {
  /** Least time between two messages to one chat. */
  chatIntervalMs: number;
  /** Most messages to one group in any minute. */
  groupPerMinute: number;
  /** Most messages in any second, all chats together. */
  globalPerSecond: number;
}

/** A file's bytes, fetched from the platform that holds it. */
export interface FetchedFile {
  data: Uint8Array;
  mimeType: string;
  fileName: string;
}

export interface Channel {
  readonly platform: Platform;
  readonly capabilities: ChannelCapabilities;
  readonly limits: ChannelLimits;
  deliver(request: OutboundRequest): Promise<DeliveryResult>;
  /** Whether an address the bot has no chat row for is a group (for pacing). */
  isGroupAddress(externalId: string): boolean;
  /** The bytes of a file this platform gave us, at most `maxBytes`; throws FileUnavailable otherwise. */
  fetchFile(ref: AttachmentRef, maxBytes: number): Promise<FetchedFile>;
}

/** A file could not be fetched: too large, gone, or the platform refused. */
export class FileUnavailable extends Error {
  override name = 'FileUnavailable';
  constructor(
    readonly reason: 'too_large' | 'unreachable',
    message: string,
  ) {
    super(message);
  }
}

/** What the core knows of the configured channels: capabilities by platform, nothing more. */
export interface ChannelDirectory {
  capabilities(platform: Platform): ChannelCapabilities;
}
