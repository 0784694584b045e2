import type { Queue } from 'bullmq';
import { forgetRateEventsBefore, RATE_EVENT_RETENTION_MS } from '../core/rate-events.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { JobState, Queues } from '../queues/queues.js';

/** How old a stored row must be before the sweep assumes its job was lost. */
const GRACE_MS = 20_000;
const BATCH = 500;

/**
 * Postgres and Redis share no transaction: the database is written first and the job enqueued
 * after. This periodic sweep re-enqueues what the database says is due but Redis may have lost
 * (crash between commit and enqueue, Redis restart, FLUSHALL). Job ids make it harmless to repeat.
 *
 * Rows still due long after they were written are not all lost: in a burst thousands of replies
 * wait their turn for a minute or more, each with its job. So Redis is asked first, in one round
 * trip, what it holds for each row's job: a live job is left alone (re-adding it would cost a
 * script and a line check each, every sweep, for nothing), a missing one is enqueued again, and one
 * BullMQ finished while its row still says due gets another run (see reviveFinished).
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
    const updateStates = await deps.queues.jobStates(deps.queues.updates, updates.map((u) => deps.queues.updateJobId(u.id)));
    const lostUpdates = updates.filter((_, i) => updateStates[i] === 'missing');
    for (const u of lostUpdates) await deps.queues.enqueueUpdate(u.id);
    // Parked messages too: their job keeps retrying them, unless Redis lost it.
    const outbox = await deps.prisma.outboundMessage.findMany({
      where: { status: { in: ['pending', 'parked'] }, createdAt: { lt: before } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    const outboxStates = await deps.queues.jobStates(deps.queues.outbox, outbox.map((o) => deps.queues.outboxJobId(o.id)));
    const lostOutbox = outbox.filter((_, i) => outboxStates[i] === 'missing');
    await deps.queues.enqueueOutbox(lostOutbox.map((o) => o.id));
    const revived =
      (await reviveFinished(deps.queues.updates, updates.map((u, i) => ({ id: deps.queues.updateJobId(u.id), state: updateStates[i]! })))) +
      (await reviveFinished(deps.queues.outbox, outbox.map((o, i) => ({ id: deps.queues.outboxJobId(o.id), state: outboxStates[i]! }))));
    await forgetRateEventsBefore(deps.prisma, new Date(clock().getTime() - RATE_EVENT_RETENTION_MS));
    if (lostUpdates.length || lostOutbox.length || revived) deps.logger.info({ updates: lostUpdates.length, outbox: lostOutbox.length, revived }, 'sweep re-enqueued stored work');
    return { updates: lostUpdates.length, outbox: lostOutbox.length, revived };
  };
}

/**
 * A job BullMQ finished while its row still says the work is due: given up on while the row could
 * not be marked (the database was down, the process died, a job stalled twice), or completed while
 * its record was still on its way and then lost with the process. Adding its id again does
 * nothing, so the job gets one more run; a run finds what was done already (the sent mark, the
 * processed row) and only writes it down. If the run fails too, the failure handler records it.
 */
async function reviveFinished(queue: Queue, jobs: readonly { id: string; state: JobState }[]): Promise<number> {
  let revived = 0;
  for (const { id, state } of jobs) {
    if (state !== 'failed' && state !== 'completed') continue;
    const job = await queue.getJob(id);
    if (!job) continue;
    try {
      await job.retry(state);
      revived++;
    } catch {
      // Another sweep or worker moved it first.
    }
  }
  return revived;
}
