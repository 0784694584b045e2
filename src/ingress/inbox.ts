import type { Db } from '../db/client.js';
import { classifyFailure, describeFailure } from '../db/errors.js';
import type { Platform } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Queues } from '../queues/queues.js';
import type { IngressSink } from '../platforms/plugin.js';

export type AcceptResult = 'accepted' | 'duplicate';

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

/**
 * The one door every update comes through (polling or webhook). The update is stored first, so
 * once `accept` returns it cannot be lost; (platform, update id) is unique, so a resend is harmless
 * and costs one statement. Enqueueing is best effort: the sweep picks up stored updates that never
 * reached Redis.
 */
export function createInbox(deps: { prisma: Db; queues: Queues; logger: Logger }, platform: Platform): Inbox {
  return {
    async accept(update) {
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
      const row = rows[0];
      if (row && !row.inserted) deps.logger.debug({ platform, updateId: update.updateId }, 'stale duplicate of an unprocessed update; enqueueing it again');
      else if (!row) {
        deps.logger.debug({ platform, updateId: update.updateId }, 'duplicate update ignored');
        return 'duplicate';
      }
      try {
        await deps.queues.enqueueUpdate(BigInt(row.id));
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message, platform, updateId: update.updateId }, 'update stored but not enqueued; the sweep will enqueue it');
      }
      return row.inserted ? 'accepted' : 'duplicate';
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
