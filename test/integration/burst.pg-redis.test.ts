import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// A burst of new reports must not bury the support group: beyond a few cards a minute, new tickets
// are listed in one rolling summary message that is edited as the burst goes on.

describe('a burst of reports and the support group (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let dir = '';
  let commune = 0;
  let support = 0;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    dir = mkdtempSync(path.join(tmpdir(), 'thaogo-burst-'));
    const settingsFile = path.join(dir, 'settings.yaml');
    writeFileSync(settingsFile, 'supportCards: { perMinute: 2 }\n');
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { SETTINGS_FILE: settingsFile, REPORT_FLOOD_LIMIT: '100' } });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    commune = (await emu.createChat({ type: 'group', title: 'Xã Như Quỳnh' })).id;
    support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    await emu.sendUserMessage({ chatId: commune, userId: ADMIN_ID, text: '/lienket xa 12004' });
    await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.waitForBotMessage(support, /tổ công tác/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the first tickets a card each, lists the rest in one edited summary, and opens a card from it', async () => {
    const official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    const before = emu.botMessages(support).length;
    for (let i = 1; i <= 12; i++) await emu.sendUserMessage({ chatId: commune, userId: official, text: `/baocao Kiến nghị số ${i} về hạ tầng thôn` });
    await eventually(async () => (await h.app.db.prisma.ticket.count()) === 12, 'twelve tickets', 20_000);
    const codes = (await h.app.db.prisma.ticket.findMany({ orderBy: { id: 'asc' }, select: { code: true } })).map((t) => t.code);

    // Every ticket is in the group's view: two cards, the rest in the summary (edited, not re-sent).
    const summary = await eventually(async () => {
      const msgs = emu.botMessages(support).slice(before);
      const s = msgs.find((m) => /kiến nghị mới/.test(m.text ?? ''));
      return s && codes.slice(2).every((c) => (s.text ?? '').includes(c)) ? s : undefined;
    }, 'summary listing every ticket', 20_000);
    const sent = emu.botMessages(support).slice(before);
    const cards = sent.filter((m) => /HY-\d{4} ·/.test(m.text ?? '') && !/kiến nghị mới/.test(m.text ?? ''));
    expect(cards.map((m) => /HY-\d{4}/.exec(m.text!)![0])).toEqual(codes.slice(0, 2));
    expect(sent.filter((m) => /kiến nghị mới/.test(m.text ?? ''))).toHaveLength(1);
    console.info(`[burst] 12 reports: ${cards.length} cards + 1 summary message (${emu.calls('editMessageText').filter((c) => String(c.params.chat_id) === String(support)).length} edits)`);

    // One tap on a code in the summary posts that ticket's card, with its actions.
    const rows = (summary.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
    const button = rows.flat().find((b) => b.text === codes[6]);
    expect(button?.callback_data).toMatch(/^t:card:\d+$/);
    const shown = emu.botMessages(support).length;
    await emu.pressButton({ chatId: support, userId: ADMIN_ID, messageId: summary.message_id, data: button!.callback_data! });
    const card = await eventually(async () => emu.botMessages(support).slice(shown).find((m) => (m.text ?? '').startsWith(`${codes[6]} ·`)), 'the card');
    const actions = ((card.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.callback_data);
    expect(actions.some((d) => d?.startsWith('t:claim:'))).toBe(true);
  });
});
