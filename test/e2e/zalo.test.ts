import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type EmulatorMessage } from '../../tools/telegram-emulator/index.js';
import { startZaloEmulator, type ZaloEmulator, type ZaloStoredMessage } from '../../tools/zalo-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// One ticket across two platforms: a commune official on Zalo (private chat), the support team and
// the department on Telegram. Both Bot API servers are real HTTP servers; the app runs as in production.

const ZALO_TOKEN = '4242:zalo-test-token-0123456789';
const ZALO_ADMIN = 'a1b2c3d4e5f6a7b8c9d0';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

describe('Zalo as a second platform (Telegram Bot API emulator + Zalo Bot API emulator)', () => {
  let tg: BotApiEmulator;
  let zalo: ZaloEmulator;
  let h: TestAppHandle;
  let support = 0;
  let department = 0;
  let official = '';
  let code = '';

  const zaloSays = async (userId: string, text: string, match: RegExp | string, chatId = userId): Promise<ZaloStoredMessage> => {
    const before = zalo.botMessages(chatId).length;
    await zalo.sendText({ userId, chatId, text });
    return eventually(async () => zalo.botMessages(chatId).slice(before).find((m) => (typeof match === 'string' ? (m.text ?? m.caption ?? '').includes(match) : match.test(m.text ?? m.caption ?? ''))), `Zalo answer ${match} to "${text}"`);
  };
  const telegramSays = async (chatId: number, userId: number, text: string, match: RegExp): Promise<EmulatorMessage> => {
    const before = tg.botMessages(chatId).length;
    await tg.sendUserMessage({ chatId, userId, text });
    return eventually(async () => tg.botMessages(chatId).slice(before).find((m) => match.test(m.text ?? m.caption ?? '')), `Telegram answer ${match} to "${text}"`);
  };

  beforeAll(async () => {
    tg = await startBotApiEmulator();
    zalo = await startZaloEmulator({ token: ZALO_TOKEN, bot: { accountName: 'thaogo', displayName: 'Tháo gỡ' } });
    const port = await freePort();
    h = await startTestApp({
      apiRoot: tg.apiRoot,
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ZALO_BOT_TOKEN: ZALO_TOKEN,
        ZALO_API_ROOT: zalo.apiRoot,
        ZALO_MODE: 'polling',
        ADMIN_IDS: `zalo:${ZALO_ADMIN}`,
      },
    });
    await tg.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    await tg.createChat({ type: 'private', id: ADMIN_ID });
    await tg.createUser({ id: ADMIN_ID + 1, first_name: 'Tổ viên' });
    await tg.createUser({ id: ADMIN_ID + 2, first_name: 'Chuyên viên Sở' });
    support = (await tg.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    department = (await tg.createChat({ type: 'group', title: 'Sở Giáo dục và Đào tạo' })).id;
    await telegramSays(support, ADMIN_ID, '/lienket tocongtac', /tổ công tác/i);
    await telegramSays(department, ADMIN_ID, '/lienket so SGDDT', /Giáo dục/);
    official = (await zalo.createUser({ displayName: 'Nguyễn Thị Hoa' })).id;
  });
  afterAll(async () => {
    await h?.close();
    await zalo?.close();
    await tg?.close();
  });

  it('an unlinked Zalo user gets a short explanation and files nothing', async () => {
    const answer = await zaloSays(official, 'baocao Trường tiểu học bị dột', /chưa được liên kết|lienket/);
    expect(answer.text!.length).toBeLessThanOrEqual(2000);
    await zaloSays(official, 'xin chào', /lienket/);
    expect(await h.app.db.prisma.ticket.count()).toBe(0);
  });

  it('links with a code made on Telegram, reports, gets the answer from a Telegram department, and confirms by typed number', async () => {
    const made = await telegramSays(ADMIN_ID, ADMIN_ID, '/taoma xa 12004', /[A-Z0-9]{6,10}/);
    code = /\b(?=[A-Z0-9]*\d)[A-Z0-9]{6,10}\b/.exec(made.text!)![0];
    await zaloSays(official, `lienket ${code}`, /liên kết/i);

    const receipt = await zaloSays(official, 'baocao Trường tiểu học thôn Đông bị dột mái, đề nghị hỗ trợ kinh phí sửa chữa', /HY-\d{4}/);
    const ticket = /HY-\d{4}/.exec(receipt.text!)![0];
    // No markup on Zalo: the receipt is plain text.
    expect(receipt.text).not.toMatch(/<\/?b>/);

    // The support team on Telegram claims and routes with buttons.
    const card = await tg.waitForBotMessage(support, new RegExp(`${ticket} ·`));
    expect(card.text).toContain('Nguyễn Thị Hoa');
    await tg.pressButton({ chatId: support, userId: ADMIN_ID + 1, messageId: card.message_id, data: buttonData(card, 't:claim:') });
    await telegramSays(support, ADMIN_ID + 1, `/chuyen ${ticket} SGDDT`, /Sở Giáo dục/);
    await zalo.waitForBotMessage(official, /Sở Giáo dục/);

    // The department answers on Telegram by replying to its card.
    const deptCard = await tg.waitForBotMessage(department, new RegExp(`${ticket} ·`));
    await tg.sendUserMessage({ chatId: department, userId: ADMIN_ID + 2, text: 'Sở đã bố trí 200 triệu đồng sửa mái trong quý I.', replyToMessageId: deptCard.message_id });

    // The answer reaches Zalo with numbered choices instead of buttons.
    const answer = await zalo.waitForBotMessage(official, /200 triệu/);
    expect(answer.text).toMatch(/1\. \S* ?Đồng ý/);
    expect(answer.text).toMatch(/2\. \S* ?Chưa đồng ý/);

    // A number that is not on the menu is refused and changes nothing.
    await zaloSays(official, '7', /từ 1 đến 2/);
    // Confirmed by number: the satisfaction question follows as numbered choices too.
    const question = await zaloSays(official, '1', /Xã có hài lòng/);
    expect(question.text).toContain('giải quyết xong');
    expect(question.text).toMatch(/1\. Hài lòng\n2\. Tạm được\n3\. Chưa hài lòng/);
    await eventually(async () => (await h.app.db.prisma.ticket.findUnique({ where: { code: ticket } }))?.status === 'resolved', 'ticket resolved');
    await zaloSays(official, '2', /Đã ghi nhận ý kiến "Tạm được"/);
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: ticket } })).satisfaction).toBe('tam_duoc');
    // The menu answered once: the same number again is stale.
    await zaloSays(official, '2', /hết hạn|đã được dùng/);
    await tg.waitForBotMessage(support, new RegExp(`${ticket}.*(đồng ý|giải quyết)`, 'i'));
  });

  it('confirms an answer by a typed word with the rating, without the slash and without diacritics', async () => {
    const receipt = await zaloSays(official, 'baocao Cống thoát nước trước trường mầm non bị tắc', /HY-\d{4}/);
    const ticket = /HY-\d{4}/.exec(receipt.text!)![0];
    await telegramSays(support, ADMIN_ID + 1, `/nhan ${ticket}`, new RegExp(ticket));
    await telegramSays(support, ADMIN_ID + 1, `/chuyen ${ticket} SGDDT`, /Sở Giáo dục/);
    await telegramSays(department, ADMIN_ID + 2, `/traloi ${ticket} Sở đã đề nghị xã nạo vét cống trong tuần này.`, new RegExp(ticket));
    await zalo.waitForBotMessage(official, /nạo vét cống/);
    // "xong <mã> 1": confirmed and rated "Hài lòng" in one message.
    await zaloSays(official, `xong ${ticket} 1`, /Hài lòng/);
    const done = await eventually(async () => {
      const t = await h.app.db.prisma.ticket.findUnique({ where: { code: ticket } });
      return t?.status === 'resolved' && t.satisfaction ? t : undefined;
    }, 'resolved with a rating');
    expect(done.satisfaction).toBe('hai_long');
  });

  it('takes typed command words without the slash, and splits long answers at 2,000 characters', async () => {
    const long = `baocao ${'Nhà văn hóa thôn xuống cấp nghiêm trọng, tường nứt, mái dột. '.repeat(60)}`;
    const receipt = await zaloSays(official, long, /HY-\d{4}/);
    const ticket = /HY-\d{4}/.exec(receipt.text!)![0];
    const before = zalo.botMessages(official).length;
    await zalo.sendText({ userId: official, text: `phieu ${ticket}` });
    await eventually(async () => zalo.botMessages(official).length >= before + 2 && zalo.botMessages(official).slice(before).some((m) => /Diễn biến/.test(m.text ?? '')), 'status in several messages');
    for (const m of zalo.botMessages(official)) expect((m.text ?? m.caption ?? '').length).toBeLessThanOrEqual(2000);
    expect(zalo.calls('sendMessage').every((c) => c.ok)).toBe(true);
  });

  it('a photo reported on Zalo reaches the Telegram department', async () => {
    const before = zalo.botMessages(official).length;
    await zalo.sendImage({ userId: official, bytes: PNG, mime: 'image/png', caption: 'baocao Cống thoát nước trước trường bị vỡ (ảnh kèm)' });
    const receipt = await eventually(async () => zalo.botMessages(official).slice(before).find((m) => /HY-\d{4}/.test(m.text ?? '')), 'receipt of the photo report');
    const ticket = /HY-\d{4}/.exec(receipt.text!)![0];
    await telegramSays(support, ADMIN_ID + 1, `/chuyen ${ticket} SGDDT`, /Sở Giáo dục/);
    const photo = await eventually(async () => tg.calls('sendPhoto').find((c) => String(c.params.chat_id) === String(department) && c.ok), 'photo sent to the department');
    expect(photo).toBeTruthy();
    const stored = await h.app.db.prisma.storedFile.findFirst();
    expect(stored?.size).toBe(PNG.length);
  });

  it('admins are per platform: a Zalo admin links a Zalo group; the same id on Telegram is nobody', async () => {
    await zalo.createUser({ id: ZALO_ADMIN, displayName: 'Quản trị Zalo' });
    const group = await zalo.createGroup({ title: 'Tổ công tác Zalo', memberIds: [ZALO_ADMIN, official] });
    await zaloSays(ZALO_ADMIN, '@thaogo lienket tocongtac', /tổ công tác/i, group.id);
    expect((await h.app.db.prisma.chat.findFirst({ where: { platform: 'zalo', externalId: group.id } }))?.role).toBe('support');
    // The Telegram admin's number typed as a Zalo id is not an admin there, and the reverse holds too.
    const impostor = await zalo.createUser({ id: String(ADMIN_ID), displayName: 'Giả danh' });
    const other = await zalo.createGroup({ title: 'Nhóm lạ', memberIds: [impostor.id] });
    await zaloSays(impostor.id, '@thaogo lienket tocongtac', /quản trị viên/, other.id);
    const tgUser = await tg.createUser({ first_name: 'Trùng số' });
    expect(tgUser.id).not.toBe(ZALO_ADMIN);
  });
});

describe('Zalo by webhook, and a Zalo group working with numbered choices (Zalo Bot API emulator)', () => {
  const SECRET = 'zalo-webhook-secret-0123';
  let tg: BotApiEmulator;
  let zalo: ZaloEmulator;
  let h: TestAppHandle;
  let url = '';
  let official = '';
  let group = '';
  let memberA = '';
  let memberB = '';

  const post = (body: string, secret: string | null) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-bot-api-secret-token': secret }) }, body });
  const textEvent = (userId: string, chatId: string, text: string, messageId: string) =>
    JSON.stringify({ ok: true, result: { event_name: 'message.text.received', message: { message_id: messageId, date: Date.now(), from: { id: userId, display_name: 'Cán bộ xã', is_bot: false }, chat: { id: chatId, chat_type: 'PRIVATE' }, text } } });
  const newAnswer = async (chatId: string, userId: string, text: string, match: RegExp) => {
    const before = zalo.botMessages(chatId).length;
    await zalo.sendText({ userId, chatId, text });
    return eventually(async () => zalo.botMessages(chatId).slice(before).find((m) => match.test(m.text ?? '')), `answer ${match} to "${text}"`);
  };

  beforeAll(async () => {
    tg = await startBotApiEmulator();
    zalo = await startZaloEmulator({ token: ZALO_TOKEN, bot: { accountName: 'thaogo', displayName: 'Tháo gỡ' } });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhook/zalo`;
    h = await startTestApp({
      apiRoot: tg.apiRoot,
      env: { PORT: String(port), ZALO_BOT_TOKEN: ZALO_TOKEN, ZALO_API_ROOT: zalo.apiRoot, ZALO_MODE: 'webhook', ZALO_WEBHOOK_SECRET: SECRET, ZALO_WEBHOOK_URL: url, ADMIN_IDS: `zalo:${ZALO_ADMIN}` },
    });
    await zalo.createUser({ id: ZALO_ADMIN, displayName: 'Quản trị Zalo' });
    official = (await zalo.createUser({ displayName: 'Trần Văn Bình' })).id;
    memberA = (await zalo.createUser({ displayName: 'Tổ viên A' })).id;
    memberB = (await zalo.createUser({ displayName: 'Tổ viên B' })).id;
    // The bot registered its webhook with Zalo at start.
    expect(zalo.webhook()).toMatchObject({ url, secretToken: SECRET });
    const made = await newAnswer(ZALO_ADMIN, ZALO_ADMIN, 'taoma xa 12004', /[A-Z0-9]{6,10}/);
    const code = /\b(?=[A-Z0-9]*\d)[A-Z0-9]{6,10}\b/.exec(made.text!)![0];
    await newAnswer(official, official, `lienket ${code}`, /liên kết/i);
    group = (await zalo.createGroup({ title: 'Tổ công tác Zalo', memberIds: [ZALO_ADMIN, memberA, memberB] })).id;
    await newAnswer(group, ZALO_ADMIN, '@thaogo lienket tocongtac', /tổ công tác/i);
  });
  afterAll(async () => {
    await h?.close();
    await zalo?.close();
    await tg?.close();
  });

  it('refuses a missing, wrong or wrong-length secret with 401 and a malformed body with 400; stores nothing', async () => {
    const before = await h.app.db.prisma.inboundUpdate.count();
    const body = textEvent(official, official, 'baocao thử', 'msg-secret-1');
    for (const secret of [null, 'wrong-secret-012345678', SECRET.slice(0, -1), `${SECRET}x`]) expect((await post(body, secret)).status).toBe(401);
    expect((await post('{"ok": true, "result": {', SECRET)).status).toBe(400);
    expect((await post(JSON.stringify({ hello: 'world' }), SECRET)).status).toBe(400);
    expect((await post(JSON.stringify({ event_name: 'message.text.received', message: { message_id: 5, from: {}, chat: {} } }), SECRET)).status).toBe(400);
    expect(await h.app.db.prisma.inboundUpdate.count()).toBe(before);
  });

  it('turns the same event delivered twice into one ticket', async () => {
    const body = textEvent(official, official, 'baocao Bãi rác tự phát cạnh chợ xã chưa được thu gom', 'msg-dup-1');
    const [a, b] = await Promise.all([post(body, SECRET), post(body, SECRET)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await post(body, SECRET)).status).toBe(200);
    await zalo.waitForBotMessage(official, /HY-\d{4}/);
    await eventually(async () => (await h.app.db.prisma.ticket.count({ where: { text: { contains: 'Bãi rác tự phát' } } })) === 1, 'one ticket');
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.app.db.prisma.ticket.count({ where: { text: { contains: 'Bãi rác tự phát' } } })).toBe(1);
    expect(zalo.botMessages(official).filter((m) => /HY-\d{4}/.test(m.text ?? '') && /tiếp nhận/i.test(m.text ?? '')).length).toBe(1);
  });

  it('a card in a Zalo group is a numbered menu: a number picks, a prompt takes the next message, a menu for someone else is refused', async () => {
    const receipt = await newAnswer(official, official, 'baocao Đường liên thôn bị sạt lở sau mưa lớn', /HY-\d{4}/);
    const ticket = /HY-\d{4}/.exec(receipt.text!)![0];
    const card = await eventually(async () => zalo.botMessages(group).find((m) => (m.text ?? '').includes(`${ticket} ·`)), 'card in the Zalo group');
    expect(card.text).toMatch(/1\. .*Nhận xử lý/);

    // A asks for the department picker: a menu for A only; B's number is refused, A's picks.
    const picker = await newAnswer(group, memberA, `@thaogo chuyen ${ticket}`, /Chọn sở/);
    const first = /\n1\. ([A-Z]+)/.exec(picker.text!)![1];
    await newAnswer(group, memberB, '@thaogo 2', /người khác/);
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: ticket } })).status).toBe('new');
    await newAnswer(group, memberA, '@thaogo 1', new RegExp(`${ticket}.*${first}|${first}.*${ticket}|chuyển`, 'i'));
    expect(await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: ticket } })).toMatchObject({ status: 'assigned', departmentCode: first });
    // The picker answered once.
    await newAnswer(group, memberA, '@thaogo 1', /hết hạn|đã được dùng/);

    // A second report's card is the newest menu: A rejects it, and the reason is A's next message.
    const receipt2 = await newAnswer(official, official, 'baocao Đề nghị hỗ trợ kinh phí tổ chức lễ hội', /HY-\d{4}/);
    const ticket2 = /HY-\d{4}/.exec(receipt2.text!)![0];
    const card2 = await eventually(async () => zalo.botMessages(group).find((m) => (m.text ?? '').includes(`${ticket2} ·`)), 'second card');
    const rejectNo = (card2.text ?? '').split('\n').find((l) => /Từ chối/.test(l))?.match(/^(\d+)\./)?.[1];
    expect(rejectNo).toBeTruthy();
    await newAnswer(group, memberA, `@thaogo ${rejectNo}`, /lý do/i);
    await newAnswer(group, memberA, '@thaogo Trùng với phiếu đã gửi tuần trước', /từ chối/i);
    const after = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: ticket2 } });
    expect(after.status).toBe('rejected');
    const event = await h.app.db.prisma.ticketEvent.findFirstOrThrow({ where: { ticketId: after.id, kind: 'rejected' } });
    expect(event.text).toBe('Trùng với phiếu đã gửi tuần trước');
    await zalo.waitForBotMessage(official, /Trùng với phiếu/);
  });
});
