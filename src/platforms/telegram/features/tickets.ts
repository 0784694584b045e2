import { Composer } from 'grammy';
import * as tickets from '../../../core/features/tickets.js';
import type { BotContext } from '../context.js';

export const ticketsFeature = new Composer<BotContext>();

ticketsFeature.on('callback_query:data', (ctx) => tickets.handleButton(ctx.scope));

// A reply to the bot's ticket message in a department group is the written answer; a reply to
// a prompt is the text it asked for.
ticketsFeature.on('message', async (ctx, next) => {
  if (!(await tickets.handleReply(ctx.scope))) await next();
});
