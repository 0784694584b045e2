import { DelayedError, type Job } from 'bullmq';
import type { Db } from '../db/client.js';
import { classifyFailure, describeFailure } from '../db/errors.js';
import type { Platform } from '../domain/types.js';
import { createTranslator, isLocale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { OutboxWriter } from '../core/outbox-writer.js';
import { UpdateJob } from '../queues/names.js';
import type { Queues } from '../queues/queues.js';
import { handleInbound, type CoreDeps } from '../core/inbound.js';
import type { FailureReplyTarget, PlatformRegistry } from '../platforms/plugin.js';

export interface UpdatesDeps {
  prisma: Db;
  logger: Logger;
  queues: Queues;
  /** The configured platforms: each reads its own stored payloads. */
  platforms: PlatformRegistry;
  /** What the core needs to handle an inbound event. */
  core: CoreDeps;
  clock?: () => Date;
  /** How long a chat's later updates wait behind an earlier one that keeps failing (default FAILED_HOLD_MS). */
  failedHoldMs?: number;
}

/** How long a later update of a chat waits for an earlier one that has not been tried yet. */
const ORDER_WAIT_MS = 30_000;
/** How long it waits behind one that failed and is backing off: retries must not hold a chat up. */
export const FAILED_HOLD_MS = 5_000;

type Outcome = { status: 'missing' | 'duplicate' | 'wait' | 'processed' | 'failed'; created: bigint[]; wakeups: Date[] };

/** The chat key of a row; a payload the platform cannot read has none (it never throws). */
function chatKeyOfRow(deps: UpdatesDeps, row: { platform: Platform; chatKey: string | null; payload: unknown }): string | null {
  if (row.chatKey !== null) return row.chatKey;
  try {
    return deps.platforms.get(row.platform)?.chatOf(row.payload) ?? null;
  } catch {
    return null;
  }
}

/**
 * Processes one stored update exactly once in effect: the inbox row is locked, everything the
 * update causes (tickets, events, outbox rows) commits with "processed", and a second run finds it
 * processed and does nothing. Messages are enqueued only after the commit.
 *
 * Failures are classified once (db/errors.ts). A retryable one (database unavailable, timeout,
 * conflict) is thrown for BullMQ to retry with backoff. Any other fails the same way every time: the
 * row is marked processed with the error, the sender is told, and the chat moves on at once.
 */
export function createUpdatesProcessor(deps: UpdatesDeps) {
  const clock = deps.clock ?? (() => new Date());
  const failedHoldMs = deps.failedHoldMs ?? FAILED_HOLD_MS;

  async function handle(id: bigint): Promise<Outcome> {
    return deps.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ processedAt: Date | null }[]>`SELECT "processedAt" FROM "InboundUpdate" WHERE "id" = ${id} FOR UPDATE`;
      if (locked.length === 0) return { status: 'missing' as const, created: [], wakeups: [] };
      if (locked[0]!.processedAt) return { status: 'duplicate' as const, created: [], wakeups: [] };
      const row = await tx.inboundUpdate.findUniqueOrThrow({ where: { id } });
      const chat = chatKeyOfRow(deps, row);
      if (chat !== null) {
        // One chat's updates run one at a time and in the order received: a quick "/baocao" then
        // "/phieu" must not overtake each other. An earlier update that is failing holds the chat
        // only for failedHoldMs; one never tried (a backlog, a lost job) for ORDER_WAIT_MS.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${row.platform}:${chat}`}))`;
        const now = Date.now();
        const earlier = await tx.inboundUpdate.findFirst({
          where: {
            platform: row.platform,
            chatKey: chat,
            processedAt: null,
            id: { lt: id },
            OR: [
              { error: null, receivedAt: { gt: new Date(now - ORDER_WAIT_MS) } },
              { error: { not: null }, NOT: { error: { startsWith: 'gave up' } }, receivedAt: { gt: new Date(now - failedHoldMs) } },
            ],
          },
          select: { id: true },
        });
        if (earlier) return { status: 'wait' as const, created: [], wakeups: [] };
      }
      const plugin = deps.platforms.get(row.platform);
      const now = clock();
      const out = new OutboxWriter(tx, deps.platforms, now);
      if (plugin) {
        const inbound = plugin.toInbound(row.payload);
        if (inbound) await handleInbound(deps.core, { tx, out, now }, inbound, { inboundId: id.toString() });
        else deps.logger.debug({ platform: row.platform, inboundId: id.toString() }, 'update kind ignored');
      } else {
        deps.logger.warn({ platform: row.platform, inboundId: id.toString() }, 'no plug-in for platform; update marked processed');
      }
      await tx.inboundUpdate.update({ where: { id }, data: { processedAt: now, attempts: { increment: 1 }, error: null } });
      return { status: 'processed' as const, created: out.created, wakeups: out.wakeups };
    });
  }

  /** Marks the update processed with its error and tells the sender, in one transaction. */
  async function giveUp(id: bigint, err: unknown): Promise<Outcome> {
    const reason = describeFailure(err);
    return deps.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ processedAt: Date | null }[]>`SELECT "processedAt" FROM "InboundUpdate" WHERE "id" = ${id} FOR UPDATE`;
      if (locked.length === 0 || locked[0]!.processedAt) return { status: 'duplicate' as const, created: [], wakeups: [] };
      const row = await tx.inboundUpdate.findUniqueOrThrow({ where: { id }, select: { platform: true, payload: true } });
      const now = clock();
      const out = new OutboxWriter(tx, deps.platforms, now);
      let target: FailureReplyTarget | null = null;
      try {
        target = deps.platforms.get(row.platform)?.failureTarget(row.payload) ?? null;
      } catch {
        // A payload too odd to say where it came from gets no apology; it is still marked.
      }
      if (target) {
        const chat = await tx.chat.findUnique({ where: { platform_externalId: { platform: target.chat.platform, externalId: target.chat.externalId } }, select: { locale: true } });
        const t = createTranslator(isLocale(chat?.locale) ? chat.locale : 'vi');
        const text = t('update-failed');
        if (target.actionId) await out.answerAction(target.chat, target.actionId, text, true);
        else await out.send(target.chat, { html: text, replyToMessageId: target.replyToMessageId }, { purpose: 'update-failed' });
      }
      await tx.inboundUpdate.update({ where: { id }, data: { processedAt: clock(), attempts: { increment: 1 }, error: `failed: ${reason}`.slice(0, 1000) } });
      deps.logger.warn({ inboundId: id.toString(), platform: row.platform, err: reason, told: target !== null }, 'update failed in a way retrying cannot fix; marked processed');
      return { status: 'failed' as const, created: out.created, wakeups: [] };
    });
  }

  return async function processUpdate(job: Job, token?: string): Promise<string> {
    const { inboundId } = UpdateJob.parse(job.data);
    const id = BigInt(inboundId);
    let outcome: Outcome;
    try {
      outcome = await handle(id);
    } catch (err) {
      if (classifyFailure(err) === 'retryable') throw err;
      outcome = await giveUp(id, err);
    }
    if (outcome.status === 'wait' && token) {
      // Not an attempt: come back shortly, after the earlier update of this chat.
      await job.moveToDelayed(Date.now() + 150, token);
      throw new DelayedError();
    }
    await deps.queues.enqueueOutbox(outcome.created);
    await deps.queues.scheduleReminderTicks(outcome.wakeups);
    return outcome.status;
  };
}

/** When BullMQ gives up on an update, the error is kept on the inbox row for admins to see. */
export function createUpdatesFailureHandler(deps: UpdatesDeps) {
  return async (job: Job | undefined, err: Error) => {
    if (!job) return;
    const parsed = UpdateJob.safeParse(job.data);
    if (!parsed.success) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    await deps.prisma.inboundUpdate
      .update({ where: { id: BigInt(parsed.data.inboundId) }, data: { attempts: { increment: 1 }, error: `${final ? 'gave up: ' : ''}${describeFailure(err)}`.slice(0, 1000) } })
      .catch(() => undefined);
  };
}
