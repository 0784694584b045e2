import type { Config } from '../config.js';
import type { Tx } from '../db/client.js';
import type { Platform } from '../domain/types.js';
import { createTranslator, isLocale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { Settings } from '../settings.js';
import type { Chat, Person } from '../generated/prisma/client.js';
import { answerEditedMessage } from './features/edited.js';
import { handleMembership } from './features/membership.js';
import { answerPrompt, handleReply, pressChoice, type PromptKind, PROMPTS } from './features/tickets.js';
import { lookUp, resolveChat, resolvePerson, unitOf } from './identity.js';
import type { OutboxWriter } from './outbox-writer.js';
import type { ChatAddress, Inbound, InboundMessage } from './port.js';
import { COMMANDS, routeTextCommand } from './router.js';
import { reply, type Scope } from './scope.js';

/** Who the admins are, per platform: an id never matches across platforms. */
export interface AdminDirectory {
  isAdmin(platform: Platform, userId: string): boolean;
  /** Every admin's private chat, for notices. */
  chats(): ChatAddress[];
}

/** What the core needs from the composition root to handle inbound events. */
export interface CoreDeps {
  config: Config;
  settings: Settings;
  logger: Logger;
  admins: AdminDirectory;
}

/** The unit of work an event is handled in: one database transaction plus the outbox rows it writes. */
export interface UnitOfWork {
  tx: Tx;
  out: OutboxWriter;
  now: Date;
}

/**
 * The one way into the core for every platform: builds the scope (the chat and the person, their
 * role, whether they are an admin on this platform) and dispatches the event — membership changes,
 * button presses, commands (slash commands, or command words typed on channels without them),
 * typed numbers answering a numbered menu, replies and conversation steps.
 */
export async function handleInbound(deps: CoreDeps, uow: UnitOfWork, inbound: Inbound, log: Record<string, unknown> = {}): Promise<void> {
  const { tx } = uow;
  const sender = inbound.kind === 'membership' ? inbound.by : inbound.sender;
  const known = await lookUp(tx, inbound.chat, sender);
  let chat = await resolveChat(tx, inbound.chat, known.chat);
  if (!chat.active && inbound.kind !== 'membership') {
    // A chat marked inactive after a 403 talks to us again: it is reachable.
    chat = await tx.chat.update({ where: { id: chat.id }, data: { active: true } });
  }
  const person = await resolvePerson(tx, sender, known.person);
  const scope = { ...scopeFor(deps, uow, chat, person, inbound, log), supportChats: known.supportChats };
  switch (inbound.kind) {
    case 'membership':
      return handleMembership(scope, inbound.joined);
    case 'action':
      return pressChoice(scope, inbound.data, { via: 'button', actionId: inbound.actionId }, inbound.messageId);
    case 'message':
      // An edit is never a new command or report (features/edited.ts).
      if (inbound.edited) return answerEditedMessage(scope);
      return dispatchMessage(scope, inbound);
    case 'web':
      // The web desk calls the workflow itself, with a scope from scopeFor.
      return;
  }
}

/**
 * The scope an event is handled in: who acts, from which chat (its role decides what they may do),
 * whether they are an admin on their platform. The web desk builds its scope here too, for the chat
 * its sign-in link came from, so a web action is decided exactly like a chat action.
 */
export function scopeFor(deps: CoreDeps, uow: UnitOfWork, chat: Chat, person: Person, inbound: Inbound, log: Record<string, unknown> = {}): Scope {
  const sender = inbound.kind === 'membership' ? inbound.by : inbound.sender;
  return {
    tx: uow.tx,
    out: uow.out,
    now: uow.now,
    config: deps.config,
    settings: deps.settings,
    logger: deps.logger.child({ ...log, chat: chat.id }),
    t: createTranslator(isLocale(chat.locale) ? chat.locale : 'vi'),
    caps: uow.out.capabilities(chat.platform),
    inbound,
    chat,
    person,
    isAdmin: deps.admins.isAdmin(sender.platform, sender.externalUserId),
    admins: deps.admins,
  };
}

const TYPED_NUMBER = /^\s*(\d{1,2})\s*[.)]?\s*$/;

async function dispatchMessage(scope: Scope, message: InboundMessage): Promise<void> {
  const { caps, t } = scope;
  if (message.command) {
    const handler = COMMANDS[message.command.name];
    if (handler) return handler(scope, message.command.args);
    // An unknown command in a private chat deserves an answer; groups stay quiet.
    if (scope.chat.kind === 'private') await reply(scope, t('command-unknown'));
    return;
  }
  // Command words typed without the slash: on channels without slash commands every command,
  // elsewhere only `lienket <code>` (docs/contract.md).
  if (await routeTextCommand(scope, message.text, { slashOptional: !caps.slashCommands })) return;
  if (await handleReply(scope)) return;
  // A prompt waiting for this person's next message takes it, even a bare number (days of an extension).
  if (await continueConversation(scope, message)) return;
  const number = TYPED_NUMBER.exec(message.text);
  if (number && !caps.buttons) return answerNumberedChoice(scope, Number(number[1]));
  if (scope.chat.kind === 'private') {
    const unit = unitOf(scope.chat, scope.person);
    await reply(scope, t(unit.role === 'none' && !scope.isAdmin ? 'private-unlinked-hint' : 'private-hint'));
  }
}

/** The conversation step waiting for this person's next message in this chat, if any, answered with it. */
async function continueConversation(scope: Scope, message: InboundMessage): Promise<boolean> {
  const step = await scope.tx.conversationStep.findFirst({
    where: { platform: scope.chat.platform, chatExternalId: scope.chat.externalId, personId: scope.person.id, doneAt: null },
    orderBy: { id: 'desc' },
  });
  if (!step) return false;
  // Taken once, whatever comes of it, so a second message is not read as the same answer.
  await scope.tx.conversationStep.update({ where: { id: step.id }, data: { doneAt: scope.now } });
  if (step.expiresAt <= scope.now) {
    await reply(scope, scope.t('prompt-expired'));
    return true;
  }
  if (!(PROMPTS as readonly string[]).includes(step.kind)) return false;
  await answerPrompt(scope, step.kind as PromptKind, step.ticketId, message.text, message.attachments);
  return true;
}

/**
 * A typed number on a channel without buttons answers the newest menu in this chat (the list
 * people just saw). A menu shown to someone else, none at all, an expired or used one, or a number
 * it does not have gets a clear answer and does nothing.
 */
async function answerNumberedChoice(scope: Scope, n: number): Promise<void> {
  // Only the newest menu counts: an older list is not brought back to life by a newer one being used.
  const newest = await scope.tx.choiceMenu.findFirst({ where: { platform: scope.chat.platform, chatExternalId: scope.chat.externalId }, orderBy: { id: 'desc' } });
  if (!newest) {
    await reply(scope, scope.t('choice-none'));
    return;
  }
  if (newest.personId !== null && newest.personId !== scope.person.id && !newest.usedAt && newest.expiresAt > scope.now) {
    await reply(scope, scope.t('choice-foreign'));
    return;
  }
  if (newest.usedAt || newest.expiresAt <= scope.now || (newest.personId !== null && newest.personId !== scope.person.id)) {
    await reply(scope, scope.t('choice-stale'));
    return;
  }
  const mine = newest;
  const options = mine.options as { text: string; data: string }[];
  const chosen = options[n - 1];
  if (!chosen) {
    await reply(scope, scope.t('choice-out-of-range', { max: options.length }));
    return;
  }
  // A menu answers once: a second number would act on a ticket that has moved on.
  const taken = await scope.tx.choiceMenu.updateMany({ where: { id: mine.id, usedAt: null }, data: { usedAt: scope.now } });
  if (taken.count !== 1) {
    await reply(scope, scope.t('choice-stale'));
    return;
  }
  await pressChoice(scope, chosen.data, { via: 'choice' });
}
