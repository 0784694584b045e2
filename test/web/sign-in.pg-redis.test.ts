import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { testNow } from '../support/clock.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';
import { hiddenField, signInFrom, signInWith, TEST_PUBLIC_URL, waitForSignInLink, WebClient } from './support.js';

/**
 * Sign-in to the web desk: /web sends a single-use link privately (never into the group), the link
 * works once and for 10 minutes, sessions last 8 hours and end on sign-out, and POSTs need the
 * CSRF token. The app runs against the Bot API emulator on a clock the test can move.
 */
describe('web desk sign-in: /web links, sessions, CSRF', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let base: string;
  /** Business time moves when a test says so. */
  let shift = 0;
  const clock = () => new Date(testNow().getTime() + shift);
  const chat = { commune: 0, support: 0 };
  let official = 0;
  let stranger = 0;

  const say = (chatId: number, userId: number, text: string) => emu.sendUserMessage({ chatId, userId, text });
  const waitText = (chatId: number, pattern: RegExp, after = 0) =>
    eventually(async () => emu.botMessages(chatId).slice(after).find((m) => pattern.test(m.text ?? '')), `bot message ${pattern} in ${chatId}`);

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { PUBLIC_URL: TEST_PUBLIC_URL }, clock });
    base = `http://127.0.0.1:${h.app.port()}`;
    chat.commune = (await emu.createChat({ type: 'group', title: 'UBND xã Tân Hưng' })).id;
    chat.support = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    official = (await emu.createUser({ first_name: 'Cán bộ Tân Hưng' })).id;
    stranger = (await emu.createUser({ first_name: 'Chưa nhắn riêng' })).id;
    await say(chat.commune, ADMIN_ID, '/lienket xa 11977');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await waitText(chat.commune, /Đã liên kết/);
    await waitText(chat.support, /tổ công tác/);
    // The official has a private chat with the bot (as after pressing Start).
    await say(official, official, '/start');
    await waitText(official, /Tháo gỡ/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('never posts a link in the group: without a private chat the group is told how to open one', async () => {
    const before = emu.botMessages(chat.commune).length;
    await say(chat.commune, stranger, '/web');
    const told = await waitText(chat.commune, /chưa nhắn riêng cho bạn được/, before);
    expect(told.text).toContain('/start');
    expect(emu.botMessages(chat.commune).some((m) => (m.text ?? '').includes('/app/dangnhap'))).toBe(false);
    const person = await h.app.db.prisma.person.findFirstOrThrow({ where: { externalUserId: String(stranger) } });
    expect(await h.app.db.prisma.webLoginToken.count({ where: { personId: person.id } })).toBe(0);
  });

  it('sends the link to the private chat, says so in the group, stores only its hash, and signs in once', async () => {
    const groupBefore = emu.botMessages(chat.commune).length;
    const privateBefore = emu.botMessages(official).length;
    await say(chat.commune, official, '/web');
    await waitText(chat.commune, /đã gửi liên kết đăng nhập bàn làm việc vào tin nhắn riêng/, groupBefore);
    const link = await waitForSignInLink(emu, official, base, privateBefore);
    expect(emu.botMessages(chat.commune).some((m) => (m.text ?? '').includes('/app/dangnhap'))).toBe(false);
    const secret = new URL(link).searchParams.get('t')!;
    const rows = await h.app.db.prisma.webLoginToken.findMany();
    expect(rows.map((r) => r.tokenHash)).toContain(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret);

    const client = new WebClient(base);
    const confirm = await client.get(new URL(link).pathname + new URL(link).search);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Cán bộ Tân Hưng');
    // Opening the link does not use it (a preview or a scanner cannot spend it).
    expect((await h.app.db.prisma.webLoginToken.findFirstOrThrow({ where: { tokenHash: createHash('sha256').update(secret).digest('hex') } })).usedAt).toBeNull();
    const done = await client.post('/app/dangnhap', { _csrf: hiddenField(confirm.text, '_csrf'), t: secret });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/app/phieu');
    const cookie = client.setCookies.find((c) => c.startsWith('__Host-thaogo='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=28800/);
    const list = await client.get('/app/phieu');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Danh sách phiếu');
    expect(list.text).toContain('xã, phường · Xã Tân Hưng');
    // Once used, the link is no longer anywhere in the database, not even in the sent message's row.
    const outbox = await h.app.db.prisma.outboundMessage.findMany({ where: { purpose: 'web-link' } });
    expect(outbox.length).toBeGreaterThan(0);
    expect(JSON.stringify(outbox.map((r) => r.payload))).not.toContain(secret);
    const session = await h.app.db.prisma.webSession.findFirstOrThrow({ where: { person: { externalUserId: String(official) } }, orderBy: { createdAt: 'desc' } });
    expect(session).toMatchObject({ role: 'commune', communeCode: '11977', departmentCode: null });

    // Single use: the same link again, opened or posted, signs nobody in.
    const again = new WebClient(base);
    const reopened = await again.get(new URL(link).pathname + new URL(link).search);
    expect(reopened.status).toBe(400);
    expect(reopened.text).toContain('đã được dùng');
    const replay = await signInWith(again, link);
    expect(replay.status).toBe(400);
    expect(again.cookies.has('__Host-thaogo')).toBe(false);
  });

  it('a link older than 10 minutes is refused; a session ends after 8 hours', async () => {
    const before = emu.botMessages(official).length;
    await say(chat.commune, official, '/web');
    const link = await waitForSignInLink(emu, official, base, before);
    const fresh = await signInFrom(emu, base, chat.commune, official);
    expect((await fresh.get('/app/phieu')).status).toBe(200);

    shift += 10 * 60_000 + 1_000;
    const late = new WebClient(base);
    const page = await late.get(new URL(link).pathname + new URL(link).search);
    expect(page.status).toBe(400);
    expect(page.text).toContain('hết hạn');
    expect(late.cookies.has('__Host-thaogo')).toBe(false);

    expect((await fresh.get('/app/phieu')).status).toBe(200);
    shift += 8 * 60 * 60_000;
    const expired = await fresh.get('/app/phieu');
    expect(expired.status).toBe(401);
    expect(expired.text).toContain('Gửi /web');
  });

  it('refuses a POST without the right CSRF token or from another site, and signs out', async () => {
    await say(ADMIN_ID, ADMIN_ID, '/start');
    await waitText(ADMIN_ID, /Tháo gỡ/);
    const client = await signInFrom(emu, base, chat.support, ADMIN_ID);
    const list = await client.get('/app/phieu');
    const csrf = hiddenField(list.text, '_csrf');
    // Sign-out needs the token: without it nothing ends.
    expect((await client.post('/app/dangxuat', { _csrf: 'wrong' })).status).toBe(403);
    expect((await client.get('/app/phieu')).status).toBe(200);
    // The right token from another site's page is still refused (Origin does not match).
    expect((await client.post('/app/dangxuat', { _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await client.get('/app/phieu')).status).toBe(200);
    // The sign-in form needs its own cookie: a form posted from elsewhere cannot sign anyone in.
    const before = emu.botMessages(official).length;
    await say(chat.commune, official, '/web');
    const link = await waitForSignInLink(emu, official, base, before);
    const other = new WebClient(base);
    const forged = await other.post('/app/dangnhap', { _csrf: 'x', t: new URL(link).searchParams.get('t')! });
    expect(forged.status).toBe(403);
    expect(await h.app.db.prisma.webLoginToken.count({ where: { tokenHash: createHash('sha256').update(new URL(link).searchParams.get('t')!).digest('hex'), usedAt: null } })).toBe(1);

    const out = await client.post('/app/dangxuat', { _csrf: csrf });
    expect(out.status).toBe(200);
    expect(out.text).toContain('Đã đăng xuất');
    expect((await client.get('/app/phieu')).status).toBe(401);
  });

  it('a session ends when its chat is linked to another unit', async () => {
    const client = await signInFrom(emu, base, chat.commune, official);
    expect((await client.get('/app/phieu')).status).toBe(200);
    await say(chat.commune, ADMIN_ID, '/lienket xa 11992');
    await waitText(chat.commune, /Lạc Đạo/);
    expect((await client.get('/app/phieu')).status).toBe(401);
    await say(chat.commune, ADMIN_ID, '/lienket xa 11977');
    await waitText(chat.commune, /Tân Hưng/, emu.botMessages(chat.commune).length - 1);
  });

  it('limits failed sign-ins per address', async () => {
    const client = new WebClient(base);
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const tries: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${base}/app/dangnhap?t=khong-dung-${i}`, { headers: from });
      tries.push(res.status);
    }
    expect(tries.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(tries[10]).toBe(429);
    // Another address is not affected.
    expect((await client.get('/app/dangnhap?t=khong-dung')).status).toBe(400);
  });
});

describe('web desk without PUBLIC_URL', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('/web says plainly that the web desk is off', async () => {
    const group = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    await emu.sendUserMessage({ chatId: group, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await eventually(async () => emu.botMessages(group).find((m) => /tổ công tác/.test(m.text ?? '')), 'linked');
    await emu.sendUserMessage({ chatId: group, userId: ADMIN_ID, text: '/web' });
    const off = await eventually(async () => emu.botMessages(group).find((m) => /chưa được bật/.test(m.text ?? '')), 'web desk off');
    expect(off.text).toContain('PUBLIC_URL');
    expect(await h.app.db.prisma.webLoginToken.count()).toBe(0);
  });
});
