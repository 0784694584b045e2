import { DelayedError, type Job } from 'bullmq';
import type { Db } from '../db/client.js';
import type { Platform } from '../domain/types.js';
import type { Logger } from '../logger.js';
import { OutboxWriter } from '../app/outbox-writer.js';
import { UpdateJob } from '../queues/names.js';
import type { Queues } from '../queues/queues.js';
import { unitOfWork } from '../platforms/telegram/context.js';

/** Handles one stored update of a platform; runs inside the unit of work. */
export type UpdateHandler = (payload: unknown) => Promise<void>;

export interface UpdatesDeps {
  prisma: Db;
  logger: Logger;
  queues: Queues;
  handlers: Partial<Record<Platform, UpdateHandler>>;
  /** The chat an update belongs to, so one chat's updates are handled in the order received. */
  chatOf?: Partial<Record<Platform, (payload: unknown) => string | null>>;
  clock?: () => Date;
}

/** How long a later update of a chat waits for an earlier one before going ahead anyway. */
const ORDER_WAIT_MS = 30_000;

/**
 * Processes one stored update exactly once in effect: the inbox row is locked, everything the
 * update causes (tickets, events, outbox rows) commits with "processed", and a second run finds it
 * processed and does nothing. Messages are enqueued only after the commit.
 */
export function createUpdatesProcessor(deps: UpdatesDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async function processUpdate(job: Job, token?: string): Promise<string> {
    const { inboundId } = UpdateJob.parse(job.data);
    const id = BigInt(inboundId);
    const outcome = await deps.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ processedAt: Date | null }[]>`SELECT "processedAt" FROM "InboundUpdate" WHERE "id" = ${id} FOR UPDATE`;
      if (locked.length === 0) return { status: 'missing' as const, created: [], wakeups: [] };
      if (locked[0]!.processedAt) return { status: 'duplicate' as const, created: [], wakeups: [] };
      const row = await tx.inboundUpdate.findUniqueOrThrow({ where: { id } });
      const chat = deps.chatOf?.[row.platform]?.(row.payload) ?? null;
      if (chat !== null) {
        // One chat's updates run one at a time and in the order received: a quick "/baocao" then
        // "/phieu" must not overtake each other. Updates stuck longer than ORDER_WAIT_MS are skipped.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${row.platform}:${chat}`}))`;
        const earlier = await tx.inboundUpdate.findMany({
          where: { platform: row.platform, processedAt: null, id: { lt: id }, receivedAt: { gt: new Date(Date.now() - ORDER_WAIT_MS) } },
          select: { payload: true, error: true },
          take: 100,
        });
        if (earlier.some((e) => !e.error?.startsWith('gave up') && deps.chatOf?.[row.platform]?.(e.payload) === chat)) {
          return { status: 'wait' as const, created: [], wakeups: [] };
        }
      }
      const handler = deps.handlers[row.platform];
      const now = clock();
      const out = new OutboxWriter(tx);
      if (handler) {
        await unitOfWork.run({ tx, out, now }, () => handler(row.payload));
      } else {
        deps.logger.warn({ platform: row.platform, inboundId }, 'no handler for platform; update marked processed');
      }
      await tx.inboundUpdate.update({ where: { id }, data: { processedAt: now, attempts: { increment: 1 }, error: null } });
      return { status: 'processed' as const, created: out.created, wakeups: out.wakeups };
    });
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
      .update({ where: { id: BigInt(parsed.data.inboundId) }, data: { attempts: { increment: 1 }, error: `${final ? 'gave up: ' : ''}${err.message}`.slice(0, 1000) } })
      .catch(() => undefined);
  };
}
