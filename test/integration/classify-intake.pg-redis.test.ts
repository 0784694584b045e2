import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';


describe('classifier suggestions at intake', () => {
  let emu: BotApiEmulator | undefined;
  let h: TestAppHandle | undefined;
  afterEach(async () => {
    await h?.close();
    await emu?.close();
  });

  async function setup(settings?: string) {
    emu = await startBotApiEmulator();
    const env: Record<string, string> = {};
    if (settings) {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'thaogo-settings-')), 'settings.yaml');
      writeFileSync(file, settings);
      env.SETTINGS_FILE = file;
    }
    h = await startTestApp({ apiRoot: emu.apiRoot, env });
    const commune = (await emu.createChat({ type: 'group', title: 'Xã Yên Mỹ' })).id;
    const support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    const dept = (await emu.createChat({ type: 'group', title: 'Sở NN&MT' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    const official = (await emu.createUser({ first_name: 'Cán bộ' })).id;
    await emu.sendUserMessage({ chatId: commune, userId: ADMIN_ID, text: '/lienket xa 12073' });
    await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.sendUserMessage({ chatId: dept, userId: ADMIN_ID, text: '/lienket so SNNMT' });
    await emu.waitForBotMessage(dept, /Nông nghiệp/);
    await emu.waitForBotMessage(support, /tổ công tác/);
    return { commune, support, dept, official };
  }

  it('shows the suggested category and department on the card; a correction is stored', async () => {
    const c = await setup();
    await emu!.sendUserMessage({ chatId: c.commune, userId: c.official, text: '/baocao rac thai sinh hoat ton dong 2 tuan, chua co don vi thu gom' });
    const card = await emu!.waitForBotMessage(c.support, /HY-0001/);
    expect(card.text).toMatch(/Gợi ý lĩnh vực: Rác thải, thu gom, vệ sinh môi trường, nước thải → SNNMT \(\d+%\)/);
    const t = await h!.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } });
    expect(t.suggestedCategory).toBe('moi_truong');
    expect(t.status).toBe('new');

    // The support team corrects the category with the picker.
    await emu!.pressButton({ chatId: c.support, userId: ADMIN_ID, messageId: card.message_id, data: buttonData(card, 't:cat:') });
    const picker = await emu!.waitForBotMessage(c.support, /Chọn lĩnh vực/);
    await emu!.pressButton({ chatId: c.support, userId: ADMIN_ID, messageId: picker.message_id, data: buttonData(picker, 't:cat:1:dat_dai') });
    await emu!.waitForBotMessage(c.support, /Chuyển phiếu HY-0001 tới sở mặc định/);
    const after = await h!.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' }, include: { events: true } });
    expect(after.categoryCode).toBe('dat_dai');
    expect(after.suggestedCategory).toBe('moi_truong');
    expect(after.events.find((e) => e.kind === 'category_changed')?.data).toMatchObject({ to: 'dat_dai', suggested: 'moi_truong' });
  });

  it('routes automatically above the configured confidence when the setting is on, and says so', async () => {
    const c = await setup('autoRoute: { enabled: true, minConfidence: 0.6 }\n');
    await emu!.sendUserMessage({ chatId: c.commune, userId: c.official, text: '/baocao Rác thải sinh hoạt tồn đọng, chưa có đơn vị thu gom, vệ sinh môi trường xuống cấp' });
    await emu!.waitForBotMessage(c.dept, /Phiếu mới được giao: HY-0001/);
    await emu!.waitForBotMessage(c.support, /tự động chuyển tới Sở Nông nghiệp và Môi trường/);
    const card = await eventually(async () => emu!.botMessages(c.support).find((m) => /HY-0001 ·/.test(m.text ?? '') && /tự động chuyển sở/.test(m.text ?? '')), 'card says auto-routed');
    expect(card.text).toContain('Đã chuyển sở');
    const t = await h!.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' }, include: { events: true } });
    expect(t.departmentCode).toBe('SNNMT');
    expect(t.categoryCode).toBe('moi_truong');
    expect(t.dueAt).not.toBeNull();
    expect(t.events.find((e) => e.kind === 'assigned')?.actorId).toBeNull();
  });
});
