import { escapeHtml } from '../format.js';
import type { Scope } from '../scope.js';

/**
 * The bot was added to or removed from a group. An unlinked group is not served: nothing from it
 * becomes a ticket, and the admins are told so they can link it or remove the bot.
 */
export async function handleMembership(scope: Scope, joined: boolean): Promise<void> {
  const { tx, chat } = scope;
  if (!joined) {
    await tx.chat.update({ where: { id: chat.id }, data: { active: false } });
    return;
  }
  await tx.chat.update({ where: { id: chat.id }, data: { active: true } });
  if (chat.role !== 'none') return;
  const text = scope.t('unlinked-group-added', { title: escapeHtml(chat.title ?? ''), chatId: chat.externalId });
  // On Telegram a user's private chat id is the user id; an admin who never opened the bot gets a 403, recorded by the sender.
  for (const adminId of scope.config.ADMIN_TELEGRAM_IDS) {
    await scope.out.send({ platform: 'telegram', externalId: adminId }, { html: text }, { purpose: 'admin-notice' });
  }
}
