import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// The whole ticket life through a Bot API server: four groups, buttons, replies, a restart.


describe('ticket workflow end to end', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  const ids = { commune: 0, support: 0, dept: 0, leaders: 0, official: 0, supporter: 0, deptUser: 0, supporter2: 0 };

  const latest = (chatId: number, pattern: RegExp) => {
    const all = emu.botMessages(chatId).filter((m) => pattern.test(m.text ?? m.caption ?? ''));
    return all[all.length - 1];
  };
  const waitText = (chatId: number, pattern: RegExp) => eventually(async () => latest(chatId, pattern), `bot message ${pattern} in ${chatId}`);
  const say = (chatId: number, userId: number, text: string, replyToMessageId?: number) =>
    emu.sendUserMessage({ chatId, userId, text, ...(replyToMessageId ? { replyToMessageId } : {}) });

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot });
    ids.commune = (await emu.createChat({ type: 'group', title: 'UBND phường Phố Hiến' })).id;
    ids.support = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    ids.dept = (await emu.createChat({ type: 'group', title: 'Sở KH&CN - đầu mối' })).id;
    ids.leaders = (await emu.createChat({ type: 'group', title: 'Lãnh đạo tỉnh' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    ids.official = (await emu.createUser({ first_name: 'Nguyễn Văn An' })).id;
    ids.supporter = (await emu.createUser({ first_name: 'Trần Bình', username: 'tranbinh' })).id;
    ids.supporter2 = (await emu.createUser({ first_name: 'Lê Chi' })).id;
    ids.deptUser = (await emu.createUser({ first_name: 'Phạm Dũng' })).id;
    await say(ids.commune, ADMIN_ID, '/lienket xa 11953');
    await say(ids.support, ADMIN_ID, '/lienket tocongtac');
    await say(ids.dept, ADMIN_ID, '/lienket so SKHCN');
    await say(ids.leaders, ADMIN_ID, '/lienket lanhdao');
    await waitText(ids.leaders, /lãnh đạo/);
    await waitText(ids.dept, /Sở Khoa học và Công nghệ/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('report → claim → route → answer → reopen → answer → confirm, with a restart in the middle', async () => {
    await say(ids.commune, ids.official, '/baocao Máy tính tại Trung tâm phục vụ hành chính công hỏng, không ký số được');
    await waitText(ids.commune, /mã phiếu <?b?>?HY-0001|HY-0001/);
    let card = await waitText(ids.support, /HY-0001 · Phường Phố Hiến/);

    // Claim by button: the card is edited in place.
    await emu.pressButton({ chatId: ids.support, userId: ids.supporter, messageId: card.message_id, data: buttonData(card, 't:claim:') });
    card = await eventually(async () => emu.botMessages(ids.support).find((m) => m.message_id === card.message_id && /Tổ công tác đã nhận/.test(m.text ?? '')), 'card shows claimed');
    expect(card.text).toContain('Trần Bình');

    // Route by button: a department picker, then the department.
    await emu.pressButton({ chatId: ids.support, userId: ids.supporter, messageId: card.message_id, data: buttonData(card, 't:assign:') });
    const picker = await waitText(ids.support, /Chọn sở/);
    await emu.pressButton({ chatId: ids.support, userId: ids.supporter, messageId: picker.message_id, data: buttonData(picker, 't:to:1:SKHCN') });
    await waitText(ids.dept, /Phiếu mới được giao: HY-0001/);
    const deptCard = await waitText(ids.dept, /HY-0001 · Phường Phố Hiến/);
    await waitText(ids.commune, /đã được chuyển tới Sở Khoa học và Công nghệ/);
    await eventually(async () => /Đã chuyển sở/.test(emu.botMessages(ids.support).find((m) => m.message_id === card.message_id)?.text ?? ''), 'support card shows assigned');

    // The process restarts mid-flow; nothing is lost.
    await h.restart();

    // The department answers by replying to its card.
    await say(ids.dept, ids.deptUser, 'Sở đã cử kỹ thuật viên thay máy và cấp lại chứng thư số trong ngày 28/11.', deptCard.message_id);
    const answer = await waitText(ids.commune, /Trả lời phiếu HY-0001/);
    expect(answer.text).toContain('Sở Khoa học và Công nghệ');
    expect(answer.text).toContain('kỹ thuật viên');

    // The commune is not satisfied: button, then the reason as a reply to the prompt.
    await emu.pressButton({ chatId: ids.commune, userId: ids.official, messageId: answer.message_id, data: buttonData(answer, 't:reopen:') });
    const prompt = await waitText(ids.commune, /lý do chưa đồng ý/);
    await say(ids.commune, ids.official, 'Máy mới vẫn chưa cài phần mềm một cửa.', prompt.message_id);
    const reopened = await waitText(ids.dept, /Xã chưa đồng ý câu trả lời phiếu HY-0001/);
    expect(reopened.text).toContain('chưa cài phần mềm một cửa');

    // Second answer by command, then the commune confirms by button.
    await say(ids.dept, ids.deptUser, '/traloi HY-0001 Đã cài đặt phần mềm một cửa và hướng dẫn sử dụng.');
    const answer2 = await waitText(ids.commune, /Đã cài đặt phần mềm một cửa/);
    await emu.pressButton({ chatId: ids.commune, userId: ids.official, messageId: answer2.message_id, data: buttonData(answer2, 't:confirm:') });
    await waitText(ids.commune, /đã được xác nhận giải quyết/);
    await eventually(async () => /Đã giải quyết/.test(emu.botMessages(ids.support).find((m) => m.message_id === card.message_id)?.text ?? ''), 'support card resolved');

    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(ticket.status).toBe('resolved');
    expect(ticket.events.map((e) => e.kind)).toEqual(['created', 'claimed', 'assigned', 'answered', 'reopened', 'answered', 'confirmed']);
    expect(ticket.firstAnsweredAt).not.toBeNull();
    expect(ticket.resolvedAt).not.toBeNull();

    // The status view, in Vietnamese, with the whole timeline.
    await say(ids.commune, ids.official, '/phieu HY-0001');
    const status = await waitText(ids.commune, /Diễn biến/);
    expect(status.text).toContain('Trạng thái: Đã giải quyết');
    expect(status.text).toContain('Xã chưa đồng ý, đề nghị trả lời lại');
  });

  it('refuses the wrong people with a short Vietnamese explanation and changes nothing', async () => {
    await say(ids.commune, ids.official, '/baocao Rác thải sinh hoạt tồn đọng');
    await waitText(ids.commune, /HY-0002/);
    const before = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0002' } });

    await say(ids.commune, ids.official, '/traloi HY-0002 Xã tự trả lời');
    await waitText(ids.commune, /không có quyền/);
    // A department does not see a ticket that is not assigned to it (not even that it exists).
    await say(ids.dept, ids.deptUser, '/nhan HY-0002');
    await waitText(ids.dept, /Không tìm thấy phiếu HY-0002 trong các phiếu đơn vị bạn được xem/);
    await say(ids.leaders, ids.supporter, '/chuyen HY-0002 SNNMT');
    await waitText(ids.leaders, /không có quyền/);

    // A forged button on a message that is not this ticket's card does nothing.
    const receipt = latest(ids.commune, /HY-0002/)!;
    const press = await emu.pressButton({ chatId: ids.commune, userId: ids.official, messageId: receipt.message_id, data: 't:claim:2' });
    await eventually(async () => emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId), 'callback answered');
    expect(emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId)?.text).toContain('không còn hiệu lực');

    const after = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0002' }, include: { events: true } });
    expect(after.status).toBe(before.status);
    expect(after.claimedById).toBeNull();
    expect(after.events.map((e) => e.kind)).toEqual(['created']);
  });
});
