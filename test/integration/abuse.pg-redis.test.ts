import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { formatDateTime } from '../../src/core/presentation/dates.js';
import { ceilToMinute } from '../../src/core/rate-events.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { ADMIN_ID, deleteRedisPrefix, eventually, TEST_TOKEN } from '../support/test-app.js';

// Abuse that costs the attacker one click or one message each: admin notices on demand, flood
// refusals, link-code guessing. The app runs on a clock the test sets (never the real date), on
// PostgreSQL and Redis, against the Bot API emulator.

const MINUTE = 60_000;
const TZ = 'Asia/Ho_Chi_Minh';
/** A Tuesday, 09:00 in Hưng Yên. */
const START = new Date('2026-03-03T02:00:00Z');

class TestClock {
  private at = START.getTime();
  now = () => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
}

const shown = (at: Date) => formatDateTime(ceilToMinute(at), TZ);

interface Running {
  apps: App[];
  db: TestDatabase;
  close(): Promise<void>;
}

/** One app (or an app plus a worker-only replica) on a fresh database and Redis prefix, on `clock`. */
async function startOnClock(apiRoot: string, clock: TestClock, env: Record<string, string>, replicas = 1): Promise<Running> {
  const db = await createTestDatabase();
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const base: Record<string, string> = {
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    DATABASE_URL: db.url,
    REDIS_URL: REDIS_TEST_URL,
    QUEUE_PREFIX: prefix,
    PORT: '0',
    ADMIN_TELEGRAM_IDS: String(ADMIN_ID),
    SEND_CHAT_INTERVAL_MS: '20',
    SEND_GROUP_PER_MINUTE: '3000',
    APP_TIMEZONE: TZ,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  };
  const apps: App[] = [];
  for (let i = 0; i < replicas; i++) {
    const e = i === 0 ? base : { ...base, ROLE: 'worker' };
    apps.push(await startApp({ config: parseConfig(e), logger: createLogger(e.LOG_LEVEL), prepareDatabase: false, clock: clock.now }));
  }
  return {
    apps,
    db,
    async close() {
      for (const app of apps.reverse()) await app.stop();
      await deleteRedisPrefix(prefix);
      await db.drop();
    },
  };
}

const texts = (emu: BotApiEmulator, chatId: number) => emu.botMessages(chatId).map((m) => m.text ?? m.caption ?? '');

/** Every stored update handled and every message written so far gone out. */
async function settled(app: App, updates: number): Promise<void> {
  const p = app.db.prisma;
  await eventually(async () => (await p.inboundUpdate.count()) >= updates && (await p.inboundUpdate.count({ where: { processedAt: null } })) === 0, `${updates} updates handled`, 30_000);
  await eventually(async () => (await p.outboundMessage.count({ where: { status: { in: ['pending', 'parked'] } } })) === 0, 'outbox drained', 30_000);
}

describe('admin notices on demand (one per group, a global cap per hour)', () => {
  let emu: BotApiEmulator;
  let run: Running;
  const clock = new TestClock();
  let stranger = 0;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    await emu.createChat({ type: 'private', id: ADMIN_ID });
    stranger = (await emu.createUser({ first_name: 'Kẻ phá' })).id;
    // Two processes on one database: the cap must hold whichever handles an update.
    run = await startOnClock(emu.apiRoot, clock, { ADMIN_NOTICES_PER_HOUR: '5' }, 2);
  });
  afterAll(async () => {
    await run?.close();
    await emu?.close();
  });

  const notices = () => texts(emu, ADMIN_ID).filter((t) => t.includes('chưa liên kết'));

  it('adding and removing the bot 30 times in a stranger\'s group tells each admin once, the title escaped, without bidi controls, cut to 64 characters', async () => {
    const title = `\u202E<b>Nhóm</b> & \u2066lạ\u2069 ${'X'.repeat(200)}`;
    const group = (await emu.createChat({ type: 'group', title, botIsMember: false })).id;
    const before = await run.apps[0]!.db.prisma.inboundUpdate.count();
    for (let i = 0; i < 30; i++) {
      await emu.addBotToGroup({ chatId: group, byUserId: stranger });
      await emu.blockBot(group, { byUserId: stranger });
    }
    // Each add is a my_chat_member update and a service message; each removal one more.
    await settled(run.apps[0]!, before + 90);
    const got = notices();
    console.info(`[abuse] bot added and removed 30 times in one group: ${got.length} admin notice(s)`);
    expect(got).toHaveLength(1);
    const notice = got[0]!;
    expect(notice).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    // Shown literally (escaped), and cut: the quoted title is at most 64 characters.
    const quoted = /"([^"]*)"/.exec(notice)![1]!;
    expect(quoted.startsWith('<b>Nhóm</b> & lạ XXX')).toBe(true);
    expect(Array.from(quoted).length).toBeLessThanOrEqual(64);
    expect(quoted.endsWith('…')).toBe(true);
    expect(notice).toContain(String(group));
  });

  it('caps notices at ADMIN_NOTICES_PER_HOUR across two processes; the last one says until when; the next hour they flow again', async () => {
    clock.advance(2 * 60 * MINUTE); // a fresh hour, away from the first test's notice
    const capStart = clock.now();
    const seen = notices().length;
    const before = await run.apps[0]!.db.prisma.inboundUpdate.count();
    for (let i = 0; i < 12; i++) {
      const group = (await emu.createChat({ type: 'group', title: `Nhóm rác số ${i + 1}`, botIsMember: false })).id;
      await emu.addBotToGroup({ chatId: group, byUserId: stranger });
    }
    await settled(run.apps[0]!, before + 24);
    const got = notices().slice(seen);
    const byProcess = await Promise.all(run.apps.map(async (a) => (await a.metrics.jobsCompleted.get()).values.find((v) => v.labels.queue === 'updates')?.value ?? 0));
    console.info(`[abuse] 12 unlinked groups in one hour, cap 5: ${got.length} notices; updates handled per process ${byProcess.join(' / ')}`);
    expect(got).toHaveLength(5);
    expect(got.slice(0, 4).some((t) => t.includes('giới hạn'))).toBe(false);
    expect(got[4]).toContain(`Đã đạt giới hạn 5 thông báo`);
    expect(got[4]).toContain(shown(new Date(capStart.getTime() + 60 * MINUTE)));
    expect(await run.apps[0]!.db.prisma.rateEvent.count({ where: { key: 'admin-notice', at: { gte: capStart } } })).toBe(5);

    clock.advance(61 * MINUTE);
    const later = (await emu.createChat({ type: 'group', title: 'Nhóm giờ sau', botIsMember: false })).id;
    await emu.addBotToGroup({ chatId: later, byUserId: stranger });
    await eventually(async () => notices().some((t) => t.includes('Nhóm giờ sau')), 'a notice in the next hour');
  });
});

describe('flood refusals and link-code guessing', () => {
  let emu: BotApiEmulator;
  let run: Running;
  let app: App;
  const clock = new TestClock();

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    await emu.createChat({ type: 'private', id: ADMIN_ID });
    run = await startOnClock(emu.apiRoot, clock, { REPORT_FLOOD_LIMIT: '3', LINK_ATTEMPTS_PER_PERSON: '5', LINK_ATTEMPTS_PER_CHAT: '8' });
    app = run.apps[0]!;
  });
  afterAll(async () => {
    await run?.close();
    await emu?.close();
  });

  it('refuses a flood of reports once per person per window, saying when they may report again', async () => {
    const commune = (await emu.createChat({ type: 'group', title: 'UBND xã Văn Giang' })).id;
    await emu.sendUserMessage({ chatId: commune, userId: ADMIN_ID, text: '/lienket xa 12019' });
    await emu.waitForBotMessage(commune, /Văn Giang/);
    const person = (await emu.createUser({ first_name: 'Gửi liên tục' })).id;
    const t0 = clock.now();
    const before = await app.db.prisma.inboundUpdate.count();
    for (let i = 0; i < 20; i++) await emu.sendUserMessage({ chatId: commune, userId: person, text: `/baocao kiến nghị lặp số ${i + 1}` });
    await settled(app, before + 20);
    const refusals = () => texts(emu, commune).filter((t) => t.includes('nhiều kiến nghị trong thời gian ngắn'));
    const own = () => app.db.prisma.ticket.count({ where: { reporter: { externalUserId: String(person) } } });
    console.info(`[abuse] 20 reports at once, limit 3: ${await own()} tickets, ${refusals().length} refusal(s)`);
    expect(await own()).toBe(3);
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toContain(shown(new Date(t0.getTime() + 60 * MINUTE)));

    // An hour later the person may report again; a new flood gets one new refusal.
    clock.advance(61 * MINUTE);
    const next = await app.db.prisma.inboundUpdate.count();
    for (let i = 0; i < 5; i++) await emu.sendUserMessage({ chatId: commune, userId: person, text: `/baocao kiến nghị giờ sau số ${i + 1}` });
    await settled(app, next + 5);
    expect(await own()).toBe(6);
    expect(refusals()).toHaveLength(2);
  });

  it('limits wrong link codes per person and per chat, refuses even the right code until the window passes, and counts every wrong try', async () => {
    // The admin makes a code in a private chat.
    await emu.sendUserMessage({ chatId: ADMIN_ID, userId: ADMIN_ID, text: '/taoma xa 11977' });
    await emu.waitForBotMessage(ADMIN_ID, /Mã liên kết một lần/);
    const { code } = await app.db.prisma.linkCode.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    const guesser = (await emu.createUser({ first_name: 'Người đoán mã' })).id;
    const chat = guesser; // a private chat's id is its user's id
    const t0 = clock.now();
    const answers = () => texts(emu, chat);
    const say = async (text: string) => {
      const n = answers().length;
      await emu.sendUserMessage({ chatId: chat, userId: guesser, text });
      return eventually(async () => answers()[n], `answer to ${text}`);
    };

    // A burst of 12 wrong codes at once: 5 are checked, 7 refused unseen.
    for (let i = 0; i < 12; i++) await emu.sendUserMessage({ chatId: chat, userId: guesser, text: `/lienket SAI${String(i).padStart(3, '0')}` });
    await eventually(async () => answers().length === 12, 'twelve answers');
    expect(answers().filter((t) => t.includes('không đúng'))).toHaveLength(5);
    const limited = answers().filter((t) => t.includes('quá nhiều lần'));
    expect(limited).toHaveLength(7);
    expect(limited[0]).toContain(shown(new Date(t0.getTime() + 15 * MINUTE)));
    // The right code now is refused too, and stays unused.
    expect(await say(`/lienket ${code}`)).toContain('quá nhiều lần');
    expect((await app.db.prisma.linkCode.findUniqueOrThrow({ where: { code } })).usedAt).toBeNull();

    // After the person's window, three more wrong codes fill the chat's window (8 an hour).
    clock.advance(16 * MINUTE);
    for (const guess of ['SAI900', 'SAI901', 'SAI902']) expect(await say(`lienket ${guess}`)).toContain('không đúng');
    const chatLimited = await say(`/lienket ${code}`);
    expect(chatLimited).toContain('quá nhiều lần');
    expect(chatLimited).toContain(shown(new Date(t0.getTime() + 60 * MINUTE)));
    expect((await app.db.prisma.linkCode.findUniqueOrThrow({ where: { code } })).usedAt).toBeNull();

    // Every wrong try was counted although the answer was its only effect; refused ones were not.
    const person = await app.db.prisma.person.findFirstOrThrow({ where: { externalUserId: String(guesser) } });
    expect(await app.db.prisma.rateEvent.count({ where: { key: `link-fail:person:${person.id}` } })).toBe(8);

    // Once the hour has passed, the right code links the chat.
    clock.advance(45 * MINUTE);
    expect(await say(`/lienket ${code}`)).toContain('Đã liên kết');
    const linked = await app.db.prisma.chat.findFirstOrThrow({ where: { externalId: String(chat) } });
    expect(linked).toMatchObject({ role: 'commune', communeCode: '11977' });
    console.info(`[abuse] link codes: 12 guesses at once → 5 checked, 7 refused; the right code refused until ${shown(new Date(t0.getTime() + 60 * MINUTE))}, then accepted`);
  });
});
