import type { Config } from '../config.js';
import type { Settings } from '../settings.js';
import type { Tx } from '../db/client.js';
import type { Chat, Person } from '../generated/prisma/client.js';
import type { Translate } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { AdminDirectory } from './inbound.js';
import type { ChannelCapabilities, ChatAddress, Inbound } from './port.js';
import type { Message, OutboxWriter } from './outbox-writer.js';

/** What application code may use while handling one inbound event, inside one transaction. */
export interface Scope {
  tx: Tx;
  out: OutboxWriter;
  now: Date;
  config: Config;
  settings: Settings;
  logger: Logger;
  t: Translate;
  /** What the channel of this chat can do (buttons, edits, documents, …). */
  caps: ChannelCapabilities;
  inbound: Inbound;
  chat: Chat;
  person: Person;
  isAdmin: boolean;
  admins: AdminDirectory;
  /** The active support-team chats as read with the chat and the person (identity.lookUp), when they were. */
  supportChats?: readonly Chat[];
}

export function addressOf(chat: Pick<Chat, 'platform' | 'externalId'>): ChatAddress {
  return { platform: chat.platform, externalId: chat.externalId };
}

/**
 * Replies in the chat the event came from, quoting the message when there is one. Choices and
 * prompts in a reply belong to the person who sent the event.
 */
export async function reply(scope: Scope, html: string, opts: { quote?: boolean; ticketId?: number; purpose?: string } & Omit<Message, 'html'> = {}): Promise<void> {
  const { quote: q, ticketId, purpose, ...message } = opts;
  const quote = q !== false && scope.inbound.kind === 'message' ? scope.inbound.messageId : null;
  await scope.out.send(addressOf(scope.chat), { ...message, html, replyToMessageId: quote }, { purpose: purpose ?? 'reply', ticketId: ticketId ?? null, audience: scope.person.id });
}
