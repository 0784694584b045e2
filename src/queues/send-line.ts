import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * What the sender keeps in Redis so the fast path needs no database read:
 *   - each chat's LINE: the ids of its messages in the order they were committed; only the head may
 *     go, and whoever leaves the head wakes the next (no polling);
 *   - SENT marks: a message the platform accepted is marked at once (its database row is marked in
 *     a batch a few milliseconds later), so a job run again never sends it twice;
 *   - CARD ids: the message a ticket's card lives in per chat, so a refresh edits it in place.
 * The database stays the record: a line or mark lost with Redis costs a wait for the sweep, never a
 * message (and at most one duplicate, as before).
 */
export class SendLine {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** The database's identity: a recreated database behind the same Redis starts new lines. */
    private readonly database: number,
  ) {}

  private lineKey(platform: string, chat: string): string {
    return `${this.prefix}:line:${this.database}:${platform}:${chat}`;
  }

  private sentKey(id: bigint | string): string {
    return `${this.prefix}:sent:${this.database}:${id}`;
  }

  private cardKey(platform: string, chat: string): string {
    return `${this.prefix}:cards:${this.database}:${platform}:${chat}`;
  }

  /** Appends messages to their chats' lines, in the order given. */
  async join(rows: readonly { id: bigint; platform: string; chat: string }[]): Promise<void> {
    if (rows.length === 0) return;
    const multi = this.redis.multi();
    for (const r of rows) {
      const key = this.lineKey(r.platform, r.chat);
      multi.rpush(key, r.id.toString());
      multi.pexpire(key, LINE_TTL_MS);
    }
    await multi.exec();
  }

  /**
   * Where a message stands in its chat's line: 0 = its turn. One that is not in the line at all (its
   * job came from the sweep, or Redis lost the line) takes its place at the end.
   */
  async place(platform: string, chat: string, id: bigint): Promise<{ position: number; head: string | null }> {
    const key = this.lineKey(platform, chat);
    const [[, pos], [, head]] = (await this.redis.multi().lpos(key, id.toString()).lindex(key, 0).exec()) as [[unknown, number | null], [unknown, string | null]];
    if (pos !== null && pos !== undefined) return { position: pos, head };
    await this.redis.multi().rpush(key, id.toString()).pexpire(key, LINE_TTL_MS).exec();
    const again = await this.redis.lpos(key, id.toString());
    return { position: again ?? 0, head: await this.redis.lindex(key, 0) };
  }

  /** Leaves the line (delivered, failed for good, or parked) and wakes the message now at its head. */
  async leave(platform: string, chat: string, id: bigint, wake: (nextId: string) => Promise<void>): Promise<void> {
    const key = this.lineKey(platform, chat);
    const [, [, head]] = (await this.redis.multi().lrem(key, 0, id.toString()).lindex(key, 0).exec()) as [unknown, [unknown, string | null]];
    if (head) await wake(head).catch(() => undefined);
  }

  /** Takes a stale head away (a message no longer due), so the line moves. */
  async drop(platform: string, chat: string, id: string): Promise<void> {
    await this.redis.lrem(this.lineKey(platform, chat), 0, id);
  }

  async markSent(id: bigint, messageId: string | null): Promise<void> {
    await this.redis.set(this.sentKey(id), messageId ?? '', 'PX', SENT_TTL_MS);
  }

  /** The platform's message id when the message was already delivered ('' without one), else null. */
  async sentAs(id: bigint): Promise<string | null> {
    return this.redis.get(this.sentKey(id));
  }

  /**
   * Messages delivered as part of another (announcements folded into a burst summary): marked sent
   * and out of the line at once, so the chat's next message does not wait for their jobs.
   */
  async settle(platform: string, chat: string, ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return;
    const key = this.lineKey(platform, chat);
    const multi = this.redis.multi();
    for (const id of ids) {
      multi.set(this.sentKey(id), '', 'PX', SENT_TTL_MS);
      multi.lrem(key, 0, id.toString());
    }
    await multi.exec();
  }

  private announceKey(platform: string, chat: string): string {
    return `${this.prefix}:announced:${this.database}:${platform}:${chat}`;
  }

  /** New-ticket cards sent to a chat in the last minute (the burst summary's threshold). */
  async recentAnnouncements(platform: string, chat: string, now = Date.now()): Promise<number> {
    const key = this.announceKey(platform, chat);
    const [, [, count]] = (await this.redis.multi().zremrangebyscore(key, '-inf', now - 60_000).zcard(key).exec()) as [unknown, [unknown, number]];
    return count;
  }

  /** Counts a new-ticket card sent to a chat now. */
  async noteAnnouncement(platform: string, chat: string, id: bigint, now = Date.now()): Promise<void> {
    const key = this.announceKey(platform, chat);
    await this.redis.multi().zadd(key, now, id.toString()).pexpire(key, 120_000).exec();
  }

  async rememberCard(platform: string, chat: string, field: string, messageId: string): Promise<void> {
    const key = this.cardKey(platform, chat);
    await this.redis.multi().hset(key, field, messageId).pexpire(key, CARD_TTL_MS).exec();
  }

  async cardMessage(platform: string, chat: string, field: string): Promise<string | null> {
    return this.redis.hget(this.cardKey(platform, chat), field);
  }
}

/** A delayed job, woken now (a message whose turn came); a waiting or active one is left alone. */
export async function wakeJob(queue: Queue, jobId: string): Promise<void> {
  const job = await queue.getJob(jobId);
  if (job && (await job.isDelayed())) await job.promote();
}

const LINE_TTL_MS = 7 * 24 * 60 * 60_000;
const SENT_TTL_MS = 3 * 24 * 60 * 60_000;
const CARD_TTL_MS = 60 * 24 * 60 * 60_000;
