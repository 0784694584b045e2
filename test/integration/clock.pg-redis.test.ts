import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { clockFrom } from '../support/clock.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// The app's business clock (AppOptions.clock) is the only "now" of deadlines, cards, reminders and
// digests: an app told it is a morning of June 2025 behaves as on that morning, whatever the date
// the machine says. Real time still drives what is operational (pacing, job delays, timeouts).

/** A Monday morning in Hưng Yên, long before any day this suite runs on. */
const START = '2025-06-02T08:00:00+07:00';
const MINUTE = 60_000;

describe('the business clock reaches every place that reads business time', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  const chat = { commune: 0, support: 0, dept: 0 };
  const latest = (chatId: number, pattern: RegExp) => emu.botMessages(chatId).filter((m) => pattern.test(m.text ?? '')).at(-1);
  const waitText = (chatId: number, pattern: RegExp) => eventually(async () => latest(chatId, pattern), `bot message ${pattern}`);
  const say = (chatId: number, text: string) => emu.sendUserMessage({ chatId, userId: ADMIN_ID, text });

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot, clock: clockFrom(START) });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    chat.commune = (await emu.createChat({ type: 'group', title: 'UBND xã Tân Hưng' })).id;
    chat.support = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở NN&MT' })).id;
    await say(chat.commune, '/lienket xa 11977');
    await say(chat.support, '/lienket tocongtac');
    await say(chat.dept, '/lienket so SNNMT');
    await waitText(chat.dept, /Nông nghiệp và Môi trường/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('dates a report by the app clock, and the support card shows its deadline as not yet due', async () => {
    expect(Math.abs(h.app.clock().getTime() - Date.parse(START))).toBeLessThan(10 * MINUTE);
    await say(chat.commune, '/baocao Trạm bơm tiêu úng hỏng, cần kinh phí sửa chữa');
    const receipt = await waitText(chat.commune, /mã phiếu HY-\d{4}/);
    const code = /HY-\d{4}/.exec(receipt.text ?? '')![0];
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    expect(Math.abs(ticket.createdAt.getTime() - Date.parse(START))).toBeLessThan(10 * MINUTE);

    await say(chat.support, `/chuyen ${code} SNNMT`);
    // The support team's card, edited in place once the ticket is routed.
    const card = await waitText(chat.support, new RegExp(`${code} ·[\\s\\S]*Hạn trả lời`));
    const routed = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    // Five working days from a Monday 08:00 (plus the seconds this test took) is the next Monday 08:00.
    expect(Math.abs(routed.dueAt!.getTime() - Date.parse('2025-06-09T08:00:00+07:00'))).toBeLessThan(10 * MINUTE);
    expect(card.text).toContain('Tiếp nhận: 02/06/2025 08:0');
    expect(card.text).toContain('Hạn trả lời: 09/06/2025 08:0');
    // Measured against the machine's date this deadline passed long ago; against the app's, it has not.
    expect(card.text).not.toMatch(/Quá hạn|Sắp đến hạn/);
  });

  it('schedules a reminder round by the app clock: a round due in ten minutes waits ten minutes', async () => {
    // Half a minute off the ten minutes: the ticket filed above planned its own round ten minutes after it.
    const at = new Date(h.app.clock().getTime() + 10 * MINUTE + 30_000 + 1);
    // Rounds due within one second are one job, at the end of that second.
    await h.app.queues.scheduleReminderTicks([at, new Date(at.getTime() + 1), at]);
    const second = Math.ceil(at.getTime() / 1000) * 1000;
    expect((await h.app.queues.reminders.getJobs(['delayed'])).filter((j) => j.id?.startsWith('tick-') && Math.abs(Number(j.id.slice(5)) - at.getTime()) < 5000).map((j) => j.id)).toEqual([`tick-${second}`]);
    const job = await h.app.queues.reminders.getJob(`tick-${second}`);
    expect(job).toBeDefined();
    expect(job!.opts.delay).toBeGreaterThan(9 * MINUTE);
    expect(job!.opts.delay).toBeLessThanOrEqual(10 * MINUTE + 31_000);
    await job!.remove();
  });
});
