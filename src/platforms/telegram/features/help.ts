import { Composer } from 'grammy';
import { showHelp } from '../../../app/features/help.js';
import { onCommand } from '../commands.js';
import type { BotContext } from '../context.js';

export const helpFeature = new Composer<BotContext>();
onCommand(helpFeature, ['trogiup', 'start', 'help'], (ctx) => showHelp(ctx.scope));
