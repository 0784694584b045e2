import type { Tx } from '../db/client.js';
import type { Attachment, Chat, Prisma } from '../generated/prisma/client.js';
import type { AttachmentRef } from './port.js';
import type { Platform } from '../domain/types.js';
import type { Translate } from '../i18n/index.js';
import { nameText } from './presentation/markup.js';
import type { CardView, OutboxWriter } from './outbox-writer.js';

/** Everything a card or a status view needs about one ticket. */
export const ticketView = {
  commune: true,
  category: true,
  department: true,
  claimedBy: true,
  reporter: true,
  parent: { select: { code: true } },
  events: { where: { kind: 'assigned', actorId: null }, select: { kind: true, actorId: true }, take: 1 },
  _count: { select: { attachments: true, children: true } },
} satisfies Prisma.TicketInclude;
export type TicketView = Prisma.TicketGetPayload<{ include: typeof ticketView }>;

export interface NewTicket {
  prefix: string;
  communeCode: string;
  reporterId: string;
  sourceChatId: string;
  sourceMessageId: string | null;
  text: string;
  platform: Platform;
  attachments: AttachmentRef[];
  actorLabel: string;
  now: Date;
  suggestion?: { category: string; confidence: number } | null;
  /** The reminder plan of the new ticket (planned by the caller from the settings). */
  nextReminderAt?: Date | null;
  /**
   * Refuse (create nothing, return null) when the reporter already filed `limit` tickets after
   * `since`: the flood check in the same statement as the insert, not a statement of its own.
   */
  flood?: { limit: number; since: Date } | null;
}

/**
 * Creates a ticket with its first audit event (and its attachments), in one statement: its number
 * is the next value of the ticket id sequence, so no row stays locked until the creating
 * transaction commits and reports from many chats are filed side by side.
 */
export async function createTicket(tx: Tx, input: NewTicket & { flood?: null }): Promise<{ id: number; code: string }>;
export async function createTicket(tx: Tx, input: NewTicket): Promise<{ id: number; code: string } | null>;
export async function createTicket(tx: Tx, input: NewTicket): Promise<{ id: number; code: string } | null> {
  // Without a flood limit the count is skipped (LIMIT 0) and the insert always happens.
  const limit = input.flood?.limit ?? 1;
  const since = input.flood?.since ?? input.now;
  const counted = input.flood ? limit : 0;
  const rows = await tx.$queryRaw<{ id: number; code: string; eventId: bigint }[]>`
    WITH f AS (
      SELECT count(*) AS "recent" FROM (
        SELECT 1 FROM "Ticket" WHERE "reporterId" = ${input.reporterId} AND "createdAt" > ${since} AND "createdAt" <= ${input.now}
        LIMIT ${counted}) r),
    n AS (SELECT nextval(pg_get_serial_sequence('"Ticket"', 'id')) AS id FROM f WHERE f."recent" < ${limit}),
    t AS (
      INSERT INTO "Ticket" ("id", "code", "communeCode", "reporterId", "sourceChatId", "sourceMessageId", "text",
                            "suggestedCategory", "suggestedConfidence", "createdAt", "updatedAt", "nextReminderAt")
      SELECT n.id, ${input.prefix} || '-' || CASE WHEN length(n.id::text) < 4 THEN lpad(n.id::text, 4, '0') ELSE n.id::text END,
             ${input.communeCode}, ${input.reporterId}, ${input.sourceChatId}, ${input.sourceMessageId}, ${input.text},
             ${input.suggestion?.category ?? null}, ${input.suggestion?.confidence ?? null}, ${input.now}, ${input.now}, ${input.nextReminderAt ?? null}
      FROM n
      RETURNING "id", "code"),
    e AS (
      INSERT INTO "TicketEvent" ("ticketId", "actorId", "actorLabel", "kind", "toStatus", "text", "createdAt")
      SELECT t."id", ${input.reporterId}, ${input.actorLabel}, 'created', 'new'::"TicketStatus", ${input.text}, ${input.now} FROM t
      RETURNING "id")
    SELECT t."id"::int AS "id", t."code", e."id" AS "eventId" FROM t, e`;
  const row = rows[0];
  if (!row) return null;
  if (input.attachments.length) await storeAttachments(tx, row.id, BigInt(row.eventId), input.attachments, input.platform);
  return { id: row.id, code: row.code };
}

/** Records the files that came with an event; each ref keeps the platform its file id belongs to. */
export async function storeAttachments(tx: Tx, ticketId: number, eventId: bigint, refs: readonly AttachmentRef[], platform: Platform | null): Promise<AttachmentRef[]> {
  const stored: AttachmentRef[] = [];
  for (const a of refs) {
    const row = await tx.attachment.create({
      data: {
        ticketId,
        eventId,
        platform: a.platform === undefined ? platform : a.platform,
        type: a.type,
        fileId: a.fileId,
        fileUniqueId: a.fileUniqueId ?? null,
        fileName: a.fileName ?? null,
        mimeType: a.mimeType ?? null,
        storedFileId: a.storedFileId ?? null,
      },
    });
    stored.push(attachmentRefOf(row));
  }
  return stored;
}

/** A stored attachment as the outbox sends it. */
export function attachmentRefOf(a: Attachment): AttachmentRef {
  return {
    type: a.type === 'document' ? 'document' : 'photo',
    platform: a.platform,
    fileId: a.fileId,
    fileUniqueId: a.fileUniqueId,
    fileName: a.fileName,
    mimeType: a.mimeType,
    storedFileId: a.storedFileId,
    attachmentId: a.id,
  };
}

/** Active chats with a role (support team, leaders), where cards and digests go. */
export async function chatsWithRole(tx: Tx, role: 'support' | 'leaders'): Promise<Chat[]> {
  return tx.$queryRaw<Chat[]>`SELECT * FROM "Chat" WHERE "role" = ${role}::"ChatRole" AND "active" ORDER BY "createdAt" ASC`;
}

/** Active chats of one department: its groups and the private chats linked to it. */
export async function departmentChats(tx: Tx, departmentCode: string) {
  return tx.chat.findMany({ where: { role: 'department', departmentCode, active: true } });
}

/** How messages name the support-team leads (@username, else the name), or the hint to appoint one. */
export async function supportLeadMentions(tx: Tx, t: Translate): Promise<string> {
  const leads = await tx.person.findMany({ where: { isSupportLead: true } });
  return leads.length ? leads.map((p) => (p.username ? `@${p.username}` : nameText(p.displayName))).join(' ') : t('leads-none');
}

/** Re-renders every card of the ticket where one was posted (cards are edited in place). */
export async function refreshCards(tx: Tx, out: OutboxWriter, ticketId: number): Promise<void> {
  // The cards this update itself posted count too.
  await out.flush();
  const cards = await tx.outboundMessage.findMany({
    where: { ticketId, purpose: { startsWith: 'card:' } },
    distinct: ['platform', 'chatExternalId', 'purpose'],
    select: { platform: true, chatExternalId: true, purpose: true },
  });
  for (const c of cards) {
    // Where a message cannot be edited the card was posted once; later changes arrive as notices.
    if (!out.capabilities(c.platform).edits) continue;
    const view = c.purpose!.slice('card:'.length) as CardView;
    await out.card({ platform: c.platform, externalId: c.chatExternalId }, ticketId, view);
  }
}
