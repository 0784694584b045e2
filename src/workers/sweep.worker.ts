import type { Queue } from 'bullmq';
import { forgetRateEventsBefore, RATE_EVENT_RETENTION_MS } from '../core/rate-events.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Queues } from '../queues/queues.js';

/** How old a stored row must be before the sweep assumes its job was lost. */
const GRACE_MS = 20_000;
const BATCH = 500;

/**
 * Postgres and Redis share no transaction: the database is written first and the job enqueued
 * after. This periodic sweep re-enqueues what the database says is due but Redis may have lost
 * (crash between commit and enqueue, Redis restart, FLUSHALL). Job ids make it harmless to repeat.
 */
export function createSweepProcessor(deps: { prisma: Db; queues: Queues; logger: Logger; clock?: () => Date; graceMs?: number }) {
  const clock = deps.clock ?? (() => new Date());
  const graceMs = deps.graceMs ?? GRACE_MS;
  return async function sweep(): Promise<{ updates: number; outbox: number; revived: number }> {
    const before = new Date(clock().getTime() - graceMs);
    const updates = await deps.prisma.inboundUpdate.findMany({
      // `NOT (error LIKE …)` is NULL, not true, when there is no error: the null case is spelled out.
      where: { processedAt: null, receivedAt: { lt: before }, OR: [{ error: null }, { NOT: { error: { startsWith: 'gave up' } } }] },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    for (const u of updates) await deps.queues.enqueueUpdate(u.id);
    // Parked messages too: their job keeps retrying them, unless Redis lost it.
    const outbox = await deps.prisma.outboundMessage.findMany({
      where: { status: { in: ['pending', 'parked'] }, createdAt: { lt: before } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    await deps.queues.enqueueOutbox(outbox.map((o) => o.id));
    const revived =
      (await reviveFailed(deps.queues.updates, updates.map((u) => deps.queues.updateJobId(u.id)))) +
      (await reviveFailed(deps.queues.outbox, outbox.map((o) => deps.queues.outboxJobId(o.id))));
    await forgetRateEventsBefore(deps.prisma, new Date(clock().getTime() - RATE_EVENT_RETENTION_MS));
    if (updates.length || outbox.length) deps.logger.info({ updates: updates.length, outbox: outbox.length, revived }, 'sweep re-enqueued stored work');
    return { updates: updates.length, outbox: outbox.length, revived };
  };
}

/**
 * A job BullMQ gave up on while its row could not be marked (the database was down, the process
 * died, a job stalled twice) stays in the failed set, and adding its id again does nothing. The row
 * says the work is still due, so the job gets one more run; if that fails too, the failure handler
 * records it this time.
 */
async function reviveFailed(queue: Queue, jobIds: string[]): Promise<number> {
  let revived = 0;
  for (const id of jobIds) {
    const job = await queue.getJob(id);
    if (!job || !(await job.isFailed())) continue;
    try {
      await job.retry('failed');
      revived++;
    } catch {
      // Another sweep or worker moved it first.
    }
  }
  return revived;
}
