import type { Config } from '../config.js';
import type { Settings } from '../settings.js';
import type { Tx } from '../db/client.js';
import type { Chat, Person } from '../generated/prisma/client.js';
import type { Translate } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { ChatAddress, Inbound } from '../platforms/types.js';
import type { OutboxWriter } from './outbox-writer.js';

/** What application code may use while handling one inbound event, inside one transaction. */
export interface Scope {
  tx: Tx;
  out: OutboxWriter;
  now: Date;
  config: Config;
  settings: Settings;
  logger: Logger;
  t: Translate;
  inbound: Inbound;
  chat: Chat;
  person: Person;
  isAdmin: boolean;
}

export function addressOf(chat: Pick<Chat, 'platform' | 'externalId'>): ChatAddress {
  return { platform: chat.platform, externalId: chat.externalId };
}

/** Replies in the chat the event came from, quoting the message when there is one. */
export async function reply(scope: Scope, html: string, opts: { quote?: boolean; ticketId?: number; purpose?: string } = {}): Promise<void> {
  const quote = opts.quote !== false && scope.inbound.kind === 'message' ? scope.inbound.messageId : null;
  await scope.out.send(addressOf(scope.chat), { html, replyToMessageId: quote }, { purpose: opts.purpose ?? 'reply', ticketId: opts.ticketId ?? null });
}
