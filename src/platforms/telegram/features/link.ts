import { Composer } from 'grammy';
import { createLinkCode, LINK_CODE_PATTERN, linkChat, redeemLinkCode } from '../../../app/features/link.js';
import { onCommand } from '../commands.js';
import type { BotContext } from '../context.js';

export const linkFeature = new Composer<BotContext>();
onCommand(linkFeature, 'lienket', (ctx, args) => linkChat(ctx.scope, args));
onCommand(linkFeature, 'taoma', (ctx, args) => createLinkCode(ctx.scope, args));
// A one-time code may be typed without the slash (contract.md).
linkFeature.chatType('private').hears(/^\s*li[eê]n\s*k[eế]t\s+([A-Za-z0-9]{6,10})\s*$/i, async (ctx) => {
  const code = (ctx.match[1] ?? '').toUpperCase();
  if (LINK_CODE_PATTERN.test(code)) await redeemLinkCode(ctx.scope, code);
});
