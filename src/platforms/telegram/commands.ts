import type { Composer } from 'grammy';
import type { BotContext } from './context.js';

/**
 * Registers a handler for chat commands by name, matched on the parsed inbound command (so
 * `/cmd@thisbot`, captions and servers that omit entities all work); `args` is the rest of the text.
 */
export function onCommand(composer: Composer<BotContext>, names: string | string[], handler: (ctx: BotContext, args: string) => Promise<void>): void {
  const wanted = new Set((Array.isArray(names) ? names : [names]).map((n) => n.toLowerCase()));
  composer.use(async (ctx, next) => {
    const cmd = ctx.inbound.kind === 'message' ? ctx.inbound.command : null;
    if (cmd && wanted.has(cmd.name)) await handler(ctx, cmd.args);
    else await next();
  });
}
