import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTicketSnapshots } from '../../src/core/snapshots.js';
import type { Database } from '../../src/db/client.js';
import { closureKpi, timesReopened } from '../../src/domain/kpi.js';
import { SATISFACTIONS } from '../../src/domain/satisfaction.js';
import { openTestDatabase, type OpenedTestDatabase } from '../support/test-db.js';

const COUNT = 2_345;
const T0 = Date.UTC(2026, 9, 1, 1, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
// Of the answered tickets (every third): a quarter confirmed with each answer in turn, a quarter
// closed by themselves, the rest still waiting; every ninth ticket was reopened once on the way.
const confirmedAt = (i: number) => i % 12 === 0;
const autoClosed = (i: number) => i % 12 === 3;
const reopened = (i: number) => i % 9 === 0;
const satisfactionOf = (i: number) => SATISFACTIONS[(i / 12) % 3]!;

describe('loadTicketSnapshots on PostgreSQL', () => {
  let opened: OpenedTestDatabase | undefined;
  let db: Database;

  beforeAll(async () => {
    opened = await openTestDatabase();
    db = opened.db;
    const person = await db.prisma.person.create({ data: { platform: 'telegram', externalUserId: '42', displayName: 'Phạm Văn Đầu Mối' } });
    await db.prisma.ticket.createMany({
      data: Array.from({ length: COUNT }, (_, i) => ({
        code: `HY-${String(i + 1).padStart(4, '0')}`,
        communeCode: i % 2 === 0 ? '11953' : '11992',
        text: `Kiến nghị số ${i + 1}`,
        createdAt: at(i),
        ...(i % 3 === 0
          ? { status: 'answered' as const, categoryCode: 'nhan_su', departmentCode: 'SNV', firstAnsweredAt: at(i + 50), answeredAt: at(i + 50) }
          : {}),
        ...(confirmedAt(i) ? { status: 'resolved' as const, resolvedAt: at(i + 70), confirmedAt: at(i + 70), satisfaction: satisfactionOf(i) } : {}),
        ...(autoClosed(i) ? { status: 'resolved' as const, resolvedAt: at(i + 70), autoClosedAt: at(i + 70), reopenableUntil: at(i + 5000) } : {}),
      })),
    });
    const tickets = await db.prisma.ticket.findMany({ select: { id: true, code: true }, orderBy: { id: 'asc' } });
    // Merge the last ticket into the first, as support does with a duplicate report.
    await db.prisma.ticket.update({ where: { id: tickets.at(-1)!.id }, data: { parentId: tickets[0]!.id } });
    // Events are inserted newest first so the loader, not the insertion order, must sort them.
    const events = tickets.flatMap((t, i) => [
      ...(i % 3 === 0
        ? [
            { ticketId: t.id, kind: 'answer_supplemented', text: `Bổ sung ${t.code}`, createdAt: at(i + 60), actorLabel: null, actorId: person.id },
            { ticketId: t.id, kind: 'answered', text: `Trả lời ${t.code}`, createdAt: at(i + 50), actorLabel: 'Sở Nội vụ', fromStatus: 'assigned' as const, toStatus: 'answered' as const },
          ]
        : []),
      ...(reopened(i)
        ? [{ ticketId: t.id, kind: 'reopened', text: 'Chưa đồng ý', createdAt: at(i + 55), actorLabel: 'Cán bộ xã', fromStatus: 'answered' as const, toStatus: 'reopened' as const }]
        : []),
      { ticketId: t.id, kind: 'created', text: `Kiến nghị số ${i + 1}`, createdAt: at(i), actorLabel: 'Cán bộ xã', toStatus: 'new' as const },
    ]);
    await db.prisma.ticketEvent.createMany({ data: events });
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('reads thousands of tickets across pages, each with its own timeline in time order', async () => {
    const snapshots = await loadTicketSnapshots(db.prisma);
    expect(snapshots).toHaveLength(COUNT);
    expect(new Set(snapshots.map((s) => s.id)).size).toBe(COUNT);
    expect(snapshots.map((s) => s.id)).toEqual([...snapshots.map((s) => s.id)].sort((a, b) => a - b));
    for (const [i, s] of snapshots.entries()) {
      expect(s.code).toBe(`HY-${String(i + 1).padStart(4, '0')}`);
      expect(s.events[0]).toMatchObject({ kind: 'created', text: `Kiến nghị số ${i + 1}`, actor: 'Cán bộ xã', fromStatus: null, toStatus: 'new' });
      if (i % 3 === 0) {
        expect(s.events.map((e) => e.kind)).toEqual(
          reopened(i) ? ['created', 'answered', 'reopened', 'answer_supplemented'] : ['created', 'answered', 'answer_supplemented'],
        );
        expect(timesReopened(s)).toBe(reopened(i) ? 1 : 0);
        expect(s).toMatchObject({
          status: confirmedAt(i) || autoClosed(i) ? 'resolved' : 'answered',
          confirmedAt: confirmedAt(i) ? at(i + 70) : null,
          satisfaction: confirmedAt(i) ? satisfactionOf(i) : null,
          autoClosedAt: autoClosed(i) ? at(i + 70) : null,
        });
        // The latest answer, a supplement included, is the answer on record.
        expect(s.answerText).toBe(`Bổ sung ${s.code}`);
        // Without a recorded label the actor's display name stands in.
        expect(s.events.at(-1)!.actor).toBe('Phạm Văn Đầu Mối');
        expect(s).toMatchObject({ categoryLabel: 'Biên chế, nhân sự, chế độ cán bộ, đào tạo, quá tải', departmentName: 'Sở Nội vụ' });
      } else {
        expect(s.events).toHaveLength(1);
        expect(s.answerText).toBeNull();
        expect(s).toMatchObject({ status: 'new', categoryCode: null, categoryLabel: null, departmentCode: null, departmentName: null });
        expect(s).toMatchObject({ confirmedAt: null, satisfaction: null, autoClosedAt: null });
      }
    }
    expect(snapshots[0]!.communeName).toBe('Phường Phố Hiến');
    expect(snapshots[1]!.communeName).toBe('Xã Lạc Đạo');
    expect(snapshots.at(-1)!.parentCode).toBe('HY-0001');
    expect(snapshots[0]!.parentCode).toBeNull();
  });

  it('gives the closure figures what the database holds', async () => {
    const indexes = Array.from({ length: COUNT }, (_, i) => i);
    const answered = indexes.filter((i) => i % 3 === 0);
    const k = closureKpi(await loadTicketSnapshots(db.prisma));
    expect(k).toMatchObject({
      answered: answered.length,
      confirmed: answered.filter(confirmedAt).length,
      rated: answered.filter(confirmedAt).length,
      reopened: answered.filter(reopened).length,
      resolved: answered.filter((i) => confirmedAt(i) || autoClosed(i)).length,
      autoClosed: answered.filter(autoClosed).length,
    });
    for (const s of SATISFACTIONS) expect(k.satisfaction[s]).toBe(answered.filter((i) => confirmedAt(i) && satisfactionOf(i) === s).length);
    expect(k.satisfaction.hai_long).toBeGreaterThan(0);
    expect(k.satisfaction.chua_hai_long).toBeGreaterThan(0);
  });

  it('gives English category labels for English chats', async () => {
    const [first] = await loadTicketSnapshots(db.prisma, { locale: 'en' });
    expect(first!.categoryLabel).toBe('Staffing, personnel, training, overload');
  });
});
