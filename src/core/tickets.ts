import type { Tx } from '../db/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { AttachmentRef } from '../platforms/types.js';
import type { Platform } from '../domain/types.js';
import type { Translate } from '../i18n/index.js';
import { formatTicketCode, nameText } from './format.js';
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
  if (input.attachments.length) {
    await tx.attachment.createMany({
      data: input.attachments.map((a) => ({
        ticketId: ticket.id,
        eventId: event.id,
        platform: input.platform,
        type: a.type,
        fileId: a.fileId,
        fileUniqueId: a.fileUniqueId ?? null,
        fileName: a.fileName ?? null,
        mimeType: a.mimeType ?? null,
      })),
    });
  }
  return tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, include: ticketView });
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
    const view = c.purpose!.slice('card:'.length) as CardView;
    await out.card({ platform: c.platform, externalId: c.chatExternalId }, ticketId, view);
  }
}
