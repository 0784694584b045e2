import type { Platform } from '../domain/types.js';
import { PLAIN_CAPABILITIES } from '../core/outbox-writer.js';
import type { Channel, ChannelCapabilities, ChannelDirectory, ChatAddress, Inbound } from '../core/port.js';

/**
 * A chat platform as the app sees it: one plug-in per platform, all of one shape. The composition
 * root (app.ts) builds the configured plug-ins into one registry; the HTTP server mounts their
 * webhook routes, the ingress runs their pollers, the updates worker asks them to read stored
 * payloads, and the outbox delivers through their channels. The core never imports a plug-in, and
 * plug-ins never import each other.
 */
export interface PlatformPlugin {
  readonly platform: Platform;
  /** Delivers what the outbox asks for; declares what the platform can show. */
  readonly channel: Channel;
  /** A stored payload as the core's inbound event, or null for kinds the bot does not act on. */
  toInbound(payload: unknown): Inbound | null;
  /** The chat a stored payload belongs to (per-chat ordering), or null. Never throws. */
  chatOf(payload: unknown): string | null;
  /** Where to apologise for a stored payload that could not be handled (a chat, or the press to answer). */
  failureTarget(payload: unknown): FailureReplyTarget | null;
  /** Present when the platform delivers by webhook. */
  readonly webhook?: WebhookRoute | undefined;
  /** Present when the platform is polled. */
  readonly poller?: Poller | undefined;
  /** Who the bot is on the platform (getMe); every role needs it before reading updates. */
  init(): Promise<void>;
  /** Ingress boot work, after init: webhook registration or removal, command menus. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** For the boot log: who the bot is on this platform, how updates arrive. */
  describe(): Record<string, unknown>;
}

/** Where to tell the sender that their update could not be handled: the chat, or the button pressed. */
export interface FailureReplyTarget {
  chat: ChatAddress;
  replyToMessageId: string | null;
  /** Set for a button press: the press is answered instead of a message sent. */
  actionId: string | null;
}

/** The verdict of a platform's ingress check on one received update. */
export type UpdateVerdict =
  /** Clean (sanitized) and keyed: what the inbox stores. */
  | { ok: true; updateId: string; payload: Record<string, unknown>; chatKey: string | null }
  /** Can never be handled; `updateId` is known when the envelope was good enough to read it. */
  | { ok: false; updateId: string | null; reason: string; ignored?: boolean };

export interface WebhookRoute {
  /** e.g. `/webhook/telegram`. */
  readonly path: string;
  /** Lower-case header that must carry the secret. */
  readonly secretHeader: string;
  readonly secret: string;
  /** Validates a JSON body: what to store, or why it can never be stored (answered 400). */
  check(body: unknown): UpdateVerdict;
}

/** What pollers hand received updates to: the inbox, behind the ingress check. */
export interface IngressSink {
  /** Stores a checked update; 'unstorable' when the store refused it for good (a marker took its place). */
  store(update: { updateId: string; payload: object; chatKey: string | null }): Promise<'accepted' | 'duplicate' | 'unstorable'>;
  /** Records an update that can never be stored, so it is skipped knowingly, not lost silently. */
  refuse(updateId: string, reason: string): Promise<void>;
}

export interface Poller {
  start(sink: IngressSink): void;
  stop(): Promise<void>;
}

/** The configured plug-ins, by platform; also the core's view of the channels (capabilities only). */
export class PlatformRegistry implements ChannelDirectory {
  private readonly byPlatform = new Map<Platform, PlatformPlugin>();

  constructor(readonly plugins: readonly PlatformPlugin[]) {
    for (const p of plugins) this.byPlatform.set(p.platform, p);
  }

  get(platform: Platform): PlatformPlugin | undefined {
    return this.byPlatform.get(platform);
  }

  channel(platform: Platform): Channel | undefined {
    return this.byPlatform.get(platform)?.channel;
  }

  capabilities(platform: Platform): ChannelCapabilities {
    return this.byPlatform.get(platform)?.channel.capabilities ?? PLAIN_CAPABILITIES;
  }
}
