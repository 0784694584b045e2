import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { lookUp } from '../../src/core/identity.js';
import { openTestDatabase, type OpenedTestDatabase } from '../support/test-db.js';

// An event's chat, sender and the support chats are read in one statement (as JSON): they must come
// back exactly as Prisma reads the same rows — dates as dates, in UTC, nulls as nulls.
describe('identity lookUp on PostgreSQL', () => {
  let opened: OpenedTestDatabase | undefined;
  let db: Database;
  beforeAll(async () => {
    opened = await openTestDatabase();
    db = opened.db;
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('reads the chat, the sender and every active support chat as Prisma would', async () => {
    const p = db.prisma;
    const linkedAt = new Date('2026-03-01T23:59:59.123Z');
    const commune = await p.chat.create({ data: { platform: 'zalo', externalId: 'g-1', kind: 'group', title: 'UBND xã', role: 'commune', communeCode: '12004', linkedAt } });
    const person = await p.person.create({ data: { platform: 'telegram', externalUserId: '501', displayName: 'Nguyễn Văn An', username: null } });
    const s1 = await p.chat.create({ data: { platform: 'telegram', externalId: '-9', kind: 'group', title: 'Tổ công tác', role: 'support', createdAt: new Date('2026-01-02T00:00:00Z') } });
    const s2 = await p.chat.create({ data: { platform: 'zalo', externalId: 'g-2', kind: 'group', title: 'Tổ công tác 2', role: 'support', createdAt: new Date('2026-01-01T00:00:00Z') } });
    await p.chat.create({ data: { platform: 'telegram', externalId: '-10', kind: 'group', role: 'support', active: false } });

    const known = await p.$transaction((tx) => lookUp(tx, { platform: 'zalo', externalId: 'g-1', kind: 'group', title: 'UBND xã' }, { platform: 'telegram', externalUserId: '501', displayName: 'x', username: null }));
    expect(known.chat).toEqual(commune);
    expect(known.chat!.linkedAt).toEqual(linkedAt);
    expect(known.person).toEqual(person);
    expect(known.supportChats).toEqual([s2, s1]);

    const none = await p.$transaction((tx) => lookUp(tx, { platform: 'telegram', externalId: 'nope', kind: 'private', title: null }, { platform: 'zalo', externalUserId: 'nope', displayName: 'x', username: null }));
    expect(none).toEqual({ chat: null, person: null, supportChats: [s2, s1] });
  });
});
