import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db, type Tx } from '../../src/db/client.js';
import { createInbox, type CheckedUpdate } from '../../src/ingress/inbox.js';
import { createLogger } from '../../src/logger.js';
import type { PlatformPlugin } from '../../src/platforms/plugin.js';
import { Queues } from '../../src/queues/queues.js';
import { LocalUpdates, type LocalUpdatesOptions } from '../../src/workers/updates.worker.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { deleteRedisPrefix } from '../support/test-app.js';
import { openTestDatabase, type OpenedTestDatabase } from '../support/test-db.js';
import { updatesDepsReading } from '../support/updates-deps.js';

// Updates handled in the receiving process, straight from the inbox (ROLE=all): no job for what it
// finishes, a job for what it does not (a chat's earlier update first, a failure to retry, the
// database away), the queue for what exceeds its free runs, and shutdown waiting for its runs.

describe('updates handled in the receiving process (PostgreSQL + Redis)', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const logger = createLogger('silent');
  let opened: OpenedTestDatabase | undefined;
  let redis: Redis;
  let queues: Queues;
  let nextId = 5_000;
  /** How often the plug-in read each update (its text): a handled update is read once per try. */
  let reads: Map<string, number>;

  const update = (chat: number, text: string): CheckedUpdate => {
    const id = nextId++;
    return { updateId: String(id), chatKey: String(chat), payload: { update_id: id, message: { message_id: id, date: 0, chat: { id: chat, type: 'group', title: 'Xã C' }, from: { id: 7, is_bot: false, first_name: 'An' }, text } } };
  };
  /**
   * A Telegram plug-in whose reading of an update is scripted by its text: "[độc]" fails for good,
   * "[bận]" fails in a way retrying fixes; anything else is an update kind the bot ignores (marked
   * processed).
   */
  const toInbound: PlatformPlugin['toInbound'] = (payload) => {
    const text = (payload as { message: { text: string } }).message.text;
    reads.set(text, (reads.get(text) ?? 0) + 1);
    if (text.startsWith('[độc]')) throw new TypeError('poison');
    if (text.startsWith('[bận]')) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    return null;
  };
  const local = (slots: number, opts: { prisma?: Db; batchSize?: number; onDone?: () => void } & LocalUpdatesOptions = {}) =>
    new LocalUpdates(updatesDepsReading(toInbound, { prisma: opts.prisma ?? opened!.db.prisma, logger, queues, batchSize: opts.batchSize }), slots, opts.onDone, opts);
  /** Stores an update through an inbox without local runs, then removes its job: a row only the test hands on. */
  const storedWithoutJob = async (u: CheckedUpdate) => {
    await createInbox({ prisma: opened!.db.prisma, queues, logger }, 'telegram').accept(u);
    const id = (await row(u)).id;
    await queues.updates.remove(queues.updateJobId(id));
    return id;
  };
  /** Holds what `lock` takes in a transaction of its own until the returned release is called. */
  const holding = async (lock: (tx: Tx) => Promise<unknown>) => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = opened!.db.prisma.$transaction(
      async (tx) => {
        await lock(tx);
        locked();
        await gate;
      },
      { timeout: 20_000 },
    );
    await isLocked;
    return async () => {
      open();
      await holder;
    };
  };
  const row = (u: CheckedUpdate) => opened!.db.prisma.inboundUpdate.findUniqueOrThrow({ where: { platform_updateId: { platform: 'telegram', updateId: u.updateId } } });
  const jobState = async (id: bigint) => (await queues.updates.getJob(queues.updateJobId(id)))?.getState() ?? 'none';

  beforeAll(async () => {
    opened = await openTestDatabase();
    redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
    queues = new Queues(redis, prefix, logger);
  });
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await deleteRedisPrefix(prefix);
    await opened?.close();
  });

  it('handles an update as it is stored, once, with no job in Redis', async () => {
    reads = new Map();
    let done = 0;
    const runs = local(2, { onDone: () => done++ });
    const inbox = createInbox({ prisma: opened!.db.prisma, queues, logger, local: runs }, 'telegram');
    const u = update(-601, 'ngay tại chỗ');
    expect(await inbox.accept(u)).toBe('accepted');
    await runs.drain();
    const stored = await row(u);
    expect(stored.processedAt).not.toBeNull();
    expect(stored.error).toBeNull();
    expect(reads.get('ngay tại chỗ')).toBe(1);
    expect(done).toBe(1);
    expect(await jobState(stored.id)).toBe('none');
    // A resend is a duplicate: nothing runs again.
    expect(await inbox.accept(u)).toBe('duplicate');
    expect(reads.get('ngay tại chỗ')).toBe(1);
  });

  /** Stores updates through an inbox without local runs and removes their jobs: rows only the test hands on. */
  const storedQuietly = async (updates: CheckedUpdate[]) => {
    const ids: bigint[] = [];
    for (const u of updates) ids.push(await storedWithoutJob(u));
    return ids;
  };
  const processed = async (ids: readonly bigint[]) =>
    (await opened!.db.prisma.inboundUpdate.findMany({ where: { id: { in: [...ids] }, processedAt: { not: null } }, select: { id: true } })).length;

  it('updates that come while every run is busy wait for the next free run, in stored order, with no job', async () => {
    reads = new Map();
    const updates = Array.from({ length: 5 }, (_, i) => update(-610 - i, `chờ lượt ${i}`));
    const ids = await storedQuietly(updates);
    // The one run is held up (its claim waits for the table) while the others come.
    const release = await holding((tx) => tx.$executeRaw`LOCK TABLE "InboundUpdate" IN EXCLUSIVE MODE`);
    const runs = local(1, { batchSize: 2, handoffMs: 60_000 });
    expect(runs.take(ids.slice(0, 2))).toEqual([]);
    expect(runs.take(ids.slice(2))).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await processed(ids)).toBe(0);
    await release();
    await vi.waitFor(async () => expect(await processed(ids)).toBe(5), { timeout: 10_000, interval: 50 });
    await runs.drain();
    for (const u of updates) expect(reads.get((u.payload as { message: { text: string } }).message.text)).toBe(1);
    for (const id of ids) expect(await jobState(id)).toBe('none');
    // After shutdown began it takes nothing: everything is left for the queue.
    expect(runs.take(ids)).toEqual(ids);
  });

  it('updates that waited longer than the hand-off time go to the queue when another worker process can take them', async () => {
    reads = new Map();
    const ids = await storedQuietly(Array.from({ length: 3 }, (_, i) => update(-615 - i, `sang hàng đợi ${i}`)));
    const release = await holding((tx) => tx.$executeRaw`LOCK TABLE "InboundUpdate" IN EXCLUSIVE MODE`);
    let asked = 0;
    const runs = local(1, { batchSize: 1, handoffMs: 50, stallMs: 60_000, peers: async () => (asked++, 1) });
    expect(runs.take(ids)).toEqual([]);
    await vi.waitFor(
      async () => {
        for (const id of ids.slice(1)) expect(await jobState(id)).toBe('waiting');
      },
      { timeout: 5_000, interval: 25 },
    );
    expect(asked).toBeGreaterThan(0);
    // The run's own update keeps its place in the run (no job).
    expect(await jobState(ids[0]!)).toBe('none');
    await release();
    await runs.drain();
    expect(await processed(ids.slice(0, 1))).toBe(1);
    for (const id of ids.slice(1)) await queues.updates.remove(queues.updateJobId(id));
  });

  it('with no other worker process they keep waiting here while the runs finish work, and go to the queue when the runs stall', async () => {
    reads = new Map();
    const ids = await storedQuietly(Array.from({ length: 3 }, (_, i) => update(-625 - i, `đình trệ ${i}`)));
    const release = await holding((tx) => tx.$executeRaw`LOCK TABLE "InboundUpdate" IN EXCLUSIVE MODE`);
    const runs = local(1, { batchSize: 1, handoffMs: 20, stallMs: 400, peers: async () => 0 });
    expect(runs.take(ids)).toEqual([]);
    // Well past the hand-off time, not yet stalled: nothing went to the queue.
    await new Promise((r) => setTimeout(r, 150));
    for (const id of ids) expect(await jobState(id)).toBe('none');
    // The run finishes nothing (its claim waits for the table): after the stall time all of them go.
    await vi.waitFor(
      async () => {
        for (const id of ids.slice(1)) expect(await jobState(id)).toBe('waiting');
      },
      { timeout: 5_000, interval: 25 },
    );
    await release();
    await runs.drain();
    for (const id of ids.slice(1)) await queues.updates.remove(queues.updateJobId(id));
  });

  it('at shutdown, updates still waiting go to the queue at once', async () => {
    reads = new Map();
    const ids = await storedQuietly(Array.from({ length: 3 }, (_, i) => update(-618 - i, `tắt máy ${i}`)));
    const release = await holding((tx) => tx.$executeRaw`LOCK TABLE "InboundUpdate" IN EXCLUSIVE MODE`);
    const runs = local(1, { batchSize: 1, handoffMs: 60_000 });
    expect(runs.take(ids)).toEqual([]);
    await runs.drain(300);
    for (const id of ids.slice(1)) expect(await jobState(id)).toBe('waiting');
    expect(await jobState(ids[0]!)).toBe('none');
    await release();
    // The run held up at shutdown still finishes its own update once the table is free.
    await vi.waitFor(async () => expect(await processed(ids.slice(0, 1))).toBe(1), { timeout: 10_000, interval: 50 });
    for (const id of ids.slice(1)) await queues.updates.remove(queues.updateJobId(id));
  });

  it("a chat's later update waits for its earlier one: it gets a job, due shortly, and is not handled out of turn", async () => {
    reads = new Map();
    const plain = createInbox({ prisma: opened!.db.prisma, queues, logger }, 'telegram');
    const earlier = update(-620, 'trước');
    await plain.accept(earlier);
    const earlierId = (await row(earlier)).id;
    // The earlier update is being handled by another batch (its row locked) while the later one comes.
    const release = await holding((tx) => tx.$queryRaw`SELECT "id" FROM "InboundUpdate" WHERE "id" = ${earlierId} FOR UPDATE`);
    const runs = local(2);
    const later = update(-620, 'sau');
    const inbox = createInbox({ prisma: opened!.db.prisma, queues, logger, local: runs }, 'telegram');
    expect(await inbox.accept(later)).toBe('accepted');
    await runs.drain();
    await release();
    const laterRow = await row(later);
    expect(laterRow.processedAt).toBeNull();
    expect(laterRow.attempts).toBe(0);
    expect(reads.get('sau')).toBeUndefined();
    expect(await jobState(laterRow.id)).toBe('delayed');
  });

  it("an update another run's batch took and held for its chat's turn gets a job, due shortly (its own run found it taken)", async () => {
    reads = new Map();
    const [earlier, later, elsewhere] = await storedQuietly([update(-622, 'trước nữa'), update(-622, 'sau nữa'), update(-623, 'nhóm khác')]);
    // The chat's earlier update is in another batch (its row locked) while this run's batch takes the later one as an "other".
    const release = await holding((tx) => tx.$queryRaw`SELECT "id" FROM "InboundUpdate" WHERE "id" = ${earlier} FOR UPDATE`);
    const runs = local(1);
    expect(runs.take([elsewhere!])).toEqual([]);
    await runs.drain();
    await release();
    expect(await processed([elsewhere!])).toBe(1);
    expect(reads.get('sau nữa')).toBeUndefined();
    expect(await jobState(later!)).toBe('delayed');
    for (const id of [earlier!, later!]) await queues.updates.remove(queues.updateJobId(id));
  });

  it('a failure retrying can fix is recorded on the row and its job is due after a second; one that cannot is closed, with no job', async () => {
    reads = new Map();
    const busy = update(-630, '[bận] thử lại');
    const poison = update(-631, '[độc] hỏng hẳn');
    const ids = [await storedWithoutJob(busy), await storedWithoutJob(poison)];
    // One after the other, a batch of one each (a batch that fails gives back the others it took, and they get jobs).
    for (const id of ids) {
      const runs = local(1, { batchSize: 1 });
      expect(runs.take([id])).toEqual([]);
      await runs.drain();
    }
    const busyRow = await row(busy);
    expect(busyRow.processedAt).toBeNull();
    expect(busyRow.attempts).toBe(1);
    expect(busyRow.error).toMatch(/40001|serialize/);
    const job = (await queues.updates.getJob(queues.updateJobId(busyRow.id)))!;
    expect(await job.getState()).toBe('delayed');
    expect(job.opts.delay).toBe(1_000);
    const poisonRow = await row(poison);
    expect(poisonRow.processedAt).not.toBeNull();
    expect(poisonRow.error).toMatch(/^failed: TypeError/);
    expect(await jobState(poisonRow.id)).toBe('none');
    expect(await opened!.db.prisma.outboundMessage.count({ where: { chatExternalId: '-631', purpose: 'update-failed' } })).toBe(1);
  });

  it('a batch whose own update fails gives back the others it took: they get jobs, due shortly', async () => {
    reads = new Map();
    const busy = update(-635, '[bận] lần nữa');
    const plain = update(-636, 'đi cùng lô');
    const ids = [await storedWithoutJob(busy), await storedWithoutJob(plain)];
    const runs = local(1);
    expect(runs.take([ids[0]!])).toEqual([]);
    await runs.drain();
    // The batch took both, the first failed first: the second was rolled back with it, unhandled.
    expect(reads.get('đi cùng lô')).toBeUndefined();
    expect((await row(plain)).processedAt).toBeNull();
    const job = (await queues.updates.getJob(queues.updateJobId(ids[1]!)))!;
    expect(await job.getState()).toBe('delayed');
    for (const id of ids) await queues.updates.remove(queues.updateJobId(id));
  });

  it('with the database away, the updates go to the queue to be retried, and nothing is thrown', async () => {
    reads = new Map();
    const u = update(-640, 'cơ sở dữ liệu vắng');
    const id = await storedWithoutJob(u);
    const away = openDatabase({ databaseUrl: 'postgresql://postgres@127.0.0.1:9/nowhere?connect_timeout=2', dataDir: '' });
    try {
      const runs = local(1, { prisma: away.prisma });
      expect(runs.take([id])).toEqual([]);
      await runs.drain();
    } finally {
      await away.close().catch(() => undefined);
    }
    expect((await row(u)).processedAt).toBeNull();
    const job = (await queues.updates.getJob(queues.updateJobId(id)))!;
    expect(await job.getState()).toBe('delayed');
  });

  it('shutdown waits for the runs under way', async () => {
    reads = new Map();
    const u = update(-650, 'đang chạy khi tắt');
    const id = await storedWithoutJob(u);
    // The inbox table is locked by another transaction until released: the run's claim waits for it.
    const release = await holding((tx) => tx.$executeRaw`LOCK TABLE "InboundUpdate" IN EXCLUSIVE MODE`);
    const runs = local(1);
    expect(runs.take([id])).toEqual([]);
    let drained = false;
    const draining = runs.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(drained).toBe(false);
    await release();
    await draining;
    expect((await row(u)).processedAt).not.toBeNull();
    expect(reads.get('đang chạy khi tắt')).toBe(1);
  });
});
