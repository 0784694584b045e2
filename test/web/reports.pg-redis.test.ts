import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';
import { signInFrom, TEST_PUBLIC_URL, WebClient } from './support.js';

/**
 * The leaders' overview (digest figures and four SVG charts), the Excel export with the list's
 * filter, and the public results page (/congkhai): off unless the settings turn it on, and then
 * without any person's name or internal note.
 */
describe('web desk: overview, export and the public page', () => {
  let emu: BotApiEmulator;
  let on: TestAppHandle;
  let off: TestAppHandle;
  let dir: string;
  const chat = { commune: 0, support: 0, dept: 0, leaders: 0 };
  const user = { official: 0, supporter: 0, deptUser: 0, leader: 0 };
  const codes: string[] = [];

  const say = (chatId: number, userId: number, text: string) => emu.sendUserMessage({ chatId, userId, text });
  const waitText = (chatId: number, pattern: RegExp, after = 0) =>
    eventually(async () => emu.botMessages(chatId).slice(after).find((m) => pattern.test(m.text ?? '')), `bot message ${pattern}`);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'thaogo-web-'));
    const settingsFile = path.join(dir, 'settings.json');
    writeFileSync(settingsFile, JSON.stringify({ publicPage: { enabled: true } }));
    emu = await startBotApiEmulator();
    on = await startTestApp({ apiRoot: emu.apiRoot, env: { PUBLIC_URL: TEST_PUBLIC_URL, SETTINGS_FILE: settingsFile } });
    // A second app with the shipped settings, only asked over HTTP (its Telegram side is idle).
    const idle = await startBotApiEmulator();
    off = await startTestApp({ apiRoot: idle.apiRoot, env: { PUBLIC_URL: TEST_PUBLIC_URL } });
    await idle.close();

    chat.commune = (await emu.createChat({ type: 'group', title: 'Xã Tân Hưng' })).id;
    chat.support = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở NN&MT' })).id;
    chat.leaders = (await emu.createChat({ type: 'group', title: 'Lãnh đạo tỉnh' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    user.official = (await emu.createUser({ first_name: 'Nguyễn Văn Báo' })).id;
    user.supporter = (await emu.createUser({ first_name: 'Trần Thị Hỗ' })).id;
    user.deptUser = (await emu.createUser({ first_name: 'Lê Văn Đáp' })).id;
    user.leader = (await emu.createUser({ first_name: 'Phạm Lãnh Đạo' })).id;
    await say(chat.commune, ADMIN_ID, '/lienket xa 11977');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await say(chat.dept, ADMIN_ID, '/lienket so SNNMT');
    await say(chat.leaders, ADMIN_ID, '/lienket lanhdao');
    await waitText(chat.leaders, /lãnh đạo/);
    for (const id of Object.values(user)) await say(id, id, '/start');
    for (const id of Object.values(user)) await waitText(id, /Tháo gỡ/);

    for (const text of ['Rác thải tồn đọng ở chợ xã', 'Kênh mương bị bồi lấp', 'Trường thiếu giáo viên']) {
      const before = emu.botMessages(chat.commune).length;
      await say(chat.commune, user.official, `/baocao ${text}`);
      const m = await waitText(chat.commune, /mã phiếu/, before);
      codes.push(/HY-\d{4}/.exec(m.text ?? '')![0]);
    }
    await say(chat.support, user.supporter, `/chuyen ${codes[0]} SNNMT`);
    await say(chat.support, user.supporter, `/chuyen ${codes[1]} SNNMT`);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${codes[1]}`));
    await say(chat.support, user.supporter, `/ghichu ${codes[0]} Ghi chú nội bộ: xã này báo trùng nhiều lần`);
    await say(chat.dept, user.deptUser, `/traloi ${codes[0]} Sở đã bố trí đơn vị thu gom từ tuần sau.`);
    await waitText(chat.commune, new RegExp(`Trả lời phiếu ${codes[0]}`));
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the public page is off by default', async () => {
    const res = await fetch(`http://127.0.0.1:${off.app.port()}/congkhai`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('chưa được bật');
  });

  it('when on, it publishes the answered reports and figures per department, without names or notes, cached', async () => {
    const res = await fetch(`http://127.0.0.1:${on.app.port()}/congkhai`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const page = await res.text();
    expect(page).toContain('Rác thải tồn đọng ở chợ xã');
    expect(page).toContain('Sở đã bố trí đơn vị thu gom từ tuần sau.');
    expect(page).toContain('Sở Nông nghiệp và Môi trường');
    expect(page).not.toContain('Kênh mương bị bồi lấp'); // not answered yet
    for (const name of ['Nguyễn Văn Báo', 'Trần Thị Hỗ', 'Lê Văn Đáp', 'Quản trị']) expect(page).not.toContain(name);
    expect(page).not.toContain('Ghi chú nội bộ');
    expect(page).not.toContain('set-cookie');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('leaders see the overview with its four charts drawn on the server as SVG', async () => {
    const base = `http://127.0.0.1:${on.app.port()}`;
    const leaders = await signInFrom(emu, base, chat.leaders, user.leader);
    const res = await leaders.get('/app/tongquan');
    expect(res.status).toBe(200);
    const images = [...res.text.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
    expect(images).toHaveLength(4);
    for (const svg of images) expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(images[0]).toContain('Sở Nông nghiệp và Môi trường');
    expect(res.text).toContain('Tổng số phiếu');
  });

  it('the Excel download carries the list filter', async () => {
    const base = `http://127.0.0.1:${on.app.port()}`;
    const support: WebClient = await signInFrom(emu, base, chat.support, user.supporter);
    const all = await support.getBytes('/app/xuatexcel');
    const only = await support.getBytes('/app/xuatexcel?so=SNNMT');
    expect(only.status).toBe(200);
    expect(only.headers.get('content-disposition')).toMatch(/attachment; filename="thao-go-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const rows = async (bytes: Buffer) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
      return wb.worksheets[0]!.actualRowCount - 1;
    };
    expect(await rows(all.body)).toBe(3);
    expect(await rows(only.body)).toBe(2);
  });
});
