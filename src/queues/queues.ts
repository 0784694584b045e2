import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { isConnectionError, OutageLog } from './connection.js';
import { JOB, outboxJobId, QUEUE, RECEIPT_PURPOSE, updateJobId, type OutboxJob, type UpdateJob } from './names.js';
import { lineWaitCap, type SendLine } from './send-line.js';

/** What enqueueing a message needs to know of its row (the writer knows it; the sweep reads it). */
export interface OutboxRowInfo {
  id: bigint;
  platform: string;
  chatExternalId: string;
  op: string;
  purpose?: string | null;
  ticketId?: number | null;
  /** Carried in the job so the sender need not read the row back (absent: it reads it). */
  payload?: unknown;
}

export type JobState = 'missing' | 'live' | 'completed' | 'failed';

/** Messages that go in their chat's order (answers to presses and taking buttons away do not wait). */
const ORDERED_OPS = new Set(['send', 'card', 'send_file', 'summary']);

/** Messages that take the platform-wide slots kept for the teams' working view (ChatPacer's priority). */
export const PRIORITY_OPS: ReadonlySet<string> = new Set(['card', 'summary']);

/** How long a scheduled reminder round is trusted to be in Redis before it is asked for again. */
const TICK_REMEMBERED_MS = 60_000;

/** An update's first retry comes this long after a failure (BullMQ's exponential backoff from there). */
export const UPDATE_RETRY_MS = 1_000;

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
    this.updates = new Queue(QUEUE.updates, { ...opts, defaultJobOptions: { ...keep, attempts: 8, backoff: { type: 'exponential', delay: UPDATE_RETRY_MS } } });
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

  private line: SendLine | null = null;
  private resolveRows: ((ids: readonly bigint[]) => Promise<OutboxRowInfo[]>) | null = null;

  /** Connects the chats' send lines, and how to read rows enqueued by id alone (the sweep, tests). */
  useSendLine(line: SendLine, resolveRows: (ids: readonly bigint[]) => Promise<OutboxRowInfo[]>): void {
    this.line = line;
    this.resolveRows = resolveRows;
  }

  updateJobId(inboundId: bigint | string): string {
    return updateJobId(this.database, inboundId);
  }

  outboxJobId(outboxId: bigint | string): string {
    return outboxJobId(this.database, outboxId);
  }

  /** Enqueues stored updates in one round trip (a job each; the job id makes a repeat a no-op), due after `delay` ms. */
  async enqueueUpdates(inboundIds: readonly bigint[], delay = 0): Promise<void> {
    if (inboundIds.length === 1) return this.enqueueUpdate(inboundIds[0]!, delay);
    if (inboundIds.length === 0) return;
    const due = delay > 0 ? { delay } : {};
    await this.updates.addBulk(inboundIds.map((id) => ({ name: JOB.processUpdate, data: { inboundId: id.toString() } satisfies UpdateJob, opts: { jobId: this.updateJobId(id), ...due } })));
  }

  async enqueueUpdate(inboundId: bigint, delay = 0): Promise<void> {
    const data: UpdateJob = { inboundId: inboundId.toString() };
    await this.updates.add(JOB.processUpdate, data, { jobId: this.updateJobId(inboundId), ...(delay > 0 ? { delay } : {}) });
  }

  /**
   * Enqueues outbox rows after their transaction committed: each ordered message joins its chat's
   * line (in this order), then gets its job. A Redis failure here is logged, not thrown: the rows
   * are in the database and the sweep enqueues them later.
   */
  async enqueueOutbox(input: readonly bigint[] | readonly OutboxRowInfo[]): Promise<void> {
    if (input.length === 0) return;
    try {
      const rows: OutboxRowInfo[] =
        typeof input[0] === 'bigint'
          ? this.resolveRows
            ? await this.resolveRows(input as readonly bigint[])
            : (input as readonly bigint[]).map((id) => ({ id, platform: '', chatExternalId: '', op: '' }))
          : [...(input as readonly OutboxRowInfo[])];
      rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const ordered = rows.filter((r) => r.platform && ORDERED_OPS.has(r.op)).map((r) => ({ id: r.id, platform: r.platform, chat: r.chatExternalId, priority: PRIORITY_OPS.has(r.op) }));
      const places = new Map<bigint, number>();
      // Rows enqueued by id alone (the sweep, a stuck head) may be in their lines already.
      if (this.line) (await this.line.join(ordered, typeof input[0] === 'bigint')).forEach((place, i) => places.set(ordered[i]!.id, place));
      // A message behind others in its chat's line is added delayed: the one ahead wakes it when it
      // leaves (SendLine.finish), and until then its job does not run at all. The delay is only the
      // safety net. A new ticket's announcement behind others gets no job at all: in a burst
      // thousands wait in the support group's line and nearly all are folded into a summary, which
      // settles them in the line; the one ahead adds the job of one whose turn comes (wakeMessage),
      // and the sweep any a lost wake-up left behind. So does a report's receipt behind others: the
      // one whose turn comes gives the receipts waiting behind it in one message (core/receipts.ts).
      const jobless = (r: OutboxRowInfo) =>
        Boolean(places.get(r.id)) && ((r.op === 'card' && (r.payload as { announce?: boolean } | undefined)?.announce === true) || (r.op === 'send' && r.purpose === RECEIPT_PURPOSE));
      await this.outbox.addBulk(
        rows.filter((r) => !jobless(r)).map((r) => ({
          name: JOB.send,
          data: {
            outboxId: r.id.toString(),
            ...(r.payload !== undefined ? { row: { platform: r.platform, chatExternalId: r.chatExternalId, purpose: r.purpose ?? null, ticketId: r.ticketId ?? null, payload: r.payload } } : {}),
          } satisfies OutboxJob & { row?: unknown },
          opts: { jobId: this.outboxJobId(r.id), ...(places.get(r.id) ? { delay: lineWaitCap(places.get(r.id)!) } : {}) },
        })),
      );
      // The one ahead may have left between joining and adding: its wake-up then added the job
      // itself, or moved the one added here (wakeMessage), so nothing needs looking at again.
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, count: input.length }, 'could not enqueue outbox rows; the sweep will retry');
    }
  }

  /**
   * Wakes a message whose turn in its chat's line came: its delayed job promoted (one script, the job
   * not read), or, when it has none (a waiting announcement, a job Redis lost), a job added. A job
   * waiting or running already is left alone. With `runAt` (its send slot was reserved ahead, see
   * SendLine.finish), the job is due at that time instead of now: its delay changed in one script.
   */
  async wakeMessage(outboxId: bigint | string, runAt?: number): Promise<void> {
    const jobId = this.outboxJobId(outboxId);
    const later = runAt !== undefined && runAt > Date.now();
    const wake = () =>
      (later ? this.outbox.backend.changeDelay(jobId, Math.max(1, runAt - Date.now())) : this.outbox.backend.promote(jobId)).then(
        () => true,
        () => false,
      );
    if (await wake()) return;
    // No delayed job: none at all (a waiting announcement, a job Redis lost), or one waiting or
    // running already. The id makes the add a no-op for a job that exists; and should the job have
    // been added delayed meanwhile (its enqueuer joined the line before this message reached the
    // head, and added the job after), it is moved once more, so it never sleeps through its turn.
    const data: OutboxJob = { outboxId: String(outboxId) };
    await this.outbox.add(JOB.send, data, { jobId, ...(later ? { delay: Math.max(1, runAt - Date.now()) } : {}) });
    await wake();
  }

  /**
   * What Redis holds for each of these job ids, in one round trip: no job at all ('missing'), a job
   * BullMQ finished ('completed' or 'failed'), or one still to run or running ('live').
   */
  async jobStates(queue: Queue, jobIds: readonly string[]): Promise<JobState[]> {
    if (jobIds.length === 0) return [];
    const multi = this.connection.multi();
    for (const id of jobIds) multi.exists(queue.toKey(id)).zscore(queue.keys.failed!, id).zscore(queue.keys.completed!, id);
    const replies = (await multi.exec()) ?? [];
    return jobIds.map((_, i) => {
      const [exists, failed, completed] = [replies[i * 3]?.[1], replies[i * 3 + 1]?.[1], replies[i * 3 + 2]?.[1]];
      if (!exists) return 'missing';
      if (failed !== null && failed !== undefined) return 'failed';
      if (completed !== null && completed !== undefined) return 'completed';
      return 'live';
    });
  }

  /** Reminder rounds this process scheduled already (instant → when that was), to skip asking again. */
  private readonly ticks = new Map<number, number>();

  /**
   * Wakes the reminder round at `at`, rounded up to the whole second (a delayed job; the job id makes
   * repeats of the same second one job): reports coming in together share one round instead of a
   * job each. A round still ahead that this process scheduled in the last minute is not asked for again. Best
   * effort: the periodic reminder sweep catches anything Redis lost.
   */
  async scheduleReminderTicks(times: readonly Date[]): Promise<void> {
    const now = Date.now();
    const business = this.clock().getTime();
    // Skipped only while the round is still ahead: one that ran may be asked for again at once.
    const unique = [...new Set(times.map((d) => Math.ceil(d.getTime() / 1000) * 1000))].filter(
      (at) => at <= business + 1000 || (this.ticks.get(at) ?? -Infinity) < now - TICK_REMEMBERED_MS,
    );
    if (unique.length === 0) return;
    try {
      await Promise.all(unique.map((at) => this.reminders.add(JOB.reminderTick, {}, { jobId: `tick-${at}`, delay: Math.max(0, at - business) })));
      if (this.ticks.size > 10_000) this.ticks.clear();
      for (const at of unique) this.ticks.set(at, now);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not schedule reminder round; the sweep will run it');
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.updates.close(), this.outbox.close(), this.maintenance.close(), this.digest.close(), this.reminders.close()]);
  }
}
