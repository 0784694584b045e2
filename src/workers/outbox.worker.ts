import { DelayedError, type Job } from 'bullmq';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { OutboundMessage } from '../generated/prisma/client.js';
import { createTranslator, isLocale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { renderCard } from '../app/cards.js';
import { OutboxWriter, type OutboxPayload } from '../app/outbox-writer.js';
import { ticketView } from '../app/tickets.js';
import { OutboxJob } from '../queues/names.js';
import type { ChatPacer } from '../queues/pacer.js';
import type { Queues } from '../queues/queues.js';
import { ChannelError, type Channel, type ChatAddress, type OutboundRequest } from '../platforms/types.js';
import type { Platform } from '../domain/types.js';

export interface OutboxDeps {
  prisma: Db;
  config: Config;
  logger: Logger;
  queues: Queues;
  pacer: ChatPacer;
  channels: Partial<Record<Platform, Channel>>;
}

/** Longest wait done in-process; longer waits hand the job back to Redis as delayed. */
const MAX_INLINE_WAIT_MS = 2_500;

class PermanentFailure extends Error {}

/**
 * Sends one outbox row. Safe to run twice: a row already sent is skipped, and the sent message id
 * is recorded so a retry after an unknown outcome can duplicate a message at most once.
 */
export function createOutboxProcessor(deps: OutboxDeps) {
  const { prisma, logger } = deps;

  async function markFailed(row: OutboundMessage, reason: string, notifyAdmins: boolean) {
    await prisma.outboundMessage.update({ where: { id: row.id }, data: { status: 'failed', lastError: reason.slice(0, 1000), attempts: { increment: 1 } } });
    logger.warn({ outboxId: row.id.toString(), chat: row.chatExternalId, purpose: row.purpose, reason }, 'message could not be delivered');
    if (notifyAdmins) await tellAdminsAboutFailure(deps, row, reason);
  }

  async function buildRequest(row: OutboundMessage, payload: OutboxPayload, chat: ChatAddress, channel: Channel): Promise<OutboundRequest> {
    switch (payload.op) {
      case 'send':
        return { op: 'send', chat, content: payload.content };
      case 'answer_action':
        return { op: 'answer_action', platform: chat.platform, actionId: payload.actionId, text: payload.text, alert: payload.alert };
      case 'send_file':
        if (!row.fileData) throw new PermanentFailure('file message without data');
        return {
          op: 'send',
          chat,
          content: { html: payload.captionHtml, upload: { kind: payload.kind, fileName: row.fileName ?? 'file', mimeType: row.fileMime ?? 'application/octet-stream', data: row.fileData } },
        };
      case 'card': {
        if (row.ticketId === null) throw new PermanentFailure('card without ticket');
        const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: row.ticketId }, include: ticketView });
        const chatRow = await prisma.chat.findUnique({ where: { platform_externalId: { platform: chat.platform, externalId: chat.externalId } } });
        const t = createTranslator(isLocale(chatRow?.locale) ? chatRow.locale : 'vi');
        const content = renderCard(ticket, payload.view, t, deps.config.APP_TIMEZONE);
        // The card lives in one message per chat, edited in place once it exists.
        const previous = channel.supportsEdits
          ? await prisma.outboundMessage.findFirst({
              where: { platform: chat.platform, chatExternalId: chat.externalId, ticketId: row.ticketId, purpose: row.purpose, status: 'sent', sentMessageId: { not: null } },
              orderBy: { id: 'asc' },
            })
          : null;
        if (previous?.sentMessageId) return { op: 'edit', chat, messageId: previous.sentMessageId, content };
        return { op: 'send', chat, content };
      }
    }
  }

  return async function processOutbox(job: Job, token?: string): Promise<string> {
    const { outboxId } = OutboxJob.parse(job.data);
    const row = await prisma.outboundMessage.findUnique({ where: { id: BigInt(outboxId) } });
    if (!row || row.status !== 'pending') return 'skipped';
    const channel = deps.channels[row.platform];
    if (!channel) {
      await markFailed(row, `${row.platform} channel is not configured`, false);
      return 'no-channel';
    }
    const payload = row.payload as unknown as OutboxPayload;
    const chatRow = await prisma.chat.findUnique({ where: { platform_externalId: { platform: row.platform, externalId: row.chatExternalId } } });
    if (chatRow && !chatRow.active && payload.op !== 'answer_action') {
      await markFailed(row, 'chat is inactive (bot blocked or removed)', false);
      return 'inactive';
    }
    const chat: ChatAddress = { platform: row.platform, externalId: row.chatExternalId };

    if (payload.op !== 'answer_action') {
      const notBefore = typeof job.data.notBefore === 'number' ? job.data.notBefore : null;
      let slot = notBefore;
      if (slot === null || Date.now() + 50 < slot - MAX_INLINE_WAIT_MS) {
        const isGroup = chatRow ? chatRow.kind === 'group' : row.chatExternalId.startsWith('-');
        slot = notBefore ?? (await deps.pacer.reserve(row.platform, row.chatExternalId, isGroup));
      }
      const wait = slot - Date.now();
      if (wait > MAX_INLINE_WAIT_MS && token) {
        await job.updateData({ ...job.data, notBefore: slot });
        await job.moveToDelayed(slot, token);
        throw new DelayedError();
      }
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }

    let request: OutboundRequest;
    try {
      request = await buildRequest(row, payload, chat, channel);
    } catch (err) {
      if (err instanceof PermanentFailure) {
        await markFailed(row, err.message, true);
        return 'failed';
      }
      throw err;
    }

    try {
      const result = await channel.deliver(request);
      await prisma.outboundMessage.update({
        where: { id: row.id },
        data: { status: 'sent', sentAt: new Date(), sentMessageId: result.messageId, attempts: { increment: 1 }, lastError: null },
      });
      return 'sent';
    } catch (err) {
      if (!(err instanceof ChannelError)) throw err;
      const f = err.failure;
      switch (f.kind) {
        case 'not_modified':
          await prisma.outboundMessage.update({ where: { id: row.id }, data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 } } });
          return 'not-modified';
        case 'rate_limited': {
          // The only right answer to 429 is to wait; waiting does not spend an attempt.
          const until = Date.now() + f.retryAfterMs;
          await deps.pacer.pushBack(row.platform, row.chatExternalId, until);
          await prisma.outboundMessage.update({ where: { id: row.id }, data: { lastError: `429 retry after ${f.retryAfterMs} ms` } });
          if (!token) throw err;
          await job.updateData({ ...job.data, notBefore: until });
          await job.moveToDelayed(until, token);
          throw new DelayedError();
        }
        case 'migrated': {
          // The group became a supergroup: move the chat and its pending messages to the new id, then resend.
          await prisma.$transaction(async (tx) => {
            await tx.chat.updateMany({ where: { platform: row.platform, externalId: row.chatExternalId }, data: { externalId: f.newChatId } });
            await tx.outboundMessage.updateMany({ where: { platform: row.platform, chatExternalId: row.chatExternalId, status: 'pending' }, data: { chatExternalId: f.newChatId } });
          });
          logger.info({ from: row.chatExternalId, to: f.newChatId }, 'chat migrated to a supergroup');
          throw new Error(`chat migrated to ${f.newChatId}; resending`);
        }
        case 'forbidden':
          await prisma.chat.updateMany({ where: { platform: row.platform, externalId: row.chatExternalId }, data: { active: false } });
          await markFailed(row, `403 ${f.description}`, true);
          return 'forbidden';
        case 'bad_request':
          if (request.op === 'edit' && /message to edit not found|message can't be edited/i.test(f.description)) {
            // The card message is gone: post it anew.
            await channel.deliver({ op: 'send', chat, content: request.content }).then((r) =>
              prisma.outboundMessage.update({ where: { id: row.id }, data: { status: 'sent', sentAt: new Date(), sentMessageId: r.messageId } }),
            );
            return 'resent';
          }
          await markFailed(row, f.description, true);
          return 'failed';
        case 'transient':
          await prisma.outboundMessage.update({ where: { id: row.id }, data: { attempts: { increment: 1 }, lastError: f.description.slice(0, 1000) } });
          throw err;
      }
    }
  };
}

/** Called when BullMQ gives up on a job: the row becomes visible as failed, admins are told. */
export function createOutboxFailureHandler(deps: OutboxDeps) {
  return async (job: Job | undefined, err: Error) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const parsed = OutboxJob.safeParse(job.data);
    if (!parsed.success) return;
    const row = await deps.prisma.outboundMessage.findUnique({ where: { id: BigInt(parsed.data.outboxId) } });
    if (!row || row.status !== 'pending') return;
    await deps.prisma.outboundMessage.update({ where: { id: row.id }, data: { status: 'failed', lastError: err.message.slice(0, 1000) } });
    await tellAdminsAboutFailure(deps, row, err.message);
  };
}

/** A message is never dropped silently: what finally fails is reported to the admins. */
async function tellAdminsAboutFailure(deps: OutboxDeps, row: OutboundMessage, reason: string): Promise<void> {
  if (row.purpose === 'admin-notice' || deps.config.ADMIN_TELEGRAM_IDS.length === 0) return;
  const t = createTranslator('vi');
  const html = t('send-failed-admin', { chat: row.chatExternalId, purpose: row.purpose ?? '', reason: reason.slice(0, 300).replace(/[<>&]/g, ' ') });
  const created = await deps.prisma.$transaction(async (tx) => {
    const out = new OutboxWriter(tx);
    for (const adminId of deps.config.ADMIN_TELEGRAM_IDS) {
      await out.send({ platform: 'telegram', externalId: adminId }, { html }, { purpose: 'admin-notice' });
    }
    return out.created;
  });
  await deps.queues.enqueueOutbox(created);
}
