import { Bot, Composer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../../config.js';
import type { Settings } from '../../settings.js';
import { createTranslator, isLocale } from '../../i18n/index.js';
import type { Logger } from '../../logger.js';
import { resolveChat, resolvePerson } from '../../core/identity.js';
import { handleMembership } from '../../core/features/membership.js';
import { answerEditedMessage } from '../../core/features/edited.js';
import { reply } from '../../core/scope.js';
import { BotContext, unitOfWork } from './context.js';
import { toInbound } from './inbound.js';
import { linkFeature } from './features/link.js';
import { ticketsFeature } from './features/tickets.js';
import { commandsFeature } from './commands.js';

export interface TelegramBotDeps {
  config: Config;
  settings: Settings;
  logger: Logger;
  token: string;
  apiRoot: string;
  /** Known bot identity (skips getMe); otherwise `bot.init()` must run before handling updates. */
  botInfo?: UserFromGetMe;
}

/**
 * The grammY bot. It never runs its own polling loop: ingress stores updates, and the updates
 * worker calls `bot.handleUpdate` inside a unit of work (see workers/updates.worker.ts).
 */
export function createTelegramBot(deps: TelegramBotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    ContextConstructor: BotContext,
    // Longer than the 25 s long poll; messages are sent by the outbox's own client.
    client: { apiRoot: deps.apiRoot, timeoutSeconds: 60 },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });

  bot.use(async (ctx, next) => {
    const inbound = toInbound(ctx.update, ctx.me.username);
    if (!inbound) {
      deps.logger.debug({ updateId: ctx.update.update_id, keys: Object.keys(ctx.update) }, 'update kind ignored');
      return;
    }
    const uow = unitOfWork.getStore();
    if (!uow) throw new Error('Telegram updates must be handled inside a unit of work');
    const chatRef = inbound.chat;
    const sender = inbound.kind === 'membership' ? inbound.by : inbound.sender;
    let chat = await resolveChat(uow.tx, chatRef);
    if (!chat.active && inbound.kind !== 'membership') {
      // A chat marked inactive after a 403 talks to us again: it is reachable.
      chat = await uow.tx.chat.update({ where: { id: chat.id }, data: { active: true } });
    }
    const person = await resolvePerson(uow.tx, sender);
    ctx.inbound = inbound;
    ctx.scope = {
      tx: uow.tx,
      out: uow.out,
      now: uow.now,
      config: deps.config,
      settings: deps.settings,
      logger: deps.logger.child({ updateId: ctx.update.update_id, chat: chat.id }),
      t: createTranslator(isLocale(chat.locale) ? chat.locale : 'vi'),
      inbound,
      chat,
      person,
      isAdmin: deps.config.ADMIN_TELEGRAM_IDS.includes(sender.externalUserId),
    };
    if (inbound.kind === 'membership') {
      await handleMembership(ctx.scope, inbound.joined);
      return;
    }
    // An edit is never a new command or report (features/edited.ts).
    if (inbound.kind === 'message' && inbound.edited) {
      await answerEditedMessage(ctx.scope);
      return;
    }
    await next();
  });

  const features = new Composer<BotContext>();
  features.use(commandsFeature, linkFeature, ticketsFeature);
  bot.use(features);

  // A button nobody handled must still be answered, or Telegram shows a spinner.
  bot.on('callback_query', (ctx) => ctx.scope.out.answerAction({ platform: 'telegram', externalId: String(ctx.chat?.id ?? '') }, ctx.callbackQuery.id, null));

  // Anything left: an unknown command in a private chat deserves an answer; groups stay quiet.
  bot.on('message', async (ctx) => {
    if (ctx.chat.type === 'private' && ctx.inbound.kind === 'message' && ctx.inbound.command) {
      await reply(ctx.scope, ctx.scope.t('command-unknown'));
    }
  });

  return bot;
}
