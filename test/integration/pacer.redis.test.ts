import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatPacer } from '../../src/queues/pacer.js';
import { SendLine } from '../../src/queues/send-line.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { deleteRedisPrefix } from '../support/test-app.js';

describe('per-chat pacing in Redis', () => {
  const redis = new Redis(REDIS_TEST_URL);
  const prefix = `t${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    redis.disconnect();
  });

  it('keeps the interval between messages to one private chat', async () => {
    const pacer = new ChatPacer(redis, prefix, 1000, 1000, 20);
    const now = 1_000_000;
    const slots = [];
    for (let i = 0; i < 4; i++) slots.push(await pacer.reserve('telegram', '42', false, now));
    expect(slots).toEqual([now, now + 1000, now + 2000, now + 3000]);
  });

  it('lets a group burst but never more than its budget in any window', async () => {
    // 3 per window of 1 s here; production is 20 per minute with 1 s between messages.
    const pacer = new ChatPacer(redis, prefix, 0, 100, 3, 1000);
    const now = 2_000_000;
    const slots = [];
    for (let i = 0; i < 7; i++) slots.push((await pacer.reserve('telegram', '-100', true, now)) - now);
    expect(slots).toEqual([0, 100, 200, 1000, 1100, 1200, 2000]);
    for (let i = 3; i < slots.length; i++) expect(slots[i]! - slots[i - 3]!).toBeGreaterThanOrEqual(1000);
  });

  it('never pulls a chat\'s next slot in after a 429 pushed it out', async () => {
    const pacer = new ChatPacer(redis, prefix, 1000, 1000, 20);
    const now = Date.now();
    await pacer.pushBack('telegram', '7', now + 120_000);
    await pacer.pushBack('telegram', '7', now + 5_000);
    expect(await pacer.reserve('telegram', '7', false, now)).toBe(now + 120_000);
  });
});

describe('platform-wide pacing in Redis', () => {
  const redis = new Redis(REDIS_TEST_URL);
  const prefix = `t${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    redis.disconnect();
  });

  it('keeps every sliding second at or under the limit across chats, and never starves a chat behind another\'s wait', async () => {
    const pacer = new ChatPacer(redis, prefix, 1000, 1000, 20);
    const limits = { chatIntervalMs: 1000, groupPerMinute: 20, globalPerSecond: 30 };
    const now = 5_000_000;
    const slots: number[] = [];
    // 90 messages to 90 different chats at once: a sliding second never holds more than 30.
    for (let i = 0; i < 90; i++) slots.push(await pacer.reserve('telegram', String(1000 + i), false, limits, now));
    slots.sort((a, b) => a - b);
    // Any 28 consecutive slots span more than a second and its margin for late calls (150 ms): two
    // of the 30 stay free for cards and summaries (PRIORITY_SLOTS).
    for (let i = 28; i < slots.length; i++) expect(slots[i]! - slots[i - 28]!).toBeGreaterThanOrEqual(1150);
    // …and they go out as soon as that allows: 28 at once, then 28 more each 1.15 s.
    expect(slots.filter((s) => s === now)).toHaveLength(28);
    expect(slots.at(-1)! - now).toBe(3 * 1150);
    // A chat whose next slot is a second away does not hold the platform's slots in between.
    const later = now + 60_000;
    const first = await pacer.reserve('telegram', 'A', false, limits, later);
    const second = await pacer.reserve('telegram', 'A', false, limits, later);
    const other = await pacer.reserve('telegram', 'B', false, limits, later);
    expect([first - later, second - later]).toEqual([0, 1000]);
    expect(other - later).toBe(0);
  });

  it('holds the limit in every window even when slots are reserved ahead and out of order', async () => {
    const pacer = new ChatPacer(redis, prefix, 1000, 1000, 20);
    const limits = { chatIntervalMs: 1000, groupPerMinute: 20, globalPerSecond: 30 };
    const start = 9_000_000;
    const slots: number[] = [];
    // 40 chats each get four messages in a row (so three of each are reserved seconds ahead), from
    // "now"s that move on unevenly; a few chats are groups with their own minute budget.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 4; round++) {
      for (let c = 0; c < 40; c++) {
        const now = start + round * 300 + Math.floor(rand() * 200);
        slots.push(await pacer.reserve('zalo', `c${c}`, c % 5 === 0, limits, now));
      }
    }
    slots.sort((a, b) => a - b);
    for (let i = 30; i < slots.length; i++) expect(slots[i]! - slots[i - 30]!).toBeGreaterThanOrEqual(1150);
  });

  it('does not put a slot just before a full window reserved ahead of it', async () => {
    const pacer = new ChatPacer(redis, prefix, 1000, 1000, 20);
    const limits = { chatIntervalMs: 1000, groupPerMinute: 20, globalPerSecond: 30 };
    const now = 12_000_000;
    // 28 chats told by a 429 to wait until now + 500 take the 28 ordinary places of that moment.
    for (let c = 0; c < 28; c++) {
      await pacer.pushBack('telegram', `w${c}`, now + 500);
      expect(await pacer.reserve('telegram', `w${c}`, false, limits, now)).toBe(now + 500);
    }
    // A message for another chat, now, would make 29 within a second of them.
    expect(await pacer.reserve('telegram', 'fresh', false, limits, now)).toBe(now + 500 + 1150);
  });

  it("a message's first look reserves its slot by the same rules, only when it is its turn, and survives a flushed script cache", async () => {
    const pacer = new ChatPacer(redis, prefix, 1000, 1000, 20);
    const line = new SendLine(redis, prefix, 1);
    const limits = { chatIntervalMs: 1000, groupPerMinute: 20, globalPerSecond: 30 };
    const now = Date.now();
    await line.join([{ id: 1n, platform: 'telegram', chat: '-55' }, { id: 2n, platform: 'telegram', chat: '-55' }]);
    // The second in line: its place, no slot taken.
    const second = await line.begin('telegram', '-55', 2n, pacer.reservation('telegram', '-55', true, limits, now));
    expect(second).toEqual({ sentAs: null, position: 1, head: '1', nextSlot: 0, behind: 0 });
    // The head: its turn, and its slot in the same step (and how many wait behind it).
    await redis.script('FLUSH');
    const first = await line.begin('telegram', '-55', 1n, pacer.reservation('telegram', '-55', true, limits, now));
    expect(first).toEqual({ sentAs: null, position: 0, head: '1', nextSlot: 0, behind: 1, slot: now });
    // The second now learns the chat's next free slot (it cannot go before; the head wakes it then).
    expect(await line.place('telegram', '-55', 2n, pacer.key('telegram', '-55'))).toEqual({ position: 1, head: '1', nextSlot: now + 1000 });
    // The chat's next slot was taken by it: a plain reservation now waits the interval.
    expect(await pacer.reserve('telegram', '-55', true, limits, now)).toBe(now + 1000);
    // Delivered already: no slot, whatever the line says.
    await line.finish({ platform: 'telegram', chat: '-55', id: 1n, messageId: '900', pace: null, card: null, leave: true });
    expect(await line.begin('telegram', '-55', 1n, pacer.reservation('telegram', '-55', true, limits, now))).toEqual({ sentAs: '900', position: 0, head: null, nextSlot: 0, behind: 0 });
    expect(await pacer.reserve('telegram', '-55', true, limits, now)).toBe(now + 2000);
  });

  it('keeps two slots of every platform-wide window for cards and summaries, however many replies are reserved ahead', async () => {
    const pacer = new ChatPacer(redis, `${prefix}:prio`, 1000, 1000, 20);
    const limits = { chatIntervalMs: 1000, groupPerMinute: 20, globalPerSecond: 30 };
    const now = 5_000_000;
    // Replies to 100 chats: 28 per window, each window full before the next begins.
    const replies = [];
    for (let i = 0; i < 100; i++) replies.push((await pacer.reserve('telegram', `-7${i}`, true, limits, now)) - now);
    expect(replies.filter((s) => s === 0)).toHaveLength(28);
    expect(replies[28]).toBe(1150);
    // A card to the support group goes now, and so does a second; a third waits for the next window.
    const cards = [];
    for (let i = 0; i < 3; i++) cards.push((await pacer.reserve('telegram', `-9${i}`, true, limits, now, true)) - now);
    expect(cards).toEqual([0, 0, 1150]);
    // Every window still holds at most 30.
    const all = [...replies, ...cards].sort((a, b) => a - b);
    for (let i = 30; i < all.length; i++) expect(all[i]! - all[i - 30]!).toBeGreaterThanOrEqual(1150);
  });

  it('the message leaving the head reserves the next one its slot, which its first look takes instead of reserving again; a priority message reserves its own', async () => {
    const pacer = new ChatPacer(redis, `${prefix}:ahead`, 1000, 1000, 20);
    const line = new SendLine(redis, `${prefix}:ahead`, 1);
    const limits = { chatIntervalMs: 1000, groupPerMinute: 20, globalPerSecond: 30 };
    const now = Date.now();
    await line.join([
      { id: 11n, platform: 'telegram', chat: '-66' },
      { id: 12n, platform: 'telegram', chat: '-66' },
      { id: 13n, platform: 'telegram', chat: '-66', priority: true },
      { id: 14n, platform: 'telegram', chat: '-66' },
    ]);
    const first = await line.begin('telegram', '-66', 11n, pacer.reservation('telegram', '-66', true, limits, now));
    expect(first.slot).toBe(now);
    // Accepted at now + 40: the next one's slot is the interval after the answer, reserved in the same step.
    const leaving = await line.finish({ platform: 'telegram', chat: '-66', id: 11n, messageId: '1', pace: { key: pacer.key('telegram', '-66'), until: now + 1040 }, card: null, leave: true, reserveNext: pacer.reservation('telegram', '-66', true, limits, now + 40) });
    expect(leaving).toEqual({ head: '12', slot: now + 1040 });
    // Its first look takes that slot; the chat's next free slot is already after it.
    const second = await line.begin('telegram', '-66', 12n, pacer.reservation('telegram', '-66', true, limits, now + 1100));
    expect(second).toMatchObject({ sentAs: null, position: 0, slot: now + 1040 });
    expect(await pacer.reserve('telegram', '-66', true, limits, now + 1100)).toBe(now + 2040);
    // A card next in line gets no ordinary slot ahead: it reserves its own, with priority, when it runs.
    const toCard = await line.finish({ platform: 'telegram', chat: '-66', id: 12n, messageId: '2', pace: null, card: null, leave: true, reserveNext: pacer.reservation('telegram', '-66', true, limits, now + 1100) });
    expect(toCard).toEqual({ head: '13', slot: null });
    // Leaving without sending (failed, parked) drops what it held: the next one reserves afresh.
    const afterCard = await line.finish({ platform: 'telegram', chat: '-66', id: 13n, messageId: '3', pace: null, card: null, leave: true, reserveNext: pacer.reservation('telegram', '-66', true, limits, now + 1200) });
    expect(afterCard.head).toBe('14');
    expect(afterCard.slot).toBeGreaterThan(now + 2040);
    await line.leave('telegram', '-66', 14n, async () => undefined);
    expect(await redis.hlen(`${prefix}:ahead:slots:1:telegram:-66`)).toBe(0);
    expect(await redis.scard(`${prefix}:ahead:prio:1:telegram:-66`)).toBe(0);
    // Announcements folded into a summary are settled: marked sent, out of the line, no marks left behind.
    await line.join([21n, 22n, 23n].map((id) => ({ id, platform: 'telegram', chat: '-67', priority: id !== 22n })));
    await line.settle('telegram', '-67', [21n, 23n]);
    expect(await redis.lrange(`${prefix}:ahead:line:1:telegram:-67`, 0, -1)).toEqual(['22']);
    expect([await line.sentAs(21n), await line.sentAs(22n), await line.sentAs(23n)]).toEqual(['', null, '']);
    expect(await redis.scard(`${prefix}:ahead:prio:1:telegram:-67`)).toBe(0);
    // Joined again by id (the sweep), a message keeps its place instead of joining twice.
    expect(await line.join([{ id: 22n, platform: 'telegram', chat: '-67' }, { id: 24n, platform: 'telegram', chat: '-67' }], true)).toEqual([0, 1]);
    expect(await redis.lrange(`${prefix}:ahead:line:1:telegram:-67`, 0, -1)).toEqual(['22', '24']);
  });
});
