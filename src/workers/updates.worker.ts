import type { Job } from 'bullmq';
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
  clock?: () => Date;
}

/**
 * Processes one stored update exactly once in effect: the inbox row is locked, everything the
 * update causes (tickets, events, outbox rows) commits with "processed", and a second run finds it
 * processed and does nothing. Messages are enqueued only after the commit.
 */
export function createUpdatesProcessor(deps: UpdatesDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async function processUpdate(job: Job): Promise<string> {
    const { inboundId } = UpdateJob.parse(job.data);
    const id = BigInt(inboundId);
    const outcome = await deps.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ processedAt: Date | null }[]>`SELECT "processedAt" FROM "InboundUpdate" WHERE "id" = ${id} FOR UPDATE`;
      if (locked.length === 0) return { status: 'missing' as const, created: [], wakeups: [] };
      if (locked[0]!.processedAt) return { status: 'duplicate' as const, created: [], wakeups: [] };
      const row = await tx.inboundUpdate.findUniqueOrThrow({ where: { id } });
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
