import { DelayedError, type Job } from 'bullmq';
import type { Config } from '../config.js';
import type { Settings } from '../settings.js';
import type { Db, Tx } from '../db/client.js';
import type { OutboundMessage } from '../generated/prisma/client.js';
import { createTranslator, isLocale } from '../i18n/index.js';
import { htmlToPlain } from '../core/presentation/markup.js';
import type { Logger } from '../logger.js';
import { notifyAdmins, type AdminNotice } from '../core/admin-notices.js';
import { renderCard } from '../core/cards.js';
import { ensureStoredFile, type FileLinks } from '../core/files.js';
import type { AdminDirectory } from '../core/inbound.js';
import { OutboxWriter, prepareMessage, type OutboxPayload } from '../core/outbox-writer.js';
import { escapeHtml } from '../core/presentation/markup.js';
import { ticketView } from '../core/tickets.js';
import { answeredByReply } from '../core/features/tickets.js';
import { foldReceipts, RECEIPT_PURPOSE } from '../core/receipts.js';
import { compactCapacity, foldAnnouncements, renderSupportSummary, SUMMARY_EDIT_GAP_MS, summaryTickets, waitingAnnouncements } from '../core/support-summary.js';
import { OutboxJob } from '../queues/names.js';
import type { ChatPacer } from '../queues/pacer.js';
import { PRIORITY_OPS, type Queues } from '../queues/queues.js';
import { ChannelError, FileUnavailable, type AttachmentRef, type Channel, type ChatAddress, type DeliveryProgress, type DeliveryResult, type OutboundContent, type OutboundFile, type OutboundRequest } from '../core/port.js';
import type { Platform } from '../domain/types.js';
import type { PlatformRegistry } from '../platforms/plugin.js';
import { lineWaitCap, type SendLine } from '../queues/send-line.js';
import type { SentMarks } from './sent-marks.js';

export interface OutboxDeps {
  prisma: Db;
  config: Config;
  /** For "sắp đến hạn" / "quá hạn" on cards, the time zone, and the admins' notices. */
  settings: Settings;
  logger: Logger;
  queues: Queues;
  pacer: ChatPacer;
  platforms: PlatformRegistry;
  admins: AdminDirectory;
  /** Signed URLs of stored files, for channels that take files by URL only. */
  files: FileLinks;
  /** The chats' send lines, sent-marks and card ids in Redis. */
  line: SendLine;
  /** Batched "sent" marks in the database. */
  sent: SentMarks;
  /** The business clock, for a card's "sắp đến hạn" / "quá hạn". */
  clock?: () => Date;
}

/** Longest wait done in-process; longer waits hand the job back to Redis as delayed. */
const MAX_INLINE_WAIT_MS = 2_500;
/** A wait this short is always done in-process. */
const SHORT_WAIT_MS = 50;
/**
 * Jobs that may wait in-process for a slot further away than SHORT_WAIT_MS, at once; the others
 * are handed back to Redis until their slots. Twenty of the sender's 32 places.
 */
const MAX_INLINE_WAITERS = 20;
/**
 * A job handed back to wait for its slot comes back this much earlier and waits the rest
 * in-process: a delayed job is promoted some milliseconds late, and a slot missed by more than
 * LATE_SLOT_MS is given up for one at the end of the queue.
 */
const WAKE_EARLY_MS = 250;
/** A slot this late is given up for a fresh one. */
const LATE_SLOT_MS = 25;
/** Calls that answer a press or tidy a message: they take no turn in a chat's line and no slot. */
const UNPACED_OPS: ReadonlySet<string> = new Set(['answer_action', 'clear_buttons']);

/** How long the sender trusts what it read of a reachable chat (its kind, that it is reachable). */
const CHAT_INFO_TTL_MS = 60_000;

/** The row copy a job carries (queues.ts enqueueOutbox). */
interface JobRowCopy {
  platform: Platform;
  chatExternalId: string;
  purpose: string | null;
  ticketId: number | null;
  payload: unknown;
}

/**
 * A message at the head of its chat's line that has not gone out for this long is looked at: one no
 * longer due (sent, failed) leaves the line; one never tried (its job lost) is enqueued again.
 */
const STALE_HEAD_MS = 20_000;
/** Attempts that may have reached the platform; after this many a retry could make a third copy. */
const MAX_UNCONFIRMED = 2;
/** One "unreachable" or "parked" notice per chat in this window, however many messages fail. */
const CHAT_NOTICE_EVERY_MS = 60 * 60_000;

/** What a send job remembers between its runs (job data besides the row id). */
interface SendState {
  /** A pacer slot reserved before the job was handed back to Redis to wait for it. */
  slot?: number;
  /** The run the slot is for (the job's attempts then): a retry after a failure reserves afresh. */
  slotFor?: number;
  /** Nothing is tried before this: the platform asked us to wait (429 retry_after). */
  notBefore?: number;
}

/**
 * Rows a send job still has work on. A parked message keeps being retried by its job (BullMQ's
 * backoff, then the failure handler), but no longer counts as ahead of its chat's later messages.
 */
const isDue = (status: string) => status === 'pending' || status === 'parked';

class PermanentFailure extends Error {}

/** A request to make, and under which name the sent message is remembered for later edits. */
interface Built {
  request: OutboundRequest;
  remember?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Sends one outbox row. Safe to run twice: a row already sent is skipped, and the sent message id
 * is recorded so a retry after an unknown outcome can duplicate a message at most once.
 * Messages to one chat keep their order and the pacer's spacing across every process.
 */
export function createOutboxProcessor(deps: OutboxDeps) {
  const { prisma, logger } = deps;

  async function markFailed(row: OutboundMessage, reason: string, notify: 'always' | 'once-per-chat' | 'never') {
    await prisma.outboundMessage.update({ where: { id: row.id }, data: { status: 'failed', lastError: reason.slice(0, 1000), attempts: { increment: 1 } } });
    logger.warn({ outboxId: row.id.toString(), chat: row.chatExternalId, purpose: row.purpose, reason }, 'message could not be delivered');
    await failFolded(prisma, row, reason);
    if (notify === 'never') return;
    await tellAdminsAboutFailure(deps, row, reason, notify === 'once-per-chat' ? 'chat' : 'message');
  }

  /**
   * Records a failed attempt that will be retried. A message failing for SEND_PARK_AFTER_MS since
   * its first failure is parked: its chat's later messages stop waiting for it, and the admins are
   * told (once per chat per hour). Its job keeps retrying it with BullMQ's backoff.
   */
  async function noteFailure(row: OutboundMessage, reason: string, unconfirmed: boolean): Promise<void> {
    const now = new Date();
    const since = row.failingSince ?? now;
    await prisma.outboundMessage.update({
      where: { id: row.id },
      data: {
        attempts: { increment: 1 },
        lastError: reason.slice(0, 1000),
        ...(row.failingSince ? {} : { failingSince: now }),
        ...(unconfirmed ? { unconfirmed: { increment: 1 } } : {}),
      },
    });
    if (row.status !== 'pending' || now.getTime() - since.getTime() < deps.config.SEND_PARK_AFTER_MS) return;
    const parked = await prisma.outboundMessage.updateMany({ where: { id: row.id, status: 'pending' }, data: { status: 'parked' } });
    if (parked.count !== 1) return;
    await leaveLine(row);
    logger.warn({ outboxId: row.id.toString(), chat: row.chatExternalId, purpose: row.purpose, failingForMs: now.getTime() - since.getTime() }, 'message parked: still retried, no longer holding its chat');
    await tellAdmins(deps, {
      subject: `send-parked:${row.platform}:${row.chatExternalId}`,
      key: 'send-parked-admin',
      args: { chat: row.chatExternalId, purpose: row.purpose ?? '', reason: plainReason(reason), seconds: Math.round((now.getTime() - since.getTime()) / 1000) },
      repeatAfterMs: CHAT_NOTICE_EVERY_MS,
    }).catch((err: Error) => logger.warn({ err: err.message }, 'could not tell the admins about a parked message'));
  }

  /**
   * A message's files made ready for the target channel: its own file ids as they are; files from
   * another platform fetched once (size-capped), kept, and uploaded or linked by a signed URL where
   * the channel only takes URLs. What cannot travel is named in a line added to the text.
   */
  async function resolveFiles(refs: readonly AttachmentRef[], target: Channel): Promise<{ files: OutboundFile[]; missing: number }> {
    const files: OutboundFile[] = [];
    let missing = 0;
    for (const ref of refs) {
      const base = { type: ref.type, fileName: ref.fileName ?? null, mimeType: ref.mimeType ?? null };
      // A ref without a platform was written before refs named one: its id is the chat's own platform's.
      if (ref.fileId && (ref.platform === undefined || ref.platform === target.platform)) {
        files.push({ ...base, via: 'id', fileId: ref.fileId });
        continue;
      }
      if (ref.type === 'document' && !target.capabilities.documents) {
        missing++;
        continue;
      }
      const source = ref.platform ? deps.platforms.channel(ref.platform) : undefined;
      try {
        const stored = await ensureStoredFile(prisma, ref, (r) => {
          if (!source) throw new FileUnavailable('unreachable', `no ${r.platform ?? 'source'} channel to fetch the file from`);
          return source.fetchFile(r, deps.config.FILE_MAX_BYTES);
        });
        const named = { ...base, fileName: base.fileName ?? stored.fileName, mimeType: stored.mimeType };
        if (target.capabilities.uploads) files.push({ ...named, via: 'bytes', data: stored.data });
        else {
          const url = deps.files.url(stored);
          if (url) files.push({ ...named, via: 'url', url });
          else missing++;
        }
      } catch (err) {
        if (!(err instanceof FileUnavailable)) throw err;
        logger.info({ reason: err.reason, detail: err.message }, 'attachment could not be passed on');
        missing++;
      }
    }
    return { files, missing };
  }

  /** The line that says files did not come along, in the channel's format. */
  async function missingFilesNote(row: OutboundMessage, count: number, channel: Channel): Promise<string> {
    const code = row.ticketId ? ((await prisma.ticket.findUnique({ where: { id: row.ticketId }, select: { code: true } }))?.code ?? '') : '';
    const line = createTranslator('vi')('files-not-delivered', { count, code });
    return channel.capabilities.format === 'html' ? escapeHtml(line) : line;
  }

  /** A burst summary's message, drawn from the database now: every ticket it lists. */
  async function drawSummary(tx: Tx, summaryId: bigint, ticketIds: readonly number[], chat: ChatAddress, caps: Channel['capabilities']): Promise<OutboundContent> {
    const t = createTranslator('vi');
    const now = deps.clock?.() ?? new Date();
    const tickets = await tx.ticket.findMany({ where: { id: { in: [...ticketIds] } }, select: { id: true, code: true, text: true, commune: { select: { name: true } } }, orderBy: { id: 'asc' } });
    const message = renderSupportSummary(tickets.map((tk) => ({ id: tk.id, code: tk.code, text: tk.text, communeName: tk.commune.name })), t, caps);
    const prepared = await prepareMessage(tx, chat, message, caps, { now, t, audience: null, ticketId: null });
    return prepared.parts[0] ?? { text: '' };
  }

  /** The message a summary is shown in, when it was sent before (edited in place then). */
  async function summaryMessage(chat: ChatAddress, summaryId: bigint): Promise<string | null> {
    const remembered = await deps.line.cardMessage(chat.platform, chat.externalId, `summary:${summaryId}`).catch(() => null);
    if (remembered) return remembered;
    const rows = await prisma.$queryRaw<{ sentMessageId: string }[]>`
      SELECT "sentMessageId" FROM "OutboundMessage"
      WHERE "platform" = ${chat.platform}::"Platform" AND "chatExternalId" = ${chat.externalId} AND "method" = 'summary'
        AND ("payload"->>'summaryId') = ${summaryId.toString()} AND "sentMessageId" IS NOT NULL
      ORDER BY "id" DESC LIMIT 1`;
    return rows[0]?.sentMessageId ?? null;
  }

  /**
   * A new ticket's announcement whose turn has come: its card, unless more new tickets were shown
   * and are waiting than the chat's cards a minute allow (settings.supportCards.perMinute) — then it
   * and those waiting behind it become lines of one burst summary, edited in place as the burst goes
   * on (the tickets a summary lists count as shown, so a burst's stragglers join it too).
   * Null: send the card.
   */
  async function announceOrFold(row: OutboundMessage, chat: ChatAddress, channel: Channel): Promise<Built | null> {
    const caps = channel.capabilities;
    const perMinute = deps.settings.supportCards.perMinute;
    const recent = await deps.line.recentAnnouncements(chat.platform, chat.externalId).catch(() => 0);
    const waiting = await waitingAnnouncements(prisma, chat, row.id, Math.max(compactCapacity(caps), perMinute + 1));
    if (waiting[0]?.id !== row.id || recent + waiting.length <= perMinute) {
      await deps.line.noteAnnouncement(chat.platform, chat.externalId, row.id).catch(() => undefined);
      return null;
    }
    const { fold, content } = await prisma.$transaction(async (tx) => {
      const fold = await foldAnnouncements(tx, chat, row.id, waiting, caps);
      return { fold, content: await drawSummary(tx, fold.summaryId, fold.ticketIds, chat, caps) };
    });
    // The folded announcements are delivered with this message: their jobs have nothing left to do.
    await deps.line.settle(chat.platform, chat.externalId, fold.absorbed).catch(() => undefined);
    // They count as shown this minute: the next new tickets join the summary instead of coming as cards.
    await deps.line.noteAnnouncement(chat.platform, chat.externalId, [row.id, ...fold.absorbed]).catch(() => undefined);
    // With room left, the next announcements gather for a few seconds and go in one edit.
    if (caps.edits && fold.ticketIds.length < fold.capacity) await deps.line.holdSummary(chat.platform, chat.externalId, Date.now() + SUMMARY_EDIT_GAP_MS).catch(() => undefined);
    // Waiting announcements have no jobs (Queues.enqueueOutbox); one that has (added by the sweep)
    // finds its sent mark when it runs and does nothing.
    const remember = `summary:${fold.summaryId}`;
    const shown = fold.fresh || !caps.edits ? null : await summaryMessage(chat, fold.summaryId);
    return { request: shown ? { op: 'edit', chat, messageId: shown, content } : { op: 'send', chat, content }, remember };
  }

  /**
   * A report's receipt whose turn has come gives, in the same message, the receipts of the chat's
   * later reports waiting behind it (core/receipts.ts): someone who sends ten difficulties in a row
   * gets their codes in one or two messages at once, instead of one a second (one every few seconds
   * in a burst, where the platform-wide limit is shared). Null: nothing waits; send it as it is.
   * 'gone': it was given by another message meanwhile.
   */
  async function withWaitingReceipts(row: OutboundMessage, content: OutboundContent, chat: ChatAddress, channel: Channel): Promise<OutboundContent | 'gone' | null> {
    const fold = await foldReceipts(prisma, chat, { id: row.id, replyToMessageId: content.replyToMessageId ?? null }, channel.capabilities, (locale) => createTranslator(isLocale(locale) ? locale : 'vi'));
    if (fold === 'gone' || fold === null) return fold;
    // Delivered with this message: out of the line at once, and their jobs (if any) have nothing to do.
    await deps.line.settle(chat.platform, chat.externalId, fold.absorbed).catch(() => undefined);
    return fold.content;
  }

  async function buildRequest(
    row: OutboundMessage,
    payload: OutboxPayload,
    chat: ChatAddress,
    channel: Channel,
    progress: DeliveryProgress | undefined,
    mayFold = false,
  ): Promise<Built | 'gone'> {
    const request = await buildPlain(row, payload, chat, channel, progress, mayFold);
    return request === 'gone' ? request : request && 'request' in request ? request : { request: request as OutboundRequest };
  }

  async function buildPlain(
    row: OutboundMessage,
    payload: OutboxPayload,
    chat: ChatAddress,
    channel: Channel,
    progress: DeliveryProgress | undefined,
    mayFold: boolean,
  ): Promise<OutboundRequest | Built | 'gone'> {
    const resume = progress ? { resume: progress } : {};
    switch (payload.op) {
      case 'send': {
        let content = legacyContent(payload.content);
        // A receipt folded before (its payload read from the row says so) is drawn again the same way.
        if ((mayFold || (payload as { folded?: unknown }).folded) && !progress && row.purpose === RECEIPT_PURPOSE) {
          const folded = await withWaitingReceipts(row, content, chat, channel);
          if (folded === 'gone') return folded;
          if (folded) content = folded;
        }
        const refs = content.attachments ?? [];
        if (refs.length === 0) return { op: 'send', chat, content, ...resume };
        const { files, missing } = await resolveFiles(refs, channel);
        const text = missing > 0 ? [content.text, await missingFilesNote(row, missing, channel)].filter(Boolean).join('\n\n') : content.text;
        return { op: 'send', chat, content: { ...content, text }, files, ...resume };
      }
      case 'answer_action':
        return { op: 'answer_action', platform: chat.platform, actionId: payload.actionId, text: payload.text, alert: payload.alert };
      case 'clear_buttons':
        return { op: 'clear_buttons', chat, messageId: payload.messageId };
      case 'send_file': {
        if (!row.fileData) throw new PermanentFailure('file message without data');
        const raw = (payload as { caption?: string; captionHtml?: string }).caption ?? (payload as { captionHtml?: string }).captionHtml ?? '';
        const caption = channel.capabilities.format === 'html' ? raw : htmlToPlain(raw);
        const file = { kind: payload.kind, fileName: row.fileName ?? 'file', mimeType: row.fileMime ?? 'application/octet-stream', data: row.fileData };
        if (channel.capabilities.uploads) return { op: 'send', chat, content: { text: caption, upload: file }, ...resume };
        // A channel that takes files by URL only gets a signed link to a stored copy (photos), or the caption alone.
        if (payload.kind === 'photo' && deps.files.enabled) {
          const stored = await ensureStoredFile(prisma, { type: 'photo', fileId: null }, async () => ({ data: file.data, mimeType: file.mimeType, fileName: file.fileName }));
          const url = deps.files.url(stored)!;
          return { op: 'send', chat, content: { text: caption }, files: [{ type: 'photo', fileName: file.fileName, mimeType: file.mimeType, via: 'url', url }], ...resume };
        }
        return { op: 'send', chat, content: { text: caption }, ...resume };
      }
      case 'summary': {
        // A summary message tried again: redrawn from the database, with every ticket it lists now.
        const caps = channel.capabilities;
        const summaryId = BigInt(payload.summaryId);
        const content = await prisma.$transaction(async (tx) => drawSummary(tx, summaryId, await summaryTickets(tx, summaryId), chat, caps));
        const remember = `summary:${summaryId}`;
        if (progress || !caps.edits) return { request: { op: 'send', chat, content, ...resume }, remember };
        const shown = await summaryMessage(chat, summaryId);
        return { request: shown ? { op: 'edit', chat, messageId: shown, content } : { op: 'send', chat, content }, remember };
      }
      case 'card': {
        if (row.ticketId === null) throw new PermanentFailure('card without ticket');
        if (payload.announce && !progress) {
          const folded = await announceOrFold(row, chat, channel);
          if (folded) return folded;
        }
        const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: row.ticketId }, include: ticketView });
        const chatRow = await prisma.chat.findUnique({ where: { platform_externalId: { platform: chat.platform, externalId: chat.externalId } } });
        const t = createTranslator(isLocale(chatRow?.locale) ? chatRow.locale : 'vi');
        const now = deps.clock?.() ?? new Date();
        const caps = channel.capabilities;
        const message = renderCard(ticket, payload.view, t, deps.settings.timezone, deps.settings, now, caps.maxTextLength);
        const prepared = await prisma.$transaction((tx) => prepareMessage(tx, chat, message, caps, { now, t, audience: null, ticketId: row.ticketId }));
        const content = prepared.parts[0] ?? { text: '' };
        // Half posted (a file went out, its text did not): finish posting it rather than edit.
        if (progress) return { request: { op: 'send', chat, content, resume: progress }, remember: `${row.ticketId}:${row.purpose}` };
        // The card lives in one message per chat, edited in place once it exists.
        if (!caps.edits) return { op: 'send', chat, content };
        const remembered = await deps.line.cardMessage(chat.platform, chat.externalId, `${row.ticketId}:${row.purpose}`).catch(() => null);
        const previous = remembered
          ? { sentMessageId: remembered }
          : await prisma.outboundMessage.findFirst({
              where: { platform: chat.platform, chatExternalId: chat.externalId, ticketId: row.ticketId, purpose: row.purpose, status: 'sent', sentMessageId: { not: null } },
              orderBy: { id: 'desc' },
            });
        const remember = `${row.ticketId}:${row.purpose}`;
        if (previous?.sentMessageId) return { request: { op: 'edit', chat, messageId: previous.sentMessageId, content }, remember };
        return { request: { op: 'send', chat, content }, remember };
      }
    }
  }

  /**
   * A group became a supergroup (Telegram's migrate_to_chat_id): the chat row, with its links, and
   * every pending message move to the new id. If the supergroup's own service message got there
   * first it made a bare row for the new id; the linked row takes its place.
   */
  async function moveChat(platform: Platform, from: string, to: string): Promise<void> {
    await prisma.$transaction(async (tx) => {
      const old = await tx.chat.findUnique({ where: { platform_externalId: { platform, externalId: from } } });
      const fresh = await tx.chat.findUnique({ where: { platform_externalId: { platform, externalId: to } } });
      if (old && fresh) {
        if (fresh.role === 'none') {
          await tx.ticket.updateMany({ where: { sourceChatId: fresh.id }, data: { sourceChatId: old.id } });
          await tx.chat.delete({ where: { id: fresh.id } });
          await tx.chat.update({ where: { id: old.id }, data: { externalId: to, active: true } });
        } else {
          // Both ids are linked on their own: the supergroup's link stands, the old id is dead.
          await tx.chat.update({ where: { id: old.id }, data: { active: false } });
        }
      } else if (old) {
        await tx.chat.update({ where: { id: old.id }, data: { externalId: to } });
      }
      await tx.outboundMessage.updateMany({ where: { platform, chatExternalId: from, status: { in: ['pending', 'parked'] } }, data: { chatExternalId: to } });
    });
    logger.info({ from, to }, 'chat migrated to a supergroup; its link and pending messages moved');
  }

  /**
   * Chats' kind and reachability. A reachable chat is trusted for a minute (a 403 then marks it and
   * is forgotten here at once); an unreachable one is read again every time, so a chat that takes
   * the bot back is written to as soon as its row says so.
   */
  const chatInfo = new Map<string, { at: number; kind: string | null; active: boolean | null }>();
  async function chatState(platform: Platform, externalId: string): Promise<{ kind: string | null; active: boolean | null }> {
    const key = `${platform}:${externalId}`;
    const hit = chatInfo.get(key);
    if (hit && Date.now() - hit.at < CHAT_INFO_TTL_MS) return hit;
    const row = await prisma.chat.findUnique({ where: { platform_externalId: { platform, externalId } }, select: { kind: true, active: true } });
    const info = { at: Date.now(), kind: row?.kind ?? null, active: row?.active ?? null };
    if (chatInfo.size > 10_000) chatInfo.clear();
    if (info.active !== false) chatInfo.set(key, info);
    return info;
  }
  const forgetChat = (platform: Platform, externalId: string) => chatInfo.delete(`${platform}:${externalId}`);

  /** The row the job is about: the copy its job carries on a first try, else the database's. */
  async function loadRow(id: bigint, job: Job): Promise<{ row: OutboundMessage | null; fromCopy: boolean }> {
    const copy = (job.data as { row?: JobRowCopy }).row;
    if (copy && job.attemptsMade === 0 && (job.data as SendState).notBefore === undefined) {
      const row = {
        id,
        platform: copy.platform,
        chatExternalId: copy.chatExternalId,
        method: (copy.payload as OutboxPayload).op,
        payload: copy.payload,
        status: 'pending',
        attempts: 0,
        purpose: copy.purpose,
        ticketId: copy.ticketId,
        sentMessageId: null,
        fileData: null,
        fileName: null,
        fileMime: null,
        lastError: null,
        createdAt: new Date(),
        sentAt: null,
        updatedAt: new Date(),
        failingSince: null,
        unconfirmed: 0,
        partsSent: 0,
      } as OutboundMessage;
      return { row, fromCopy: true };
    }
    return { row: await readRow(prisma, id), fromCopy: false };
  }

  /** Out of its chat's line (delivered, failed for good, parked): the next message's turn. */
  const leaveLine = (row: Pick<OutboundMessage, 'id' | 'platform' | 'chatExternalId'>) =>
    deps.line.leave(row.platform, row.chatExternalId, row.id, (next) => deps.queues.wakeMessage(next)).catch(() => undefined);

  /**
   * A head that has not moved for a while: if its row is no longer due it leaves the line; if it
   * is due but its job was lost, the job is enqueued again (the job id makes a live one a no-op).
   */
  async function unstickHead(row: OutboundMessage, head: string): Promise<void> {
    const ahead = await prisma.outboundMessage.findUnique({ where: { id: BigInt(head) }, select: { status: true, failingSince: true } });
    const parkedOrDone = !ahead || !isDue(ahead.status) || ahead.status === 'parked' || (ahead.failingSince && Date.now() - ahead.failingSince.getTime() >= deps.config.SEND_PARK_AFTER_MS);
    if (parkedOrDone) await deps.line.drop(row.platform, row.chatExternalId, head);
    else await deps.queues.enqueueOutbox([BigInt(head)]);
  }

  /**
   * Jobs waiting in-process for their slots. In a burst, replies to hundreds of chats each wait a
   * second or so for a place in the platform-wide limit; were they all to wait in-process, every
   * one of the sender's places would be taken by a waiting reply and nothing else — the support
   * group's cards, a department's answer — would start until the burst's replies were out.
   */
  let waitingInline = 0;
  const mayWaitInline = (until: number) => until - Date.now() <= SHORT_WAIT_MS || (until - Date.now() <= MAX_INLINE_WAIT_MS && waitingInline < MAX_INLINE_WAITERS);
  const waitInline = async (until: number) => {
    waitingInline++;
    try {
      await sleep(until - Date.now());
    } finally {
      waitingInline--;
    }
  };

  return async function processOutbox(job: Job, token?: string): Promise<string> {
    const { outboxId } = OutboxJob.parse(job.data);
    const state = job.data as SendState;
    // A slot reserved for this run; one left in the data by a run that failed since is spent.
    const heldSlot = state.slot !== undefined && state.slotFor === job.attemptsMade ? state.slot : undefined;
    let { row, fromCopy } = await loadRow(BigInt(outboxId), job);
    if (!row || !isDue(row.status)) {
      if (row) await leaveLine(row);
      return 'skipped';
    }
    const payload = row.payload as unknown as OutboxPayload;
    const channel = deps.platforms.channel(row.platform);
    const chatRow = channel ? await chatState(row.platform, row.chatExternalId) : { kind: null, active: null };
    const isGroup = chatRow.kind ? chatRow.kind === 'group' : (channel?.isGroupAddress(row.chatExternalId) ?? false);
    // Delivered already, and only its record is on its way (or was lost with a crash): never again.
    // A paced message on its first look learns its place in its chat's line in the same round trip,
    // and, when it is its turn, gets its send slot too (an announcement first sees whether it folds).
    const firstLook = !UNPACED_OPS.has(payload.op) && heldSlot === undefined && state.notBefore === undefined;
    const reserveAtOnce = firstLook && channel && chatRow.active !== false && !(payload.op === 'card' && payload.announce);
    // Cards and burst summaries are the teams' working view: they pass a burst's waiting replies.
    const priority = PRIORITY_OPS.has(payload.op);
    const paceKey = deps.pacer.key(row.platform, row.chatExternalId);
    const reservation = reserveAtOnce ? deps.pacer.reservation(row.platform, row.chatExternalId, isGroup, channel.limits, Date.now(), priority) : null;
    const begun = firstLook ? await deps.line.begin(row.platform, row.chatExternalId, row.id, reservation, paceKey) : null;
    const sentAs = begun ? begun.sentAs : await deps.line.sentAs(row.id);
    if (sentAs !== null) {
      deps.sent.add({ id: row.id, messageId: sentAs || null, chat: row.chatExternalId, at: new Date() });
      await leaveLine(row);
      return 'skipped';
    }
    if (!channel) {
      await markFailed(row, `${row.platform} channel is not configured`, 'never');
      await leaveLine(row);
      return 'no-channel';
    }
    if (chatRow.active === false && payload.op !== 'answer_action') {
      await markFailed(row, 'chat is inactive (bot blocked or removed)', 'once-per-chat');
      await leaveLine(row);
      return 'inactive';
    }
    let chat: ChatAddress = { platform: row.platform, externalId: row.chatExternalId };

    /**
     * Hands the job back to Redis until `until`, with `data` as its new data, in one script (BullMQ's
     * move to the delayed set updates the job's fields as it moves it); it does not spend an attempt.
     */
    const handBack = async (until: number, data: Record<string, unknown>): Promise<never> => {
      const now = Date.now();
      await deps.queues.outbox.backend.moveToDelayed(job.id!, now, Math.max(0, until - now), token!, { skipAttempt: true, fieldsToUpdate: { data: JSON.stringify(data) } });
      throw new DelayedError();
    };
    /** Waits for a reserved slot: here when it is near and there is room, else handed back to come again just before it. */
    const handBackUnlessNear = async (at: number): Promise<void> => {
      if (token && !mayWaitInline(at)) await handBack(Math.max(Date.now(), at - WAKE_EARLY_MS), { ...job.data, slot: at, slotFor: job.attemptsMade });
    };

    let slot: number | null = null;
    const unpaced = UNPACED_OPS.has(payload.op);
    const interval = unpaced ? 0 : channel.limits.chatIntervalMs;
    if (!unpaced) {
      if (state.notBefore !== undefined && state.notBefore > Date.now()) {
        if (token && state.notBefore - Date.now() > MAX_INLINE_WAIT_MS) await handBack(state.notBefore, job.data);
        await sleep(state.notBefore - Date.now());
      }
      if (heldSlot !== undefined) {
        // Woken for the slot reserved before (a retry after a failure would reserve afresh: slotFor).
        slot = heldSlot;
      } else {
        // Its turn in the chat's line: messages to one chat go out in the order they were committed.
        // Not yet: wait (handed back to Redis) until the one ahead wakes it, or about its turn.
        const place = begun ?? (await deps.line.place(row.platform, chat.externalId, row.id, paceKey));
        if (place.position > 0) {
          if (place.head && place.head !== row.id.toString()) {
            const now = Date.now();
            const since = (state as { waitingSince?: number; waitingBehind?: string }).waitingBehind === place.head ? ((state as { waitingSince?: number }).waitingSince ?? now) : now;
            // A head whose slot is still ahead (a burst's replies wait a minute for the platform-wide
            // limit) is waiting its turn, not stuck.
            const stuck = now - since >= STALE_HEAD_MS && now >= place.nextSlot + STALE_HEAD_MS;
            if (stuck) await unstickHead(row, place.head);
            // The one ahead wakes it when it leaves, at the chat's next slot at the earliest: looking
            // before then only costs. Its wait is the safety net for a wake that was lost.
            const wait = stuck ? 250 : Math.max(0, place.nextSlot - now) + lineWaitCap(place.position);
            if (token) await handBack(Date.now() + wait, { ...job.data, waitingBehind: place.head, waitingSince: since });
            // Without a token (run outside a worker) it cannot be handed back: a short wait, then an error to retry.
            await sleep(Math.min(wait, Math.max(250, Math.max(interval, 100) * place.position)));
            throw new Error('not its turn yet');
          }
        }
        if (payload.op === 'card' && payload.announce && row.partsSent === 0) {
          // The chat's burst summary was drawn moments ago and has room: this announcement waits a
          // little (at the head of its line), so those behind it join the same edit.
          const held = await deps.line.summaryHeldUntil(row.platform, chat.externalId).catch(() => null);
          if (held !== null && held > Date.now()) {
            if (token) await handBack(held, { ...job.data, notBefore: held });
            await sleep(held - Date.now());
          }
        }
        if (fromCopy && payload.op === 'card' && payload.announce) {
          // An announcement read from its job's copy may have been folded into a burst summary
          // while it waited: at its turn, the row says.
          const fresh = await readRow(prisma, row.id);
          if (!fresh || !isDue(fresh.status)) {
            await leaveLine(row);
            return 'skipped';
          }
          row = fresh;
        }
        slot = begun?.slot ?? (await deps.pacer.reserve(row.platform, chat.externalId, isGroup, channel.limits, undefined, priority));
        await handBackUnlessNear(slot);
      }
    }

    // Calls of this message an earlier try got accepted (a file before its text) are not made again.
    let progress: DeliveryProgress | undefined = row.partsSent > 0 ? { calls: row.partsSent, messageId: row.sentMessageId } : undefined;
    let request: OutboundRequest;
    let remember: string | undefined;
    try {
      // A receipt with others waiting behind it in its chat's line (not known on a later look) gives them too.
      const built = await buildRequest(row, payload, chat, channel, progress, !begun || begun.behind > 0);
      if (built === 'gone') {
        await leaveLine(row);
        return 'skipped';
      }
      ({ request, remember } = built);
    } catch (err) {
      if (err instanceof PermanentFailure) {
        await markFailed(row, err.message, 'always');
        await leaveLine(row);
        return 'failed';
      }
      await noteFailure(row, err instanceof Error ? err.message : String(err), false);
      throw err;
    }
    // Built first, so the call leaves as close to its slot as possible.
    if (slot !== null) {
      await waitInline(slot);
      // Woken late (a busy process, a delayed job promoted with many others): the slot has passed
      // and others may be sending now; a fresh one keeps every sliding second within the limit.
      for (let i = 0; i < 3 && Date.now() - slot > LATE_SLOT_MS; i++) {
        slot = await deps.pacer.reserve(row.platform, chat.externalId, isGroup, channel.limits, undefined, priority);
        // In a burst the fresh slot can be a minute away: waiting for it here would hold one of the
        // sender's few places the whole time, and enough of them would stop every other message.
        await handBackUnlessNear(slot);
        await waitInline(slot);
      }
    }

    for (let hop = 0; ; hop++) {
      let result: DeliveryResult;
      try {
        result = await channel.deliver(request);
      } catch (err) {
        if (!(err instanceof ChannelError)) {
          await noteFailure(row, err instanceof Error ? err.message : String(err), false);
          throw err;
        }
        if (err.progress && err.progress.calls > (progress?.calls ?? 0)) {
          progress = err.progress;
          await prisma.outboundMessage.update({ where: { id: row.id }, data: { partsSent: progress.calls, sentMessageId: progress.messageId } });
        }
        const f = err.failure;
        switch (f.kind) {
          case 'not_modified':
            await prisma.outboundMessage.update({ where: { id: row.id }, data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 }, failingSince: null } });
            if (!unpaced) await leaveLine(row);
            return 'not-modified';
          case 'rate_limited': {
            // The only right answer to 429 is to wait; waiting does not spend an attempt.
            const until = Date.now() + f.retryAfterMs;
            await deps.pacer.pushBack(row.platform, chat.externalId, until);
            await prisma.outboundMessage.update({ where: { id: row.id }, data: { lastError: `429 retry after ${f.retryAfterMs} ms` } });
            logger.info({ outboxId, chat: chat.externalId, retryAfterMs: f.retryAfterMs }, 'rate limited; waiting as told');
            if (!token) throw err;
            const { slot: _spent, slotFor: _for, ...rest } = job.data as Record<string, unknown>;
            return handBack(until, { ...rest, notBefore: until });
          }
          case 'migrated': {
            if (hop > 0) throw err;
            await moveChat(row.platform, chat.externalId, f.newChatId);
            // Out of the old id's line: the messages behind it there (moved too) are woken.
            if (!unpaced) await leaveLine(row);
            chat = { platform: row.platform, externalId: f.newChatId };
            // A receipt that gives others (its row lists them) gives them at the new id too.
            const rebuilt = await buildRequest(row, payload, chat, channel, progress, true);
            if (rebuilt === 'gone') return 'skipped';
            ({ request, remember } = rebuilt);
            continue;
          }
          case 'forbidden':
            await prisma.chat.updateMany({ where: { platform: row.platform, externalId: chat.externalId }, data: { active: false } });
            forgetChat(row.platform, chat.externalId);
            await markFailed(row, `403 ${f.description}`, 'once-per-chat');
            await leaveLine(row);
            return 'forbidden';
          case 'bad_request':
            if (request.op === 'edit' && /message to edit not found|message can't be edited/i.test(f.description)) {
              // The card message is gone: post it anew.
              request = { op: 'send', chat, content: request.content };
              continue;
            }
            await markFailed(row, f.description, 'always');
            await leaveLine(row);
            return 'failed';
          case 'transient': {
            // Counted in the row, not the job: a job recreated by the sweep must not forget them.
            if (f.unconfirmed && row.unconfirmed + 1 >= MAX_UNCONFIRMED) {
              // It may already be in the chat twice; a third try could make a third copy.
              await markFailed(row, `no answer twice, the message may have arrived: not sent again (${f.description})`, 'always');
              await leaveLine(row);
              return 'unconfirmed';
            }
            await noteFailure(row, f.description, f.unconfirmed === true);
            throw err;
          }
        }
      }
      // In one round trip: marked sent in Redis at once (a job run again never sends it twice; the
      // database row is marked in a batch), the gap counted from the answer (the platform had the
      // message by then) set before the next in line may reserve, so a slow call cannot squeeze two
      // messages closer than the interval; the card's message remembered; out of the line.
      const next = await deps.line
        .finish({
          platform: row.platform,
          chat: chat.externalId,
          id: row.id,
          messageId: result.messageId,
          pace: interval > 0 ? { key: deps.pacer.key(row.platform, chat.externalId), until: Date.now() + interval } : null,
          card: remember && result.messageId ? { field: remember, messageId: result.messageId } : null,
          leave: !unpaced,
          // The next message's slot, reserved as this one leaves: its job runs once, at that slot.
          reserveNext: unpaced ? null : deps.pacer.reservation(row.platform, chat.externalId, isGroup, channel.limits),
        })
        .catch(() => null);
      deps.sent.add({ id: row.id, messageId: result.messageId, chat: chat.externalId, at: new Date() });
      // A message people answer by replying is on record before its job ends: a reply that comes
      // quickly must find which message it answers.
      if (row.purpose && answeredByReply(row.purpose)) await deps.sent.flush().catch(() => undefined);
      if (next?.head) {
        // Woken now when its slot is near (it waits for it here), else just before its slot.
        const far = next.slot !== null && next.slot - Date.now() > MAX_INLINE_WAIT_MS;
        await deps.queues.wakeMessage(next.head, far ? next.slot! - WAKE_EARLY_MS : undefined).catch(() => undefined);
      }
      if (row.status === 'parked') logger.info({ outboxId, chat: chat.externalId, purpose: row.purpose }, 'parked message delivered');
      return 'sent';
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
    if (!row || !isDue(row.status)) return;
    await deps.prisma.outboundMessage.update({ where: { id: row.id }, data: { status: 'failed', lastError: `gave up after ${job.attemptsMade} attempts: ${err.message}`.slice(0, 1000) } });
    await failFolded(deps.prisma, row, err.message);
    await tellAdminsAboutFailure(deps, row, err.message, 'message');
  };
}

/** The receipts a failed receipt was to give with its own (core/receipts.ts) were not given either. */
async function failFolded(prisma: Db, row: OutboundMessage, reason: string): Promise<void> {
  if (row.purpose !== RECEIPT_PURPOSE) return;
  await prisma.$executeRaw`
    UPDATE "OutboundMessage" SET "status" = 'failed', "lastError" = ${`with ${row.id}: ${reason}`.slice(0, 1000)}, "updatedAt" = now()
    WHERE "platform" = ${row.platform}::"Platform" AND "chatExternalId" = ${row.chatExternalId} AND "purpose" = ${RECEIPT_PURPOSE}
      AND "status" = 'sent' AND "sentMessageId" IS NULL AND ("payload"->>'foldedInto') = ${row.id.toString()}`;
}

/** A notice in a transaction of its own (the sender has none open), enqueued after commit. */
async function tellAdmins(deps: Pick<OutboxDeps, 'prisma' | 'config' | 'queues' | 'logger' | 'clock' | 'platforms' | 'admins' | 'settings'>, notice: AdminNotice): Promise<void> {
  const created = await deps.prisma.$transaction(async (tx) => {
    // The business clock, like the updates that notify: one hourly cap counted on one clock.
    const now = deps.clock?.() ?? new Date();
    const out = new OutboxWriter(tx, deps.platforms, now);
    await notifyAdmins({ tx, out, config: deps.config, admins: deps.admins, settings: deps.settings, now, logger: deps.logger }, notice);
    return out.created;
  });
  await deps.queues.enqueueOutbox(created);
}

/** An outbox row, read with plain SQL: on every send job's path that is not its first try. */
async function readRow(prisma: Db, id: bigint): Promise<OutboundMessage | null> {
  const rows = await prisma.$queryRaw<OutboundMessage[]>`SELECT * FROM "OutboundMessage" WHERE "id" = ${id}`;
  return rows[0] ?? null;
}

/** Rows written before messages carried `text` kept it as `html`. */
function legacyContent(content: OutboundContent): OutboundContent {
  const legacy = content as OutboundContent & { html?: string };
  return legacy.text === undefined && legacy.html !== undefined ? { ...content, text: legacy.html } : content;
}

/** The platform's error text, made safe for a notice line. */
const plainReason = (reason: string) => reason.slice(0, 300).replace(/[<>&]/g, ' ');

/**
 * A message is never dropped silently: what finally fails is reported to the admins, per message,
 * or once per chat an hour when the chat itself is unreachable (every later message fails too).
 */
async function tellAdminsAboutFailure(deps: OutboxDeps, row: OutboundMessage, reason: string, per: 'message' | 'chat'): Promise<void> {
  if (row.purpose === 'admin-notice') return;
  await tellAdmins(deps, {
    subject: per === 'chat' ? `send-unreachable:${row.platform}:${row.chatExternalId}` : `send-failed:${row.id}`,
    key: 'send-failed-admin',
    args: { chat: row.chatExternalId, purpose: row.purpose ?? '', reason: plainReason(reason) },
    repeatAfterMs: CHAT_NOTICE_EVERY_MS,
  });
}
