import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/core/presentation/dates.js';
import { runReminderRound } from '../../src/core/reminders.js';
import { autoCloseSchedule, reopenWindowEnd } from '../../src/domain/auto-close.js';
import { calendarFrom, defaultSettings } from '../../src/settings.js';
import { startBotApiEmulator, type BotApiEmulator, type EmulatorMessage } from '../../tools/telegram-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { ADMIN_ID, deleteRedisPrefix, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// Issue 14: closing the loop with the commune. The satisfaction question when it confirms, and the
// auto-close of answered tickets nobody confirms, on the shipped working calendar.

const settings = defaultSettings();
const cal = calendarFrom(settings);
const HOUR = 3_600_000;

/** A business clock the test moves: it runs at real speed from the instant last set. */
function movableClock(start: string) {
  let base = Date.parse(start);
  let setAt = Date.now();
  return {
    now: () => new Date(base + (Date.now() - setAt)),
    set(at: Date) {
      base = at.getTime();
      setAt = Date.now();
    },
  };
}

const shown = (d: Date) => formatDateTime(d, settings.timezone);
const isDocument = (m: EmulatorMessage) => m.document !== undefined;
const buttonTexts = (m: EmulatorMessage) =>
  ((m.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);

/** Chats, people and the steps every ticket here goes through, on one app. */
function harness(start: string) {
  const clock = movableClock(start);
  const h = { emu: undefined as unknown as BotApiEmulator, app: undefined as unknown as TestAppHandle };
  const chat = { communeA: 0, communeB: 0, support: 0, dept: 0, leaders: 0 };
  const people = { officialA: 0, officialB: 0, deptUser: 0 };
  const db = () => h.app.app.db.prisma;

  const say = (chatId: number, userId: number, text: string, replyToMessageId?: number) =>
    h.emu.sendUserMessage({ chatId, userId, text, ...(replyToMessageId ? { replyToMessageId } : {}) });
  const fresh = (chatId: number, from: number, re: RegExp, what = `${re}`) =>
    eventually(async () => h.emu.botMessages(chatId).slice(from).find((m) => re.test(m.text ?? m.caption ?? '')), `${what} in ${chatId}`);
  /** Sends and waits for the bot's answer matching `re` among the messages after it. */
  async function ask(chatId: number, userId: number, text: string, re: RegExp): Promise<EmulatorMessage> {
    const from = h.emu.botMessages(chatId).length;
    await say(chatId, userId, text);
    return fresh(chatId, from, re, `answer to "${text}"`);
  }
  const settle = () =>
    eventually(async () => {
      const [inbound, outbound] = await Promise.all([db().inboundUpdate.count({ where: { processedAt: null } }), db().outboundMessage.count({ where: { status: 'pending' } })]);
      return inbound === 0 && outbound === 0;
    }, 'all handled and delivered');
  /** One reminder round at `at`, delivered. */
  async function round(at: Date) {
    await settle();
    const r = await runReminderRound(db(), settings, at, { channels: h.app.app.channels });
    await h.app.app.queues.enqueueOutbox(r.outbox);
    await settle();
    return r.sent;
  }
  /** A report from `communeChat`, routed to SNV and answered; returns its code and the answer message. */
  async function answeredTicket(communeChat: number, official: number, text: string, answer: string) {
    const receipt = await ask(communeChat, official, `/baocao ${text}`, /mã phiếu/);
    const code = /HY-\d{4}/.exec(receipt.text ?? '')![0];
    const routed = h.emu.botMessages(chat.dept).length;
    await say(chat.support, ADMIN_ID, `/chuyen ${code} SNV`);
    await fresh(chat.dept, routed, new RegExp(`Phiếu mới được giao: ${code}`));
    const from = h.emu.botMessages(communeChat).length;
    await say(chat.dept, people.deptUser, `/traloi ${code} ${answer}`);
    const message = await fresh(communeChat, from, new RegExp(`Trả lời phiếu ${code}`));
    const ticket = await db().ticket.findUniqueOrThrow({ where: { code } });
    return { code, id: ticket.id, message };
  }

  async function setUp() {
    h.emu = await startBotApiEmulator();
    h.app = await startTestApp({ apiRoot: h.emu.apiRoot, clock: clock.now });
    chat.communeA = (await h.emu.createChat({ type: 'group', title: 'UBND phường Phố Hiến' })).id;
    chat.communeB = (await h.emu.createChat({ type: 'group', title: 'UBND xã Tân Hưng' })).id;
    chat.support = (await h.emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    chat.dept = (await h.emu.createChat({ type: 'group', title: 'Sở Nội vụ' })).id;
    chat.leaders = (await h.emu.createChat({ type: 'group', title: 'Lãnh đạo tỉnh' })).id;
    await h.emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    people.officialA = (await h.emu.createUser({ first_name: 'Cán bộ phường' })).id;
    people.officialB = (await h.emu.createUser({ first_name: 'Cán bộ xã' })).id;
    people.deptUser = (await h.emu.createUser({ first_name: 'Đầu mối SNV' })).id;
    await ask(chat.communeA, ADMIN_ID, '/lienket xa 11953', /Phố Hiến/);
    await ask(chat.communeB, ADMIN_ID, '/lienket xa 11977', /Tân Hưng/);
    await ask(chat.support, ADMIN_ID, '/lienket tocongtac', /tổ công tác/);
    await ask(chat.dept, ADMIN_ID, '/lienket so SNV', /Nội vụ/);
    await ask(chat.leaders, ADMIN_ID, '/lienket lanhdao', /lãnh đạo/);
  }
  async function tearDown() {
    await h.app?.close();
    await h.emu?.close();
  }
  return { h, clock, chat, people, db, say, ask, fresh, settle, round, answeredTicket, setUp, tearDown };
}

describe('satisfaction when a commune confirms (PostgreSQL, Redis, Bot API emulator)', () => {
  // A working Wednesday morning.
  const x = harness('2026-11-25T08:30:00+07:00');
  beforeAll(() => x.setUp());
  afterAll(() => x.tearDown());

  it('"Đồng ý" asks one question with three answers; the answer is an event, recorded once', async () => {
    const { h, chat, people, db } = x;
    const t = await x.answeredTicket(chat.communeA, people.officialA, 'Thiếu 03 công chức văn hóa - xã hội', 'Sở đã trình bổ sung 03 biên chế.');
    let from = h.emu.botMessages(chat.communeA).length;
    await h.emu.pressButton({ chatId: chat.communeA, userId: people.officialA, messageId: t.message.message_id, data: buttonData(t.message, 't:confirm:') });
    const question = await x.fresh(chat.communeA, from, /Xã có hài lòng với câu trả lời của phiếu/);
    expect(question.text).toContain(`Phiếu ${t.code} đã được xác nhận giải quyết xong`);
    expect(question.text).toContain(`/xong ${t.code} 1 (Hài lòng), 2 (Tạm được) hoặc 3 (Chưa hài lòng)`);
    expect(buttonTexts(question)).toEqual(['Hài lòng', 'Tạm được', 'Chưa hài lòng']);
    const confirmed = await db().ticket.findUniqueOrThrow({ where: { id: t.id } });
    expect([confirmed.status, confirmed.satisfaction, confirmed.confirmedAt?.getTime()]).toEqual(['resolved', null, confirmed.resolvedAt?.getTime()]);

    from = h.emu.botMessages(chat.communeA).length;
    await h.emu.pressButton({ chatId: chat.communeA, userId: people.officialA, messageId: question.message_id, data: buttonData(question, `t:sat:${t.id}:1`) });
    await x.fresh(chat.communeA, from, new RegExp(`Đã ghi nhận ý kiến "Hài lòng" của xã về phiếu ${t.code}`));
    const rated = await db().ticket.findUniqueOrThrow({ where: { id: t.id }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(rated.satisfaction).toBe('hai_long');
    expect(rated.events.map((e) => e.kind).slice(-2)).toEqual(['confirmed', 'satisfaction_recorded']);
    expect(rated.events.at(-1)!.data).toEqual({ satisfaction: 'hai_long' });

    // A second confirmation and a second rating are refused in Vietnamese, and change nothing.
    await x.ask(chat.communeA, people.officialA, `/xong ${t.code}`, new RegExp(`Phiếu ${t.code} đã được xác nhận giải quyết rồi`));
    await x.ask(chat.communeA, people.officialA, `/xong ${t.code} 3`, new RegExp(`Phiếu ${t.code} đã có ý kiến đánh giá của xã`));
    const press = await h.emu.pressButton({ chatId: chat.communeA, userId: people.officialA, messageId: question.message_id, data: `t:sat:${t.id}:3` });
    const notice = await eventually(async () => h.emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId), 'press answered');
    expect(notice.text).toMatch(/đã có ý kiến đánh giá|không còn hiệu lực/);
    await x.settle();
    const after = await db().ticket.findUniqueOrThrow({ where: { id: t.id }, include: { events: true } });
    expect(after.satisfaction).toBe('hai_long');
    expect(after.events.filter((e) => e.kind === 'satisfaction_recorded')).toHaveLength(1);
    expect(after.events.filter((e) => e.kind === 'confirmed')).toHaveLength(1);
  });

  it('typed: "/xong HY-… 2" confirms and answers at once; the label works with or without diacritics; after the question, the answer alone', async () => {
    const { chat, people, db } = x;
    const two = await x.answeredTicket(chat.communeA, people.officialA, 'Trụ sở xuống cấp', 'Sở Tài chính bố trí kinh phí sửa chữa năm 2027.');
    const reply = await x.ask(chat.communeA, people.officialA, `/xong ${two.code} 2`, new RegExp(`Đã ghi nhận ý kiến "Tạm được"`));
    expect(reply.text).toContain(`Phiếu ${two.code} đã được xác nhận giải quyết xong`);
    expect(reply.text).not.toContain('Xã có hài lòng');
    const byNumber = await db().ticket.findUniqueOrThrow({ where: { id: two.id }, include: { events: { orderBy: { id: 'asc' } } } });
    expect([byNumber.status, byNumber.satisfaction]).toEqual(['resolved', 'tam_duoc']);
    expect(byNumber.events.map((e) => e.kind).slice(-2)).toEqual(['confirmed', 'satisfaction_recorded']);

    const three = await x.answeredTicket(chat.communeA, people.officialA, 'Phần mềm một cửa lỗi', 'Đã khắc phục lỗi đăng nhập.');
    await x.ask(chat.communeA, people.officialA, `/xong ${three.code} Chưa hài lòng`, /Đã ghi nhận ý kiến "Chưa hài lòng"/);
    expect((await db().ticket.findUniqueOrThrow({ where: { id: three.id } })).satisfaction).toBe('chua_hai_long');

    const later = await x.answeredTicket(chat.communeA, people.officialA, 'Thiếu máy scan', 'Sở đã cấp 02 máy scan.');
    await x.ask(chat.communeA, people.officialA, `/xong ${later.code}`, /Xã có hài lòng/);
    await x.ask(chat.communeA, people.officialA, `/xong ${later.code} hai long`, /Đã ghi nhận ý kiến "Hài lòng"/);
    expect((await db().ticket.findUniqueOrThrow({ where: { id: later.id } })).satisfaction).toBe('hai_long');
  });

  it('an answer that is none of the three changes nothing; rating before confirming is refused', async () => {
    const { chat, people, db } = x;
    const t = await x.answeredTicket(chat.communeA, people.officialA, 'Đường nội đồng hư hỏng', 'Đã giao UBND xã lập hồ sơ.');
    const before = await db().ticket.findUniqueOrThrow({ where: { id: t.id }, include: { events: true } });
    const answer = await x.ask(chat.communeA, people.officialA, `/xong ${t.code} 7`, /Chưa rõ ý kiến/);
    expect(answer.text).toContain('phiếu chưa thay đổi');
    const after = await db().ticket.findUniqueOrThrow({ where: { id: t.id }, include: { events: true } });
    expect([after.status, after.satisfaction, after.events.length]).toEqual(['answered', null, before.events.length]);
    // A rating pressed before the confirmation (data made up on the answer's own message) is refused.
    const press = await x.h.emu.pressButton({ chatId: chat.communeA, userId: people.officialA, messageId: t.message.message_id, data: `t:sat:${t.id}:1` });
    const notice = await eventually(async () => x.h.emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId), 'press answered');
    expect(notice.text).toContain(`Phiếu ${t.code} chưa được xác nhận giải quyết`);
    await x.settle();
    expect((await db().ticket.findUniqueOrThrow({ where: { id: t.id } })).satisfaction).toBeNull();
    // Still answered: confirm it so nothing is left waiting in this chat.
    await x.ask(chat.communeA, people.officialA, `/xong ${t.code}`, /Xã có hài lòng/);
  });

  it('/trogiup for a commune explains the question and the auto-close rule, with the configured durations', async () => {
    const help = await x.ask(x.chat.communeA, x.people.officialA, '/trogiup', /Hài lòng, Tạm được hay Chưa hài lòng/);
    expect(help.text).toContain('sau 5 ngày làm việc sẽ tự động đóng');
    expect(help.text).toContain('trong 10 ngày làm việc');
  });
});

describe('auto-close on the working calendar across the Quốc khánh holidays (injected clock)', () => {
  // Thursday 27/8/2026; 29/8 – 2/9 are days off (weekend, the swapped day, Quốc khánh).
  const x = harness('2026-08-27T09:00:00+07:00');
  beforeAll(() => x.setUp());
  afterAll(() => x.tearDown());
  const count = (chatId: number, re: RegExp) => x.h.emu.botMessages(chatId).filter((m) => re.test(m.text ?? '')).length;

  let first: { code: string; id: number; message: EmulatorMessage };
  let second: { code: string; id: number; message: EmulatorMessage };

  it('reminds each commune chat once (one message for all its tickets), then closes as resolved with no rating', async () => {
    const { chat, people, db } = x;
    first = await x.answeredTicket(chat.communeB, people.officialB, 'Rác thải tồn đọng', 'Đã chỉ đạo đơn vị thu gom.');
    second = await x.answeredTicket(chat.communeB, people.officialB, 'Thiếu nhà vệ sinh trường học', 'Đã bố trí vốn.');
    const rows = await db().ticket.findMany({ where: { id: { in: [first.id, second.id] } }, orderBy: { id: 'asc' } });
    const plans = rows.map((r) => autoCloseSchedule(r.answeredAt!, settings, cal));
    // The plan is in the database like every reminder; the days off push it past the holidays.
    expect(rows.map((r) => r.nextReminderAt?.getTime())).toEqual(plans.map((p) => p.remindAt.getTime()));
    expect(plans.map((p) => [cal.localDate(p.remindAt), cal.localDate(p.closeAt)])).toEqual([
      ['2026-09-07', '2026-09-08'],
      ['2026-09-07', '2026-09-08'],
    ]);
    const remindAt = plans[1]!.remindAt;
    const closeAt = plans[1]!.closeAt;

    // Without the holidays it would have closed on Thursday 3/9: nothing happens then.
    const thursday = new Date('2026-09-03T16:00:00+07:00');
    expect(await x.round(thursday)).toMatchObject({ communeReminders: 0, autoClosed: 0 });
    expect(count(chat.communeB, /tự động đóng/)).toBe(0);

    // Rounds run at chosen instants; the app's own clock stays on the day of the answers.
    expect(await x.round(remindAt)).toMatchObject({ communeReminders: 2, autoClosed: 0 });
    const reminder = x.h.emu.botMessages(chat.communeB).filter((m) => /chưa xác nhận/.test(m.text ?? ''));
    expect(reminder).toHaveLength(1);
    expect(reminder[0]!.text).toContain(`Phiếu ${first.code} đã được trả lời nhưng xã chưa xác nhận`);
    expect(reminder[0]!.text).toContain(`Phiếu ${second.code} đã được trả lời`);
    expect(reminder[0]!.text).toContain(`tự động đóng lúc ${shown(closeAt)}`);
    // Reminded once: later rounds before the close send nothing more.
    expect(await x.round(new Date(remindAt.getTime() + 2 * HOUR))).toMatchObject({ communeReminders: 0, autoClosed: 0 });
    expect(count(chat.communeB, /chưa xác nhận/)).toBe(1);
    const reminded = await db().ticket.findUniqueOrThrow({ where: { id: first.id }, include: { events: true } });
    expect(reminded.status).toBe('answered');
    expect(reminded.events.filter((e) => e.kind === 'auto_close_reminded')).toHaveLength(1);

    // A restart and a Redis that lost every job change nothing: the close is in the ticket rows.
    await x.h.app.restart();
    await deleteRedisPrefix(x.h.app.env.QUEUE_PREFIX!);
    const planned = await db().ticket.findMany({ where: { id: { in: [first.id, second.id] } } });
    expect(planned.map((r) => r.nextReminderAt?.getTime())).toEqual([closeAt.getTime(), closeAt.getTime()]);

    expect(await x.round(closeAt)).toMatchObject({ autoClosed: 2 });
    const notice = x.h.emu.botMessages(chat.communeB).filter((m) => /đã tự động đóng/.test(m.text ?? ''));
    expect(notice).toHaveLength(1);
    const closed = await db().ticket.findMany({ where: { id: { in: [first.id, second.id] } }, include: { events: { orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } });
    for (const t of closed) {
      expect([t.status, t.satisfaction, t.confirmedAt]).toEqual(['resolved', null, null]);
      expect(t.autoClosedAt?.getTime()).toBe(closeAt.getTime());
      expect(t.resolvedAt?.getTime()).toBe(closeAt.getTime());
      expect(t.reopenableUntil?.getTime()).toBe(reopenWindowEnd(closeAt, settings, cal).getTime());
      expect(t.nextReminderAt).toBeNull();
      expect(t.events.at(-1)).toMatchObject({ kind: 'auto_closed', fromStatus: 'answered', toStatus: 'resolved', actorLabel: 'Tháo gỡ' });
    }
    const until = closed[0]!.reopenableUntil!;
    expect(cal.localDate(until)).toBe('2026-09-22');
    expect(notice[0]!.text).toContain(`Phiếu ${first.code} đã tự động đóng (coi như đã giải quyết) vì xã không xác nhận hay mở lại sau 5 ngày làm việc`);
    expect(notice[0]!.text).toContain(`xã vẫn có thể mở lại đến ${shown(until)}`);
    await x.fresh(chat.dept, 0, new RegExp(`tự động đóng[\\s\\S]*${first.code}[\\s\\S]*${second.code}`));
    await x.fresh(chat.support, 0, new RegExp(`tự động đóng[\\s\\S]*${first.code}`));
    // Nothing more for these tickets, however many rounds run.
    expect(await x.round(new Date(closeAt.getTime() + 3 * HOUR))).toMatchObject({ communeReminders: 0, autoClosed: 0 });
    // Confirming or rating an auto-closed ticket is refused: nobody confirmed it.
    await x.ask(chat.communeB, people.officialB, `/xong ${first.code} 1`, /đã tự động đóng \(coi như đã giải quyết\), không cần xác nhận/);
  });

  it('a commune reopens an auto-closed ticket inside the window with "Chưa đồng ý", and the department owes a new answer', async () => {
    const { h, chat, people, db } = x;
    const closed = await db().ticket.findUniqueOrThrow({ where: { id: first.id } });
    x.clock.set(new Date(closed.autoClosedAt!.getTime() + 2 * HOUR));
    // The answer's own "Chưa đồng ý" still works within the window: it asks for the reason first.
    const from = h.emu.botMessages(chat.communeB).length;
    await h.emu.pressButton({ chatId: chat.communeB, userId: people.officialB, messageId: first.message.message_id, data: buttonData(first.message, 't:reopen:') });
    const prompt = await x.fresh(chat.communeB, from, /lý do chưa đồng ý/);
    const deptFrom = h.emu.botMessages(chat.dept).length;
    await x.say(chat.communeB, people.officialB, 'Rác vẫn chưa được thu gom ở thôn Đông.', prompt.message_id);
    const toDept = await x.fresh(chat.dept, deptFrom, new RegExp(`Xã chưa đồng ý câu trả lời phiếu ${first.code}`));
    expect(toDept.text).toContain('thôn Đông');
    const reopened = await db().ticket.findUniqueOrThrow({ where: { id: first.id }, include: { events: { orderBy: { id: 'asc' } } } });
    expect([reopened.status, reopened.autoClosedAt, reopened.reopenableUntil, reopened.resolvedAt]).toEqual(['reopened', null, null, null]);
    expect(reopened.events.at(-1)).toMatchObject({ kind: 'reopened', fromStatus: 'resolved', toStatus: 'reopened', text: 'Rác vẫn chưa được thu gom ở thôn Đông.' });
    expect(reopened.nextReminderAt).not.toBeNull();

    // A new answer starts a new wait; a supplementary answer restarts it from the later answer.
    await x.ask(chat.dept, people.deptUser, `/traloi ${first.code} Đã thu gom xong thôn Đông.`, new RegExp(first.code));
    const answered = await db().ticket.findUniqueOrThrow({ where: { id: first.id } });
    expect(answered.nextReminderAt?.getTime()).toBe(autoCloseSchedule(answered.answeredAt!, settings, cal).remindAt.getTime());
    x.clock.set(new Date(answered.answeredAt!.getTime() + 24 * HOUR));
    await x.ask(chat.dept, people.deptUser, `/traloi ${first.code} Bổ sung: lịch thu gom hai ngày một lần.`, new RegExp(first.code));
    const supplemented = await db().ticket.findUniqueOrThrow({ where: { id: first.id } });
    expect(supplemented.answeredAt!.getTime()).toBeGreaterThan(answered.answeredAt!.getTime());
    expect(supplemented.nextReminderAt!.getTime()).toBe(autoCloseSchedule(supplemented.answeredAt!, settings, cal).remindAt.getTime());
    expect(supplemented.nextReminderAt!.getTime()).toBeGreaterThan(answered.nextReminderAt!.getTime());
    // Reminded alone this time: the message carries the ticket's own choices.
    const remindAt = supplemented.nextReminderAt!;
    expect(await x.round(remindAt)).toMatchObject({ communeReminders: 1 });
    const single = x.h.emu.botMessages(chat.communeB).filter((m) => new RegExp(`Phiếu ${first.code} đã được trả lời nhưng xã chưa xác nhận`).test(m.text ?? '')).at(-1)!;
    expect(buttonTexts(single)).toEqual(['✅ Đồng ý', '❗ Chưa đồng ý']);
    await x.ask(chat.communeB, people.officialB, `/xong ${first.code} 3`, /Đã ghi nhận ý kiến "Chưa hài lòng"/);
  });

  it('after the window a reopening is refused, naming when it ended', async () => {
    const { chat, people, db } = x;
    const closed = await db().ticket.findUniqueOrThrow({ where: { id: second.id }, include: { events: true } });
    x.clock.set(new Date(closed.reopenableUntil!.getTime() + 60_000));
    const refusal = await x.ask(chat.communeB, people.officialB, `/molai ${second.code} Nhà vệ sinh vẫn chưa xây`, /hết thời hạn mở lại/);
    expect(refusal.text).toContain(`Phiếu ${second.code} đã tự động đóng và đã hết thời hạn mở lại (${shown(closed.reopenableUntil!)})`);
    expect(refusal.text).toContain('/baocao');
    const after = await db().ticket.findUniqueOrThrow({ where: { id: second.id }, include: { events: true } });
    expect([after.status, after.events.length]).toEqual(['resolved', closed.events.length]);
  });
});

describe('the figures show a confirmed and rated ticket and an auto-closed one (digest and export read back)', () => {
  const x = harness('2026-11-25T08:30:00+07:00');
  beforeAll(() => x.setUp());
  afterAll(() => x.tearDown());

  it('/tonghop and /xuatexcel', async () => {
    const { h, chat, people, db } = x;
    const rated = await x.answeredTicket(chat.communeA, people.officialA, 'Thiếu biên chế y tế', 'Đã giao bổ sung.');
    await x.ask(chat.communeA, people.officialA, `/xong ${rated.code} 2`, /Tạm được/);
    const left = await x.answeredTicket(chat.communeB, people.officialB, 'Chưa có hướng dẫn phụ cấp', 'Đã ban hành hướng dẫn.');
    const plan = await db().ticket.findUniqueOrThrow({ where: { id: left.id } });
    const { remindAt, closeAt } = autoCloseSchedule(plan.answeredAt!, settings, cal);
    // As if answered before answered tickets had a plan: the next round plans it (and here reminds at once).
    await db().ticket.update({ where: { id: left.id }, data: { nextReminderAt: null } });
    expect(await x.round(remindAt)).toMatchObject({ communeReminders: 1 });
    expect(await x.round(closeAt)).toMatchObject({ autoClosed: 1 });
    x.clock.set(new Date(closeAt.getTime() + HOUR));
    expect((await db().ticket.findUniqueOrThrow({ where: { id: left.id } })).autoClosedAt).not.toBeNull();

    const digest = await x.ask(chat.leaders, ADMIN_ID, '/tonghop', /Mức độ hài lòng của xã/);
    expect(digest.text).toContain('Toàn tỉnh: xã đã xác nhận 1/2 phiếu được trả lời (50%)');
    expect(digest.text).toContain('Hài lòng 0% · Tạm được 100% · Chưa hài lòng 0% · điểm hài lòng 50/100 (1 ý kiến)');
    expect(digest.text).toContain('Mở lại 0% số phiếu đã trả lời · Tự động đóng 50% số phiếu đã giải quyết');
    expect(digest.text).toMatch(/Sở Nội vụ: xác nhận 50% · điểm 50 · mở lại 0% · tự động đóng 50%/);

    const from = h.emu.botMessages(chat.leaders).length;
    await x.say(chat.leaders, ADMIN_ID, '/xuatexcel');
    const doc = await eventually(async () => h.emu.botMessages(chat.leaders).slice(from).find(isDocument), 'export');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(h.emu.file(doc.document!.file_id)!.bytes as unknown as ArrayBuffer);
    const tickets = workbook.getWorksheet('Phiếu')!;
    const header = (tickets.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const row = (code: string) => {
      let found: ExcelJS.Row | undefined;
      tickets.eachRow((r) => {
        if (r.getCell(1).value === code) found = r;
      });
      return found!;
    };
    expect(row(rated.code).getCell(col('Hài lòng')).value).toBe('Tạm được');
    expect(row(rated.code).getCell(col('Ngày xã xác nhận')).value).toBeInstanceOf(Date);
    expect(row(rated.code).getCell(col('Ngày tự động đóng')).value).toBeNull();
    expect(row(left.code).getCell(col('Trạng thái')).value).toBe('Đã giải quyết');
    expect(row(left.code).getCell(col('Hài lòng')).value).toBeNull();
    expect(row(left.code).getCell(col('Ngày tự động đóng')).value).toBeInstanceOf(Date);
    const closure = workbook.getWorksheet('Mức độ hài lòng')!;
    const values = (n: number) => (closure.getRow(n).values as unknown[]).slice(1);
    const names = closure.getColumn(1).values.slice(2);
    const snv = values(names.indexOf('Sở Nội vụ') + 2);
    // answered, confirmed, %, rated, hài lòng, tạm được, chưa hài lòng, 3 × %, score, reopened, %, resolved, auto-closed, %
    expect(snv).toEqual(['Sở Nội vụ', 2, 1, 50, 1, 0, 1, 0, 0, 100, 0, 50, 0, 0, 2, 1, 50]);
    const timeline = workbook.getWorksheet('Diễn biến')!;
    const labels: unknown[] = [];
    timeline.eachRow((r) => {
      if (r.getCell(1).value === left.code) labels.push(r.getCell(3).value);
    });
    expect(labels).toContain('Tự động đóng (xã không xác nhận)');
    expect(labels).toContain('Nhắc xã xác nhận (phiếu sắp tự động đóng)');
  });
});
