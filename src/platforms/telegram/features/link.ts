import { Composer } from 'grammy';
import { LINK_CODE_PATTERN, redeemLinkCode } from '../../../core/features/link.js';
import type { BotContext } from '../context.js';

export const linkFeature = new Composer<BotContext>();
// A one-time code may be typed without the slash (docs/contract.md); /lienket itself is a command.
linkFeature.chatType('private').hears(/^\s*li[eê]n\s*k[eế]t\s+([A-Za-z0-9]{6,10})\s*$/i, async (ctx) => {
  const code = (ctx.match[1] ?? '').toUpperCase();
  if (LINK_CODE_PATTERN.test(code)) await redeemLinkCode(ctx.scope, code);
});
