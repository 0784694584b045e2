import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReminderRound } from '../../src/core/reminders.js';
import { parseSettings, type Settings } from '../../src/settings.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// Every minute is working time; a claimed ticket waits 3 minutes, a returned one 2, then the lead
// is named every 5. Rounds run at instants computed from the stored times (the injected clock).
const SETTINGS = {
  workingDays: [1, 2, 3, 4, 5, 6, 7],
  workingHours: [['00:00', '24:00']],
  replaceShippedHolidays: true,
  deadlines: { khan: '60m', thuong: '60m', phuc_tap: '60m' },
  reminders: { unclaimedAfter: '2m', claimedAfter: '3m', firstAfter: { khan: '30m', thuong: '30m', phuc_tap: '30m' }, repeatEvery: '5m' },
};
const MIN = 60_000;

/** Issue 10, item 13: tickets the support team holds (claimed, returned) are not forgotten. */
describe('reminders for claimed and returned tickets (PostgreSQL, Redis, emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let settings: Settings;
  const chat = { commune: 0, support: 0, dept: 0 };
  let official = 0;
  let member = 0;
  let deptUser = 0;

  const db = () => h.app.db.prisma;
  const say = (chatId: number, userId: number, text: string, replyToMessageId?: number) =>
    emu.sendUserMessage({ chatId, userId, text, ...(replyToMessageId ? { replyToMessageId } : {}) });
  const waitText = (chatId: number, re: RegExp) => eventually(async () => emu.botMessages(chatId).filter((m) => re.test(m.text ?? '')).at(-1), `${re} in ${chatId}`);
  const settle = () =>
    eventually(async () => {
      const [inbound, outbound] = await Promise.all([db().inboundUpdate.count({ where: { processedAt: null } }), db().outboundMessage.count({ where: { status: 'pending' } })]);
      return inbound === 0 && outbound === 0;
    }, 'all handled and delivered');
  /** One round at `at`; returns what it counted and the support group's new messages once delivered. */
  async function round(at: Date) {
    await settle();
    const before = emu.botMessages(chat.support).length;
    const r = await runReminderRound(db(), settings, at, { channels: h.app.channels });
    await h.app.queues.enqueueOutbox(r.outbox);
    await settle();
    return { sent: r.sent, support: emu.botMessages(chat.support).slice(before).map((m) => m.text ?? '') };
  }
  async function report(text: string): Promise<string> {
    const before = emu.botMessages(chat.commune).length;
    await say(chat.commune, official, `/baocao ${text}`);
    const receipt = await eventually(async () => emu.botMessages(chat.commune).slice(before).find((m) => /mã phiếu/.test(m.text ?? '')), 'receipt');
    return /HY-\d{4}/.exec(receipt.text ?? '')![0];
  }

  beforeAll(async () => {
    settings = parseSettings(SETTINGS);
    emu = await startBotApiEmulator();
    const file = `${mkdtempSync(`${tmpdir()}/thaogo-held-`)}/settings.json`;
    writeFileSync(file, JSON.stringify(SETTINGS));
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { SETTINGS_FILE: file } });
    chat.commune = (await emu.createChat({ type: 'group', title: 'Xã Văn Giang' })).id;
    chat.support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở Nội vụ' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    member = (await emu.createUser({ first_name: 'Tổ viên Hùng', username: 'tovien_hung' })).id;
    deptUser = (await emu.createUser({ first_name: 'Đầu mối SNV' })).id;
    const lead = (await emu.createUser({ first_name: 'Trưởng nhóm', username: 'truongnhom_tct' })).id;
    await say(chat.commune, ADMIN_ID, '/lienket xa 12019');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await say(chat.dept, ADMIN_ID, '/lienket so SNV');
    await waitText(chat.dept, /Nội vụ/);
    const hello = await say(chat.support, lead, 'Tôi là trưởng nhóm');
    await say(chat.support, ADMIN_ID, '/truongnhom', hello.message.message_id);
    await waitText(chat.support, /làm trưởng nhóm tổ công tác/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('a claimed ticket nudges its claimant by name, then the support lead, until it is routed', async () => {
    const code = await report('Thiếu công chức tư pháp - hộ tịch');
    await say(chat.support, member, `/nhan ${code}`);
    await waitText(chat.support, new RegExp(`Tổ viên Hùng đã nhận xử lý phiếu ${code}`));
    await settle();
    const claimed = await db().ticket.findUniqueOrThrow({ where: { code } });
    const at = (m: number) => new Date(claimed.claimedAt!.getTime() + m * MIN);
    // The plan is in the database, as for every other reminder.
    expect(claimed.nextReminderAt?.getTime()).toBe(at(3).getTime());

    expect((await round(at(2))).sent.claimantNudges).toBe(0);
    const first = await round(at(3));
    expect(first.sent).toMatchObject({ claimantNudges: 1, leadNudges: 0 });
    expect(first.support).toHaveLength(1);
    expect(first.support[0]).toMatch(new RegExp(`phiếu đã nhận xử lý nhưng chưa chuyển sở[\\s\\S]*${code}[^\\n]*@tovien_hung`));
    expect((await round(at(4))).sent.claimantNudges + (await round(at(7))).sent.leadNudges).toBe(0);

    const lead = await round(at(8));
    expect(lead.sent).toMatchObject({ claimantNudges: 0, leadNudges: 1 });
    expect(lead.support).toHaveLength(1);
    expect(lead.support[0]).toMatch(/Báo trưởng nhóm[^\n]*@truongnhom_tct/);
    expect(lead.support[0]).toMatch(new RegExp(`${code}[^\\n]*@tovien_hung[^\\n]*chưa chuyển sở`));
    expect((await round(at(13))).sent.leadNudges).toBe(1);

    // Routed: the support team's reminders stop; the department's begin.
    await say(chat.support, member, `/chuyen ${code} SNV`);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${code}`));
    await settle();
    const routed = await db().ticket.findUniqueOrThrow({ where: { code } });
    expect(routed.nextReminderAt?.getTime()).toBe(routed.assignedAt!.getTime() + 30 * MIN);
    const after = await round(new Date(routed.assignedAt!.getTime() + 20 * MIN));
    expect(after.sent).toMatchObject({ claimantNudges: 0, leadNudges: 0 });
  });

  it('a returned ticket is listed for the team like an unclaimed one, then the lead is named; one support message per round', async () => {
    const code = await report('Chưa có hướng dẫn về chế độ phụ cấp kiêm nhiệm');
    await say(chat.support, member, `/chuyen ${code} SNV`);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${code}`));
    await say(chat.dept, deptUser, `/tralai ${code} Thuộc thẩm quyền Sở Tài chính`);
    await waitText(chat.support, new RegExp(`trả lại phiếu ${code}`));
    await settle();
    const returned = await db().ticket.findUniqueOrThrow({ where: { code }, include: { events: { where: { kind: 'returned' } } } });
    expect(returned.status).toBe('returned');
    const back = returned.events[0]!.createdAt;
    const at = (m: number) => new Date(back.getTime() + m * MIN);
    expect(returned.nextReminderAt?.getTime()).toBe(at(2).getTime());

    // A second ticket claimed right after, so both owe something in the same round below.
    const other = await report('Trụ sở xã xuống cấp, cần kinh phí sửa chữa');
    await say(chat.support, member, `/nhan ${other}`);
    await waitText(chat.support, new RegExp(`đã nhận xử lý phiếu ${other}`));
    await settle();
    const claimedAt = (await db().ticket.findUniqueOrThrow({ where: { code: other } })).claimedAt!;

    const first = await round(at(2));
    expect(first.sent.nudges).toBe(1);
    expect(first.support).toHaveLength(1);
    expect(first.support[0]).toMatch(new RegExp(`chưa có người nhận xử lý[\\s\\S]*${code}[^\\n]*sở trả lại`));

    // The returned ticket's lead step (2 + 5 min) and the claimed ticket's first nudge (3 min) fall
    // in one round: the support group still gets one message, with both sections.
    const both = new Date(Math.max(at(7).getTime(), claimedAt.getTime() + 3 * MIN));
    const r = await round(both);
    expect(r.sent).toMatchObject({ claimantNudges: 1, leadNudges: 1 });
    expect(r.support).toHaveLength(1);
    expect(r.support[0]).toMatch(new RegExp(`chưa chuyển sở[\\s\\S]*${other}[^\\n]*@tovien_hung`));
    expect(r.support[0]).toMatch(new RegExp(`Báo trưởng nhóm[\\s\\S]*${code}[^\\n]*chưa có người nhận`));

    // Claimed again: the returned ticket's reminders are now the claimant's.
    await say(chat.support, member, `/nhan ${code}`);
    await waitText(chat.support, new RegExp(`đã nhận xử lý phiếu ${code}`));
    await settle();
    const reclaimed = await db().ticket.findUniqueOrThrow({ where: { code } });
    expect(reclaimed.nextReminderAt?.getTime()).toBe(reclaimed.claimedAt!.getTime() + 3 * MIN);
  });
});
