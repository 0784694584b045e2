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
export function createSweepProcessor(deps: { prisma: Db; queues: Queues; logger: Logger; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  return async function sweep(): Promise<{ updates: number; outbox: number }> {
    const before = new Date(clock().getTime() - GRACE_MS);
    const updates = await deps.prisma.inboundUpdate.findMany({
      where: { processedAt: null, receivedAt: { lt: before }, NOT: { error: { startsWith: 'gave up' } } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    for (const u of updates) await deps.queues.enqueueUpdate(u.id);
    const outbox = await deps.prisma.outboundMessage.findMany({
      where: { status: 'pending', createdAt: { lt: before } },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    await deps.queues.enqueueOutbox(outbox.map((o) => o.id));
    if (updates.length || outbox.length) deps.logger.info({ updates: updates.length, outbox: outbox.length }, 'sweep re-enqueued stored work');
    return { updates: updates.length, outbox: outbox.length };
  };
}
