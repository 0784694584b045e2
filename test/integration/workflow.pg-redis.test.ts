import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';


describe('workflow against PostgreSQL, Redis and the Bot API emulator', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  const chat = { communeA: 0, communeB: 0, support: 0, dept: 0 };
  let official = 0;
  let officialB = 0;
  let deptUser = 0;

  const latest = (chatId: number, pattern: RegExp) => emu.botMessages(chatId).filter((m) => pattern.test(m.text ?? m.caption ?? '')).at(-1);
  const waitText = (chatId: number, pattern: RegExp) => eventually(async () => latest(chatId, pattern), `bot message ${pattern}`);
  const say = (chatId: number, userId: number, text: string, replyToMessageId?: number) =>
    emu.sendUserMessage({ chatId, userId, text, ...(replyToMessageId ? { replyToMessageId } : {}) });
  async function report(chatId: number, userId: number, text: string): Promise<string> {
    const before = emu.botMessages(chatId).length;
    await say(chatId, userId, `/baocao ${text}`);
    const m = await eventually(async () => emu.botMessages(chatId).slice(before).find((x) => /mã phiếu/.test(x.text ?? '')), 'receipt');
    return /HY-\d{4}/.exec(m.text ?? '')![0];
  }

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot });
    chat.communeA = (await emu.createChat({ type: 'group', title: 'Xã Tân Hưng' })).id;
    chat.communeB = (await emu.createChat({ type: 'group', title: 'Xã Lạc Đạo' })).id;
    chat.support = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở NN&MT' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    official = (await emu.createUser({ first_name: 'Cán bộ A' })).id;
    officialB = (await emu.createUser({ first_name: 'Cán bộ B' })).id;
    deptUser = (await emu.createUser({ first_name: 'Đầu mối sở' })).id;
    await say(chat.communeA, ADMIN_ID, '/lienket xa 11977');
    await say(chat.communeB, ADMIN_ID, '/lienket xa 11992');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await say(chat.dept, ADMIN_ID, '/lienket so SNNMT');
    await waitText(chat.dept, /Nông nghiệp và Môi trường/);
    await waitText(chat.communeB, /Lạc Đạo/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('of 20 simultaneous taps on "Nhận xử lý" exactly one wins; the others are told who has it', async () => {
    const code = await report(chat.communeA, official, 'Thiếu 5 công chức so với biên chế được giao');
    const card = await waitText(chat.support, new RegExp(`${code} ·`));
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => emu.createUser({ first_name: `Tổ viên ${i + 1}` })));
    const presses = await Promise.all(users.map((u) => emu.pressButton({ chatId: chat.support, userId: u.id, messageId: card.message_id, data: buttonData(card, 't:claim:') })));
    const answers = await eventually(async () => {
      const got = presses.map((p) => emu.callbackAnswers().find((a) => a.callbackQueryId === p.callbackQueryId));
      return got.every(Boolean) ? got : undefined;
    }, 'all 20 presses answered');
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code }, include: { claimedBy: true, events: true } });
    expect(ticket.status).toBe('claimed');
    expect(ticket.events.filter((e) => e.kind === 'claimed')).toHaveLength(1);
    const winner = ticket.claimedBy!.displayName;
    const told = answers.filter((a) => a!.text?.includes(`đã được ${winner} nhận xử lý`));
    expect(told).toHaveLength(19);
  });

  it('a merged duplicate gets the parent ticket\'s answer in every reporting commune', async () => {
    const parent = await report(chat.communeA, official, 'Rác thải sinh hoạt không có đơn vị thu gom sau sáp nhập');
    const child = await report(chat.communeB, officialB, 'Rac thai ton dong, chua co don vi thu gom');
    await say(chat.support, ADMIN_ID, `/gop ${child} ${parent}`);
    await waitText(chat.support, new RegExp(`Đã gộp phiếu ${child} vào ${parent}`));
    await waitText(chat.communeB, new RegExp(`${child} trùng nội dung với phiếu ${parent}`));
    await say(chat.support, ADMIN_ID, `/chuyen ${parent} SNNMT`);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${parent}`));
    await say(chat.dept, deptUser, `/traloi ${parent} Sở đã chỉ đạo đơn vị thu gom ký hợp đồng với hai xã từ 01/12.`);
    await waitText(chat.communeA, new RegExp(`Trả lời phiếu ${parent}`));
    const inB = await waitText(chat.communeB, new RegExp(`Trả lời phiếu ${parent}`));
    expect(inB.text).toContain('ký hợp đồng với hai xã');
    const c = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: child }, include: { parent: true } });
    expect(c.parent?.code).toBe(parent);
    expect(c.status).toBe('rejected');
  });

  it('a department returns a ticket ("not ours") with a reason that reaches the support team', async () => {
    const code = await report(chat.communeA, official, 'Trường mầm non thiếu giáo viên');
    await say(chat.support, ADMIN_ID, `/chuyen ${code} SNNMT`);
    const deptCard = await waitText(chat.dept, new RegExp(`${code} ·`));
    await emu.pressButton({ chatId: chat.dept, userId: deptUser, messageId: deptCard.message_id, data: buttonData(deptCard, 't:return:') });
    const prompt = await waitText(chat.dept, /lý do trả lại/);
    await say(chat.dept, deptUser, 'Thuộc thẩm quyền Sở Giáo dục và Đào tạo', prompt.message_id);
    const notice = await waitText(chat.support, new RegExp(`trả lại phiếu ${code}`));
    expect(notice.text).toContain('Sở Giáo dục và Đào tạo');
    const t = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    expect(t.status).toBe('returned');
    expect(t.departmentCode).toBeNull();
    // Back to the support team: it can route again.
    await say(chat.support, ADMIN_ID, `/chuyen ${code} SGDDT`);
    await eventually(async () => (await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } })).departmentCode === 'SGDDT', 'rerouted');
  });

  it('an extension moves the deadline only when the support-team lead approves', async () => {
    const code = await report(chat.communeA, official, 'Đất công ích bị lấn chiếm cần giải phóng mặt bằng');
    await say(chat.support, ADMIN_ID, `/chuyen ${code} SNNMT`);
    await waitText(chat.dept, new RegExp(`${code} ·`));
    const due0 = (await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } })).dueAt!;
    await say(chat.dept, deptUser, `/giahan ${code} 3 Cần đo đạc lại hiện trạng`);
    const request = await waitText(chat.support, new RegExp(`xin gia hạn phiếu ${code}`));
    // A plain member cannot approve.
    const member = await emu.createUser({ first_name: 'Thành viên' });
    await emu.pressButton({ chatId: chat.support, userId: member.id, messageId: request.message_id, data: buttonData(request, 't:ext_yes:') });
    await eventually(async () => emu.callbackAnswers().some((a) => /không có quyền/.test(a.text ?? '')), 'refused');
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } })).dueAt).toEqual(due0);
    // The admin names the lead by replying to their message, then the lead approves.
    const lead = await emu.createUser({ first_name: 'Trưởng nhóm', username: 'truongnhom' });
    const leadMsg = await say(chat.support, lead.id, 'Tôi là trưởng nhóm');
    await say(chat.support, ADMIN_ID, '/truongnhom', leadMsg.message.message_id);
    await waitText(chat.support, /làm trưởng nhóm tổ công tác/);
    await emu.pressButton({ chatId: chat.support, userId: lead.id, messageId: request.message_id, data: buttonData(request, 't:ext_yes:') });
    await waitText(chat.dept, new RegExp(`gia hạn phiếu ${code}: Đồng ý gia hạn`));
    const t = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code }, include: { events: true } });
    expect(t.dueAt!.getTime()).toBeGreaterThan(due0.getTime());
    expect(t.extensionPending).toBe(false);
    expect(t.events.map((e) => e.kind)).toContain('extension_approved');
  });

  it('a person linked with a one-time code reports and gets the answer in a private chat', async () => {
    await say(chat.support, ADMIN_ID, '/taoma xa 11953');
    const msg = await waitText(chat.support, /Mã liên kết một lần/);
    const code = /<code>|([A-Z0-9]{6,10}) \(hết hạn/.exec(msg.text ?? '') && /: ([A-Z0-9]{6,10}) \(/.exec(msg.text ?? '')![1]!;
    const person = await emu.createUser({ first_name: 'Chủ tịch phường' });
    await say(person.id, person.id, `lienket ${code}`);
    await waitText(person.id, /Đã liên kết tài khoản của bạn với Phường Phố Hiến/);
    // Single use.
    const other = await emu.createUser({ first_name: 'Người khác' });
    await say(other.id, other.id, `lienket ${code}`);
    await waitText(other.id, /đã được sử dụng/);

    const ticketCode = await report(person.id, person.id, 'Phường chưa được cấp kinh phí hoạt động quý IV');
    const t = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: ticketCode } });
    expect(t.communeCode).toBe('11953');
    await say(chat.support, ADMIN_ID, `/chuyen ${ticketCode} SNNMT`);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${ticketCode}`));
    await say(chat.dept, deptUser, `/traloi ${ticketCode} Đã đề nghị Sở Tài chính cấp bổ sung.`);
    const answer = await waitText(person.id, new RegExp(`Trả lời phiếu ${ticketCode}`));
    expect(answer.text).toContain('cấp bổ sung');
    await say(person.id, person.id, `/xong ${ticketCode}`);
    await waitText(person.id, /đã được xác nhận giải quyết/);
  });

  it('files travel: report photos reach the department, answer documents reach the commune', async () => {
    const before = emu.botMessages(chat.communeA).length;
    await emu.sendUserMessage({ chatId: chat.communeA, userId: official, photo: true, caption: '/baocao Kè bờ sông bị sạt lở, ảnh hiện trường kèm theo' });
    const receipt = await eventually(async () => emu.botMessages(chat.communeA).slice(before).find((m) => /mã phiếu/.test(m.text ?? '')), 'receipt');
    const code = /HY-\d{4}/.exec(receipt.text ?? '')![0];
    await say(chat.support, ADMIN_ID, `/chuyen ${code} SNNMT`);
    const photo = await eventually(async () => emu.botMessages(chat.dept).find((m) => m.photo && new RegExp(`Tệp đính kèm của phiếu ${code}`).test(m.caption ?? '')), 'photo in department group');
    expect(photo.photo?.length).toBeGreaterThan(0);
    const card = await waitText(chat.dept, new RegExp(`${code} ·`));
    expect(card.text).toContain('Tệp đính kèm: 1');
    await emu.sendUserMessage({ chatId: chat.dept, userId: deptUser, document: { file_name: 'cong-van-tra-loi.pdf', mime_type: 'application/pdf' }, caption: `/traloi ${code} Sở gửi công văn trả lời kèm theo.` });
    const doc = await eventually(async () => emu.botMessages(chat.communeA).find((m) => m.document && /Trả lời phiếu/.test(m.caption ?? '')), 'answer document in commune group');
    expect(doc.document?.file_name).toBe('cong-van-tra-loi.pdf');
    expect(doc.caption).toContain('công văn trả lời');
  });

  it('handles one chat\'s messages in the order they were sent', async () => {
    const person = (await emu.createUser({ first_name: 'Gửi nhanh' })).id;
    const first = await h.app.db.prisma.ticket.count();
    for (let i = 1; i <= 8; i++) await emu.sendUserMessage({ chatId: chat.communeB, userId: person, text: `/baocao thứ tự ${i}` });
    const tickets = await eventually(async () => {
      const rows = await h.app.db.prisma.ticket.findMany({ where: { text: { startsWith: 'thứ tự' } }, orderBy: { id: 'asc' } });
      return rows.length === 8 ? rows : undefined;
    }, 'eight tickets');
    expect(tickets.map((t) => t.text)).toEqual(Array.from({ length: 8 }, (_, i) => `thứ tự ${i + 1}`));
    expect(tickets[0]!.id).toBe(first + 1);
  });

  it('notes stay inside the support team', async () => {
    const code = await report(chat.communeA, official, 'Dự án đường liên xã chậm giải ngân vốn đầu tư công');
    await say(chat.support, ADMIN_ID, `/ghichu ${code} Đã gọi điện cho xã, chờ hồ sơ`);
    await waitText(chat.support, new RegExp(`ghi chú nội bộ cho phiếu ${code}`));
    await say(chat.support, ADMIN_ID, `/phieu ${code}`);
    const inSupport = await waitText(chat.support, new RegExp(`Phiếu ${code}[\\s\\S]*Diễn biến`));
    expect(inSupport.text).toContain('chờ hồ sơ');
    await say(chat.communeA, official, `/phieu ${code}`);
    const inCommune = await waitText(chat.communeA, new RegExp(`Phiếu ${code}[\\s\\S]*Diễn biến`));
    expect(inCommune.text).not.toContain('chờ hồ sơ');
    // Another commune cannot read it, nor learn that it exists.
    await say(chat.communeB, officialB, `/phieu ${code}`);
    await waitText(chat.communeB, new RegExp(`Không tìm thấy phiếu ${code} trong các phiếu đơn vị bạn được xem`));
  });
});
