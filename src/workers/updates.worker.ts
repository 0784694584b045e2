import { DelayedError, type Job } from 'bullmq';
import type { Db, Tx } from '../db/client.js';
import { classifyFailure, describeFailure } from '../db/errors.js';
import type { Platform } from '../domain/types.js';
import { createTranslator, isLocale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { OutboxBuffer, OutboxWriter, type CreatedRow } from '../core/outbox-writer.js';
import { UpdateJob } from '../queues/names.js';
import { UPDATE_RETRY_MS, type Queues } from '../queues/queues.js';
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
  /** Updates handled per transaction (default UPDATE_BATCH). */
  batchSize?: number;
  /** How long a chat's later updates wait behind an earlier one that keeps failing (default FAILED_HOLD_MS). */
  failedHoldMs?: number;
}

/** How long a later update of a chat waits for an earlier one that has not been tried yet. */
const ORDER_WAIT_MS = 30_000;
/** How long it waits behind one that failed and is backing off: retries must not hold a chat up. */
export const FAILED_HOLD_MS = 5_000;

/** How soon an update whose chat has an earlier one still to run looks again (not an attempt). */
const TURN_WAIT_MS = 150;

/** Updates handled together in one transaction, at most. */
const UPDATE_BATCH = 16;
/** Stored updates that wait in the receiving process for a free run, at most (beyond: the queue). */
const WAITING_MAX = 10_000;
/** How long an update waits there before it goes to the queue, when other worker processes could take it. */
export const HANDOFF_MS = 1_000;
/** With no other worker process: how long the runs may go without finishing one before the waiting updates go to the queue anyway. */
export const STALL_MS = 5_000;
/** How often the worker processes on the updates queue are counted (while updates wait). */
const PEERS_EVERY_MS = 5_000;

export interface LocalUpdatesOptions {
  /** How long an update waits for a free run before it goes to the queue (default HANDOFF_MS), when peers could take it. */
  handoffMs?: number;
  /** How long the runs may go without finishing one before everything waiting goes to the queue (default STALL_MS). */
  stallMs?: number;
  /** How many worker processes besides this one take updates from the queue (default: none). */
  peers?: () => Promise<number>;
}

/** Batches rerun after setting aside an update that failed; then the job's own update goes alone. */
const MAX_BATCH_ROUNDS = 3;

interface ClaimedRow {
  id: bigint;
  platform: Platform;
  chatKey: string | null;
  payload: unknown;
  error: string | null;
}

interface BatchOutcome {
  /** What became of the job's own update. */
  own: 'processed' | 'failed' | 'wait' | 'retry' | 'not-claimed';
  ownError: unknown;
  /** Outbox rows to enqueue and reminder rounds to wake, of every update handled. */
  rows: CreatedRow[];
  wakeups: Date[];
  processed: bigint[];
  /** Updates of the batch closed with their error (set aside, in transactions of their own). */
  closed: bigint[];
  /** Updates the batch took but left for their turn (a chat's earlier update is still to run). */
  held: bigint[];
  /**
   * Others a round of the batch took and then gave back when it failed (rolled back), which the
   * last round did not take again: nothing else may be due to handle them.
   */
  looseEnds?: bigint[];
}

/** An update of a batch failed: the batch's transaction is rolled back whole (there are no savepoints). */
class BatchFailure extends Error {
  constructor(
    readonly row: ClaimedRow,
    override readonly cause: unknown,
  ) {
    super(describeFailure(cause));
  }
}

/**
 * A batch that could not run at all (the database away): nothing was kept. `looseEnds` are the
 * others its rounds took and gave back: whoever gets this error sees to them too.
 */
class BatchAbandoned extends Error {
  constructor(
    override readonly cause: unknown,
    readonly looseEnds: bigint[],
  ) {
    super(describeFailure(cause));
  }
}

/** Writing a batch's messages failed, and which update's it was is not known. */
class FlushFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(describeFailure(cause));
  }
}

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
 * conflict) is tried again later (BullMQ's backoff). Any other fails the same way every time: the
 * row is marked processed with the error, the sender is told, and the chat moves on at once.
 */
function createBatchHandler(deps: UpdatesDeps) {
  const clock = deps.clock ?? (() => new Date());
  const failedHoldMs = deps.failedHoldMs ?? FAILED_HOLD_MS;
  const batchSize = Math.max(1, deps.batchSize ?? UPDATE_BATCH);

  /** The apology for an update that failed for good, and its row closed with the error, in `tx`. */
  async function closeFailed(tx: Tx, row: ClaimedRow, err: unknown, sink: { rows: CreatedRow[] }): Promise<void> {
    const reason = describeFailure(err);
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
    await tx.$executeRaw`UPDATE "InboundUpdate" SET "processedAt" = ${now}, "attempts" = "attempts" + 1, "error" = ${`failed: ${reason}`.slice(0, 1000)} WHERE "id" = ${row.id}`;
    sink.rows.push(...out.rows);
    deps.logger.warn({ inboundId: row.id.toString(), platform: row.platform, err: reason, told: target !== null }, 'update failed in a way retrying cannot fix; marked processed');
  }

  /**
   * Handles a batch of stored updates in one transaction: this job's own row first, then the oldest
   * others nobody has tried yet (rows another batch holds are skipped). A chat's updates keep their
   * order: one whose chat has an earlier unhandled update outside the batch waits, and so do its
   * chat's later ones in it. One commit for the batch instead of one per update.
   *
   * No savepoint per update (two statements each, on every update): an update that fails rolls the
   * whole batch back. If it is this job's own, that is the job's outcome (retried, or closed with its
   * error in a transaction of its own); if it is another's, that one is set aside — closed with its
   * error, or marked so batches leave it to its own job — and the batch runs again without it.
   * The batch's messages are written at its end, in the statement that marks its updates processed;
   * should that fail for a batch of several, whose message it was is not known, and the job's own
   * update runs again alone.
   */
  async function handleBatch(ownId: bigint, preferred: readonly bigint[] = []): Promise<BatchOutcome> {
    let alone = false;
    // Others set aside and closed on the way: whatever the outcome, they are settled.
    const closedOthers: bigint[] = [];
    // Every update a round took (a failed round's are given back by its rollback).
    const taken = new Set<bigint>();
    const settle = (outcome: BatchOutcome) => {
      outcome.closed.push(...closedOthers);
      const done = new Set([ownId, ...outcome.processed, ...outcome.closed, ...outcome.held]);
      outcome.looseEnds = [...taken].filter((id) => !done.has(id));
      return outcome;
    };
    try {
      for (let round = 0; ; round++) {
        try {
          return settle(await claimAndHandle(ownId, alone ? [] : preferred, !alone && round < MAX_BATCH_ROUNDS ? batchSize : 1, taken));
        } catch (err) {
          if (err instanceof FlushFailure && !alone) {
            alone = true;
            continue;
          }
          if (err instanceof FlushFailure) throw err.cause;
          if (!(err instanceof BatchFailure)) throw err;
          const retryable = classifyFailure(err.cause) === 'retryable';
          if (err.row.id === ownId) {
            // Tried again by its job (BullMQ's backoff); the rollback left nothing behind.
            if (retryable) return settle({ own: 'retry', ownError: err.cause, rows: [], wakeups: [], processed: [], closed: [], held: [] });
            return settle(await closeAlone(ownId, err.cause));
          }
          if (retryable) {
            // Its own job tries it again; meanwhile its chat's later updates wait behind it.
            await deps.prisma.$executeRaw`UPDATE "InboundUpdate" SET "attempts" = "attempts" + 1, "error" = ${describeFailure(err.cause).slice(0, 1000)} WHERE "id" = ${err.row.id} AND "processedAt" IS NULL`;
          } else {
            const closed = await closeAlone(err.row.id, err.cause);
            await deps.queues.enqueueOutbox(closed.rows);
            if (closed.own === 'failed') closedOthers.push(err.row.id);
          }
        }
      }
    } catch (err) {
      // Nothing of the last round was kept: what its rounds took goes with the error.
      throw new BatchAbandoned(err, [...taken].filter((id) => id !== ownId));
    }
  }

  /** Closes one update that fails the same way every time, in a transaction of its own. */
  function closeAlone(id: bigint, cause: unknown): Promise<BatchOutcome> {
    return deps.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<ClaimedRow[]>`
        SELECT "id", "platform"::text AS "platform", "chatKey", "payload", "error" FROM "InboundUpdate"
        WHERE "id" = ${id} AND "processedAt" IS NULL FOR UPDATE`;
      const outcome: BatchOutcome = { own: rows.length ? 'failed' : 'not-claimed', ownError: null, rows: [], wakeups: [], processed: [], closed: [], held: [] };
      if (rows[0]) await closeFailed(tx, { ...rows[0], id: BigInt(rows[0].id) }, cause, outcome);
      return outcome;
    });
  }

  async function claimAndHandle(ownId: bigint, preferred: readonly bigint[], limit: number, taken: Set<bigint>): Promise<BatchOutcome> {
    return deps.prisma.$transaction(async (tx) => {
      // The batch, locked, each row with the earliest unhandled update of its chat outside the batch
      // (within its hold time): one statement. The job's own update and those it was handed with
      // come first, then the oldest others nobody has tried yet.
      const now = Date.now();
      const first = [ownId, ...preferred].map(String);
      const claimed = await tx.$queryRaw<(ClaimedRow & { earlier: bigint | null })[]>`
        WITH "claimed" AS (
          SELECT "id", "platform", "chatKey", "payload", "error"
          FROM "InboundUpdate"
          WHERE "processedAt" IS NULL AND ("id" = ANY(${first}::bigint[]) OR ("attempts" = 0 AND "error" IS NULL))
          ORDER BY ("id" = ANY(${first}::bigint[])) DESC, "id" ASC
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
        SELECT c."id", c."platform"::text AS "platform", c."chatKey", c."payload", c."error",
          (SELECT min(o."id") FROM "InboundUpdate" o
            WHERE c."chatKey" IS NOT NULL AND o."processedAt" IS NULL AND o."platform" = c."platform" AND o."chatKey" = c."chatKey"
              AND o."id" < c."id" AND o."id" NOT IN (SELECT "id" FROM "claimed")
              AND ((o."error" IS NULL AND o."receivedAt" > ${new Date(now - ORDER_WAIT_MS)})
                OR (o."error" IS NOT NULL AND o."error" NOT LIKE 'gave up%' AND o."receivedAt" > ${new Date(now - failedHoldMs)}))) AS "earlier"
        FROM "claimed" c`;
      // Drivers differ in how they return int8 (bigint, number, text): one form from here on.
      for (const r of claimed) {
        r.id = BigInt(r.id);
        r.earlier = r.earlier === null ? null : BigInt(r.earlier);
        taken.add(r.id);
      }
      const outcome: BatchOutcome = { own: claimed.some((r) => r.id === ownId) ? 'processed' : 'not-claimed', rows: [], wakeups: [], processed: [], closed: [], held: [], ownError: null };
      if (claimed.length === 0) return outcome;
      claimed.sort((a, b) => (a.id < b.id ? -1 : 1));

      // Rows stored before the chat key had its own column: their chats' earlier updates, the old way.
      const legacy = claimed.filter((r) => r.chatKey === null);
      const keys = [...new Set(legacy.map((r) => chatKeyOfRow(deps, r)).filter((k): k is string => k !== null))];
      const firstOutside = new Map<string, bigint>();
      if (keys.length) {
        const rows = await tx.$queryRaw<{ platform: string; chatKey: string; first: bigint }[]>`
          SELECT "platform"::text AS "platform", "chatKey", min("id") AS "first" FROM "InboundUpdate"
          WHERE "processedAt" IS NULL AND "chatKey" = ANY(${keys}) AND NOT ("id" = ANY(${claimed.map((r) => r.id.toString())}::bigint[]))
            AND (("error" IS NULL AND "receivedAt" > ${new Date(now - ORDER_WAIT_MS)})
              OR ("error" IS NOT NULL AND "error" NOT LIKE 'gave up%' AND "receivedAt" > ${new Date(now - failedHoldMs)}))
          GROUP BY 1, 2`;
        for (const r of rows) firstOutside.set(`${r.platform}:${r.chatKey}`, BigInt(r.first));
      }

      const held = new Set<string>();
      // The batch's messages are written together, with the "processed" marks, at its end.
      const buffer = new OutboxBuffer(tx);
      const writers: OutboxWriter[] = [];
      for (const row of claimed) {
        const key = chatKeyOfRow(deps, row);
        const chat = key === null ? null : `${row.platform}:${key}`;
        const earlier = row.earlier ?? (chat ? firstOutside.get(chat) : undefined);
        if (chat && (held.has(chat) || (earlier !== undefined && earlier < row.id))) {
          // Not its turn: it runs after the earlier update of its chat (afterBatch gives it a job that looks again shortly).
          if (chat) held.add(chat);
          outcome.held.push(row.id);
          if (row.id === ownId) outcome.own = 'wait';
          continue;
        }
        const now = clock();
        const out = new OutboxWriter(tx, deps.platforms, now, undefined, buffer);
        const run = async () => {
          const plugin = deps.platforms.get(row.platform as Platform);
          if (plugin) {
            const inbound = plugin.toInbound(row.payload);
            if (inbound) await handleInbound(deps.core, { tx, out, now }, inbound, { inboundId: row.id.toString() });
            else deps.logger.debug({ platform: row.platform, inboundId: row.id.toString() }, 'update kind ignored');
          } else {
            deps.logger.warn({ platform: row.platform, inboundId: row.id.toString() }, 'no plug-in for platform; update marked processed');
          }
          outcome.processed.push(row.id);
          writers.push(out);
        };
        try {
          await run();
        } catch (err) {
          throw new BatchFailure(row, err);
        }
      }
      if (outcome.processed.length) {
        try {
          await buffer.flush({ ids: outcome.processed, at: clock() });
        } catch (err) {
          // Alone, the failure is its own; in a batch it is not known whose message was refused: run again alone.
          const own = claimed.find((r) => r.id === ownId);
          if (own && outcome.processed.length === 1 && outcome.processed[0] === ownId) throw new BatchFailure(own, err);
          throw new FlushFailure(err);
        }
      }
      for (const out of writers) {
        outcome.rows.push(...out.rows);
        outcome.wakeups.push(...out.wakeups);
      }
      return outcome;
    });
  }

  return { handleBatch, batchSize };
}

/**
 * After a batch committed: its messages enqueued, reminder rounds woken, the jobs it made needless
 * removed. Updates it took and left — held for their chat's turn, or given back by a failed round
 * (if still unhandled) — get jobs that look again shortly: whatever would have run them may have
 * found them taken by this batch and left them to it. `ownJob`: the update whose own job is
 * running this batch (it looks again by itself).
 */
async function afterBatch(deps: UpdatesDeps, outcome: BatchOutcome, jobless: ReadonlySet<bigint>, ownJob?: bigint): Promise<void> {
  await deps.queues.enqueueOutbox(outcome.rows);
  await deps.queues.scheduleReminderTicks(outcome.wakeups);
  const again = [...outcome.held, ...(await stillUnprocessed(deps, outcome.looseEnds ?? []))].filter((id) => id !== ownJob);
  if (again.length) {
    await deps.queues.enqueueUpdates(again, TURN_WAIT_MS).catch((err: unknown) => deps.logger.warn({ err: describeFailure(err), count: again.length }, 'updates left by a batch not enqueued; the sweep will enqueue them'));
  }
  // The other updates this batch handled need no job of their own any more.
  const others = outcome.processed.filter((p) => !jobless.has(p));
  if (others.length) await Promise.all(others.map((p) => deps.queues.updates.remove(deps.queues.updateJobId(p)).catch(() => 0)));
}

/** Records a failed try on the update's row (its chat's later updates wait FAILED_HOLD_MS behind it, batches leave it to its job). */
function recordFailure(deps: UpdatesDeps, id: bigint, err: unknown, final: boolean): Promise<unknown> {
  return deps.prisma.inboundUpdate
    .update({ where: { id }, data: { attempts: { increment: 1 }, error: `${final ? 'gave up: ' : ''}${describeFailure(err)}`.slice(0, 1000) } })
    .catch(() => undefined);
}

/**
 * The job of one stored update (see createBatchHandler). A batch also handles other updates: their
 * jobs are removed. An update whose chat has an earlier one still to run comes back shortly (not an
 * attempt); a retryable failure is thrown for BullMQ's backoff.
 */
export function createUpdatesProcessor(deps: UpdatesDeps, local?: { release(ids: readonly bigint[]): bigint[] } | null) {
  const { handleBatch } = createBatchHandler(deps);
  return async function processUpdate(job: Job, token?: string): Promise<string> {
    const { inboundId } = UpdateJob.parse(job.data);
    const id = BigInt(inboundId);
    let outcome: BatchOutcome;
    try {
      outcome = await handleBatch(id);
    } catch (err) {
      if (!(err instanceof BatchAbandoned)) throw err;
      // Retried by BullMQ's backoff; the others the batch had taken are looked at again too.
      await deps.queues.enqueueUpdates(err.looseEnds, UPDATE_RETRY_MS).catch(() => undefined);
      throw err.cause;
    }
    // Updates the batch took that were waiting for a run of this process have no job to remove.
    const jobless = new Set([id, ...(local?.release([...outcome.processed, ...outcome.closed]) ?? [])]);
    await afterBatch(deps, outcome, jobless, id);
    if (outcome.own === 'retry') throw outcome.ownError;
    let status: string = outcome.own;
    if (outcome.own === 'not-claimed') {
      // Another batch holds it (or handled it already): done if handled, else look again shortly.
      const row = await deps.prisma.inboundUpdate.findUnique({ where: { id }, select: { processedAt: true } });
      status = !row ? 'missing' : row.processedAt ? 'duplicate' : 'wait';
    }
    if (status === 'wait' && token) {
      // Not an attempt: come back shortly, after the earlier update of this chat.
      await job.moveToDelayed(Date.now() + TURN_WAIT_MS, token);
      throw new DelayedError();
    }
    return status;
  };
}

/**
 * Updates run in this process, straight from the inbox (ROLE=all): no job to add, fetch and finish,
 * and no hop through Redis between storing an update and handling it. A run takes a group of
 * updates stored together (up to a batch) as its own. Updates that come while every run is busy
 * wait here, in the order they were stored, for the next free run — in a burst the runs' batches
 * mostly take them as "the oldest others" before their turn comes — up to `WAITING_MAX` of them.
 * Beyond that, and those that waited longer than `handoffMs` while other worker processes could
 * take them (or all of them, when the runs stall), go to the queue.
 * Whatever a run does not finish — a chat's earlier update still to run, a failure to retry, the
 * database away — gets its job then, as if it had gone to the queue first (a retry with BullMQ's
 * backoff). Should the process die, the rows are stored and unprocessed with no job: the sweep
 * enqueues them (the same net as for a job Redis lost); at shutdown those still waiting go to the
 * queue at once.
 */
export class LocalUpdates {
  private readonly running = new Set<Promise<void>>();
  private readonly handleBatch: ReturnType<typeof createBatchHandler>['handleBatch'];
  private readonly groupSize: number;
  /** Stored updates waiting for a run, in stored order, with when they began to wait. */
  private readonly waiting = new Map<bigint, number>();
  private handoffTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly handoffMs: number;
  private readonly stallMs: number;
  /** When a run last finished, or updates began to wait (the stall clock starts at the later). */
  private lastFinished = performance.now();
  private peers = 0;
  private peersCountedAt = -Infinity;

  constructor(
    private readonly deps: UpdatesDeps,
    /** Runs at once, at most (0: every update goes to the queue). */
    private readonly slots: number,
    private readonly onDone: () => void = () => undefined,
    private readonly options: LocalUpdatesOptions = {},
  ) {
    const handler = createBatchHandler(deps);
    this.handleBatch = handler.handleBatch;
    this.groupSize = handler.batchSize;
    this.handoffMs = options.handoffMs ?? HANDOFF_MS;
    this.stallMs = options.stallMs ?? STALL_MS;
  }

  /** Runs in the free runs what fits (in groups of stored order), keeps what may wait; returns the ids left for the queue. */
  take(ids: readonly bigint[]): bigint[] {
    if (this.closed || this.slots === 0) return [...ids];
    let at = 0;
    for (let free = this.slots - this.running.size; free > 0 && at < ids.length && this.waiting.size === 0; free--, at += this.groupSize) {
      this.start(ids.slice(at, at + this.groupSize));
    }
    const now = performance.now();
    for (; at < ids.length && this.waiting.size < WAITING_MAX; at++) this.waiting.set(ids[at]!, now);
    this.next();
    this.watchWaiting();
    return ids.slice(at);
  }

  /**
   * Of `ids` (updates a batch has just handled), those that were waiting here: they leave, and have
   * no job to remove.
   */
  release(ids: readonly bigint[]): bigint[] {
    return ids.filter((id) => this.waiting.delete(id));
  }

  /** Stops taking updates, hands those still waiting to the queue, and waits for the runs under way (at most `capMs`). */
  async drain(capMs = 10_000): Promise<void> {
    this.closed = true;
    this.stopWatching();
    const left = [...this.waiting.keys()];
    this.waiting.clear();
    const timer = new Promise<void>((r) => setTimeout(r, capMs).unref());
    await Promise.race([Promise.allSettled([...this.running, this.enqueue(left, 0)]), timer]);
  }

  /** Starts runs for the waiting updates while runs are free. */
  private next(): void {
    while (!this.closed && this.running.size < this.slots && this.waiting.size > 0) {
      const group: bigint[] = [];
      for (const id of this.waiting.keys()) {
        group.push(id);
        if (group.length === this.groupSize) break;
      }
      for (const id of group) this.waiting.delete(id);
      this.start(group);
    }
    if (this.waiting.size === 0) this.stopWatching();
  }

  private start(group: bigint[]): void {
    const run: Promise<void> = this.run(group)
      // Its failures are handled inside (the rows are stored either way): this is only so nothing escapes.
      .catch((err: unknown) => this.deps.logger.error({ err: describeFailure(err), count: group.length }, 'update run failed; the sweep will enqueue what it left'))
      .finally(() => {
        this.running.delete(run);
        this.lastFinished = performance.now();
        this.next();
      });
    this.running.add(run);
  }

  /**
   * While updates wait, those waiting longer than `handoffMs` go to the queue if another worker
   * process is there to take them; with none, all of them go once the runs have finished nothing
   * for `stallMs` (the queue's jobs outlive this process, and its workers here take them too).
   */
  private watchWaiting(): void {
    if (this.handoffTimer || this.waiting.size === 0) return;
    this.lastFinished = performance.now();
    this.handoffTimer = setInterval(() => this.handOff(), Math.max(10, Math.min(250, this.handoffMs / 2)));
    this.handoffTimer.unref();
  }

  private stopWatching(): void {
    if (this.handoffTimer) clearInterval(this.handoffTimer);
    this.handoffTimer = null;
  }

  private handOff(): void {
    const now = performance.now();
    this.countPeers(now);
    const stalled = now - this.lastFinished >= this.stallMs;
    if (this.peers === 0 && !stalled) return;
    const due = stalled ? Infinity : now - this.handoffMs;
    const late: bigint[] = [];
    for (const [id, since] of this.waiting) {
      if (since > due) break;
      late.push(id);
    }
    for (const id of late) this.waiting.delete(id);
    if (this.waiting.size === 0) this.stopWatching();
    if (late.length) void this.enqueue(late, 0);
  }

  /** Counts the other worker processes now and then (in the background; the last count holds meanwhile). */
  private countPeers(now: number): void {
    const peers = this.options.peers;
    if (!peers || now - this.peersCountedAt < PEERS_EVERY_MS) return;
    this.peersCountedAt = now;
    peers().then(
      (n) => (this.peers = n),
      () => undefined,
    );
  }

  private async run(group: bigint[]): Promise<void> {
    const [own, ...preferred] = group as [bigint, ...bigint[]];
    const deps = this.deps;
    let outcome: BatchOutcome;
    try {
      outcome = await this.handleBatch(own, preferred);
    } catch (err) {
      // Nothing was kept (the transaction rolled back): the queue tries them all again, with its
      // backoff, and the others the batch had taken with them.
      const cause = err instanceof BatchAbandoned ? err.cause : err;
      const looseEnds = err instanceof BatchAbandoned ? err.looseEnds : [];
      deps.logger.warn({ err: describeFailure(cause), count: group.length }, 'updates could not be handled here; queued for a retry');
      await this.enqueue([...new Set([...group, ...looseEnds])], UPDATE_RETRY_MS);
      return;
    }
    try {
      // The batch's others that were waiting here are settled too, and had no job either.
      const jobless = new Set([...group, ...this.release([...outcome.processed, ...outcome.closed])]);
      // Those it held for their chat's turn get jobs there. Those it did not take are another
      // batch's (which settles them, or gives them jobs when it leaves them) or handled already.
      await afterBatch(deps, outcome, jobless);
      if (outcome.own === 'retry') {
        await recordFailure(deps, own, outcome.ownError, false);
        await this.enqueue([own], UPDATE_RETRY_MS);
      }
    } finally {
      this.onDone();
    }
  }

  private async enqueue(ids: readonly bigint[], delay: number): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.deps.queues.enqueueUpdates(ids, delay);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message, count: ids.length }, 'updates not finished here and not enqueued; the sweep will enqueue them');
    }
  }
}

/**
 * Of updates a batch gave back, those still unprocessed: another batch may have handled the rest
 * meanwhile, and they need no job. On a failure to read, all of them (a job that finds its update
 * handled costs little).
 */
async function stillUnprocessed(deps: UpdatesDeps, ids: bigint[]): Promise<bigint[]> {
  if (ids.length === 0) return ids;
  try {
    const rows = await deps.prisma.$queryRaw<{ id: bigint }[]>`SELECT "id" FROM "InboundUpdate" WHERE "id" = ANY(${ids.map(String)}::bigint[]) AND "processedAt" IS NULL`;
    const open = new Set(rows.map((r) => BigInt(r.id)));
    return ids.filter((id) => open.has(id));
  } catch {
    return ids;
  }
}

/** When BullMQ gives up on an update, the error is kept on the inbox row for admins to see. */
export function createUpdatesFailureHandler(deps: UpdatesDeps) {
  return async (job: Job | undefined, err: Error) => {
    if (!job) return;
    const parsed = UpdateJob.safeParse(job.data);
    if (!parsed.success) return;
    await recordFailure(deps, BigInt(parsed.data.inboundId), err, job.attemptsMade >= (job.opts.attempts ?? 1));
  };
}
