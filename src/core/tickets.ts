import type { Tx } from '../db/client.js';
import type { Attachment, Prisma } from '../generated/prisma/client.js';
import type { AttachmentRef } from './port.js';
import type { Platform } from '../domain/types.js';
import type { Translate } from '../i18n/index.js';
import { formatTicketCode } from '../domain/ticket-code.js';
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

/** Next ticket number for a prefix; gapless because the counter row is updated in the same transaction. */
async function nextTicketNumber(tx: Tx, prefix: string): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "Counter" ("name", "value") VALUES (${`ticket:${prefix}`}, 1)
    ON CONFLICT ("name") DO UPDATE SET "value" = "Counter"."value" + 1
    RETURNING "value"`;
  return Number(rows[0]!.value);
}

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
}

/** Creates a ticket with its first audit event and attachments. */
export async function createTicket(tx: Tx, input: NewTicket): Promise<TicketView> {
  const code = formatTicketCode(input.prefix, await nextTicketNumber(tx, input.prefix));
  const ticket = await tx.ticket.create({
    data: {
      code,
      communeCode: input.communeCode,
      reporterId: input.reporterId,
      sourceChatId: input.sourceChatId,
      sourceMessageId: input.sourceMessageId,
      text: input.text,
      suggestedCategory: input.suggestion?.category ?? null,
      suggestedConfidence: input.suggestion?.confidence ?? null,
      createdAt: input.now,
    },
  });
  const event = await tx.ticketEvent.create({
    data: { ticketId: ticket.id, actorId: input.reporterId, actorLabel: input.actorLabel, kind: 'created', toStatus: 'new', text: input.text, createdAt: input.now },
  });
  await storeAttachments(tx, ticket.id, event.id, input.attachments, input.platform);
  return tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, include: ticketView });
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
export async function chatsWithRole(tx: Tx, role: 'support' | 'leaders') {
  return tx.chat.findMany({ where: { role, active: true }, orderBy: { createdAt: 'asc' } });
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
