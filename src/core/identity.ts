import type { Tx } from '../db/client.js';
import type { Chat, Person } from '../generated/prisma/client.js';
import type { ChatRef, SenderRef } from './port.js';
import { stripBidiControls } from './presentation/markup.js';

/** A chat title as stored: no bidi controls (they would turn the bot's own lines around), or null. */
function cleanTitle(title: string | null): string | null {
  if (title === null) return null;
  const clean = stripBidiControls(title).trim();
  return clean === '' ? null : clean;
}

/** A person's name as stored: no bidi controls; a name that was nothing else falls back to the username or id. */
function cleanName(ref: SenderRef): string {
  return stripBidiControls(ref.displayName).trim() || ref.username || ref.externalUserId;
}

/**
 * Finds or records the chat an event came from, keeping its title current. Read first: nearly
 * every event comes from a known chat whose title did not change, and then nothing is written.
 */
export async function resolveChat(tx: Tx, ref: ChatRef): Promise<Chat> {
  const title = cleanTitle(ref.title);
  const known = await tx.$queryRaw<Chat[]>`SELECT * FROM "Chat" WHERE "platform" = ${ref.platform}::"Platform" AND "externalId" = ${ref.externalId}`;
  if (known[0] && (!title || known[0].title === title)) return known[0];
  return tx.chat.upsert({
    where: { platform_externalId: { platform: ref.platform, externalId: ref.externalId } },
    create: { platform: ref.platform, externalId: ref.externalId, kind: ref.kind, title },
    update: title ? { title } : {},
  });
}

/** Finds or records the person who sent an event, keeping name and username current (written only when they changed). */
export async function resolvePerson(tx: Tx, ref: SenderRef): Promise<Person> {
  const displayName = cleanName(ref);
  const known = await tx.$queryRaw<Person[]>`SELECT * FROM "Person" WHERE "platform" = ${ref.platform}::"Platform" AND "externalUserId" = ${ref.externalUserId}`;
  if (known[0] && known[0].displayName === displayName && known[0].username === ref.username) return known[0];
  return tx.person.upsert({
    where: { platform_externalUserId: { platform: ref.platform, externalUserId: ref.externalUserId } },
    create: { platform: ref.platform, externalUserId: ref.externalUserId, displayName, username: ref.username },
    update: { displayName, username: ref.username },
  });
}

/** The name to store for someone the bot only knows from a message (a reply's author). */
export function storedName(ref: SenderRef): string {
  return cleanName(ref);
}

/**
 * The unit a chat speaks for. A group is linked by an admin; a private chat speaks for the unit
 * its person was linked to with a one-time code.
 */
export function unitOf(chat: Chat, person: Person): { role: Chat['role']; communeCode: string | null; departmentCode: string | null } {
  if (chat.kind === 'private' && chat.role === 'none') {
    if (person.communeCode) return { role: 'commune', communeCode: person.communeCode, departmentCode: null };
    if (person.departmentCode) return { role: 'department', communeCode: null, departmentCode: person.departmentCode };
  }
  return { role: chat.role, communeCode: chat.communeCode, departmentCode: chat.departmentCode };
}
