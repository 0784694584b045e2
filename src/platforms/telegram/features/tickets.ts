import { Composer } from 'grammy';
import * as tickets from '../../../app/features/tickets.js';
import { onCommand } from '../commands.js';
import type { BotContext } from '../context.js';

export const ticketsFeature = new Composer<BotContext>();
onCommand(ticketsFeature, 'nhan', (ctx, args) => tickets.claimCommand(ctx.scope, args));
onCommand(ticketsFeature, 'chuyen', (ctx, args) => tickets.assignCommand(ctx.scope, args));
onCommand(ticketsFeature, 'traloi', (ctx, args) => tickets.answerCommand(ctx.scope, args));
onCommand(ticketsFeature, 'tralai', (ctx, args) => tickets.returnCommand(ctx.scope, args));
onCommand(ticketsFeature, 'giahan', (ctx, args) => tickets.extensionCommand(ctx.scope, args));
onCommand(ticketsFeature, 'xong', (ctx, args) => tickets.confirmCommand(ctx.scope, args));
onCommand(ticketsFeature, 'molai', (ctx, args) => tickets.reopenCommand(ctx.scope, args));
onCommand(ticketsFeature, 'ghichu', (ctx, args) => tickets.noteCommand(ctx.scope, args));
onCommand(ticketsFeature, 'tuchoi', (ctx, args) => tickets.rejectCommand(ctx.scope, args));
onCommand(ticketsFeature, 'gop', (ctx, args) => tickets.mergeCommand(ctx.scope, args));
onCommand(ticketsFeature, 'mucdo', (ctx, args) => tickets.priorityCommand(ctx.scope, args));
onCommand(ticketsFeature, 'kientw', (ctx, args) => tickets.centralCommand(ctx.scope, args));
onCommand(ticketsFeature, 'phieu', (ctx, args) => tickets.statusCommand(ctx.scope, args));
onCommand(ticketsFeature, 'linhvuc', (ctx, args) => tickets.categoryCommand(ctx.scope, args));
onCommand(ticketsFeature, 'ds', (ctx) => tickets.listCommand(ctx.scope));
onCommand(ticketsFeature, 'truongso', (ctx, args) => tickets.departmentHeadCommand(ctx.scope, args));
onCommand(ticketsFeature, 'truongnhom', (ctx) => tickets.supportLeadCommand(ctx.scope));

ticketsFeature.on('callback_query:data', (ctx) => tickets.handleButton(ctx.scope));

// A reply to the bot's ticket message in a department group is the written answer; a reply to
// a prompt is the text it asked for.
ticketsFeature.on('message', async (ctx, next) => {
  if (!(await tickets.handleReply(ctx.scope))) await next();
});
