import type { Db } from '../db/client.js';
import { classifyFailure, describeFailure } from '../db/errors.js';
import type { Platform } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Queues } from '../queues/queues.js';
import type { IngressSink } from '../platforms/plugin.js';
import { noteActivity } from '../memory.js';

export type AcceptResult = 'accepted' | 'duplicate';

/** Handles stored updates in this process while it can (workers/updates.worker.ts LocalUpdates): returns those left for the queue. */
export interface LocalRuns {
  take(ids: readonly bigint[]): bigint[];
}

/** An update that passed the ingress check of its platform (each plug-in's update.ts): clean, and keyed by its chat. */
export interface CheckedUpdate {
  updateId: string;
  payload: object;
  /** The chat it belongs to, for per-chat ordering; null when it has none. */
  chatKey: string | null;
}

export interface Inbox {
  accept(update: CheckedUpdate): Promise<AcceptResult>;
  /** Records that an update arrived but can never be stored, so it is skipped knowingly, not lost silently. */
  markUnstorable(updateId: string, reason: string): Promise<void>;
}

/**
 * A resend of an update stored this long ago and still not processed is enqueued again (the job id
 * makes that a no-op while the job exists): its first job may have been lost with Redis. Younger
 * duplicates are parallel deliveries of an update whose job was just enqueued: they cost nothing more.
 */
const STALE_DUPLICATE_MS = 10_000;

/** Updates stored together in one statement, at most. */
const MAX_BATCH = 64;
/**
 * Statements storing updates at once. One: requests that come while it runs wait and go together
 * in the next, and ids follow the order updates arrived in (a chat's updates are handled in id order).
 */
const MAX_IN_FLIGHT = 1;

interface Waiting {
  update: CheckedUpdate;
  resolve: (result: AcceptResult) => void;
  reject: (err: unknown) => void;
}

/**
 * The one door every update comes through (polling or webhook). The update is stored first, so
 * once `accept` returns it cannot be lost; (platform, update id) is unique, so a resend is harmless
 * and costs one statement. Enqueueing is best effort: the sweep picks up stored updates that never
 * reached Redis.
 *
 * Updates that arrive while earlier ones are being stored wait and are stored together, in one
 * statement, and enqueued in one round trip (natural batching: at a few a second each goes alone,
 * at once; in a burst of hundreds a second a statement stores dozens and the database commits once
 * for them). Each request is still answered only after its own row committed. A batch the database
 * refuses for a reason retrying cannot fix (one update it cannot store) is stored one by one, so
 * only that update is refused; one it cannot reach fails every request in it, to be resent.
 */
export function createInbox(deps: { prisma: Db; queues: Queues; logger: Logger; local?: LocalRuns | null }, platform: Platform): Inbox {
  /**
   * Stores one update (a batch of one, a resend, the rows of a refused batch): the row, or the
   * stored row of a stale duplicate (to enqueue again), or null for a duplicate.
   */
  async function insertOne(update: CheckedUpdate): Promise<{ id: bigint; inserted: boolean } | null> {
    const rows = await deps.prisma.$queryRaw<{ id: bigint; inserted: boolean }[]>`
      WITH ins AS (
        INSERT INTO "InboundUpdate" ("platform", "updateId", "payload", "chatKey")
        VALUES (${platform}::"Platform", ${update.updateId}, ${JSON.stringify(update.payload)}::jsonb, ${update.chatKey})
        ON CONFLICT ("platform", "updateId") DO NOTHING
        RETURNING "id")
      SELECT "id", true AS "inserted" FROM ins
      UNION ALL
      SELECT "id", false AS "inserted" FROM "InboundUpdate"
      WHERE "platform" = ${platform}::"Platform" AND "updateId" = ${update.updateId} AND "processedAt" IS NULL
        AND "receivedAt" < now() - make_interval(secs => ${STALE_DUPLICATE_MS / 1000})
        AND NOT EXISTS (SELECT 1 FROM ins)`;
    return rows[0] ?? null;
  }

  /** What became of one stored update, after its job is enqueued. */
  async function finishOne(update: CheckedUpdate, row: { id: bigint; inserted: boolean } | null): Promise<AcceptResult> {
    if (row && !row.inserted) deps.logger.debug({ platform, updateId: update.updateId }, 'stale duplicate of an unprocessed update; enqueueing it again');
    else if (!row) {
      deps.logger.debug({ platform, updateId: update.updateId }, 'duplicate update ignored');
      return 'duplicate';
    }
    await enqueue([BigInt(row.id)]);
    return row.inserted ? 'accepted' : 'duplicate';
  }

  const storeOne = async (update: CheckedUpdate) => finishOne(update, await insertOne(update));

  async function enqueue(ids: bigint[]): Promise<void> {
    // Those this process can handle now need no job (LocalUpdates); the rest go to the queue.
    const queued = deps.local ? deps.local.take(ids) : ids;
    if (queued.length === 0) return;
    try {
      await deps.queues.enqueueUpdates(queued);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, platform, count: queued.length }, 'updates stored but not enqueued; the sweep will enqueue them');
    }
  }

  /** Stores several updates in one statement; those already stored go through storeOne (a resend may need enqueueing again). */
  async function storeMany(batch: Waiting[]): Promise<void> {
    // The same update twice in one batch (a resend that overtook its first delivery): stored once,
    // and the copy answered as the first is.
    const first = new Map<string, Waiting>();
    const copies: { of: Waiting; copy: Waiting }[] = [];
    for (const w of batch) {
      const seen = first.get(w.update.updateId);
      if (seen) copies.push({ of: seen, copy: w });
      else first.set(w.update.updateId, w);
    }
    const unique = [...first.values()];
    const outcomes = new Map<Waiting, Promise<AcceptResult>>();
    let rows: { id: bigint; updateId: string }[];
    try {
      // Ids follow arrival order (a chat's updates are handled in id order).
      rows = await deps.prisma.$queryRaw<{ id: bigint; updateId: string }[]>`
        INSERT INTO "InboundUpdate" ("platform", "updateId", "payload", "chatKey")
        SELECT ${platform}::"Platform", t."updateId", t."payload"::jsonb, t."chatKey"
        FROM unnest(${unique.map((w) => w.update.updateId)}::text[], ${unique.map((w) => JSON.stringify(w.update.payload))}::text[], ${unique.map((w) => w.update.chatKey)}::text[])
          WITH ORDINALITY AS t("updateId", "payload", "chatKey", "n")
        ORDER BY t."n"
        ON CONFLICT ("platform", "updateId") DO NOTHING
        RETURNING "id", "updateId"`;
    } catch (err) {
      if (classifyFailure(err) === 'retryable') {
        for (const w of batch) w.reject(err);
        return;
      }
      // One update the database refuses would refuse them all: one by one (in order), only it fails.
      let previous: Promise<unknown> = Promise.resolve();
      for (const w of unique) {
        const outcome = previous.then(() => storeOne(w.update));
        outcomes.set(w, outcome);
        previous = outcome.catch(() => undefined);
      }
      settle(outcomes, copies);
      await previous;
      return;
    }
    const stored = new Map(rows.map((r) => [r.updateId, BigInt(r.id)]));
    const inserted = unique.filter((w) => stored.has(w.update.updateId));
    const enqueued = enqueue(inserted.map((w) => stored.get(w.update.updateId)!)).then(() => 'accepted' as const);
    for (const w of unique) outcomes.set(w, stored.has(w.update.updateId) ? enqueued : storeOne(w.update));
    settle(outcomes, copies);
  }

  function settle(outcomes: Map<Waiting, Promise<AcceptResult>>, copies: { of: Waiting; copy: Waiting }[]): void {
    for (const [w, outcome] of outcomes) outcome.then(w.resolve, w.reject);
    for (const { of, copy } of copies) {
      outcomes.get(of)!.then(() => {
        deps.logger.debug({ platform, updateId: copy.update.updateId }, 'duplicate update ignored');
        copy.resolve('duplicate');
      }, copy.reject);
    }
  }

  const waiting: Waiting[] = [];
  let inFlight = 0;
  function pump(): void {
    while (inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
      const batch = waiting.splice(0, MAX_BATCH);
      inFlight++;
      // The next statement may start once this one's rows are in: enqueueing is not waited for.
      const one = batch.length === 1 ? batch[0]! : null;
      const run = one
        ? insertOne(one.update).then((row) => void finishOne(one.update, row).then(one.resolve, one.reject), one.reject)
        : storeMany(batch).catch((err: unknown) => {
            for (const w of batch) w.reject(err);
          });
      void run.finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    accept(update) {
      noteActivity();
      return new Promise<AcceptResult>((resolve, reject) => {
        waiting.push({ update, resolve, reject });
        pump();
      });
    },

    async markUnstorable(updateId, reason) {
      const marker = JSON.stringify({ update_id: /^\d+$/.test(updateId) ? Number(updateId) : updateId, unstorable: true });
      await deps.prisma.$executeRaw`
        INSERT INTO "InboundUpdate" ("platform", "updateId", "payload", "processedAt", "error")
        VALUES (${platform}::"Platform", ${updateId}, ${marker}::jsonb, now(), ${`could not store: ${reason}`.slice(0, 1000)})
        ON CONFLICT ("platform", "updateId") DO NOTHING`;
      deps.logger.warn({ platform, updateId, reason }, 'update cannot be stored; recorded as skipped');
    },
  };
}

/** What pollers hand updates to: the inbox behind the platform's ingress check. */
export function ingressSink(inbox: Inbox): IngressSink {
  return { store: (update) => storeOrMark(inbox, update), refuse: (updateId, reason) => inbox.markUnstorable(updateId, reason) };
}

/**
 * Stores a checked update. When the store refuses it for good (not because it is unavailable), a
 * marker takes its place and the answer is 'unstorable'; the marker itself failing means the
 * database is in trouble after all, and that error is thrown like any outage.
 */
export async function storeOrMark(inbox: Inbox, update: CheckedUpdate): Promise<AcceptResult | 'unstorable'> {
  try {
    return await inbox.accept(update);
  } catch (err) {
    if (classifyFailure(err) === 'retryable') throw err;
    await inbox.markUnstorable(update.updateId, describeFailure(err));
    return 'unstorable';
  }
}
