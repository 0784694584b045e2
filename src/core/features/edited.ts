import { addressOf, reply, type Scope } from '../scope.js';

const PURPOSE = 'edited-report';

/**
 * An edited message is never a new report or command: a ticket records what was sent, and acting
 * on edits would file a second ticket for a typo fixed. But a /baocao typed into an edit would be
 * lost without a word, so that one edit is answered (once per message): send it again as a new
 * message, or, when the original already became a ticket, that the ticket keeps the first text.
 * Every other edit stays silent.
 */
export async function answerEditedMessage(scope: Scope): Promise<void> {
  const inbound = scope.inbound;
  if (inbound.kind !== 'message' || !inbound.edited || inbound.command?.name !== 'baocao') return;
  const chat = addressOf(scope.chat);
  await scope.out.flush();
  const told = await scope.tx.outboundMessage.findFirst({
    where: { platform: chat.platform, chatExternalId: chat.externalId, purpose: PURPOSE, payload: { path: ['content', 'replyToMessageId'], equals: inbound.messageId } },
    select: { id: true },
  });
  if (told) return;
  // The original was already a report: its ticket keeps the text as first sent.
  const filed = await scope.tx.ticket.findFirst({ where: { sourceChatId: scope.chat.id, sourceMessageId: inbound.messageId }, select: { id: true, code: true } });
  if (filed) await reply(scope, scope.t('edited-report-filed', { code: filed.code }), { purpose: PURPOSE, ticketId: filed.id });
  else await reply(scope, scope.t('edited-report-resend'), { purpose: PURPOSE });
}
