import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

describe('who may do what (RELIABILITY.md rows 5 and 15)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let commune = 0;
  let support = 0;
  let stranger = 0;
  let official = 0;

  const snapshot = async () => {
    const p = h.app.db.prisma;
    const [chats, tickets, codes, events, depts, leads] = await Promise.all([
      p.chat.findMany({ where: { role: { not: 'none' } }, orderBy: { externalId: 'asc' }, select: { externalId: true, role: true, communeCode: true, departmentCode: true, active: true } }),
      p.ticket.findMany({ orderBy: { id: 'asc' }, select: { code: true, status: true, claimedById: true, departmentCode: true } }),
      p.linkCode.count(),
      p.ticketEvent.count(),
      p.department.findMany({ select: { code: true, headMention: true } }),
      p.person.count({ where: { isSupportLead: true } }),
    ]);
    return { chats, tickets, codes, events, depts, leads };
  };

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot });
    commune = (await emu.createChat({ type: 'group', title: 'Xã Như Quỳnh' })).id;
    support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    stranger = (await emu.createUser({ first_name: 'Người lạ' })).id;
    official = (await emu.createUser({ first_name: 'Cán bộ' })).id;
    await emu.sendUserMessage({ chatId: commune, userId: ADMIN_ID, text: '/lienket xa 12004' });
    await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.waitForBotMessage(support, /tổ công tác/);
    await emu.sendUserMessage({ chatId: commune, userId: official, text: '/baocao Đường trục xã xuống cấp nghiêm trọng' });
    await emu.waitForBotMessage(support, /HY-0001/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('a non-admin trying every admin command is refused politely and nothing changes', async () => {
    const before = await snapshot();
    const attempts = ['/lienket xa 11953', '/lienket so SNV', '/lienket tocongtac', '/lienket lanhdao', '/taoma xa 11953', '/taoma so SNV', '/truongso SNV @ai_do', '/truongnhom'];
    for (const chatId of [commune, support]) {
      for (const text of attempts) {
        const n = emu.botMessages(chatId).length;
        await emu.sendUserMessage({ chatId, userId: stranger, text });
        const answer = await eventually(async () => emu.botMessages(chatId).slice(n).find((m) => /quản trị viên/.test(m.text ?? '')), `refusal of ${text}`);
        expect(answer.text).toMatch(/Xin lỗi, chỉ quản trị viên/);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a commune cannot answer for a department, and a stranger group cannot act on a ticket', async () => {
    const before = await snapshot();
    await emu.sendUserMessage({ chatId: commune, userId: official, text: '/traloi HY-0001 tự trả lời' });
    await emu.waitForBotMessage(commune, /không có quyền/);
    await emu.sendUserMessage({ chatId: commune, userId: official, text: '/nhan HY-0001' });
    await emu.waitForBotMessage(commune, /không có quyền/);
    // A group nobody linked: commands about the ticket do nothing, and do not even confirm it exists.
    const other = (await emu.createChat({ type: 'group', title: 'Nhóm khác' })).id;
    await emu.sendUserMessage({ chatId: other, userId: stranger, text: '/xong HY-0001' });
    await emu.waitForBotMessage(other, /Không tìm thấy phiếu HY-0001 trong các phiếu đơn vị bạn được xem/);
    // Button data copied from the support card, pressed on a message in another chat: refused.
    const card = emu.botMessages(support).find((m) => /HY-0001 ·/.test(m.text ?? ''))!;
    const own = emu.botMessages(other).at(-1)!;
    const press = await emu.pressButton({ chatId: other, userId: stranger, messageId: own.message_id, data: 't:claim:1' });
    const answer = await eventually(async () => emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId), 'answered');
    expect(answer.text).toContain('không còn hiệu lực');
    // Malformed and oversized data on the real card: refused too.
    for (const data of ['t:claim:abc', 'x'.repeat(64), 't:drop_table:1', 't:to:1:../../etc']) {
      const p = await emu.pressButton({ chatId: support, userId: stranger, messageId: card.message_id, data });
      const a = await eventually(async () => emu.callbackAnswers().find((x) => x.callbackQueryId === p.callbackQueryId), 'answered');
      expect(a.text).toContain('không còn hiệu lực');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('the bot added to a group nobody linked serves nothing there and tells the admins', async () => {
    // The admin has opened a private chat with the bot (Telegram bots cannot write first).
    await emu.sendUserMessage({ chatId: ADMIN_ID, userId: ADMIN_ID, text: '/start' });
    await emu.waitForBotMessage(ADMIN_ID, /Tháo gỡ/);
    const unknown = (await emu.createChat({ type: 'group', title: 'Nhóm chưa liên kết', botIsMember: false })).id;
    await emu.addBotToGroup({ chatId: unknown, byUserId: stranger });
    const notice = await emu.waitForBotMessage(ADMIN_ID, /chưa liên kết/);
    expect(notice.text).toContain('Nhóm chưa liên kết');
    const tickets = await h.app.db.prisma.ticket.count();
    await emu.sendUserMessage({ chatId: unknown, userId: stranger, text: '/baocao thử nghiệm' });
    await emu.waitForBotMessage(unknown, /chưa được liên kết/);
    expect(await h.app.db.prisma.ticket.count()).toBe(tickets);
  });

  it('limits how many reports one person files per hour, with a friendly message', async () => {
    const floodChat = (await emu.createChat({ type: 'group', title: 'Xã Văn Giang' })).id;
    await emu.sendUserMessage({ chatId: floodChat, userId: ADMIN_ID, text: '/lienket xa 12019' });
    await emu.waitForBotMessage(floodChat, /Văn Giang/);
    const person = (await emu.createUser({ first_name: 'Gửi nhiều' })).id;
    for (let i = 0; i < 12; i++) {
      await emu.sendUserMessage({ chatId: floodChat, userId: person, text: `/baocao kiến nghị số ${i + 1}` });
      await eventually(async () => (await h.app.db.prisma.inboundUpdate.count({ where: { processedAt: null } })) === 0, 'processed');
    }
    await emu.waitForBotMessage(floodChat, /nhiều kiến nghị trong thời gian ngắn/);
    const own = await h.app.db.prisma.ticket.count({ where: { reporter: { externalUserId: String(person) } } });
    expect(own).toBe(10);
  });
});
