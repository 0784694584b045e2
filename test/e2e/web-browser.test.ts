import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';
import { samplePdf } from '../web/support.js';

/**
 * The web desk as a new user meets it, in Debian's headless Chromium driven by playwright-core:
 * `/web` in a chat, the link, the list with a filter, a ticket, routing it; then the department on
 * a phone answering with a PDF that reaches the commune's chat; and attempts to reach what a role
 * may not see. Screenshots (phone and desktop) go to test-artifacts/web/ for CI to keep.
 *
 * Chromium is required, not optional: without it this test fails and says how to install it
 * (`.ci/run` installs it when /usr/bin/chromium is missing).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts/web');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1366, height: 900 } };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the web desk in headless Chromium', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let base = '';
  const chat = { commune: 0, communeB: 0, support: 0, dept: 0, leaders: 0 };
  const user = { official: 0, officialB: 0, supporter: 0, deptUser: 0, leader: 0 };
  let rubbish = '';
  let other = '';

  const say = (chatId: number, userId: number, text: string) => emu.sendUserMessage({ chatId, userId, text });
  const waitText = (chatId: number, pattern: RegExp, after = 0) =>
    eventually(async () => emu.botMessages(chatId).slice(after).find((m) => pattern.test(m.text ?? m.caption ?? '')), `bot message ${pattern}`);
  async function report(chatId: number, userId: number, text: string): Promise<string> {
    const before = emu.botMessages(chatId).length;
    await say(chatId, userId, `/baocao ${text}`);
    return /HY-\d{4}/.exec((await waitText(chatId, /mã phiếu/, before)).text ?? '')![0];
  }
  /** `/web` in a chat; the link the bot sent privately, as the person would tap it. */
  async function linkFor(chatId: number, userId: number): Promise<string> {
    const before = emu.botMessages(userId).length;
    await say(chatId, userId, '/web');
    const m = await waitText(userId, /\/app\/dangnhap\?t=/, before);
    return /(http\S+\/app\/dangnhap\?t=[A-Za-z0-9_-]+)/.exec(m.text ?? '')![1]!;
  }
  async function open(device: typeof PHONE | typeof DESKTOP): Promise<Page> {
    const context = await browser.newContext({ ...device, locale: 'vi-VN' });
    contexts.push(context);
    return context.newPage();
  }
  async function signIn(page: Page, chatId: number, userId: number): Promise<void> {
    await page.goto(await linkFor(chatId, userId));
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${base}/app/phieu`);
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (Debian's package; .ci/run installs it when missing), or set CHROMIUM_PATH.`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    emu = await startBotApiEmulator();
    // The browser must reach the links the bot sends: PUBLIC_URL is the app's own address here.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { PORT: String(port), PUBLIC_URL: base } });
    chat.commune = (await emu.createChat({ type: 'group', title: 'UBND xã Tân Hưng' })).id;
    chat.communeB = (await emu.createChat({ type: 'group', title: 'UBND xã Lạc Đạo' })).id;
    chat.support = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác tỉnh' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở Nông nghiệp và Môi trường' })).id;
    chat.leaders = (await emu.createChat({ type: 'group', title: 'Lãnh đạo UBND tỉnh' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    user.official = (await emu.createUser({ first_name: 'Nguyễn Văn An' })).id;
    user.officialB = (await emu.createUser({ first_name: 'Đỗ Thị Bích' })).id;
    user.supporter = (await emu.createUser({ first_name: 'Trần Thị Bình' })).id;
    user.deptUser = (await emu.createUser({ first_name: 'Lê Minh Cường' })).id;
    user.leader = (await emu.createUser({ first_name: 'Phạm Thu Dung' })).id;
    await say(chat.commune, ADMIN_ID, '/lienket xa 11977');
    await say(chat.communeB, ADMIN_ID, '/lienket xa 11992');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await say(chat.dept, ADMIN_ID, '/lienket so SNNMT');
    await say(chat.leaders, ADMIN_ID, '/lienket lanhdao');
    await waitText(chat.leaders, /lãnh đạo/);
    for (const id of Object.values(user)) await say(id, id, '/start');
    for (const id of Object.values(user)) await waitText(id, /Tháo gỡ/);
    rubbish = await report(chat.commune, user.official, 'Rác thải sinh hoạt tồn đọng ở chợ xã hơn 2 tuần, chưa có đơn vị thu gom sau sáp nhập.');
    await report(chat.commune, user.official, 'Trạm y tế xã thiếu 2 bác sĩ, đề nghị Sở Y tế bố trí.');
    other = await report(chat.communeB, user.officialB, 'Đất công ích bị lấn chiếm, cần giải phóng mặt bằng.');
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await h?.close();
    await emu?.close();
  });

  it('the support team signs in from /web, filters the list, opens a ticket and routes it (desktop)', async () => {
    const page = await open(DESKTOP);
    await signIn(page, chat.support, user.supporter);
    await expect(page.getByRole('heading', { name: 'Danh sách phiếu' }).isVisible()).resolves.toBe(true);
    await shot(page, 'desktop-1-list');
    // A search typed without diacritics finds the report written with them.
    await page.getByLabel('Tìm kiếm').fill('rac thai');
    await page.getByRole('button', { name: 'Lọc', exact: true }).first().click();
    await page.waitForURL(/q=rac\+thai/);
    await expect(page.locator('table.tickets tbody tr').count()).resolves.toBe(1);
    await page.getByText('Lọc thêm').click();
    await page.getByLabel('Trạng thái').selectOption('new');
    await page.waitForURL(/trangthai=new/);
    expect(page.url()).toContain('q=rac+thai');
    await shot(page, 'desktop-2-filtered');
    await page.getByRole('link', { name: rubbish }).click();
    await page.waitForURL(`${base}/app/phieu/${rubbish}`);
    await expect(page.getByText('Rác thải sinh hoạt tồn đọng').first().isVisible()).resolves.toBe(true);
    await shot(page, 'desktop-3-ticket');
    const before = emu.botMessages(chat.dept).length;
    await page.getByLabel('Chuyển sở xử lý').selectOption('SNNMT');
    await page.getByRole('button', { name: 'Chuyển sở', exact: true }).click();
    await page.waitForURL(`${base}/app/phieu/${rubbish}`);
    await expect(page.locator('.flash').textContent()).resolves.toContain(rubbish);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${rubbish}`), before);
    await expect(page.locator('.timeline').textContent()).resolves.toContain('Trần Thị Bình (qua web)');
    await shot(page, 'desktop-4-routed');
  });

  it('the department answers on a phone with a PDF letter that reaches the commune chat', async () => {
    const page = await open(PHONE);
    await signIn(page, chat.dept, user.deptUser);
    await shot(page, 'phone-1-list');
    await page.getByRole('link', { name: rubbish }).click();
    await page.waitForURL(`${base}/app/phieu/${rubbish}`);
    await shot(page, 'phone-2-ticket');
    const before = emu.botMessages(chat.commune).length;
    await page.getByLabel('Nội dung trả lời bằng văn bản').fill('Sở đã chỉ đạo Công ty môi trường thu gom rác tại chợ xã từ ngày 01/12. Công văn số 12 kèm theo.');
    await page.locator('input[type=file]').setInputFiles({ name: 'cong-van-12-snnmt.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
    await page.getByRole('button', { name: 'Gửi trả lời' }).click();
    await page.waitForURL(`${base}/app/phieu/${rubbish}`);
    await expect(page.locator('.flash').textContent()).resolves.toContain(rubbish);
    await expect(page.getByRole('link', { name: 'cong-van-12-snnmt.pdf' }).count()).resolves.toBeGreaterThan(0);
    await shot(page, 'phone-3-answered');
    const answer = await waitText(chat.commune, new RegExp(`Trả lời phiếu ${rubbish}`), before);
    expect(answer.text ?? answer.caption).toContain('Công ty môi trường');
    const letter = await eventually(async () => emu.botMessages(chat.commune).slice(before).find((m) => m.upload?.filename === 'cong-van-12-snnmt.pdf'), 'the PDF in the commune chat');
    expect(letter.upload!.size).toBe(samplePdf().byteLength);
  });

  it('what a role may not see answers as missing, on the page and by URL', async () => {
    // The department: a ticket never routed to it.
    const dept = await open(PHONE);
    await signIn(dept, chat.dept, user.deptUser);
    const res = await dept.goto(`${base}/app/phieu/${other}`);
    expect(res?.status()).toBe(404);
    await expect(dept.getByRole('heading', { name: 'Không tìm thấy' }).isVisible()).resolves.toBe(true);
    await shot(dept, 'phone-4-department-404');
    // The commune: another commune's ticket, the overview, a forged form.
    const commune = await open(PHONE);
    await signIn(commune, chat.commune, user.official);
    await expect(commune.locator('table.tickets').textContent()).resolves.not.toContain(other);
    expect((await commune.goto(`${base}/app/phieu/${other}`))?.status()).toBe(404);
    expect((await commune.goto(`${base}/app/tongquan`))?.status()).toBe(403);
    await commune.goto(`${base}/app/phieu/${rubbish}`);
    // Forms sent with the browser's own session cookie: another commune's ticket, and one without the token.
    const request = commune.context().request;
    expect((await request.post(`${base}/app/phieu/${other}/molai`, { form: { _csrf: 'guess', lydo: 'x' }, maxRedirects: 0 })).status()).toBe(404);
    expect((await request.post(`${base}/app/phieu/${rubbish}/molai`, { form: { lydo: 'x' }, maxRedirects: 0 })).status()).toBe(403);
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: rubbish } })).status).toBe('answered');
    await commune.goto(`${base}/app/phieu/${rubbish}`);
    await shot(commune, 'phone-5-commune-ticket');
  });

  it('leaders see the overview with its charts (desktop and phone)', async () => {
    const page = await open(DESKTOP);
    await signIn(page, chat.leaders, user.leader);
    await page.getByRole('link', { name: 'Tổng quan' }).first().click();
    await page.waitForURL(`${base}/app/tongquan`);
    const charts = page.locator('figure.chart img');
    await expect(charts.count()).resolves.toBe(4);
    // Every chart has been drawn by the browser (an SVG that failed to load has no width).
    const widths = await charts.evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
    expect(widths.every((w) => w > 0)).toBe(true);
    await shot(page, 'desktop-5-overview');
    const phone = await open(PHONE);
    await signIn(phone, chat.leaders, user.leader);
    await phone.goto(`${base}/app/tongquan`);
    await shot(phone, 'phone-6-overview');
  });
});
