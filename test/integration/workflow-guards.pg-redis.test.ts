import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type EmulatorMessage } from '../../tools/telegram-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

const RLO = '\u202E';
const FSI = '\u2068';
const PDI = '\u2069';
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * Issue 10, items 3, 9, 10 and 11: forged department buttons, bidi controls in names and text,
 * prompt buttons pressed by the wrong unit, and ticket codes probed from outside.
 */
describe('workflow guards against forged presses and probing (PostgreSQL, Redis, emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  const chat = { commune: 0, otherCommune: 0, support: 0, dept: 0, stranger: 0 };
  let official = 0;
  let otherOfficial = 0;
  let deptUser = 0;
  let stranger = 0;

  const db = () => h.app.db.prisma;
  const say = (chatId: number, userId: number, text: string, replyToMessageId?: number) =>
    emu.sendUserMessage({ chatId, userId, text, ...(replyToMessageId ? { replyToMessageId } : {}) });
  const latest = (chatId: number, re: RegExp) => emu.botMessages(chatId).filter((m) => re.test(m.text ?? '')).at(-1);
  const waitText = (chatId: number, re: RegExp) => eventually(async () => latest(chatId, re), `${re} in ${chatId}`);
  /** Everything received is handled and everything the bot wrote is delivered. */
  const settle = () =>
    eventually(async () => {
      const [inbound, outbound] = await Promise.all([
        db().inboundUpdate.count({ where: { processedAt: null } }),
        db().outboundMessage.count({ where: { status: 'pending' } }),
      ]);
      return inbound === 0 && outbound === 0;
    }, 'all handled and delivered');
  async function press(chatId: number, userId: number, message: EmulatorMessage, data: string) {
    const p = await emu.pressButton({ chatId, userId, messageId: message.message_id, data });
    return eventually(async () => emu.callbackAnswers().find((a) => a.callbackQueryId === p.callbackQueryId), `answer to ${data}`);
  }
  /** Sends a command once everything before it is delivered, and returns the bot's first message after it. */
  async function ask(chatId: number, userId: number, text: string): Promise<string> {
    await settle();
    const before = emu.botMessages(chatId).length;
    await say(chatId, userId, text);
    const m = await eventually(async () => emu.botMessages(chatId)[before], `answer to ${text}`);
    return m.text ?? '';
  }
  async function report(chatId: number, userId: number, text: string): Promise<{ code: string; id: number; receipt: EmulatorMessage }> {
    const before = emu.botMessages(chatId).length;
    await say(chatId, userId, `/baocao ${text}`);
    const receipt = await eventually(async () => emu.botMessages(chatId).slice(before).find((x) => /mã phiếu/.test(x.text ?? '')), 'receipt');
    const code = /HY-\d{4}/.exec(receipt.text ?? '')![0];
    const t = await db().ticket.findUniqueOrThrow({ where: { code } });
    return { code, id: t.id, receipt };
  }
  const snapshot = async () => ({
    tickets: await db().ticket.findMany({ orderBy: { id: 'asc' }, select: { code: true, status: true, departmentCode: true, claimedById: true, categoryCode: true, priority: true } }),
    events: await db().ticketEvent.count(),
  });

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot });
    chat.commune = (await emu.createChat({ type: 'group', title: 'Xã Như Quỳnh' })).id;
    chat.otherCommune = (await emu.createChat({ type: 'group', title: 'Xã Văn Giang' })).id;
    chat.support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở Nội vụ' })).id;
    chat.stranger = (await emu.createChat({ type: 'group', title: 'Nhóm lạ' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    otherOfficial = (await emu.createUser({ first_name: 'Cán bộ xã khác' })).id;
    deptUser = (await emu.createUser({ first_name: 'Đầu mối SNV' })).id;
    stranger = (await emu.createUser({ first_name: 'Người lạ' })).id;
    await say(chat.commune, ADMIN_ID, '/lienket xa 12004');
    await say(chat.otherCommune, ADMIN_ID, '/lienket xa 12019');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await say(chat.dept, ADMIN_ID, '/lienket so SNV');
    await waitText(chat.dept, /Nội vụ/);
    await waitText(chat.otherCommune, /Văn Giang/);
    await settle();
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  describe('item 3: every assign meets one department check', () => {
    it('a forged "Chuyển sở" button with an unknown department is answered with the refusal; nothing changes', async () => {
      const { code, id } = await report(chat.commune, official, 'Trạm y tế xã thiếu bác sĩ');
      const card = await waitText(chat.support, new RegExp(`${code} ·`));
      await settle();
      const before = await snapshot();
      const answer = await press(chat.support, ADMIN_ID, card, `t:to:${id}:NOPE`);
      expect(answer.text).toContain(`Không có sở, ban, ngành mã “${FSI}NOPE${PDI}”`);
      expect(answer.text).toContain('Các mã đang nhận phiếu: ');
      expect(answer.text).toContain('SNV');
      expect(answer.show_alert).toBe(true);
      await settle();
      expect(await snapshot()).toEqual(before);
      // Handled once, without an error: nothing for a retry to repeat, nothing holding the chat.
      const row = await db().inboundUpdate.findFirstOrThrow({ orderBy: { id: 'desc' } });
      expect(row.processedAt).not.toBeNull();
      expect(row.error).toBeNull();
      // The support group's next command is served at once.
      expect(await ask(chat.support, ADMIN_ID, `/phieu ${code}`)).toContain(`Phiếu ${code}`);
    });

    it('an inactive department is refused on the button and on /chuyen alike, the command keeping the list of codes', async () => {
      const { code, id } = await report(chat.commune, official, 'Nhà văn hóa thôn xuống cấp');
      const card = await waitText(chat.support, new RegExp(`${code} ·`));
      await db().department.update({ where: { code: 'SVHTTDL' }, data: { active: false } });
      try {
        await settle();
        const before = await snapshot();
        const answer = await press(chat.support, ADMIN_ID, card, `t:to:${id}:SVHTTDL`);
        expect(answer.text).toContain('hiện không nhận phiếu');
        const typed = await ask(chat.support, ADMIN_ID, `/chuyen ${code} svhttdl`);
        expect(typed).toContain('hiện không nhận phiếu');
        expect(typed).toMatch(/Các mã đang nhận phiếu: .*SNV/);
        expect(typed).not.toContain('SVHTTDL,');
        const unknown = await ask(chat.support, ADMIN_ID, `/chuyen ${code} NOPE`);
        expect(unknown).toMatch(/Không có sở, ban, ngành mã “.NOPE.”.*Các mã đang nhận phiếu: .*SNV/);
        await settle();
        expect(await snapshot()).toEqual(before);
        // A department that takes tickets still works, by button and by command.
        await press(chat.support, ADMIN_ID, card, `t:to:${id}:SNV`);
        await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${code}`));
      } finally {
        await db().department.update({ where: { code: 'SVHTTDL' }, data: { active: true } });
      }
    });

    it('the category offers its department only when that department takes tickets', async () => {
      const { code } = await report(chat.commune, official, 'Chưa có kinh phí sửa chữa trụ sở');
      await db().department.update({ where: { code: 'STC' }, data: { active: false } });
      try {
        expect(await ask(chat.support, ADMIN_ID, `/linhvuc ${code} tai_chinh_ngan_sach`)).toContain(`Phiếu ${code}: lĩnh vực`);
        await settle();
        expect(latest(chat.support, new RegExp(`Chuyển phiếu ${code} tới sở mặc định`))).toBeUndefined();
      } finally {
        await db().department.update({ where: { code: 'STC' }, data: { active: true } });
      }
      expect(await ask(chat.support, ADMIN_ID, `/linhvuc ${code} dau_tu_cong`)).toContain(`Phiếu ${code}: lĩnh vực`);
      const offer = await waitText(chat.support, new RegExp(`Chuyển phiếu ${code} tới sở mặc định`));
      expect(buttonData(offer, 't:to:')).toMatch(/:STC$/);
      // An unknown category is refused by the workflow, after the permission check.
      expect(await ask(chat.support, ADMIN_ID, `/linhvuc ${code} khong_co`)).toContain('Không có lĩnh vực');
      expect(await ask(chat.commune, official, `/linhvuc ${code} khong_co`)).toContain('không có quyền');
    });
  });

  describe('item 10: buttons that prompt or pick ask the workflow first', () => {
    it('a commune forging support buttons on its own receipt gets the refusal on the press and nothing in its group', async () => {
      const { id, receipt } = await report(chat.commune, official, 'Đường giao thông nội đồng hư hỏng');
      await settle();
      const before = emu.botMessages(chat.commune).length;
      const state = await snapshot();
      for (const action of ['reject', 'merge', 'note', 'assign', 'prio', 'cat', 'answer', 'return', 'ext']) {
        const answer = await press(chat.commune, official, receipt, `t:${action}:${id}`);
        expect(answer.text, action).toContain('không có quyền');
        expect(answer.show_alert, action).toBe(true);
      }
      // Its own ticket cannot be reopened before an answer: refused too, not prompted.
      expect((await press(chat.commune, official, receipt, `t:reopen:${id}`)).text).toContain('không thực hiện được');
      await settle();
      expect(emu.botMessages(chat.commune).slice(before).map((m) => m.text)).toEqual([]);
      expect(await snapshot()).toEqual(state);
    });

    it('a department cannot open the support team’s prompts on its card; its own still work', async () => {
      const { code, id } = await report(chat.commune, official, 'Thiếu công chức văn phòng thống kê');
      await say(chat.support, ADMIN_ID, `/chuyen ${code} SNV`);
      const card = await waitText(chat.dept, new RegExp(`${code} ·`));
      await settle();
      const before = emu.botMessages(chat.dept).length;
      for (const action of ['reject', 'merge', 'assign', 'prio', 'cat', 'note']) {
        expect((await press(chat.dept, deptUser, card, `t:${action}:${id}`)).text, action).toContain('không có quyền');
      }
      await settle();
      expect(emu.botMessages(chat.dept).length).toBe(before);
      await press(chat.dept, deptUser, card, buttonData(card, 't:answer:'));
      await waitText(chat.dept, new RegExp(`nội dung trả lời phiếu ${code}`));
      // A second extension request while one waits is refused at the press, not after typing the reason.
      await say(chat.dept, deptUser, `/giahan ${code} 2 Chờ số liệu`);
      await waitText(chat.support, new RegExp(`xin gia hạn phiếu ${code}`));
      await settle();
      const n = emu.botMessages(chat.dept).length;
      expect((await press(chat.dept, deptUser, card, `t:ext:${id}`)).text).toContain('đang có đề nghị gia hạn chờ duyệt');
      await settle();
      expect(emu.botMessages(chat.dept).length).toBe(n);
    });
  });

  describe('item 11: a code outside the chat’s units gets the answer a missing code gets', () => {
    it('/phieu, /xong, /traloi and /molai answer the same for a real ticket and a missing one', async () => {
      const { code } = await report(chat.commune, official, 'Cần hướng dẫn thủ tục đất đai');
      await say(chat.support, ADMIN_ID, `/chuyen ${code} SNV`);
      await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${code}`));
      await settle();
      const missing = 'HY-0999';
      const same = (text: string, c: string) => text.replace(c, '<code>');
      const cases: [number, number, string][] = [
        [chat.otherCommune, otherOfficial, '/phieu'],
        [chat.otherCommune, otherOfficial, '/xong'],
        [chat.otherCommune, otherOfficial, '/molai {} chưa rõ'],
        [chat.stranger, stranger, '/phieu'],
        [chat.stranger, stranger, '/xong'],
        [chat.stranger, stranger, '/traloi {} tự trả lời'],
        [chat.stranger, stranger, '/nhan'],
        [chat.support, ADMIN_ID, '/phieu'], // the support team sees every ticket: only the missing one is not found
      ];
      const other = await report(chat.otherCommune, otherOfficial, 'Trường học thiếu phòng học');
      await settle();
      const state = await snapshot();
      for (const [chatId, userId, command] of cases) {
        const line = (c: string) => (command.includes('{}') ? command.replace('{}', c) : `${command} ${c}`);
        const real = await ask(chatId, userId, line(code));
        const none = await ask(chatId, userId, line(missing));
        expect(none).toBe(`Không tìm thấy phiếu ${missing} trong các phiếu đơn vị bạn được xem.`);
        if (chatId === chat.support) expect(real).toContain(`Phiếu ${code}`);
        else expect(same(real, code), `${command} in ${chatId}`).toBe(same(none, missing));
      }
      // Another department's /traloi: the same answer as for a code that does not exist.
      const real = await ask(chat.dept, deptUser, `/traloi ${other.code} Sở xin trả lời`);
      expect(same(real, other.code)).toBe(same(await ask(chat.dept, deptUser, `/traloi ${missing} Sở xin trả lời`), missing));
      // The ticket's own units still see it.
      expect(await ask(chat.commune, official, `/phieu ${code}`)).toContain(`Phiếu ${code}`);
      expect(await ask(chat.dept, deptUser, `/phieu ${code}`)).toContain(`Phiếu ${code}`);
      await settle();
      expect(await snapshot()).toEqual(state);
    });
  });

  describe('item 9: bidi controls cannot turn the bot’s lines around', () => {
    it('names and titles are stored and shown without them; report text and reasons are isolated', async () => {
      const tricky = (await emu.createUser({ first_name: `Nguyễn ${RLO}Văn A` })).id;
      const title = (await emu.createChat({ type: 'group', title: `Xã ${RLO}Lạc Đạo` })).id;
      await say(title, ADMIN_ID, '/lienket xa 11992');
      await waitText(title, /Lạc Đạo/);
      const { code } = await report(title, tricky, `Kiến nghị ${RLO}đảo chiều dòng chữ\ndòng hai ${RLO}cũng vậy`);
      const card = await waitText(chat.support, new RegExp(`${code} ·`));
      expect(card.text).toContain('Nguyễn Văn A');
      expect(card.text).toContain(`${FSI}Kiến nghị đảo chiều dòng chữ${PDI}\n${FSI}dòng hai cũng vậy${PDI}`);
      expect(card.text).not.toContain(RLO);
      const person = await db().person.findFirstOrThrow({ where: { externalUserId: String(tricky) } });
      expect(person.displayName).toBe('Nguyễn Văn A');
      const group = await db().chat.findFirstOrThrow({ where: { externalId: String(title) } });
      expect(group.title).toBe('Xã Lạc Đạo');

      await say(chat.support, ADMIN_ID, `/tuchoi ${code} Trùng ${RLO}nội dung`);
      const notice = await waitText(title, new RegExp(`Phiếu ${code} không được tiếp nhận`));
      expect(notice.text).toContain(`Lý do: ${FSI}Trùng nội dung${PDI}`);
      await settle();
      const status = await ask(chat.support, ADMIN_ID, `/phieu ${code}`);
      expect(status).not.toContain(RLO);
      expect(status).toContain('(Nguyễn Văn A)');
      // Nothing the bot wrote anywhere carries an override that is left open.
      await settle();
      for (const c of [title, chat.support]) {
        for (const m of emu.botMessages(c)) {
          for (const line of (m.text ?? '').split('\n')) {
            if (!BIDI.test(line)) continue;
            const controls = [...line].filter((ch) => BIDI.test(ch));
            expect(controls.filter((ch) => ch === FSI).length, line).toBe(controls.filter((ch) => ch === PDI).length);
            expect(controls.filter((ch) => ch !== FSI && ch !== PDI), line).toEqual([]);
          }
        }
      }
    });
  });
});

describe('item 3: auto-routing meets the same department check', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    const file = `${mkdtempSync(`${tmpdir()}/thaogo-route-`)}/settings.json`;
    writeFileSync(file, JSON.stringify({ autoRoute: { enabled: true, minConfidence: 0 } }));
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { SETTINGS_FILE: file } });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('a report whose category points at an inactive department stays with the support team, and the commune hears no refusal', async () => {
    const commune = (await emu.createChat({ type: 'group', title: 'Xã Tân Hưng' })).id;
    const support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    const official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    await emu.sendUserMessage({ chatId: commune, userId: ADMIN_ID, text: '/lienket xa 11977' });
    await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.waitForBotMessage(support, /tổ công tác/);
    await emu.waitForBotMessage(commune, /Tân Hưng/);
    const route = await h.app.db.prisma.category.findMany({ where: { departmentCode: { not: null } }, select: { departmentCode: true } });
    const codes = [...new Set(route.map((c) => c.departmentCode!))];
    await h.app.db.prisma.department.updateMany({ where: { code: { in: codes } }, data: { active: false } });

    const before = emu.botMessages(commune).length;
    await emu.sendUserMessage({ chatId: commune, userId: official, text: '/baocao Rác thải sinh hoạt tồn đọng, chưa có đơn vị thu gom' });
    const card = await emu.waitForBotMessage(support, /HY-0001 ·/);
    expect(card.text).not.toContain('Đã tự động chuyển sở');
    await eventually(async () => (await h.app.db.prisma.outboundMessage.count({ where: { status: 'pending' } })) === 0 && (await h.app.db.prisma.inboundUpdate.count({ where: { processedAt: null } })) === 0, 'settled');
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } });
    expect([ticket.status, ticket.departmentCode]).toEqual(['new', null]);
    const said = emu.botMessages(commune).slice(before).map((m) => m.text ?? '');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/mã phiếu/);
  });
});
