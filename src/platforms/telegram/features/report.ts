import { Composer } from 'grammy';
import { fileReport } from '../../../app/features/report.js';
import { onCommand } from '../commands.js';
import type { BotContext } from '../context.js';

export const reportFeature = new Composer<BotContext>();
// The command may also be the caption of a photo or document: the file becomes an attachment.
onCommand(reportFeature, 'baocao', (ctx, args) => fileReport(ctx.scope, args));
