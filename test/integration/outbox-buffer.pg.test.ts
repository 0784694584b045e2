import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { OutboxBuffer, OutboxWriter, PLAIN_CAPABILITIES, PLAIN_DIRECTORY } from '../../src/core/outbox-writer.js';
import type { ChannelDirectory } from '../../src/core/port.js';
import { openTestDatabase, type OpenedTestDatabase } from '../support/test-db.js';

// A batch of updates writes its messages together, in the statement that marks the updates
// processed (core/outbox-writer.ts OutboxBuffer): the rows must be what one INSERT per message
// would have written, in the same order, and nothing may be lost between writing and reading them.
describe('outbox messages of a batch written in one statement', () => {
  let opened: OpenedTestDatabase | undefined;
  let db: Database;
  beforeAll(async () => {
    opened = await openTestDatabase();
    db = opened.db;
  });
  afterAll(async () => {
    await opened?.close();
  });

  /** A channel with everything: markup, buttons, edits, replies. */
  const RICH: ChannelDirectory = {
    capabilities: () => ({ ...PLAIN_CAPABILITIES, format: 'html', maxTextLength: 4096, buttons: true, edits: true, forceReply: true, documents: true, uploads: true, replies: true }),
  };
  const chatA = { platform: 'telegram' as const, externalId: '-100' };
  const chatB = { platform: 'zalo' as const, externalId: 'g-7' };

  it('writes the messages of several writers in the order they were sent, and marks the updates processed in the same statement', async () => {
    const p = db.prisma;
    const inbound = await p.inboundUpdate.create({ data: { platform: 'telegram', updateId: 'buf-1', payload: {}, chatKey: '-100' } });
    const now = new Date('2026-03-02T02:00:00Z');
    const { rowsA, rowsB } = await p.$transaction(async (tx) => {
      const buffer = new OutboxBuffer(tx);
      const a = new OutboxWriter(tx, RICH, now, undefined, buffer);
      const b = new OutboxWriter(tx, PLAIN_DIRECTORY, now, undefined, buffer);
      await a.send(chatA, { html: 'Đã tiếp nhận <b>HY-0001</b>', replyToMessageId: '55' }, { purpose: 'report-receipt' });
      await b.send(chatB, { html: 'Kiến nghị <b>mới</b>' }, { purpose: 'support-notice' });
      await a.answerAction(chatA, 'cb-1', 'Đã nhận', false);
      // Nothing is written yet: asking for the rows now would lose them.
      expect(() => a.rows).toThrow(/before flush/);
      expect(await tx.outboundMessage.count()).toBe(0);
      await buffer.flush({ ids: [inbound.id], at: now });
      return { rowsA: a.rows, rowsB: b.rows };
    });
    expect(rowsA.map((r) => r.op)).toEqual(['send', 'answer_action']);
    expect(rowsB.map((r) => r.op)).toEqual(['send']);
    const stored = await p.outboundMessage.findMany({ orderBy: { id: 'asc' } });
    // Ids in the order the messages were sent, whichever writer sent them.
    expect(stored.map((r) => r.id)).toEqual([rowsA[0]!.id, rowsB[0]!.id, rowsA[1]!.id]);
    expect(stored.map((r) => [r.platform, r.chatExternalId, r.method, r.purpose, r.status])).toEqual([
      ['telegram', '-100', 'send', 'report-receipt', 'pending'],
      ['zalo', 'g-7', 'send', 'support-notice', 'pending'],
      ['telegram', '-100', 'answer_action', 'answer_action', 'pending'],
    ]);
    expect(stored[0]!.payload).toEqual({ op: 'send', content: { text: 'Đã tiếp nhận <b>HY-0001</b>', replyToMessageId: '55' } });
    expect(stored[1]!.payload).toEqual({ op: 'send', content: { text: 'Kiến nghị mới' } });
    expect(rowsA[0]!.payload).toEqual(stored[0]!.payload);
    const marked = await p.inboundUpdate.findUniqueOrThrow({ where: { id: inbound.id } });
    expect(marked.processedAt).toEqual(now);
    expect(marked.attempts).toBe(1);
  });

  it('writes what was kept before a read of the outbox in the same transaction, and a file after the messages sent before it', async () => {
    const p = db.prisma;
    await p.outboundMessage.deleteMany();
    const now = new Date('2026-03-02T03:00:00Z');
    const ids = await p.$transaction(async (tx) => {
      const buffer = new OutboxBuffer(tx);
      const out = new OutboxWriter(tx, RICH, now, undefined, buffer);
      await out.send(chatA, { html: 'một' });
      await out.sendFile(chatA, { kind: 'document', fileName: 'a.xlsx', mimeType: 'application/octet-stream', data: new Uint8Array([1, 2, 3]), caption: 'tệp' });
      await out.send(chatA, { html: 'hai' });
      await out.flush();
      expect(await tx.outboundMessage.count()).toBe(3);
      return out.rows.map((r) => [r.op, r.id] as const);
    });
    expect(ids.map(([op]) => op)).toEqual(['send', 'send_file', 'send']);
    const stored = await p.outboundMessage.findMany({ orderBy: { id: 'asc' }, select: { id: true, method: true } });
    expect(stored.map((r) => r.method)).toEqual(['send', 'send_file', 'send']);
    expect(stored.map((r) => r.id)).toEqual(ids.map(([, id]) => id));
  });

  it('marks updates that sent nothing processed, writing no message', async () => {
    const p = db.prisma;
    await p.outboundMessage.deleteMany();
    const inbound = await p.inboundUpdate.create({ data: { platform: 'telegram', updateId: 'buf-quiet', payload: {}, chatKey: '-100' } });
    const now = new Date('2026-03-02T03:30:00Z');
    await p.$transaction((tx) => new OutboxBuffer(tx).flush({ ids: [inbound.id], at: now }));
    expect(await p.outboundMessage.count()).toBe(0);
    expect((await p.inboundUpdate.findUniqueOrThrow({ where: { id: inbound.id } })).processedAt).toEqual(now);
  });

  it('a message the database refuses fails the flush, and the transaction writes nothing', async () => {
    const p = db.prisma;
    await p.outboundMessage.deleteMany();
    const now = new Date('2026-03-02T04:00:00Z');
    await expect(
      p.$transaction(async (tx) => {
        const buffer = new OutboxBuffer(tx);
        const out = new OutboxWriter(tx, RICH, now, undefined, buffer);
        await out.send(chatA, { html: 'được' });
        // A platform the database does not know: the enum refuses it.
        await out.send({ platform: 'viber' as never, externalId: 'x' }, { html: 'không được' });
        await buffer.flush();
      }),
    ).rejects.toThrow();
    expect(await p.outboundMessage.count()).toBe(0);
  });
});
