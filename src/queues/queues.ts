import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { isConnectionError, OutageLog } from './connection.js';
import { JOB, outboxJobId, QUEUE, updateJobId, type OutboxJob, type UpdateJob } from './names.js';

const keep = { removeOnComplete: { age: 24 * 3600, count: 5_000 }, removeOnFail: { age: 14 * 24 * 3600 } } satisfies JobsOptions;

/** Producers for every queue, sharing one fail-fast Redis connection. */
export class Queues {
  readonly updates: Queue;
  readonly outbox: Queue;
  readonly maintenance: Queue;
  readonly digest: Queue;
  readonly reminders: Queue;

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
    private readonly logger: Logger,
    /** The database's identity (see databaseIdentity), part of every job id. */
    readonly database = 0,
    /** The business clock reminder times are planned on; a tick's delay is measured against it. */
    private readonly clock: () => Date = () => new Date(),
  ) {
    const opts = { connection, prefix };
    this.updates = new Queue(QUEUE.updates, { ...opts, defaultJobOptions: { ...keep, attempts: 8, backoff: { type: 'exponential', delay: 1_000 } } });
    this.outbox = new Queue(QUEUE.outbox, { ...opts, defaultJobOptions: { ...keep, attempts: 12, backoff: { type: 'exponential', delay: 2_000 } } });
    this.maintenance = new Queue(QUEUE.maintenance, { ...opts, defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 100 } } });
    // A digest that failed (database down at 07:30) is retried for about half an hour; the DigestRun key keeps it to one per day.
    this.reminders = new Queue(QUEUE.reminders, { ...opts, defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 5, backoff: { type: 'exponential', delay: 5_000 } } });
    this.digest = new Queue(QUEUE.digest, { ...opts, defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 }, attempts: 7, backoff: { type: 'exponential', delay: 30_000 } } });
    // Without listeners BullMQ prints every failed reconnect during a Redis outage; the queues share
    // one connection, so one outage is a few lines for all of them (OutageLog), not five per retry.
    const outage = new OutageLog(this.logger, 'queues');
    for (const q of [this.updates, this.outbox, this.maintenance, this.reminders, this.digest]) {
      q.on('error', (err: Error) => (isConnectionError(err) ? outage.failed(err) : this.logger.warn({ queue: q.name, err: err.message }, 'queue error')));
    }
  }

  updateJobId(inboundId: bigint | string): string {
    return updateJobId(this.database, inboundId);
  }

  outboxJobId(outboxId: bigint | string): string {
    return outboxJobId(this.database, outboxId);
  }

  async enqueueUpdate(inboundId: bigint): Promise<void> {
    const data: UpdateJob = { inboundId: inboundId.toString() };
    await this.updates.add(JOB.processUpdate, data, { jobId: this.updateJobId(inboundId) });
  }

  /**
   * Enqueues outbox rows after their transaction committed. A Redis failure here is logged, not
   * thrown: the rows are in the database and the sweep enqueues them later.
   */
  async enqueueOutbox(ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.outbox.addBulk(ids.map((id) => ({ name: JOB.send, data: { outboxId: id.toString() } satisfies OutboxJob, opts: { jobId: this.outboxJobId(id) } })));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, count: ids.length }, 'could not enqueue outbox rows; the sweep will retry');
    }
  }

  /**
   * Wakes the reminder round at `at` (a delayed job; the job id makes repeats of the same instant
   * one job). Best effort: the periodic reminder sweep catches anything Redis lost.
   */
  async scheduleReminderTicks(times: readonly Date[]): Promise<void> {
    const unique = [...new Set(times.map((d) => d.getTime()))];
    try {
      await Promise.all(unique.map((at) => this.reminders.add(JOB.reminderTick, {}, { jobId: `tick-${at}`, delay: Math.max(0, at - this.clock().getTime()) })));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not schedule reminder round; the sweep will run it');
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.updates.close(), this.outbox.close(), this.maintenance.close(), this.digest.close(), this.reminders.close()]);
  }
}
