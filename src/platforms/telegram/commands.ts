import { Composer } from 'grammy';
import { COMMANDS } from '../../core/router.js';
import type { BotContext } from './context.js';

/**
 * Chat commands, dispatched through the one command table every platform shares. Matching uses the
 * parsed inbound command, so `/cmd@thisbot`, captions and servers that omit entities all work.
 */
export const commandsFeature = new Composer<BotContext>();
commandsFeature.use(async (ctx, next) => {
  const cmd = ctx.inbound.kind === 'message' ? ctx.inbound.command : null;
  const handler = cmd ? COMMANDS[cmd.name] : undefined;
  if (cmd && handler) await handler(ctx.scope, cmd.args);
  else await next();
});
