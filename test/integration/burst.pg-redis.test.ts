import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_EDIT_GAP_MS } from '../../src/core/support-summary.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// A burst of new reports must not bury the support group: beyond a few cards a minute, new tickets
// are listed in one rolling summary message that is edited as the burst goes on.

interface BurstSetup {
  emu: BotApiEmulator;
  h: TestAppHandle;
  dir: string;
  commune: number;
  support: number;
}

/** A bot with a commune group and a support group linked, and at most two cards a minute in the support group. */
async function startBurstSetup(): Promise<BurstSetup> {
  const emu = await startBotApiEmulator();
  const dir = mkdtempSync(path.join(tmpdir(), 'thaogo-burst-'));
  const settingsFile = path.join(dir, 'settings.yaml');
  writeFileSync(settingsFile, 'supportCards: { perMinute: 2 }\n');
  const h = await startTestApp({ apiRoot: emu.apiRoot, env: { SETTINGS_FILE: settingsFile, REPORT_FLOOD_LIMIT: '1000' } });
  await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
  const commune = (await emu.createChat({ type: 'group', title: 'Xã Như Quỳnh' })).id;
  const support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
  await emu.sendUserMessage({ chatId: commune, userId: ADMIN_ID, text: '/lienket xa 12004' });
  await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: '/lienket tocongtac' });
  await emu.waitForBotMessage(support, /tổ công tác/);
  return { emu, h, dir, commune, support };
}

async function stopBurstSetup(b: BurstSetup | undefined): Promise<void> {
  await b?.h.close();
  await b?.emu.close();
  if (b?.dir) rmSync(b.dir, { recursive: true, force: true });
}

describe('a burst of reports and the support group (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let b: BurstSetup | undefined;
  let commune = 0;
  let support = 0;

  beforeAll(async () => {
    b = await startBurstSetup();
    ({ emu, h, commune, support } = b);
  });
  afterAll(() => stopBurstSetup(b));

  it('announces tickets as cards while few wait, folds the rest into one edited summary, and opens a card from it', async () => {
    const official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    const before = emu.botMessages(support).length;
    for (let i = 1; i <= 12; i++) await emu.sendUserMessage({ chatId: commune, userId: official, text: `/baocao Kiến nghị số ${i} về hạ tầng thôn` });
    await eventually(async () => (await h.app.db.prisma.ticket.count()) === 12, 'twelve tickets', 20_000);
    const codes = (await h.app.db.prisma.ticket.findMany({ orderBy: { id: 'asc' }, select: { code: true } })).map((t) => t.code);

    // Every ticket is in the group's view exactly once: at most two cards (the minute's allowance),
    // every other ticket in the one summary message, which is edited as tickets join, never re-sent.
    const cardsOf = () => emu.botMessages(support).slice(before).filter((m) => /^HY-\d{4} ·/.test(m.text ?? ''));
    const summary = await eventually(async () => {
      const s = emu.botMessages(support).slice(before).find((m) => /kiến nghị mới/.test(m.text ?? ''));
      const carded = new Set(cardsOf().map((m) => /HY-\d{4}/.exec(m.text!)![0]));
      return s && codes.every((c) => carded.has(c) !== (s.text ?? '').includes(c)) ? s : undefined;
    }, 'every ticket either carded or in the summary', 20_000);
    const cards = cardsOf().map((m) => /HY-\d{4}/.exec(m.text!)![0]);
    expect(cards.length).toBeLessThanOrEqual(2);
    expect(cards).toEqual(codes.slice(0, cards.length));
    expect(emu.botMessages(support).slice(before).filter((m) => /kiến nghị mới/.test(m.text ?? ''))).toHaveLength(1);
    // The folded announcements are delivered (as lines of the summary) and will never refresh as cards.
    await eventually(async () => (await h.app.db.prisma.outboundMessage.count({ where: { purpose: { in: ['card:support', 'summary', 'announce:summary'] }, status: 'pending' } })) === 0, 'every announcement delivered');
    const folded = await h.app.db.prisma.outboundMessage.count({ where: { purpose: 'announce:summary', status: 'sent' } });
    const heads = await h.app.db.prisma.outboundMessage.count({ where: { purpose: 'summary' } });
    expect(folded + heads + cards.length).toBe(12);
    // Folded while they waited behind others: they never had a job of their own.
    const foldedIds = (await h.app.db.prisma.outboundMessage.findMany({ where: { purpose: 'announce:summary' }, select: { id: true } })).map((r) => r.id);
    for (const id of foldedIds) expect(await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(id))).toBeUndefined();
    // With room left, the summary gathers new tickets for a few seconds between edits: a steady
    // stream never spends the group's minute budget on an edit per ticket.
    const edits = emu.calls('editMessageText').filter((c) => String(c.params.chat_id) === String(support) && c.params.message_id === summary.message_id);
    const sent = emu.calls('sendMessage').find((c) => String(c.params.chat_id) === String(support) && /kiến nghị mới/.test(String(c.params.text)));
    const drawnAt = [sent!.at, ...edits.map((c) => c.at)];
    for (let i = 1; i < drawnAt.length; i++) expect(drawnAt[i]! - drawnAt[i - 1]!).toBeGreaterThanOrEqual(SUMMARY_EDIT_GAP_MS - 50);
    console.info(`[burst] 12 reports: ${cards.length} cards + 1 summary message (${emu.calls('editMessageText').filter((c) => String(c.params.chat_id) === String(support)).length} edits, ${heads} draws)`);

    // One tap on a code in the summary posts that ticket's card, with its actions.
    const rows = (summary.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
    const button = rows.flat().find((b) => b.text === codes[11]);
    expect(button?.callback_data).toMatch(/^t:card:\d+$/);
    const shown = emu.botMessages(support).length;
    await emu.pressButton({ chatId: support, userId: ADMIN_ID, messageId: summary.message_id, data: button!.callback_data! });
    const card = await eventually(async () => emu.botMessages(support).slice(shown).find((m) => (m.text ?? '').startsWith(`${codes[11]} ·`)), 'the card');
    const actions = ((card.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.callback_data);
    expect(actions.some((d) => d?.startsWith('t:claim:'))).toBe(true);
  });
});

describe('a large burst is listed compactly (PostgreSQL + Redis + Bot API emulator)', () => {
  let b: BurstSetup | undefined;
  beforeAll(async () => {
    b = await startBurstSetup();
  });
  afterAll(() => stopBurstSetup(b));

  it('lists more new tickets than a summary has lines for by their codes alone, in few messages, each code one typed command from its card', async () => {
    const { emu, h, commune, support } = b!;
    const official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    const before = emu.botMessages(support).length;
    const count = 160;
    await Promise.all(Array.from({ length: count }, (_, i) => emu.sendUserMessage({ chatId: commune, userId: official, text: `/baocao Kiến nghị số ${i + 1} về đường giao thông` })));
    await eventually(async () => (await h.app.db.prisma.ticket.count()) === count, 'every report a ticket', 30_000);
    const codes = (await h.app.db.prisma.ticket.findMany({ orderBy: { id: 'asc' }, select: { code: true } })).map((t) => t.code);

    // Every code is in the group's view (a card, or a summary as it stands after its edits).
    const shown = () => emu.botMessages(support).slice(before);
    await eventually(async () => codes.every((c) => shown().some((m) => (m.text ?? '').includes(c))), 'every code shown in the support group', 30_000);
    const summaries = shown().filter((m) => /kiến nghị mới/.test(m.text ?? ''));
    // Two cards at most, then summaries: a compact one lists far more than a summary of lines could.
    expect(shown().length - summaries.length).toBeLessThanOrEqual(2);
    expect(summaries.length).toBeLessThanOrEqual(2);
    const compact = summaries.find((m) => (m.text ?? '').match(/HY-\d{4}/g)!.length > 100);
    expect(compact, 'a summary listing more than 100 codes').toBeDefined();
    expect(compact!.text).toMatch(/Gõ \/phieu (HY-\d{4}) để xem phiếu, \/nhan \1 để nhận, \/chuyen \1 <mã sở> để chuyển\./);
    expect(compact!.text!.length).toBeLessThanOrEqual(4096);
    // No button per code in a compact summary (a message holds at most 100).
    const buttons = ((compact!.reply_markup as { inline_keyboard?: unknown[][] } | undefined)?.inline_keyboard ?? []).flat();
    expect(buttons.length).toBeLessThanOrEqual(100);
    // Each code appears once across the group's messages.
    for (const c of codes) expect(shown().filter((m) => (m.text ?? '').includes(c)).length, c).toBe(1);

    // A code from it is one typed command from its actions: /nhan claims it.
    const code = /HY-\d{4}/.exec(compact!.text!.split('\n').slice(1).join('\n'))![0];
    await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: `/nhan ${code}` });
    await eventually(async () => (await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } })).status === 'claimed', `${code} claimed`, 20_000);
  });
});
