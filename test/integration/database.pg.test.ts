import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { applyMigrations, pendingSchemaChange } from '../../src/db/migrations.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { createTicket } from '../../src/core/tickets.js';
import { databaseUrl, dropDatabase, withAdminClient } from '../support/pg.js';
import { testNow } from '../support/clock.js';

const emptyDb = `thaogo_empty_${process.env.THAOGO_TEST_RUN}`;

describe('migrations and seed on PostgreSQL', () => {
  afterAll(async () => {
    await withAdminClient((c) => dropDatabase(c, emptyDb));
  });

  it('the committed migrations produce exactly schema.prisma', async () => {
    // The engine replays the migrations on a throwaway shadow database; in-memory PGlite serves.
    const pglite = new PGlite();
    expect(await pendingSchemaChange(new PrismaPGlite(pglite))).toBe('');
    await pglite.close();
  });

  it('applies migrations once, then finds nothing to do; seeding twice changes nothing', async () => {
    await withAdminClient((c) => c.query(`CREATE DATABASE ${emptyDb}`));
    const db = openDatabase({ databaseUrl: databaseUrl(emptyDb), dataDir: tmpdir() });
    try {
      const first = await db.withMigrationAdapter((a) => applyMigrations(a));
      expect(first.length).toBeGreaterThan(0);
      expect(await db.withMigrationAdapter((a) => applyMigrations(a))).toEqual([]);
      const a = await seedReferenceData(db.prisma);
      const b = await seedReferenceData(db.prisma);
      expect(a).toEqual(b);
      expect(await db.prisma.commune.count()).toBe(104);
      expect(await db.prisma.commune.count({ where: { type: 'phuong' } })).toBe(11);
      expect(await db.prisma.department.count()).toBe(14);
      expect(await db.prisma.category.count()).toBe(14);
      expect((await db.prisma.category.findUniqueOrThrow({ where: { code: 'moi_truong' } })).departmentCode).toBe('SNNMT');
      expect((await db.prisma.category.findUniqueOrThrow({ where: { code: 'co_che_chinh_sach' } })).flagCentral).toBe(true);
      expect(await db.prisma.calendarDay.count()).toBe(a.calendarDays);
      expect(a.calendarDays).toBeGreaterThan(10);
    } finally {
      await db.close();
    }
  });
});

describe('embedded PostgreSQL (PGlite) when DATABASE_URL is unset', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'thaogo-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the same migrations, seed and ticket numbering', async () => {
    let db = openDatabase({ databaseUrl: undefined, dataDir: dir });
    expect(db.kind).toBe('embedded');
    await db.withMigrationAdapter((a) => applyMigrations(a));
    await seedReferenceData(db.prisma);
    const reporter = await db.prisma.person.create({ data: { platform: 'telegram', externalUserId: '1', displayName: 'An' } });
    const chat = await db.prisma.chat.create({ data: { platform: 'telegram', externalId: '-1', kind: 'group', role: 'commune', communeCode: '11953' } });
    const input = { prefix: 'HY', communeCode: '11953', reporterId: reporter.id, sourceChatId: chat.id, sourceMessageId: '1', platform: 'telegram' as const, attachments: [], actorLabel: 'An', now: testNow() };
    const t1 = await db.prisma.$transaction((tx) => createTicket(tx, { ...input, text: 'Thiếu biên chế' }));
    expect(t1.code).toBe('HY-0001');
    await db.close();
    // Data survives a restart of the embedded database.
    db = openDatabase({ databaseUrl: undefined, dataDir: dir });
    expect(await db.withMigrationAdapter((a) => applyMigrations(a))).toEqual([]);
    const t2 = await db.prisma.$transaction((tx) => createTicket(tx, { ...input, text: 'Rác thải' }));
    expect(t2.code).toBe('HY-0002');
    expect(await db.prisma.ticket.count()).toBe(2);
    await db.close();
  }, 120_000);
});
