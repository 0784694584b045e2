import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { createInbox, storeOrMark, type Inbox } from '../../src/ingress/inbox.js';
import { checkTelegramUpdate } from '../../src/platforms/telegram/update.js';
import { createLogger } from '../../src/logger.js';
import type { PlatformPlugin } from '../../src/platforms/plugin.js';
import { Queues } from '../../src/queues/queues.js';
import { createUpdatesProcessor } from '../../src/workers/updates.worker.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { updatesDepsReading } from '../support/updates-deps.js';
import { deleteRedisPrefix } from '../support/test-app.js';

// The inbox's one-statement insert and the updates worker's failure path use raw SQL: the same code
// must run on the embedded database (PGlite) that serves when DATABASE_URL is unset.

describe('the inbox and the updates worker on embedded PostgreSQL (PGlite) + Redis', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'thaogo-inbox-'));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const logger = createLogger('silent');
  let db: Database;
  let redis: Redis;
  let queues: Queues;
  let inbox: Inbox;

  const update = (updateId: number, text: unknown, chatId = -42) => ({
    update_id: updateId,
    message: { message_id: updateId, date: 0, chat: { id: chatId, type: 'group', title: 'Xã B' }, from: { id: 7, is_bot: false, first_name: 'An' }, text },
  });
  /** The updates worker's processor, over a Telegram plug-in that reads updates with `toInbound`. */
  const processorReading = (toInbound: PlatformPlugin['toInbound']) => createUpdatesProcessor(updatesDepsReading(toInbound, { prisma: db.prisma, logger, queues }));
  const checked = (raw: unknown) => {
    const v = checkTelegramUpdate(raw);
    if (!v.ok) throw new Error(v.reason);
    return v;
  };

  beforeAll(async () => {
    db = openDatabase({ databaseUrl: undefined, dataDir: dir });
    await db.withMigrationAdapter((a) => applyMigrations(a));
    redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
    queues = new Queues(redis, prefix, logger);
    inbox = createInbox({ prisma: db.prisma, queues, logger }, 'telegram');
  }, 120_000);
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await deleteRedisPrefix(prefix);
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores once, answers a duplicate with one statement, and keeps the chat key', async () => {
    const first = checked(update(1, '/baocao a\u0000b'));
    expect(await inbox.accept(first)).toBe('accepted');
    expect(await inbox.accept(first)).toBe('duplicate');
    const rows = await db.prisma.inboundUpdate.findMany({ where: { updateId: '1' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.chatKey).toBe('-42');
    expect((rows[0]!.payload as { message: { text: string } }).message.text).toBe('/baocao ab');
    expect(await queues.updates.getJob(queues.updateJobId(rows[0]!.id))).toBeDefined();
  });

  it('records an update that can never be stored as processed, with the reason', async () => {
    await inbox.markUnstorable('2', 'nested too deeply');
    await inbox.markUnstorable('2', 'nested too deeply');
    const marker = await db.prisma.inboundUpdate.findFirstOrThrow({ where: { updateId: '2' } });
    expect(marker.processedAt).not.toBeNull();
    expect(marker.error).toBe('could not store: nested too deeply');
    // A stored update answers as a duplicate, not as unstorable.
    expect(await storeOrMark(inbox, checked(update(2, 'x')))).toBe('duplicate');
  });

  it('closes an update whose handler fails for good and queues the apology', async () => {
    // Another chat: update 1 of chat -42 is still open, and ordering would hold this one behind it.
    const u = checked(update(3, '/baocao c', -43));
    await inbox.accept(u);
    const row = await db.prisma.inboundUpdate.findFirstOrThrow({ where: { updateId: '3' } });
    // A plug-in whose reading of the update breaks the same way every time.
    const process = processorReading(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    const job = (await queues.updates.getJob(queues.updateJobId(row.id)))!;
    expect(await process(job)).toBe('failed');
    const closed = await db.prisma.inboundUpdate.findUniqueOrThrow({ where: { id: row.id } });
    expect(closed.processedAt).not.toBeNull();
    expect(closed.error).toMatch(/^failed: TypeError/);
    const apology = await db.prisma.outboundMessage.findFirstOrThrow({ where: { chatExternalId: '-43', purpose: 'update-failed' } });
    expect(JSON.stringify(apology.payload)).toContain('Xin lỗi, không xử lý được yêu cầu này');
    // Running the job again changes nothing (the batch may have closed other open updates too).
    const apologies = await db.prisma.outboundMessage.count({ where: { purpose: 'update-failed' } });
    expect(await process(job)).toBe('duplicate');
    expect(await db.prisma.outboundMessage.count({ where: { purpose: 'update-failed' } })).toBe(apologies);
    expect(await db.prisma.outboundMessage.count({ where: { purpose: 'update-failed', chatExternalId: '-43' } })).toBe(1);
  });

  it('a batch without savepoints: an update that fails is set aside and the batch runs again without it', async () => {
    // Five updates of five chats wait; the job of the last one takes them all in one batch. Two break
    // its handling: one for good, one in a way retrying can fix.
    const texts: Record<number, string> = { 11: 'một', 12: '[độc]', 13: 'ba', 14: '[bận]', 15: 'năm' };
    for (const [id, text] of Object.entries(texts)) await inbox.accept(checked(update(Number(id), text, -100 - Number(id))));
    const rows = await db.prisma.inboundUpdate.findMany({ where: { updateId: { in: Object.keys(texts) } }, orderBy: { id: 'asc' } });
    const busy = Object.assign(new Error('could not serialize access'), { code: '40001' });
    const process = processorReading((payload) => {
      const text = (payload as { message: { text: string } }).message.text;
      if (text === '[độc]') throw new TypeError('poison');
      if (text === '[bận]') throw busy;
      return null;
    });
    const own = rows[rows.length - 1]!;
    expect(await process((await queues.updates.getJob(queues.updateJobId(own.id)))!)).toBe('processed');
    const after = new Map((await db.prisma.inboundUpdate.findMany({ where: { id: { in: rows.map((r) => r.id) } } })).map((r) => [r.updateId, r]));
    // Handled in the batch, once each.
    for (const id of ['11', '13', '15']) expect({ id, processed: after.get(id)!.processedAt !== null, attempts: after.get(id)!.attempts, error: after.get(id)!.error }).toEqual({ id, processed: true, attempts: 1, error: null });
    // Fails for good: closed with its error, its sender told.
    expect(after.get('12')!.processedAt).not.toBeNull();
    expect(after.get('12')!.error).toMatch(/^failed: TypeError/);
    expect(await db.prisma.outboundMessage.count({ where: { chatExternalId: '-112', purpose: 'update-failed' } })).toBe(1);
    // Retryable: left to its own job, marked so batches leave it alone meanwhile.
    expect(after.get('14')!.processedAt).toBeNull();
    expect(after.get('14')!.attempts).toBe(1);
    expect(after.get('14')!.error).toMatch(/40001|Error/);
  });
});
