import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createInbox, storeOrMark, type CheckedUpdate, type Inbox } from '../../src/ingress/inbox.js';
import { createLogger } from '../../src/logger.js';
import { Queues } from '../../src/queues/queues.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { deleteRedisPrefix } from '../support/test-app.js';
import { openTestDatabase, type OpenedTestDatabase } from '../support/test-db.js';

// Updates that arrive together are stored together (one statement, one round trip to Redis): each
// still stored exactly once, in the order it arrived, with its job, and one the database refuses
// takes no other update down with it.

describe('the inbox under a burst (PostgreSQL + Redis)', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let opened: OpenedTestDatabase | undefined;
  let db: Database;
  let redis: Redis;
  let queues: Queues;
  let inbox: Inbox;

  const update = (id: number, chat: string, text = `/baocao phản ánh số ${id}`): CheckedUpdate => ({
    updateId: String(id),
    chatKey: chat,
    payload: { update_id: id, message: { message_id: id, date: 0, chat: { id: Number(chat), type: 'group' }, from: { id: 7, is_bot: false, first_name: 'An' }, text } },
  });

  beforeAll(async () => {
    opened = await openTestDatabase();
    db = opened.db;
    redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
    queues = new Queues(redis, prefix, createLogger('silent'));
    inbox = createInbox({ prisma: db.prisma, queues, logger: createLogger('silent') }, 'telegram');
  });
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await deleteRedisPrefix(prefix);
    await opened?.close();
  });

  it('stores each of a burst once, in arrival order per chat, each with its job; a copy in the same burst is a duplicate', async () => {
    const burst = Array.from({ length: 120 }, (_, i) => update(1000 + i, i % 2 ? '-501' : '-502'));
    // A resend of the 11th arrives while the burst is still being stored.
    const sent = [...burst.slice(0, 40), burst[10]!, ...burst.slice(40)];
    const results = await Promise.all(sent.map((u) => inbox.accept(u)));
    expect(results.filter((r) => r === 'accepted')).toHaveLength(120);
    expect(results[40]).toBe('duplicate');

    const rows = await db.prisma.inboundUpdate.findMany({ where: { updateId: { in: burst.map((u) => u.updateId) } }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(120);
    for (const chat of ['-501', '-502']) {
      const order = rows.filter((r) => r.chatKey === chat).map((r) => Number(r.updateId));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(rows[0]!.payload).toEqual(burst[0]!.payload);
    const states = await queues.jobStates(queues.updates, rows.map((r) => queues.updateJobId(r.id)));
    expect(states.every((s) => s === 'live')).toBe(true);
    // Sent again later: one statement each, nothing new.
    expect(await inbox.accept(burst[5]!)).toBe('duplicate');
    expect(await db.prisma.inboundUpdate.count({ where: { updateId: { in: burst.map((u) => u.updateId) } } })).toBe(120);
  });

  it('one update the database refuses is refused alone: the rest of its batch is stored', async () => {
    // A NUL character cannot be stored in a jsonb value: the statement holding it fails.
    const bad = update(2050, '-503', 'phản ánh \u0000 hỏng');
    const burst = [...Array.from({ length: 30 }, (_, i) => update(2000 + i, '-503')), bad, ...Array.from({ length: 30 }, (_, i) => update(2100 + i, '-503'))];
    const results = await Promise.all(burst.map((u) => storeOrMark(inbox, u)));
    expect(results.filter((r) => r === 'accepted')).toHaveLength(60);
    expect(results[30]).toBe('unstorable');
    const marker = await db.prisma.inboundUpdate.findFirstOrThrow({ where: { updateId: '2050' } });
    expect(marker.processedAt).not.toBeNull();
    expect(marker.error).toMatch(/could not store/);
    expect(await db.prisma.inboundUpdate.count({ where: { chatKey: '-503' } })).toBe(60);
  });
});
