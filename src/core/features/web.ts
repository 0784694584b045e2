import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../../db/client.js';
import type { Chat, Person, WebRole } from '../../generated/prisma/client.js';
import { unitOf } from '../identity.js';
import { escapeHtml, nameText } from '../presentation/markup.js';
import { addressOf, reply, type Scope } from '../scope.js';

/** How long a sign-in link sent by /web can be used (docs/contract.md). */
export const WEB_LINK_TTL_MS = 10 * 60_000;
/** Links one person may ask for in WEB_LINK_TTL_MS: enough for a mistyped tap, not for a flood. */
export const WEB_LINKS_PER_WINDOW = 5;
/** Where a sign-in link lands on the web desk. */
export const WEB_SIGN_IN_PATH = '/app/dangnhap';

/** A fresh secret for a link or a session cookie: 256 random bits, URL-safe. */
export function newWebSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a secret: its sha256, so a copy of the database signs nobody in. */
export function hashWebSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The role a web session gets from the chat its link came from: the chat's unit (a private chat
 * speaks for its person's unit), or admin for an admin in a chat linked to nothing. Null: nobody
 * to be on the web desk (an unlinked chat, not an admin).
 */
export function webRoleOf(chat: Chat, person: Person, isAdmin: boolean): { role: WebRole; communeCode: string | null; departmentCode: string | null } | null {
  const unit = unitOf(chat, person);
  switch (unit.role) {
    case 'commune':
      return unit.communeCode ? { role: 'commune', communeCode: unit.communeCode, departmentCode: null } : null;
    case 'department':
      return unit.departmentCode ? { role: 'department', communeCode: null, departmentCode: unit.departmentCode } : null;
    case 'support':
    case 'leaders':
      return { role: unit.role, communeCode: null, departmentCode: null };
    default:
      return isAdmin ? { role: 'admin', communeCode: null, departmentCode: null } : null;
  }
}

/** Records a single-use sign-in token for `person` with the role of `chat`; returns the secret itself. */
export async function mintWebLoginToken(tx: Tx, person: Pick<Person, 'id'>, chat: Pick<Chat, 'id'>, now: Date): Promise<string> {
  const secret = newWebSecret();
  await tx.webLoginToken.create({
    data: { tokenHash: hashWebSecret(secret), personId: person.id, chatId: chat.id, expiresAt: new Date(now.getTime() + WEB_LINK_TTL_MS), createdAt: now },
  });
  return secret;
}

/** The sign-in URL for a token on the web desk at `publicUrl`. */
export function webSignInUrl(publicUrl: string, secret: string): string {
  return `${publicUrl}${WEB_SIGN_IN_PATH}?t=${encodeURIComponent(secret)}`;
}

/** The private chat the bot has with this person on the platform of `chat`, if it can write there. */
async function privateChatOf(scope: Scope): Promise<Chat | null> {
  if (scope.chat.kind === 'private') return scope.chat;
  // A private chat's id is the person's user id on every platform the bot speaks; the row exists once they wrote to the bot.
  const found = await scope.tx.chat.findUnique({ where: { platform_externalId: { platform: scope.chat.platform, externalId: scope.person.externalUserId } } });
  return found && found.kind === 'private' && found.active ? found : null;
}

/**
 * /web: a single-use sign-in link to the web desk, valid 10 minutes, with this chat's role. The
 * link is a key to the person's session, so it never goes to a group: it is sent to the person's
 * private chat with the bot, and the group is told so (or how to open that private chat first).
 */
export async function sendWebLink(scope: Scope): Promise<void> {
  const { t, tx, now } = scope;
  const publicUrl = scope.config.PUBLIC_URL;
  if (!publicUrl) return reply(scope, t('web-off'));
  const role = webRoleOf(scope.chat, scope.person, scope.isAdmin);
  if (!role) return reply(scope, t('web-unlinked'));
  const target = await privateChatOf(scope);
  if (!target) return reply(scope, t('web-open-private-first', { name: nameText(scope.person.displayName) }));
  const recent = await tx.webLoginToken.count({ where: { personId: scope.person.id, createdAt: { gt: new Date(now.getTime() - WEB_LINK_TTL_MS) } } });
  if (recent >= WEB_LINKS_PER_WINDOW) return reply(scope, t('web-too-many-links', { minutes: WEB_LINK_TTL_MS / 60_000 }));
  const secret = await mintWebLoginToken(tx, scope.person, scope.chat, now);
  const url = escapeHtml(webSignInUrl(publicUrl, secret));
  const unit = await unitName(tx, role);
  const html = t('web-link', { url, minutes: WEB_LINK_TTL_MS / 60_000, role: t(`web-role-${role.role}`), unit: unit ? ` · ${escapeHtml(unit)}` : '' });
  await scope.out.send(addressOf(target), { html }, { purpose: 'web-link', audience: scope.person.id });
  if (target.id !== scope.chat.id) await reply(scope, t('web-link-sent-privately', { name: nameText(scope.person.displayName) }));
}

/** The name of the unit a role speaks for ("" for the province-wide roles). */
export async function unitName(tx: Tx, role: { communeCode: string | null; departmentCode: string | null }): Promise<string> {
  if (role.communeCode) return (await tx.commune.findUnique({ where: { code: role.communeCode } }))?.name ?? role.communeCode;
  if (role.departmentCode) return (await tx.department.findUnique({ where: { code: role.departmentCode } }))?.name ?? role.departmentCode;
  return '';
}
