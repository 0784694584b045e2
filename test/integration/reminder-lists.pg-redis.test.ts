import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReminderRound } from '../../src/core/reminders.js';
import { parseSettings, type Settings } from '../../src/settings.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// A reminder counts for a ticket only when the message names it: a department (or a support team)
// with more waiting tickets than fit one message still gets every one of them named, and only those
// named are recorded as reminded.

const SETTINGS = {
  workingDays: [1, 2, 3, 4, 5, 6, 7],
  workingHours: [['00:00', '24:00']],
  replaceShippedHolidays: true,
  holidays: [],
  makeupWorkingDays: [],
  deadlines: { khan: '1d', thuong: '1d', phuc_tap: '1d' },
  reminders: { unclaimedAfter: '2m', firstAfter: { khan: '5m', thuong: '5m', phuc_tap: '5m' }, repeatEvery: '1d' },
};
const MIN = 60_000;
const MANY = 120;

describe('reminder lists longer than one message (PostgreSQL, Redis, emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let settings: Settings;
  let dir = '';
  const chat = { support: 0, dept: 0 };
  const T0 = new Date('2026-11-25T01:00:00Z');

  /** Tickets written straight into the database: many at once, with known times. */
  async function insertTickets(n: number, kind: 'assigned' | 'new', prefix: number): Promise<string[]> {
    const codes = Array.from({ length: n }, (_, i) => `HY-${prefix + i}`);
    const due = new Date(T0.getTime() + 24 * 60 * MIN);
    for (const code of codes) {
      await h.app.db.prisma.ticket.create({
        data: {
          code,
          communeCode: '12019',
          text: `Kiến nghị ${code} về thủ tục đất đai`,
          status: kind,
          priority: 'thuong',
          departmentCode: kind === 'assigned' ? 'SNV' : null,
          assignedAt: kind === 'assigned' ? T0 : null,
          dueAt: kind === 'assigned' ? due : null,
          nextReminderAt: new Date(T0.getTime() + (kind === 'assigned' ? 5 : 2) * MIN),
          createdAt: T0,
          updatedAt: T0,
        },
      });
    }
    return codes;
  }
  const named = (chatId: number, codes: readonly string[]) => {
    const all = emu.botMessages(chatId).map((m) => m.text ?? '').join('\n');
    return codes.filter((c) => new RegExp(`${c}\\b`).test(all));
  };

  beforeAll(async () => {
    settings = parseSettings(SETTINGS);
    emu = await startBotApiEmulator();
    dir = mkdtempSync(path.join(tmpdir(), 'thaogo-remlist-'));
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify(SETTINGS));
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { SETTINGS_FILE: file } });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    chat.support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở Nội vụ' })).id;
    await emu.sendUserMessage({ chatId: chat.support, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.sendUserMessage({ chatId: chat.dept, userId: ADMIN_ID, text: '/lienket so SNV' });
    await eventually(async () => (await h.app.db.prisma.chat.count({ where: { role: { in: ['support', 'department'] } } })) === 2, 'chats linked');
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`names all ${MANY} due tickets of a department, over several messages, and records exactly those as reminded`, async () => {
    const codes = await insertTickets(MANY, 'assigned', 50_000);
    const at = new Date(T0.getTime() + 5 * MIN);
    const r = await runReminderRound(h.app.db.prisma, settings, at, { channels: h.app.channels });
    await h.app.queues.enqueueOutbox(r.outbox);
    expect(r.sent.departmentRounds).toBe(1);
    await eventually(async () => named(chat.dept, codes).length === MANY, 'every code named in the department group', 60_000);
    const parts = emu.botMessages(chat.dept).filter((m) => /HY-5\d{4}/.test(m.text ?? ''));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((m) => (m.text ?? '').length <= 4096)).toBe(true);
    const rows = await h.app.db.prisma.ticket.findMany({ where: { code: { in: codes } }, select: { lastDepartmentReminderAt: true, nextReminderAt: true } });
    expect(rows.every((x) => x.lastDepartmentReminderAt?.getTime() === at.getTime())).toBe(true);
    // Next reminder: a working day later, for every one of them.
    expect(rows.every((x) => x.nextReminderAt!.getTime() > at.getTime())).toBe(true);
  });

  it(`names all ${MANY} unclaimed tickets to the support team in one round`, async () => {
    const codes = await insertTickets(MANY, 'new', 60_000);
    const at = new Date(T0.getTime() + 2 * MIN);
    const r = await runReminderRound(h.app.db.prisma, settings, at, { channels: h.app.channels });
    await h.app.queues.enqueueOutbox(r.outbox);
    expect(r.sent.nudges).toBe(1);
    await eventually(async () => named(chat.support, codes).length === MANY, 'every code named in the support group', 60_000);
    const rows = await h.app.db.prisma.ticket.findMany({ where: { code: { in: codes } }, select: { lastNudgeAt: true } });
    expect(rows.every((x) => x.lastNudgeAt?.getTime() === at.getTime())).toBe(true);
  });
});
