import TelegramServer from 'telegram-test-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, eventually, startTestApp, TEST_TOKEN, type TestAppHandle } from '../support/test-app.js';

// The Bot API server here is `telegram-test-api`, written by others: getUpdates answers at once,
// it lacks setMyCommands, and its messages may come without entities.

type Stored = { message: { chat_id: number | string; text: string; reply_markup?: unknown } };

describe('report flow through telegram-test-api', () => {
  let server: InstanceType<typeof TelegramServer>;
  let h: TestAppHandle;
  const COMMUNE_CHAT = -1001;
  const SUPPORT_CHAT = -1002;
  const client = (userId: number, chatId: number, title: string, firstName: string) =>
    server.getClient(TEST_TOKEN, { userId, chatId, type: 'group', chatTitle: title, firstName, userName: `u${userId}` });
  const botTexts = (chatId: number) => (server.storage.botMessages as Stored[]).filter((m) => String(m.message.chat_id) === String(chatId)).map((m) => m.message.text);

  beforeAll(async () => {
    const port = await freePort();
    server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    h = await startTestApp({ apiRoot: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await h?.close();
    await server?.stop();
  });

  it('links groups, files a report, posts the card, refuses a non-admin and survives a restart', async () => {
    const admin = client(ADMIN_ID, COMMUNE_CHAT, 'UBND xã Tân Hưng', 'Quản trị');
    const adminInSupport = client(ADMIN_ID, SUPPORT_CHAT, 'Tổ công tác tỉnh', 'Quản trị');
    const official = client(501, COMMUNE_CHAT, 'UBND xã Tân Hưng', 'Nguyễn Văn An');
    const stranger = client(777, SUPPORT_CHAT, 'Tổ công tác tỉnh', 'Người lạ');

    await admin.sendCommand(admin.makeCommand('/lienket xa 11977'));
    await adminInSupport.sendCommand(adminInSupport.makeCommand('/lienket tocongtac'));
    await eventually(async () => botTexts(COMMUNE_CHAT).some((t) => t.includes('Xã Tân Hưng')), 'commune link confirmation');
    await eventually(async () => botTexts(SUPPORT_CHAT).some((t) => t.includes('tổ công tác')), 'support link confirmation');

    // A non-admin tries to relink the support group: refused politely, nothing changes.
    await stranger.sendMessage(stranger.makeMessage('/lienket lanhdao'));
    await eventually(async () => botTexts(SUPPORT_CHAT).some((t) => t.includes('chỉ quản trị viên')), 'refusal');
    const support = await h.app.db.prisma.chat.findFirstOrThrow({ where: { externalId: String(SUPPORT_CHAT) } });
    expect(support.role).toBe('support');

    await official.sendCommand(official.makeCommand('/baocao Máy tính ở Trung tâm phục vụ hành chính công bị hỏng, người dân phải chờ <lâu> & bức xúc'));
    const receipt = await eventually(async () => botTexts(COMMUNE_CHAT).find((t) => t.includes('HY-0001')), 'ticket code reply');
    expect(receipt).toContain('mã phiếu <b>HY-0001</b>');
    const card = await eventually(async () => botTexts(SUPPORT_CHAT).find((t) => t.includes('HY-0001')), 'support card');
    expect(card).toContain('Xã Tân Hưng');
    expect(card).toContain('Mới tiếp nhận');
    // User text is shown literally, never as markup.
    expect(card).toContain('&lt;lâu&gt; &amp; bức xúc');

    // Restart right after the next report is stored: the new process finishes it, exactly once.
    const stored = await h.app.db.prisma.inboundUpdate.count();
    await official.sendMessage(official.makeMessage('/baocao Rác thải sinh hoạt tồn đọng nhiều ngày chưa có đơn vị thu gom'));
    await eventually(() => h.app.db.prisma.inboundUpdate.count().then((n) => n === stored + 1), 'second report stored');
    await h.restart();
    await eventually(async () => botTexts(COMMUNE_CHAT).find((t) => t.includes('HY-0002')), 'second ticket after restart');
    await eventually(async () => botTexts(SUPPORT_CHAT).find((t) => t.includes('HY-0002')), 'second card after restart');
    const tickets = await h.app.db.prisma.ticket.findMany({ orderBy: { id: 'asc' }, include: { events: true } });
    expect(tickets.map((t) => t.code)).toEqual(['HY-0001', 'HY-0002']);
    expect(tickets[1]!.communeCode).toBe('11977');
    expect(tickets[1]!.events.map((e) => e.kind)).toEqual(['created']);
  });

  it('runs the workflow with buttons and replies as that server sends them', async () => {
    const DEPT_CHAT = -1004;
    const admin = client(ADMIN_ID, DEPT_CHAT, 'Sở Xây dựng', 'Quản trị');
    await admin.sendCommand(admin.makeCommand('/lienket so SXD'));
    await eventually(async () => botTexts(DEPT_CHAT).some((t) => t.includes('Sở Xây dựng')), 'department linked');
    const official = client(501, COMMUNE_CHAT, 'UBND xã Tân Hưng', 'Nguyễn Văn An');
    await official.sendCommand(official.makeCommand('/baocao Cầu dân sinh xuống cấp, cần sửa chữa gấp'));
    const code = await eventually(async () => botTexts(COMMUNE_CHAT).map((t) => /mã phiếu <b>(HY-\d{4})<\/b>/.exec(t)?.[1]).filter(Boolean).at(-1), 'code');
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: code! } });
    // This server's callback queries carry no message id: the button is bound by chat and ticket.
    const supporter = client(601, SUPPORT_CHAT, 'Tổ công tác tỉnh', 'Trần Bình');
    await supporter.sendCallback(supporter.makeCallbackQuery(`t:claim:${ticket.id}`));
    await eventually(async () => (await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status === 'claimed', 'claimed');
    await supporter.sendCallback(supporter.makeCallbackQuery(`t:to:${ticket.id}:SXD`));
    await eventually(async () => botTexts(DEPT_CHAT).some((t) => t.includes(`Phiếu mới được giao: ${code}`)), 'department notified');
    const stored = server.storage.botMessages as (Stored & { messageId: number })[];
    const card = await eventually(async () => stored.filter((m) => String(m.message.chat_id) === String(DEPT_CHAT) && m.message.text.includes(`${code}</b> ·`)).at(-1), 'department card');
    const deptUser = client(701, DEPT_CHAT, 'Sở Xây dựng', 'Lê Cường');
    await deptUser.sendMessage(deptUser.makeMessage('Sở đã bố trí vốn sửa chữa trong quý I.', { reply_to_message: { message_id: card.messageId, chat: { id: DEPT_CHAT, type: 'group' }, date: 0 } } as never));
    await eventually(async () => botTexts(COMMUNE_CHAT).some((t) => t.includes(`Trả lời phiếu ${code}`) && t.includes('bố trí vốn')), 'answer relayed');
    await official.sendCommand(official.makeCommand(`/xong ${code}`));
    await eventually(async () => (await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status === 'resolved', 'resolved');
  });

  it('counts a card edit this server answers with {"ok":true,"result":null} as done, so the support group\'s next answers are not held', async () => {
    const official = client(501, COMMUNE_CHAT, 'UBND xã Tân Hưng', 'Nguyễn Văn An');
    const shown = botTexts(COMMUNE_CHAT).length;
    await official.sendCommand(official.makeCommand('/baocao Nhà văn hóa thôn xuống cấp, cần kinh phí sửa chữa'));
    const code = await eventually(async () => botTexts(COMMUNE_CHAT).slice(shown).map((t) => /mã phiếu <b>(HY-\d{4})<\/b>/.exec(t)?.[1]).find(Boolean), 'code');
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: code! } });
    const cardRows = () => h.app.db.prisma.outboundMessage.findMany({ where: { chatExternalId: String(SUPPORT_CHAT), ticketId: ticket.id, purpose: 'card:support' }, orderBy: { id: 'asc' } });
    await eventually(async () => (await cardRows()).some((r) => r.status === 'sent'), 'card posted');
    const supporter = client(602, SUPPORT_CHAT, 'Tổ công tác tỉnh', 'Phạm Dung');
    // Claiming edits the card in the support group; this server answers editMessageText with result null.
    await supporter.sendCallback(supporter.makeCallbackQuery(`t:claim:${ticket.id}`));
    const edit = await eventually(async () => (await cardRows()).slice(1).find((r) => r.attempts > 0), 'card edit tried');
    // The next thing the support group asks for is answered, not held behind the edit.
    const before = botTexts(SUPPORT_CHAT).length;
    await supporter.sendCommand(supporter.makeCommand(`/phieu ${code}`));
    await eventually(async () => botTexts(SUPPORT_CHAT).slice(before).some((t) => t.includes(code!) && t.includes('Tổ công tác đã nhận')), '/phieu answered');
    const done = await h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id: edit.id } });
    expect(done).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    // Nothing anywhere stays pending, and nothing is parked or failed (this server accepted every
    // call). Other chats' messages (the claim notice to the commune) go on their own lines, so they
    // may still be on their way at this point: wait for them to settle.
    const unsent = () => h.app.db.prisma.outboundMessage.findMany({ where: { status: { not: 'sent' } }, select: { id: true, chatExternalId: true, purpose: true, status: true, lastError: true } });
    await eventually(async () => (await unsent()).every((r) => r.status !== 'pending') || undefined, 'every message settled');
    expect(await unsent()).toEqual([]);
  });

  it('creates nothing for reports from a chat no admin linked', async () => {
    const unlinked = client(502, -1003, 'Nhóm lạ', 'Ai đó');
    const before = await h.app.db.prisma.ticket.count();
    await unlinked.sendCommand(unlinked.makeCommand('/baocao thử'));
    await eventually(async () => botTexts(-1003).some((t) => t.includes('chưa được liên kết')), 'unlinked notice');
    expect(await h.app.db.prisma.ticket.count()).toBe(before);
  });
});
