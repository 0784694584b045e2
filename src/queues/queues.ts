import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { JOB, outboxJobId, QUEUE, updateJobId, type OutboxJob, type UpdateJob } from './names.js';

const keep = { removeOnComplete: { age: 24 * 3600, count: 5_000 }, removeOnFail: { age: 14 * 24 * 3600 } } satisfies JobsOptions;

/** Producers for every queue, sharing one fail-fast Redis connection. */
export class Queues {
  readonly updates: Queue;
  readonly outbox: Queue;
  readonly maintenance: Queue;

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
    private readonly logger: Logger,
  ) {
    const opts = { connection, prefix };
    this.updates = new Queue(QUEUE.updates, { ...opts, defaultJobOptions: { ...keep, attempts: 8, backoff: { type: 'exponential', delay: 1_000 } } });
    this.outbox = new Queue(QUEUE.outbox, { ...opts, defaultJobOptions: { ...keep, attempts: 12, backoff: { type: 'exponential', delay: 2_000 } } });
    this.maintenance = new Queue(QUEUE.maintenance, { ...opts, defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 100 } } });
  }

  async enqueueUpdate(inboundId: bigint): Promise<void> {
    const data: UpdateJob = { inboundId: inboundId.toString() };
    await this.updates.add(JOB.processUpdate, data, { jobId: updateJobId(inboundId) });
  }

  /**
   * Enqueues outbox rows after their transaction committed. A Redis failure here is logged, not
   * thrown: the rows are in the database and the sweep enqueues them later.
   */
  async enqueueOutbox(ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.outbox.addBulk(ids.map((id) => ({ name: JOB.send, data: { outboxId: id.toString() } satisfies OutboxJob, opts: { jobId: outboxJobId(id) } })));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, count: ids.length }, 'could not enqueue outbox rows; the sweep will retry');
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.updates.close(), this.outbox.close(), this.maintenance.close()]);
  }
}
