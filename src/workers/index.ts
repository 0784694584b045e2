import { Worker, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { isConnectionError, OutageLog } from '../queues/connection.js';
import { QUEUE, SCHEDULER, JOB, type QueueName } from '../queues/names.js';
import type { Queues } from '../queues/queues.js';
import type { Settings } from '../settings.js';
import { digestCronPattern } from './digest.worker.js';
import type { Metrics } from '../server/metrics.js';
import { noteActivity } from '../memory.js';

export interface WorkerSpec {
  queue: QueueName;
  processor: Processor;
  concurrency: number;
  limiter?: { max: number; duration: number };
  onFailed?: (job: Job | undefined, err: Error) => Promise<void>;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Runs `task` every `ms` while the workers run (failures are logged); stopped by close(). */
  every(ms: number, what: string, task: () => Promise<unknown>): void;
  close(capMs?: number): Promise<void>;
}

/**
 * The one place workers are registered: their error, stalled and failed handlers and metrics.
 * Jobs that stall (a worker died mid-job) are redone once, then failed.
 */
export function startWorkers(deps: { connection: Redis; config: Config; logger: Logger; metrics: Metrics }, specs: WorkerSpec[]): RunningWorkers {
  const workers = specs.map((spec) => {
    const log = deps.logger.child({ queue: spec.queue });
    const worker = new Worker(spec.queue, spec.processor, {
      connection: deps.connection,
      prefix: deps.config.QUEUE_PREFIX,
      concurrency: spec.concurrency,
      ...(spec.limiter ? { limiter: spec.limiter } : {}),
      maxStalledCount: 1,
      // A job whose worker died keeps its lock until it expires; the stall check then hands it on.
      stalledInterval: Math.max(500, Math.floor(deps.config.JOB_LOCK_MS / 2)),
      lockDuration: deps.config.JOB_LOCK_MS,
      autorun: true,
    });
    // A Redis outage makes every reconnect an 'error': one outage, a few lines (OutageLog).
    const outage = new OutageLog(log, `worker ${spec.queue}`);
    worker.on('error', (err) => (isConnectionError(err) ? outage.failed(err) : log.error({ err: err.message }, 'worker error')));
    worker.on('stalled', (jobId) => {
      deps.metrics.jobsStalled.inc({ queue: spec.queue });
      log.warn({ jobId }, 'job stalled; it will be redone');
    });
    worker.on('completed', (job, result) => {
      noteActivity();
      deps.metrics.jobsCompleted.inc({ queue: spec.queue });
      log.debug({ jobId: job.id, result }, 'job completed');
    });
    worker.on('failed', (job, err) => {
      deps.metrics.jobsFailed.inc({ queue: spec.queue });
      log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
      spec.onFailed?.(job, err).catch((e: Error) => log.error({ err: e.message }, 'failure handler failed'));
    });
    return worker;
  });
  const timers: NodeJS.Timeout[] = [];
  return {
    workers,
    every(ms, what, task) {
      const timer = setInterval(() => {
        task().catch((err: Error) => deps.logger.warn({ err: err.message }, `${what} failed; trying again in ${ms} ms`));
      }, ms);
      timer.unref();
      timers.push(timer);
    },
    // worker.close() waits for running jobs with no limit of its own: cap it so shutdown ends.
    async close(capMs = 10_000) {
      for (const timer of timers.splice(0)) clearInterval(timer);
      const graceful = Promise.allSettled(workers.map((w) => w.close()));
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), capMs).unref());
      if ((await Promise.race([graceful, timer])) === 'timeout') {
        // close(true) now would only return the graceful close already under way (BullMQ keeps the
        // first one), so stop waiting instead: the unfinished jobs keep their locks until they lapse,
        // then the stall check hands them to another worker.
        deps.logger.warn({ capMs }, 'workers did not finish in time; forcing close (their jobs will be redone after the stall check)');
      }
    },
  };
}

/** Recurring jobs are job schedulers (the v5 repeat API is gone in BullMQ 6); upserting is idempotent. */
export async function ensureSchedulers(queues: Queues, settings: Pick<Settings, 'digest' | 'timezone'>, sweepEveryMs = 30_000): Promise<void> {
  await queues.maintenance.upsertJobScheduler(SCHEDULER.sweep, { every: sweepEveryMs }, { name: JOB.sweep, data: {} });
  // Every day at the digest time in the province's zone; the processor skips days off.
  // The reminder round also runs every minute: after Redis lost its delayed jobs, nothing is missed.
  await queues.reminders.upsertJobScheduler(SCHEDULER.reminderSweep, { every: 60_000 }, { name: JOB.reminderTick, data: {} });
  await queues.digest.upsertJobScheduler(SCHEDULER.dailyDigest, { pattern: digestCronPattern(settings.digest.at), tz: settings.timezone }, { name: JOB.dailyDigest, data: {} });
}

export { QUEUE };
