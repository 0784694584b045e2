import { Composer } from 'grammy';
import { sendCentralReport, sendDigestNow, sendExport, sendOverdueList } from '../../../app/features/leaders.js';
import { onCommand } from '../commands.js';
import type { BotContext } from '../context.js';

export const leadersFeature = new Composer<BotContext>();
onCommand(leadersFeature, 'tonghop', (ctx) => sendDigestNow(ctx.scope));
onCommand(leadersFeature, 'quahan', (ctx) => sendOverdueList(ctx.scope));
onCommand(leadersFeature, 'xuatexcel', (ctx) => sendExport(ctx.scope));
onCommand(leadersFeature, 'baocaotw', (ctx) => sendCentralReport(ctx.scope));
