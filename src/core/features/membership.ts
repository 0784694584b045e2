import { notifyAdmins, safeTitle } from '../admin-notices.js';
import { escapeHtml } from '../presentation/markup.js';
import type { Scope } from '../scope.js';

/**
 * The bot was added to or removed from a group. An unlinked group is not served: nothing from it
 * becomes a ticket, and the admins are told so they can link it or remove the bot. Anyone can add
 * the bot anywhere, as often as they like: the admins hear about a group once a day at most (and
 * notices in all are capped per hour), with its title shown as harmless text.
 */
export async function handleMembership(scope: Scope, joined: boolean): Promise<void> {
  const { tx, chat } = scope;
  if (!joined) {
    await tx.chat.update({ where: { id: chat.id }, data: { active: false } });
    return;
  }
  await tx.chat.update({ where: { id: chat.id }, data: { active: true } });
  if (chat.role !== 'none') return;
  await notifyAdmins(scope, {
    subject: `group-added:${chat.platform}:${chat.externalId}`,
    key: 'unlinked-group-added',
    args: { title: safeTitle(chat.title), chatId: escapeHtml(chat.externalId) },
  });
}
