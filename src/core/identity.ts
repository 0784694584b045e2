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

/** What one event needs to know first, read in one statement: its chat, its sender, the support chats. */
export interface Known {
  chat: Chat | null;
  person: Person | null;
  /** The active support-team chats, oldest link first (a new report is announced in each). */
  supportChats: Chat[];
}

/** Rows read as JSON carry their timestamps as text (UTC, the sessions' zone): these become dates again. */
const DATE_FIELDS = ['linkedAt', 'createdAt', 'updatedAt'] as const;
function revive<T>(row: Record<string, unknown>): T {
  for (const f of DATE_FIELDS) {
    const v = row[f];
    if (typeof v === 'string') row[f] = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  }
  return row as T;
}

/**
 * The chat, the sender and the support chats in one round trip: every event needs the first two,
 * and a report the third, before anything else.
 */
export async function lookUp(tx: Tx, chat: ChatRef, sender: SenderRef): Promise<Known> {
  const rows = await tx.$queryRaw<{ k: string; row: Record<string, unknown> }[]>`
    SELECT 'chat' AS "k", to_jsonb(c) AS "row" FROM "Chat" c WHERE c."platform" = ${chat.platform}::"Platform" AND c."externalId" = ${chat.externalId}
    UNION ALL
    SELECT 'person', to_jsonb(p) FROM "Person" p WHERE p."platform" = ${sender.platform}::"Platform" AND p."externalUserId" = ${sender.externalUserId}
    UNION ALL
    SELECT 'support', to_jsonb(s) FROM "Chat" s WHERE s."role" = 'support'::"ChatRole" AND s."active"`;
  const known: Known = { chat: null, person: null, supportChats: [] };
  for (const r of rows) {
    if (r.k === 'chat') known.chat = revive<Chat>(r.row);
    else if (r.k === 'person') known.person = revive<Person>(r.row);
    else known.supportChats.push(revive<Chat>(r.row));
  }
  known.supportChats.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  return known;
}

/**
 * Finds or records the chat an event came from, keeping its title current. Read first (or given,
 * from lookUp): nearly every event comes from a known chat whose title did not change, and then
 * nothing is written.
 */
export async function resolveChat(tx: Tx, ref: ChatRef, read?: Chat | null): Promise<Chat> {
  const title = cleanTitle(ref.title);
  const known = read !== undefined ? [read] : await tx.$queryRaw<Chat[]>`SELECT * FROM "Chat" WHERE "platform" = ${ref.platform}::"Platform" AND "externalId" = ${ref.externalId}`;
  if (known[0] && (!title || known[0].title === title)) return known[0];
  return tx.chat.upsert({
    where: { platform_externalId: { platform: ref.platform, externalId: ref.externalId } },
    create: { platform: ref.platform, externalId: ref.externalId, kind: ref.kind, title },
    update: title ? { title } : {},
  });
}

/** Finds or records the person who sent an event, keeping name and username current (written only when they changed). */
export async function resolvePerson(tx: Tx, ref: SenderRef, read?: Person | null): Promise<Person> {
  const displayName = cleanName(ref);
  const known = read !== undefined ? [read] : await tx.$queryRaw<Person[]>`SELECT * FROM "Person" WHERE "platform" = ${ref.platform}::"Platform" AND "externalUserId" = ${ref.externalUserId}`;
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
