import { mkdtempSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis, DemoSetupError, describeDemo, startDemo, type RunningDemo } from '../../tools/demo/demo.js';
import { loadPage } from '../../tools/demo/page.js';
import { CHATS, DEPARTMENT_CODE, PERSONAS, ZALO_CHAT, ZALO_COMMUNE_CODE, ZALO_OFFICIAL } from '../../tools/demo/scene.js';
import type { EmulatorMessage, TgChat } from '../../tools/telegram-emulator/index.js';
import type { ZaloStoredMessage, ZaloUser } from '../../tools/zalo-emulator/index.js';
import { createLogger } from '../../src/logger.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { deleteRedisPrefix, eventually } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

// `npm run demo` end to end: the page and the bot behind it, driven over HTTP the way the page does.

const GROUPS = [CHATS.commune, CHATS.support, CHATS.department, CHATS.leaders];

async function control<T>(base: string, name: string, body?: object): Promise<T> {
  const res = await fetch(`${base}__emulator/${name}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  const json = (await res.json()) as { ok: boolean; result: T; error?: string };
  if (!json.ok) throw new Error(`${name}: ${json.error}`);
  return json.result;
}

const botMessages = (base: string, chatId: number) => control<EmulatorMessage[]>(base, `botMessages?chatId=${chatId}`);

/** The Zalo emulator's control API, as the page reaches it: on the page's own origin. */
async function zaloControl<T>(base: string, name: string, body?: object): Promise<T> {
  const res = await fetch(`${base}__zalo/${name}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {});
  const json = (await res.json()) as { ok: boolean; result: T; error?: string };
  if (!json.ok) throw new Error(`${name}: ${json.error}`);
  return json.result;
}

const zaloMessages = (base: string) => zaloControl<ZaloStoredMessage[]>(base, `messages?chatId=${ZALO_OFFICIAL.id}`);
const zaloBotMessages = (base: string) => zaloControl<ZaloStoredMessage[]>(base, `botMessages?chatId=${ZALO_OFFICIAL.id}`);

/** What the official types on the page's Zalo composer, and the bot's first answer after it that matches. */
async function zaloSays(base: string, text: string, match: RegExp): Promise<ZaloStoredMessage> {
  const before = (await zaloBotMessages(base)).length;
  await zaloControl(base, 'sendText', { userId: ZALO_OFFICIAL.id, text });
  return eventually(async () => (await zaloBotMessages(base)).slice(before).find((m) => match.test(m.text ?? m.caption ?? '')), `Zalo answer ${match} to "${text}"`);
}

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
const buttons = (m: EmulatorMessage) => (m.reply_markup?.inline_keyboard ?? []).flat();

describe('npm run demo', () => {
  let db: TestDatabase;
  let dataDir: string;
  const queuePrefix = `tdemo${randomBytes(4).toString('hex')}`;
  let demo: RunningDemo | undefined;

  /**
   * Waits until the app has recorded its message as sent: a press that reaches the app before then is
   * answered as a stale button (it only takes presses on messages it knows it sent), and the emulator
   * shows the message a moment before the app writes that down.
   */
  const recorded = (chatId: number, messageId: number) =>
    eventually(
      () => demo!.app.db.prisma.outboundMessage.findFirst({ where: { platform: 'telegram', chatExternalId: String(chatId), sentMessageId: String(messageId) } }),
      `message ${messageId} recorded as sent`,
    );

  const start = () =>
    startDemo({
      port: 0,
      appPort: 0,
      dataDir,
      queuePrefix,
      env: { DATABASE_URL: db.url, REDIS_URL: REDIS_TEST_URL },
      logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'thaogo-demo-'));
    demo = await start();
  });
  afterAll(async () => {
    await demo?.stop();
    await deleteRedisPrefix(queuePrefix);
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves one self-contained chat page: no external script, style or link, and a strict CSP', async () => {
    const res = await fetch(demo!.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    for (const chat of GROUPS) expect(html).toContain(chat.title);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|@import/i);
    expect(html).not.toContain('innerHTML');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[^']+' 'sha256-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    // Each inline block runs because its hash is listed, and only those blocks.
    const blocks = [...html.matchAll(/<(script|style)[^>]*>([\s\S]*?)<\/\1>/g)];
    expect(blocks).toHaveLength(3);
    for (const [, , body] of blocks) expect(csp).toContain(`'sha256-${createHash('sha256').update(body!).digest('base64')}'`);

    const scene = (await (await fetch(`${demo!.url}demo/scene.json`)).json()) as { chats: { id: number; title: string }[]; personas: { name: string }[]; calendar: string };
    expect(scene.chats.map((c) => c.title)).toEqual(expect.arrayContaining(GROUPS.map((g) => g.title)));
    expect(scene.personas.map((p) => p.name)).toEqual(['Quản trị viên', 'Nguyễn Văn An', 'Trần Thị Bình', 'Lê Minh Cường', 'Phạm Thu Dung']);
    expect(scene.calendar).toBe('demo');
  });

  it('seeds the four groups with fixed ids, linked by the admin, and a sample report', async () => {
    expect(demo!.seeded).toBe(true);
    const state = await control<{ chats: TgChat[] }>(demo!.url, 'state');
    for (const group of GROUPS) expect(state.chats).toContainEqual(expect.objectContaining({ id: group.id, title: group.title }));
    expect((await botMessages(demo!.url, CHATS.commune.id)).some((m) => /Đã liên kết nhóm này với .*Phố Hiến/.test(m.text ?? ''))).toBe(true);
    expect((await botMessages(demo!.url, CHATS.support.id)).some((m) => /tổ công tác/.test(m.text ?? ''))).toBe(true);
    expect((await botMessages(demo!.url, CHATS.department.id)).some((m) => /Sở Khoa học và Công nghệ/.test(m.text ?? ''))).toBe(true);
    expect((await botMessages(demo!.url, CHATS.leaders.id)).some((m) => /lãnh đạo/.test(m.text ?? ''))).toBe(true);
    // The sample ticket is the Zalo official's (next test): its card reaches the Telegram support group.
    const card = await eventually(async () => (await botMessages(demo!.url, CHATS.support.id)).find((m) => /HY-0001 · Xã Như Quỳnh/.test(m.text ?? '')), 'sample report card');
    expect(card.text).toContain(ZALO_OFFICIAL.name);
  });

  it('links the Zalo official the real way: a one-time code the admin makes on Telegram, sent to the bot on Zalo', async () => {
    expect(demo!.zaloLinked).toBe(true);
    const asked = (await control<EmulatorMessage[]>(demo!.url, `messages?chatId=${CHATS.adminPrivate.id}`)).find((m) => m.from?.id === PERSONAS.admin.id);
    expect(asked?.text).toBe(`/taoma xa ${ZALO_COMMUNE_CODE}`);
    const made = (await botMessages(demo!.url, CHATS.adminPrivate.id)).find((m) => /Mã liên kết một lần cho Xã Như Quỳnh/.test(m.text ?? ''));
    const code = /lienket ([A-Z0-9]{6,10})/.exec(made?.text ?? '')?.[1];
    expect(code).toBeTruthy();

    const [sent, linked] = await zaloMessages(demo!.url);
    expect(sent).toMatchObject({ sender: 'user', from_id: ZALO_OFFICIAL.id, text: `lienket ${code}` });
    expect(linked).toMatchObject({ sender: 'bot', kind: 'text' });
    expect(linked!.text).toMatch(/Đã liên kết tài khoản của bạn với Xã Như Quỳnh/);
    // Zalo shows plain text: no markup reaches it.
    expect(linked!.text).not.toMatch(/<\/?[a-z]+>/);

    const prisma = demo!.app.db.prisma;
    expect(await prisma.chat.findUnique({ where: { platform_externalId: { platform: 'zalo', externalId: ZALO_OFFICIAL.id } } })).toMatchObject({ kind: 'private', role: 'commune', communeCode: ZALO_COMMUNE_CODE, active: true });
    expect(await prisma.person.findUnique({ where: { platform_externalUserId: { platform: 'zalo', externalUserId: ZALO_OFFICIAL.id } } })).toMatchObject({ communeCode: ZALO_COMMUNE_CODE, displayName: ZALO_OFFICIAL.displayName });
    expect((await prisma.linkCode.findUniqueOrThrow({ where: { code: code! } })).usedAt).not.toBeNull();

    // The first sample ticket was filed from that Zalo chat.
    const receipt = await eventually(async () => (await zaloBotMessages(demo!.url)).find((m) => /mã phiếu HY-0001/.test(m.text ?? '')), 'the sample receipt on Zalo');
    expect(receipt.text).not.toMatch(/<\/?[a-z]+>/);
    expect(await prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' }, include: { sourceChat: true } })).toMatchObject({ communeCode: ZALO_COMMUNE_CODE, sourceChat: { platform: 'zalo' } });
  });

  it("puts the official's Zalo chat on the scene API, and the Zalo emulator's control API and live events on the page's origin", async () => {
    const scene = (await (await fetch(`${demo!.url}demo/scene.json`)).json()) as { zalo?: unknown };
    expect(scene.zalo).toEqual({ bot: { display_name: 'Tháo gỡ' }, chat: { ...ZALO_CHAT }, official: { ...ZALO_OFFICIAL } });
    const html = await (await fetch(demo!.url)).text();
    expect(html).toContain('Một phiếu đi qua Zalo và Telegram');

    const state = await zaloControl<{ users: ZaloUser[]; chats: { id: string; chat_type: string }[] }>(demo!.url, 'state');
    expect(state.users).toContainEqual(expect.objectContaining({ id: ZALO_OFFICIAL.id, display_name: ZALO_OFFICIAL.displayName }));
    expect(state.chats).toContainEqual(expect.objectContaining({ id: ZALO_CHAT.id, chat_type: 'PRIVATE' }));

    const abort = new AbortController();
    const res = await fetch(`${demo!.url}__zalo/events`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await zaloControl(demo!.url, 'sendText', { userId: ZALO_OFFICIAL.id, text: 'trogiup' });
    let seen = '';
    const decoder = new TextDecoder();
    await eventually(async () => {
      const { value } = await reader.read();
      seen += decoder.decode(value ?? new Uint8Array(), { stream: true });
      return seen.includes('event: message') && seen.includes(`"chatId":"${ZALO_CHAT.id}"`) && seen.includes('"sender":"bot"');
    }, "the bot's Zalo answer as a live event");
    abort.abort();
  });

  it('a /baocao from the commune persona gets a ticket code, and the support group a card whose buttons work', async () => {
    const sent = await control<{ message: { message_id: number } }>(demo!.url, 'sendUserMessage', {
      chatId: CHATS.commune.id,
      userId: PERSONAS.official.id,
      text: '/baocao Đường giao thông nội đồng xuống cấp, đề nghị hỗ trợ kinh phí sửa chữa',
    });
    const receipt = await eventually(
      async () => (await botMessages(demo!.url, CHATS.commune.id)).find((m) => m.message_id > sent.message.message_id && /mã phiếu HY-\d{4}/.test(m.text ?? '')),
      'receipt with a ticket code',
    );
    const code = /HY-\d{4}/.exec(receipt.text ?? '')![0];
    const card = await eventually(
      async () => (await botMessages(demo!.url, CHATS.support.id)).find((m) => (m.text ?? '').startsWith(`${code} · Phường Phố Hiến`)),
      `card ${code} in the support group`,
    );
    const claim = buttons(card).find((b) => b.text.includes('Nhận xử lý'));
    expect(claim?.callback_data).toBeTruthy();
    expect(buttons(card).map((b) => b.text).join(' ')).toContain('Chuyển sở');

    // What the page does on a click: press as the persona, then show the bot's answer as a toast.
    await recorded(CHATS.support.id, card.message_id);
    const press = await control<{ callbackQueryId: string }>(demo!.url, 'pressButton', {
      chatId: CHATS.support.id,
      userId: PERSONAS.supporter.id,
      messageId: card.message_id,
      data: claim!.callback_data,
    });
    const answer = await eventually(
      async () => (await control<{ callbackQueryId: string; text?: string }[]>(demo!.url, 'callbackAnswers')).find((a) => a.callbackQueryId === press.callbackQueryId),
      'callback answer',
    );
    expect(answer.text).toContain('Trần Thị Bình');
    await eventually(
      async () => (await botMessages(demo!.url, CHATS.support.id)).find((m) => m.message_id === card.message_id && /Tổ công tác đã nhận/.test(m.text ?? '') && m.edits.length > 0),
      'card edited in place',
    );
  });

  it('a report typed in the Zalo chat becomes a ticket whose card reaches the Telegram support group; answered on Telegram, the typed "1" confirms it', async () => {
    const prisma = demo!.app.db.prisma;
    const receipt = await zaloSays(demo!.url, 'baocao Máy chủ một cửa điện tử của xã hỏng ổ cứng, hồ sơ của người dân không tra cứu được', /mã phiếu HY-\d{4}/);
    const code = /HY-\d{4}/.exec(receipt.text!)![0];
    const card = await eventually(
      async () => (await botMessages(demo!.url, CHATS.support.id)).find((m) => (m.text ?? '').startsWith(`${code} · Xã Như Quỳnh`)),
      `card ${code} in the Telegram support group`,
    );
    expect(card.text).toContain(ZALO_OFFICIAL.name);

    // The support team claims with the card's button and routes to the department.
    const claim = buttons(card).find((b) => b.text.includes('Nhận xử lý'));
    await recorded(CHATS.support.id, card.message_id);
    await control(demo!.url, 'pressButton', { chatId: CHATS.support.id, userId: PERSONAS.supporter.id, messageId: card.message_id, data: claim!.callback_data });
    await eventually(async () => (await botMessages(demo!.url, CHATS.support.id)).find((m) => m.message_id === card.message_id && /Tổ công tác đã nhận/.test(m.text ?? '')), 'the card claimed');
    await control(demo!.url, 'sendUserMessage', { chatId: CHATS.support.id, userId: PERSONAS.supporter.id, text: `/chuyen ${code} ${DEPARTMENT_CODE}` });
    await eventually(async () => (await zaloBotMessages(demo!.url)).find((m) => (m.text ?? '').includes(`${code} đã được chuyển tới Sở Khoa học và Công nghệ`)), 'the routing notice on Zalo');

    // The department answers on Telegram by replying to its card.
    const deptCard = await eventually(
      async () => (await botMessages(demo!.url, CHATS.department.id)).find((m) => (m.text ?? '').includes(`${code} ·`) && buttons(m).length > 0),
      `card ${code} in the department group`,
    );
    await recorded(CHATS.department.id, deptCard.message_id);
    await control(demo!.url, 'sendUserMessage', {
      chatId: CHATS.department.id,
      userId: PERSONAS.deptContact.id,
      text: 'Sở đã bố trí máy chủ dự phòng và khôi phục dữ liệu trong tuần này.',
      replyToMessageId: deptCard.message_id,
    });

    // On Zalo the answer comes with numbered choices instead of buttons; the official types the number.
    const answer = await eventually(async () => (await zaloBotMessages(demo!.url)).find((m) => /máy chủ dự phòng/.test(m.text ?? '')), 'the answer on Zalo');
    expect(answer.text).toMatch(/^1\. \S* ?Đồng ý$/m);
    expect(answer.text).toMatch(/^2\. \S* ?Chưa đồng ý$/m);
    expect((await prisma.ticket.findUniqueOrThrow({ where: { code } })).status).not.toBe('resolved');
    await zaloSays(demo!.url, '1', new RegExp(`${code} đã được xác nhận giải quyết`));
    expect((await prisma.ticket.findUniqueOrThrow({ where: { code } })).status).toBe('resolved');
    await eventually(async () => (await botMessages(demo!.url, CHATS.support.id)).find((m) => (m.text ?? '').includes(code) && /xác nhận giải quyết/.test(m.text ?? '')), 'the support group told');
  });

  it("an image sent from the Zalo chat reaches the Telegram department, and a photo answered there reaches Zalo by the app's signed link", async () => {
    const before = (await zaloBotMessages(demo!.url)).length;
    await zaloControl(demo!.url, 'sendImage', { userId: ZALO_OFFICIAL.id, bytesBase64: PNG.toString('base64'), mime: 'image/png', caption: 'baocao Tủ điện phòng máy chủ của xã bị chập (ảnh kèm)' });
    // The page shows the official's image from its own origin.
    const sentImage = (await zaloMessages(demo!.url)).filter((m) => m.sender === 'user' && m.kind === 'image').at(-1)!;
    const ownFile = /\/files\/([A-Za-z0-9]+)$/.exec(sentImage.photo ?? '')![1];
    const shown = await fetch(`${demo!.url}demo/zalo-file/${ownFile}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('image/png');
    expect(shown.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await shown.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${demo!.url}demo/zalo-file/nosuchfile`)).status).toBe(404);

    const receipt = await eventually(async () => (await zaloBotMessages(demo!.url)).slice(before).find((m) => /mã phiếu HY-\d{4}/.test(m.text ?? '')), 'the receipt of the image report');
    const code = /HY-\d{4}/.exec(receipt.text!)![0];
    await control(demo!.url, 'sendUserMessage', { chatId: CHATS.support.id, userId: PERSONAS.supporter.id, text: `/chuyen ${code} ${DEPARTMENT_CODE}` });
    await eventually(async () => (await botMessages(demo!.url, CHATS.department.id)).find((m) => Array.isArray(m.photo) && m.photo.length > 0), 'the photo in the department group');

    const deptCard = await eventually(
      async () => (await botMessages(demo!.url, CHATS.department.id)).find((m) => (m.text ?? '').includes(`${code} ·`) && buttons(m).length > 0),
      `card ${code} in the department group`,
    );
    await recorded(CHATS.department.id, deptCard.message_id);
    await control(demo!.url, 'sendUserMessage', { chatId: CHATS.department.id, userId: PERSONAS.deptContact.id, photo: true, caption: 'Sở gửi ảnh tủ điện đã thay.', replyToMessageId: deptCard.message_id });
    const photo = await eventually(async () => (await zaloBotMessages(demo!.url)).find((m) => m.kind === 'image' && (m.caption ?? '').includes('tủ điện đã thay')), 'the photo answer on Zalo');
    // Zalo took it by URL from the app's own HTTP server (PUBLIC_URL), and the page shows the copy.
    expect(photo.photo).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${demo!.appPort}/files/`));
    expect(photo.file_id).toBeTruthy();
    const copy = await fetch(`${demo!.url}demo/zalo-file/${photo.file_id}`);
    expect(copy.status).toBe(200);
    expect((await copy.arrayBuffer()).byteLength).toBe(photo.file_size);
  });

  it('streams live events to the page (Server-Sent Events)', async () => {
    const abort = new AbortController();
    const res = await fetch(`${demo!.url}__emulator/events`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await control(demo!.url, 'sendUserMessage', { chatId: CHATS.leaders.id, userId: PERSONAS.leader.id, text: '/trogiup' });
    let seen = '';
    const decoder = new TextDecoder();
    await eventually(async () => {
      const { value } = await reader.read();
      seen += decoder.decode(value ?? new Uint8Array(), { stream: true });
      return seen.includes('event: message') && seen.includes(`"chatId":${CHATS.leaders.id}`);
    }, 'a message event for the leaders group');
    abort.abort();
  });

  it('restarts on the same data: relinks the same chats, numbers on, and never reuses a message id', async () => {
    const before = await botMessages(demo!.url, CHATS.support.id);
    const lastSupportId = Math.max(...before.map((m) => m.message_id));
    const tickets = await demo!.app.db.prisma.ticket.count();
    await demo!.stop();
    demo = undefined;
    demo = await start();
    expect(demo.seeded).toBe(true);

    // The chat history starts empty again; its ids continue above the old ones, and the open tickets are listed.
    const after = await control<EmulatorMessage[]>(demo.url, `messages?chatId=${CHATS.support.id}`);
    expect(Math.min(...after.map((m) => m.message_id))).toBeGreaterThan(lastSupportId);
    await eventually(async () => (await botMessages(demo!.url, CHATS.support.id)).find((m) => /HY-0002/.test(m.text ?? '') && /HY-0001/.test(m.text ?? '')), 'open tickets listed');

    await control(demo.url, 'sendUserMessage', { chatId: CHATS.commune.id, userId: PERSONAS.official.id, text: '/baocao Thiếu cán bộ địa chính sau sắp xếp' });
    const next = `HY-${String(tickets + 1).padStart(4, '0')}`;
    await eventually(async () => (await botMessages(demo!.url, CHATS.commune.id)).find((m) => m.text?.includes(`mã phiếu ${next}`)), 'the next code after a restart');

    // The Zalo chat's history starts empty too: the official is linked again with a new code, and reports go on.
    expect(demo.zaloLinked).toBe(true);
    const zalo = await zaloMessages(demo.url);
    expect(zalo[0]?.text).toMatch(/^lienket [A-Z0-9]{6,10}$/);
    await zaloSays(demo.url, 'baocao Thiếu máy in tại bộ phận một cửa của xã', new RegExp(`mã phiếu HY-${String(tickets + 2).padStart(4, '0')}`));
  });

  it("describes the Zalo chat, and says so when the official's link was not confirmed", () => {
    const shown = { url: 'http://127.0.0.1:8080/', appPort: 3000, calendar: 'demo' as const, seeded: true, config: demo!.config };
    const text = describeDemo({ ...shown, zaloLinked: true });
    expect(text).toContain('Zalo');
    expect(text).toContain(ZALO_CHAT.title);
    expect(text).toContain('gõ 1');
    expect(text).not.toContain('⚠');
    expect(describeDemo({ ...shown, seeded: false, zaloLinked: false })).toMatch(/⚠ Cán bộ trên Zalo chưa được liên kết/);
  });

  it('says in Vietnamese and English how to start Redis when it is not running', async () => {
    const err = await checkRedis('redis://127.0.0.1:1', 500).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DemoSetupError);
    expect((err as Error).message).toContain('Không kết nối được Redis');
    expect((err as Error).message).toContain('Redis is not reachable');
    expect((err as Error).message).toContain('redis-server');
  });
});

describe('demo page logic (the inline script, run without a browser)', () => {
  interface Node {
    kind: string;
    text?: string;
    href?: string;
    command?: string;
    children?: Node[];
  }
  interface Logic {
    entityTree(text: string, entities: object[]): Node[];
    safeHref(url: string): string | null;
    attachmentOf(m: object): { kind: string; name: string; size: string; fileId: string } | null;
    keyboardOf(m: object): { text: string; data: string | null; url: string | null }[][];
    wantsReply(m: object): boolean;
    snippet(m: object, max?: number): string;
    createStore(): object;
    applyEvent(store: object, ev: object): { type: string; chatId?: number; messageId?: number } | null;
    messagesOf(store: object, chatId: number): { message_id: number; text?: string }[];
    mergeSnapshot(store: object, chatId: number, list: object[]): boolean;
    zaloImageSrc(m: object): string | null;
    zaloBody(m: object): string;
    zaloSnippet(m: object, max?: number): string;
    createZaloStore(): object;
    zaloApplyEvent(store: object, ev: object): { type: string; chatId?: string; messageId?: string } | null;
    zaloMessagesOf(store: object, chatId: string): { message_id: string; text?: string }[];
    zaloMergeSnapshot(store: object, chatId: string, list: object[]): boolean;
  }
  let L: Logic;
  // Results come from another realm: compare them as plain data.
  const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const msg = (id: number, fields: object = {}) => ({ message_id: id, date: 1_764_000_000, chat: { id: -1, type: 'group' }, sender: 'bot', edits: [], deleted: false, ...fields });

  beforeAll(() => {
    const script = /<script id="demo-logic">([\s\S]*?)<\/script>/.exec(loadPage())?.[1];
    expect(script).toBeTruthy();
    L = vm.runInNewContext(`${script}\n;DemoLogic`) as Logic;
  });

  it('renders Telegram entities as an allow-listed tree; markup in the text stays text', () => {
    const text = 'HY-0001 <script>alert(1)</script> xem /phieu HY-0001';
    const tree = plain(L.entityTree(text, [{ type: 'bold', offset: 0, length: 7 }, { type: 'underline', offset: 8, length: 8 }]));
    expect(tree[0]).toEqual({ kind: 'b', children: [{ kind: 'text', text: 'HY-0001' }] });
    expect(tree[1]).toEqual({ kind: 'text', text: ' ' });
    expect(tree[2]).toEqual({ kind: 'text', text: '<script>' }); // underline is not allowed: plain text
    expect(tree.map((n) => n.text ?? n.command).join('')).toContain('</script> xem ');
    expect(tree.find((n) => n.kind === 'cmd')).toEqual({ kind: 'cmd', command: '/phieu', children: [{ kind: 'text', text: '/phieu' }] });
  });

  it('links only to web addresses, nests entities, and counts offsets in UTF-16 like Telegram', () => {
    expect(L.safeHref('javascript:alert(1)')).toBeNull();
    expect(L.safeHref('data:text/html,x')).toBeNull();
    const evil = plain(L.entityTree('bấm đây', [{ type: 'text_link', offset: 0, length: 7, url: 'javascript:alert(1)' }]));
    expect(evil).toEqual([{ kind: 'text', text: 'bấm đây' }]);
    const site = 'https://hungyen.gov.vn';
    expect(plain(L.entityTree('Cổng', [{ type: 'text_link', offset: 0, length: 4, url: site }]))).toEqual([{ kind: 'a', href: site, children: [{ kind: 'text', text: 'Cổng' }] }]);

    const nested = plain(L.entityTree('ab cd', [{ type: 'bold', offset: 0, length: 5 }, { type: 'italic', offset: 3, length: 2 }]));
    expect(nested).toEqual([{ kind: 'b', children: [{ kind: 'text', text: 'ab ' }, { kind: 'i', children: [{ kind: 'text', text: 'cd' }] }] }]);

    const emoji = plain(L.entityTree('🔔 HY-0001 quá hạn', [{ type: 'bold', offset: 3, length: 7 }]));
    expect(emoji[1]).toEqual({ kind: 'b', children: [{ kind: 'text', text: 'HY-0001' }] });

    const broken = plain(L.entityTree('abc', [{ type: 'bold', offset: 2, length: 9 }, { type: 'bold', offset: -1, length: 2 }]));
    expect(broken).toEqual([{ kind: 'text', text: 'abc' }]);
  });

  it('keeps usable inline buttons, notices force_reply, and shows files as placeholders with their names', () => {
    const card = msg(5, { reply_markup: { inline_keyboard: [[{ text: '✋ Nhận xử lý', callback_data: 't:claim:1' }, { text: 'x', url: 'javascript:void 0' }], []] } });
    expect(plain(L.keyboardOf(card))).toEqual([[{ text: '✋ Nhận xử lý', data: 't:claim:1', url: null }, { text: 'x', data: null, url: null }]]);
    expect(L.wantsReply(msg(6, { reply_markup: { force_reply: true, selective: true } }))).toBe(true);
    expect(L.wantsReply(card)).toBe(false);

    const doc = msg(7, { sender: 'user', document: { file_id: 'd1', file_unique_id: 'u', file_name: 'bao-cao.xlsx', file_size: 20_480 }, caption: '/baocao kèm tệp' });
    expect(plain(L.attachmentOf(doc))).toEqual({ kind: 'document', fileId: 'd1', name: 'bao-cao.xlsx', size: '20 KB' });
    expect(L.snippet(doc)).toBe('📄 bao-cao.xlsx · /baocao kèm tệp');
    const photo = msg(8, { photo: [{ file_id: 'p_s', width: 90 }, { file_id: 'p', width: 800, file_size: 1200 }], upload: { filename: 'bieu-do.png' } });
    expect(plain(L.attachmentOf(photo))).toMatchObject({ kind: 'photo', fileId: 'p', name: 'bieu-do.png' });
  });

  it('applies live events: new messages in id order, edits in place, deletions, and snapshot merges', () => {
    const store = L.createStore();
    expect(L.applyEvent(store, { type: 'message', chatId: -1, message: msg(2, { text: 'hai' }) })).toEqual({ type: 'add', chatId: -1, messageId: 2 });
    L.applyEvent(store, { type: 'message', chatId: -1, message: msg(1, { text: 'một' }) });
    expect(L.applyEvent(store, { type: 'message_edited', chatId: -1, message: msg(2, { text: 'hai (sửa)', edits: [{}] }) })).toEqual({ type: 'edit', chatId: -1, messageId: 2 });
    expect(plain(L.messagesOf(store, -1)).map((m) => [m.message_id, m.text])).toEqual([[1, 'một'], [2, 'hai (sửa)']]);
    expect(L.applyEvent(store, { type: 'message_deleted', chatId: -1, messageId: 1 })).toEqual({ type: 'delete', chatId: -1, messageId: 1 });
    expect(L.applyEvent(store, { type: 'call', call: {} })).toBeNull();

    // A snapshot older than the live events keeps the newer message and the edited version.
    L.applyEvent(store, { type: 'message', chatId: -1, message: msg(4, { text: 'bốn' }) });
    expect(L.mergeSnapshot(store, -1, [msg(2, { text: 'hai' }), msg(3, { text: 'ba' })])).toBe(true);
    expect(plain(L.messagesOf(store, -1)).map((m) => [m.message_id, m.text])).toEqual([[2, 'hai (sửa)'], [3, 'ba'], [4, 'bốn']]);
    expect(L.mergeSnapshot(store, -1, [msg(2, { text: 'hai (sửa)', edits: [{}] }), msg(3, { text: 'ba' }), msg(4, { text: 'bốn' })])).toBe(false);
    expect(L.applyEvent(store, { type: 'reset' })).toEqual({ type: 'reset' });
    expect(L.messagesOf(store, -1)).toHaveLength(0);
  });

  it('keeps the Zalo chat in arrival order (string ids), shows it as plain text, and images only from this origin', () => {
    const zmsg = (id: string, fields: object = {}) => ({ message_id: id, date: 1_764_000_000_000, chat_id: 'z1', sender: 'bot', kind: 'text', ...fields });
    const store = L.createZaloStore();
    expect(L.zaloApplyEvent(store, { type: 'message', chatId: 'z1', message: zmsg('ff01', { text: 'một' }) })).toEqual({ type: 'add', chatId: 'z1', messageId: 'ff01' });
    L.zaloApplyEvent(store, { type: 'message', chatId: 'z1', message: zmsg('0a02', { text: 'hai' }) });
    // The same message twice is one message; calls and queued events change nothing shown.
    expect(L.zaloApplyEvent(store, { type: 'message', chatId: 'z1', message: zmsg('0a02', { text: 'hai' }) })).toBeNull();
    expect(L.zaloApplyEvent(store, { type: 'call', call: {} })).toBeNull();
    expect(L.zaloApplyEvent(store, { type: 'message', chatId: 'z1', message: { text: 'no id' } })).toBeNull();
    expect(plain(L.zaloMessagesOf(store, 'z1')).map((m) => m.text)).toEqual(['một', 'hai']);

    // A snapshot gives the order; a live message it does not hold yet stays after it.
    L.zaloApplyEvent(store, { type: 'message', chatId: 'z1', message: zmsg('bb03', { text: 'ba' }) });
    expect(L.zaloMergeSnapshot(store, 'z1', [zmsg('0000', { text: 'không', sender: 'user' }), zmsg('ff01', { text: 'một' }), zmsg('0a02', { text: 'hai' })])).toBe(true);
    expect(plain(L.zaloMessagesOf(store, 'z1')).map((m) => m.text)).toEqual(['không', 'một', 'hai', 'ba']);
    expect(L.zaloMergeSnapshot(store, 'z1', [zmsg('0000', { text: 'không', sender: 'user' }), zmsg('ff01'), zmsg('0a02'), zmsg('bb03')])).toBe(false);
    expect(L.zaloApplyEvent(store, { type: 'reset' })).toEqual({ type: 'reset' });
    expect(L.zaloMessagesOf(store, 'z1')).toHaveLength(0);

    // Markup is text on Zalo; stickers and unknown kinds get a word, images a path on this origin.
    expect(L.zaloBody(zmsg('1', { text: '<b>HY-0001</b>' }))).toBe('<b>HY-0001</b>');
    expect(L.zaloBody(zmsg('2', { kind: 'sticker', sticker: 'abc' }))).toBe('[Nhãn dán]');
    expect(L.zaloSnippet(zmsg('3', { kind: 'image', photo: 'x', caption: 'baocao  ảnh\nkèm' }))).toBe('🖼 baocao ảnh kèm');
    expect(L.zaloImageSrc(zmsg('4', { kind: 'image', photo: 'http://127.0.0.1:4567/files/abc123' }))).toBe('/demo/zalo-file/abc123');
    expect(L.zaloImageSrc(zmsg('5', { kind: 'image', photo: 'http://127.0.0.1:3000/files/x/sig/a.jpg', file_id: 'def456' }))).toBe('/demo/zalo-file/def456');
    expect(L.zaloImageSrc(zmsg('6', { kind: 'image', photo: 'javascript:alert(1)' }))).toBeNull();
    expect(L.zaloImageSrc(zmsg('7', { kind: 'image', file_id: '../../etc' }))).toBeNull();
  });
});
