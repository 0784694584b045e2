import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReminderRound } from '../../src/core/reminders.js';
import { startBotApiEmulator, type BotApiEmulator, type EmulatorMessage } from '../../tools/telegram-emulator/index.js';
import { parseSettings, type Settings } from '../../src/settings.js';
import { ensureSchedulers } from '../../src/workers/index.js';
import { ADMIN_ID, deleteRedisPrefix, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// Every minute is working time and every duration a few minutes; rounds run at chosen instants.
const SETTINGS = {
  workingDays: [1, 2, 3, 4, 5, 6, 7],
  workingHours: [['00:00', '24:00']],
  replaceShippedHolidays: true,
  holidays: [],
  makeupWorkingDays: [],
  deadlines: { khan: '10m', thuong: '10m', phuc_tap: '10m' },
  reminders: { unclaimedAfter: '2m', firstAfter: { khan: '5m', thuong: '5m', phuc_tap: '5m' }, repeatEvery: '5m', dueSoonBefore: '3m', snoozeMax: '30m' },
  escalation: [
    { after: '0m', notify: 'department_head' },
    { after: '5m', notify: 'support_lead' },
    { after: '10m', notify: 'leaders' },
  ],
};
const MIN = 60_000;

describe('reminders and escalation (PostgreSQL, Redis, emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let settings: Settings;
  const chat = { commune: 0, support: 0, dept: 0, leaders: 0 };
  let official = 0;
  let deptUser = 0;

  const texts = (chatId: number) => emu.botMessages(chatId).map((m) => m.text ?? '');
  const count = (chatId: number, re: RegExp) => texts(chatId).filter((t) => re.test(t)).length;
  const say = (chatId: number, userId: number, text: string) => emu.sendUserMessage({ chatId, userId, text });
  const waitText = (chatId: number, re: RegExp) => eventually(async () => emu.botMessages(chatId).filter((m) => re.test(m.text ?? '')).at(-1), `${re} in ${chatId}`);
  async function round(at: Date) {
    const r = await runReminderRound(h.app.db.prisma, settings, at, { channels: h.app.channels });
    await h.app.queues.enqueueOutbox(r.outbox);
    return r;
  }
  async function settle() {
    await eventually(async () => (await h.app.db.prisma.outboundMessage.count({ where: { status: 'pending' } })) === 0, 'outbox drained');
  }
  async function newAssignedTicket(text: string): Promise<{ code: string; assignedAt: Date }> {
    const before = emu.botMessages(chat.commune).length;
    await say(chat.commune, official, `/baocao ${text}`);
    const receipt = await eventually(async () => emu.botMessages(chat.commune).slice(before).find((m) => /mã phiếu/.test(m.text ?? '')), 'receipt');
    const code = /HY-\d{4}/.exec(receipt.text ?? '')![0];
    await say(chat.support, ADMIN_ID, `/chuyen ${code} SNV`);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${code}`));
    const t = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    return { code, assignedAt: t.assignedAt! };
  }

  beforeAll(async () => {
    settings = parseSettings(SETTINGS);
    emu = await startBotApiEmulator();
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = `${mkdtempSync(`${tmpdir()}/thaogo-rem-`)}/settings.json`;
    writeFileSync(file, JSON.stringify(SETTINGS));
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { SETTINGS_FILE: file } });
    chat.commune = (await emu.createChat({ type: 'group', title: 'Xã Văn Giang' })).id;
    chat.support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở Nội vụ' })).id;
    chat.leaders = (await emu.createChat({ type: 'group', title: 'Lãnh đạo' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    deptUser = (await emu.createUser({ first_name: 'Đầu mối SNV' })).id;
    await say(chat.commune, ADMIN_ID, '/lienket xa 12019');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await say(chat.dept, ADMIN_ID, '/lienket so SNV');
    await say(chat.leaders, ADMIN_ID, '/lienket lanhdao');
    await say(chat.support, ADMIN_ID, '/truongso SNV @giamdocsnv');
    await waitText(chat.support, /@giamdocsnv/);
    await waitText(chat.leaders, /lãnh đạo/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('nudges the support team about an unclaimed report, once per round', async () => {
    await say(chat.commune, official, '/baocao Thiếu công chức địa chính');
    const receipt = await eventually(async () => emu.botMessages(chat.commune).find((m) => /mã phiếu/.test(m.text ?? '')), 'receipt');
    const code = /HY-\d{4}/.exec(receipt.text ?? '')![0];
    const t = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    expect(t.nextReminderAt?.getTime()).toBe(t.createdAt.getTime() + 2 * MIN);
    await round(new Date(t.createdAt.getTime() + 1 * MIN));
    const r = await round(new Date(t.createdAt.getTime() + 2 * MIN));
    expect(r.sent.nudges).toBe(1);
    await waitText(chat.support, new RegExp(`chưa có người nhận xử lý[\\s\\S]*${code}`));
    // Nothing more until the repeat.
    expect((await round(new Date(t.createdAt.getTime() + 3 * MIN))).sent.nudges).toBe(0);
    expect((await round(new Date(t.createdAt.getTime() + 7 * MIN))).sent.nudges).toBe(1);
    await say(chat.support, ADMIN_ID, `/tuchoi ${code} Trùng với kiến nghị đã có`);
    await waitText(chat.support, new RegExp(`Đã từ chối phiếu ${code}`));
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } })).nextReminderAt).toBeNull();
  });

  it('reminds the department, repeats, escalates in order once each, and stops on the answer', async () => {
    const { code, assignedAt } = await newAssignedTicket('Xã chưa được giao đủ biên chế công chức văn hóa xã hội');
    const at = (m: number) => new Date(assignedAt.getTime() + m * MIN);
    await settle();
    const base = { dept: texts(chat.dept).length, support: texts(chat.support).length, leaders: texts(chat.leaders).length };

    expect((await round(at(4))).sent.departmentRounds).toBe(0);
    expect((await round(at(5))).sent.departmentRounds).toBe(1);
    await waitText(chat.dept, new RegExp(`Nhắc việc: Sở Nội vụ còn 1 phiếu[\\s\\S]*${code}`));
    expect((await round(at(6))).sent).toEqual({ nudges: 0, claimantNudges: 0, leadNudges: 0, departmentRounds: 0, escalations: 0, communeReminders: 0, autoClosed: 0 });

    // Deadline (10 min): the department head is named; the repeat reminder comes in the same round.
    const atDeadline = await round(at(10));
    expect(atDeadline.sent.escalations).toBe(1);
    await waitText(chat.dept, /Quá hạn.*@giamdocsnv/);
    // Two workers running the same later round at once: one sends, the other finds nothing.
    const [a, b] = await Promise.all([round(at(15)), round(at(15))]);
    expect(a.sent.escalations + b.sent.escalations).toBe(1);
    await waitText(chat.support, new RegExp(`Phiếu quá hạn chưa được trả lời[\\s\\S]*${code}`));
    await round(at(20));
    const leaders = await waitText(chat.leaders, new RegExp(`phiếu quá hạn[\\s\\S]*${code}`));
    expect(leaders.text).toContain('Sở Nội vụ');
    // Each step once: nothing new for these groups at the same instant again.
    expect((await round(at(20))).sent.escalations).toBe(0);
    await settle();
    const events = await h.app.db.prisma.ticketEvent.findMany({ where: { ticket: { code }, kind: 'escalated' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => (e.data as { notify: string }).notify)).toEqual(['department_head', 'support_lead', 'leaders']);

    // The department answers: nothing more arrives anywhere.
    await say(chat.dept, deptUser, `/traloi ${code} Sở đã trình UBND tỉnh giao bổ sung 02 biên chế.`);
    await waitText(chat.commune, new RegExp(`Trả lời phiếu ${code}`));
    await settle();
    const after = { dept: texts(chat.dept).length, support: texts(chat.support).length, leaders: texts(chat.leaders).length };
    for (const m of [25, 30, 60, 120]) expect((await round(at(m))).sent).toEqual({ nudges: 0, claimantNudges: 0, leadNudges: 0, departmentRounds: 0, escalations: 0, communeReminders: 0, autoClosed: 0 });
    await settle();
    expect(texts(chat.dept).length).toBe(after.dept);
    expect(texts(chat.leaders).length).toBe(after.leaders);
    expect(after.dept).toBeGreaterThan(base.dept);
    expect(count(chat.leaders, new RegExp(code))).toBe(1);
  });

  it('a snooze holds routine reminders; an approved extension moves the deadline and restarts the chain', async () => {
    const { code, assignedAt } = await newAssignedTicket('Chưa có hướng dẫn chế độ cho cán bộ không chuyên trách dôi dư');
    const at = (m: number) => new Date(assignedAt.getTime() + m * MIN);
    const deptCard = await waitText(chat.dept, new RegExp(`${code} ·`));
    const data = (deptCard.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().find((b) => b.callback_data.startsWith('t:snooze:'))!.callback_data;
    const press = await emu.pressButton({ chatId: chat.dept, userId: deptUser, messageId: deptCard.message_id, data });
    await eventually(async () => emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId && /đang xử lý/.test(a.text ?? '')), 'snooze acknowledged');
    const snoozed = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    expect(snoozed.snoozedUntil!.getTime()).toBeGreaterThan(at(29).getTime());
    expect((await round(at(5))).sent.departmentRounds).toBe(0);

    await say(chat.dept, deptUser, `/giahan ${code} 1 Chờ ý kiến Bộ Nội vụ`);
    const request = await waitText(chat.support, new RegExp(`xin gia hạn phiếu ${code}`));
    const yes = (request.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().find((b) => b.callback_data.startsWith('t:ext_yes:'))!.callback_data;
    await emu.pressButton({ chatId: chat.support, userId: ADMIN_ID, messageId: request.message_id, data: yes });
    await waitText(chat.dept, new RegExp(`gia hạn phiếu ${code}: Đồng ý`));
    const extended = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    // One working day of 24 h here: the deadline moved by a day.
    expect(extended.dueAt!.getTime()).toBe(snoozed.dueAt!.getTime() + 24 * 60 * MIN);
    expect((await round(at(10))).sent.escalations).toBe(0);
  });

  it('loses no reminder when Redis loses every job: the database plan is re-read', async () => {
    const { code, assignedAt } = await newAssignedTicket('Phần mềm quản lý hồ sơ cán bộ chưa được cấp tài khoản');
    await settle();
    // Everything the app keeps in Redis is gone (what FLUSHALL does to this deployment).
    await deleteRedisPrefix(h.env.QUEUE_PREFIX!);
    const t = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    expect(t.nextReminderAt!.getTime()).toBe(assignedAt.getTime() + 5 * MIN);
    // The app re-creates its schedulers (it does so periodically); the round then finds the ticket.
    await ensureSchedulers(h.app.queues, settings);
    const r = await round(new Date(assignedAt.getTime() + 5 * MIN));
    expect(r.sent.departmentRounds).toBe(1);
    await waitText(chat.dept, new RegExp(`Nhắc việc[\\s\\S]*${code}`));
    const schedulers = await h.app.queues.reminders.getJobSchedulers();
    expect(schedulers.map((s) => s.key ?? s.id)).toContain('reminder-sweep');
  });
});

export type { EmulatorMessage };
