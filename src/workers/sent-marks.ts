import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';

interface Mark {
  id: bigint;
  messageId: string | null;
  chat: string;
  at: Date;
}

/**
 * Marks delivered messages sent in the database in batches: one UPDATE for every message that went
 * out in the last few milliseconds instead of one commit each. The Redis sent-mark (send-line.ts) is
 * set at once, so a job run again before the batch lands still does not send twice; a batch lost in
 * a crash leaves rows pending, and the sweep's new jobs find their sent-marks and only mark them.
 */
export class SentMarks {
  private pending = new Map<string, Mark>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly delayMs = 15,
    private readonly maxBatch = 200,
  ) {}

  add(mark: Mark): void {
    this.pending.set(mark.id.toString(), mark);
    if (this.pending.size >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Writes what is waiting; resolves when it (and any earlier batch) is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: Mark[], attempt = 0): Promise<void> {
    try {
      await this.db.$executeRaw`
        UPDATE "OutboundMessage" AS o
        SET "status" = 'sent', "sentAt" = (v.at::timestamptz AT TIME ZONE 'UTC'), "sentMessageId" = v.mid, "chatExternalId" = v.chat,
            "attempts" = o."attempts" + 1, "lastError" = NULL, "failingSince" = NULL, "updatedAt" = (v.at::timestamptz AT TIME ZONE 'UTC')
        FROM unnest(${batch.map((m) => m.id.toString())}::bigint[], ${batch.map((m) => m.messageId)}::text[],
                    ${batch.map((m) => m.chat)}::text[], ${batch.map((m) => m.at.toISOString())}::text[]) AS v(id, mid, chat, at)
        WHERE o."id" = v.id AND o."status" IN ('pending', 'parked')`;
    } catch (err) {
      // The messages went out; only the record is late. Keep trying a little, then leave it to the sweep.
      if (attempt < 5) {
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        return this.write(batch, attempt + 1);
      }
      this.logger.warn({ err: (err as Error).message, count: batch.length }, 'could not mark sent messages; the sweep will find their sent-marks');
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
