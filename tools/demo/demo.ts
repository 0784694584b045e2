/**
 * `npm run demo`: the whole bot offline. A Bot API emulator on 127.0.0.1 serves a web chat page
 * (the four linked groups, personas, inline buttons, live updates) and a Zalo Bot API emulator
 * holds one official's Zalo private chat, shown on the same page; the real app (database, queues,
 * workers, reminders) talks to both exactly as it would talk to Telegram and Zalo.
 *
 * Start order matters: the emulators' chats must exist before the app starts, because the app's
 * first sends (reminders from an earlier run) to a chat the Bot API does not know would mark that
 * chat inactive.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Api } from 'grammy';
import { Redis } from 'ioredis';
import { startApp, type App } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { startBotApiEmulator, type BotApiEmulator, type EmulatorMessage } from '../telegram-emulator/index.js';
import { startZaloEmulator, type ZaloEmulator } from '../zalo-emulator/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createPageHandler, type DemoSceneInfo } from './page.js';
import { withWebSignIn } from './web-signin.js';
import {
  CHATS,
  DEMO_BOT,
  DEMO_BOT_TOKEN,
  DEMO_QUEUE_PREFIX,
  DEMO_SETTINGS,
  DEMO_ZALO_BOT,
  DEMO_ZALO_TOKEN,
  DEPARTMENT_CODE,
  LINK_COMMANDS,
  PERSONAS,
  SAMPLE_REPORT,
  ZALO_CHAT,
  ZALO_CODE_COMMAND,
  ZALO_OFFICIAL,
  ZALO_SAMPLE_REPORT,
  demoChats,
  demoPersonas,
} from './scene.js';

export interface DemoOptions {
  /**
   * Where DEMO_PORT, PORT, DATABASE_URL, REDIS_URL, DEMO_DATA_DIR, DEMO_REAL_CALENDAR and
   * DEMO_LOG_LEVEL are read (default process.env). DATA_DIR, QUEUE_PREFIX, LOG_LEVEL, PUBLIC_URL,
   * ADMIN_IDS and the Zalo settings are not: a `.env` written for the real bot must not point the
   * demo at its data, its queues or a real Zalo bot.
   */
  env?: NodeJS.ProcessEnv;
  /** Port of the emulator and the page (default DEMO_PORT, else 8080; 0 = any free port). */
  port?: number;
  /** The app's HTTP port (default PORT, else 3000; a busy port or 0 falls back to a free one). */
  appPort?: number;
  /** Default DEMO_DATA_DIR, else ./data/demo. */
  dataDir?: string;
  /** Default `thaogo-demo`. */
  queuePrefix?: string;
  /** Keep the shipped working calendar and waits instead of the minutes-long demo ones. */
  realCalendar?: boolean;
  /** File a sample report when the database has no ticket yet (default true). */
  sampleReport?: boolean;
  logger?: Logger;
  /** How long to wait for the bot to confirm the links at start (default 60 s). */
  seedTimeoutMs?: number;
}

export interface RunningDemo {
  /** The chat page. */
  url: string;
  /** The Bot API emulator's base URL (control API under /__emulator). */
  apiRoot: string;
  /** The app's HTTP port (/healthz, /readyz, /metrics). */
  appPort: number;
  emulator: BotApiEmulator;
  /** The Zalo Bot API emulator (its control API is also on the page's origin under /__zalo). */
  zalo: ZaloEmulator;
  app: App;
  config: Config;
  /** Whether every group and the Zalo official confirmed their links in time. */
  seeded: boolean;
  /** Whether the Zalo official's private chat confirmed its link in time. */
  zaloLinked: boolean;
  calendar: 'demo' | 'real';
  /** Stops the app, then the emulator. Safe to call twice. */
  stop(): Promise<void>;
}

/** A problem the person starting the demo can fix; the message says how, in Vietnamese and English. */
export class DemoSetupError extends Error {
  override name = 'DemoSetupError';
}

const DEFAULT_PORT = 8080;
const DEFAULT_APP_PORT = 3000;

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}

function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new DemoSetupError(`${name} phải là số cổng 0–65535 / ${name} must be a port number 0–65535 (got "${value}")`);
  return n;
}

/** A port nothing listens on now, on every interface like the app. */
function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0 }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether nothing listens on `port` yet (the app listens on every interface: no host probes the same). */
function portIsFree(port: number, host?: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, ...(host ? { host } : {}) }, () => probe.close(() => resolve(true)));
  });
}

function portBusy(port: number): DemoSetupError {
  return new DemoSetupError(
    `Cổng ${port} đang bận hoặc không được phép; chọn cổng khác, ví dụ: DEMO_PORT=8081 npm run demo\n` +
      `Port ${port} is busy or not allowed; choose another, e.g. DEMO_PORT=8081 npm run demo`,
  );
}

/** Redis is the one thing the demo cannot bring along: say plainly how to get it. */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // The connection error says why (ECONNREFUSED, ENOTFOUND…); connect() only says it closed.
  let cause: Error | undefined;
  redis.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const shown = url.replace(/\/\/[^@/]*@/, '//***@');
    throw new DemoSetupError(
      [
        `Không kết nối được Redis tại ${shown} (${(cause ?? (err as Error)).message}).`,
        'Bản demo cần Redis cho hàng đợi. Hãy khởi động Redis rồi chạy lại `npm run demo`, ví dụ:',
        '  redis-server --daemonize yes                      (đã cài Redis)',
        '  sudo apt-get install -y redis-server              (Debian/Ubuntu, tự chạy sau khi cài)',
        '  docker run -d --name thaogo-redis -p 6379:6379 redis:7',
        'hoặc đặt REDIS_URL=redis://máy:cổng trỏ tới một Redis có sẵn.',
        '',
        `Redis is not reachable at ${shown}. The demo needs Redis for its queues: start it (commands above)`,
        'and run `npm run demo` again, or set REDIS_URL to a running Redis.',
      ].join('\n'),
    );
  } finally {
    redis.disconnect();
  }
}

interface PreviousRun {
  /** The highest message id the bot sent to each demo chat. */
  lastMessageIds: Map<number, number>;
  /** The last Telegram update id the app stored. */
  lastUpdateId: number;
}

/**
 * What earlier runs left in the database. The emulator numbers messages from 1 and updates from
 * its `firstUpdateId` on every start, but the database remembers cards and prompts by message id
 * and every update id it ever stored: the new run's ids must start above the old ones, or a reply
 * to a new message would be taken as a reply to an old card, and new updates as resends.
 */
async function previousRun(config: Config, logger: Logger): Promise<PreviousRun> {
  const lastMessageIds = new Map<number, number>();
  let lastUpdateId = 0;
  const db = openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const rows = await db.prisma.outboundMessage.findMany({
      where: { platform: 'telegram', chatExternalId: { in: demoChats().map((c) => String(c.id)) }, sentMessageId: { not: null } },
      select: { chatExternalId: true, sentMessageId: true },
    });
    for (const row of rows) {
      const id = Number(row.sentMessageId);
      const chat = Number(row.chatExternalId);
      if (Number.isSafeInteger(id) && id > (lastMessageIds.get(chat) ?? 0)) lastMessageIds.set(chat, id);
    }
    const last = await db.prisma.inboundUpdate.findFirst({ where: { platform: 'telegram' }, orderBy: { id: 'desc' }, select: { updateId: true } });
    if (last && Number.isSafeInteger(Number(last.updateId))) lastUpdateId = Number(last.updateId);
  } catch (err) {
    // A fresh database has no tables yet: nothing happened before.
    logger.debug({ err: (err as Error).message }, 'demo: no earlier run found in the database');
  } finally {
    await db.close();
  }
  return { lastMessageIds, lastUpdateId };
}

/** Moves a chat's next message id past `lastId` with messages the bot sends and deletes at once. */
async function skipMessageIds(api: Api, chatId: number, lastId: number): Promise<void> {
  let next = 1;
  while (next <= lastId) {
    const batch = Math.min(25, lastId - next + 1);
    const sent = await Promise.all(Array.from({ length: batch }, () => api.sendMessage(chatId, '·')));
    await Promise.all(sent.map((m) => api.deleteMessage(chatId, m.message_id)));
    next = Math.max(...sent.map((m) => m.message_id)) + 1;
  }
}

function settingsFile(dataDir: string): string {
  const file = path.join(dataDir, 'demo-settings.json');
  writeFileSync(file, `${JSON.stringify(DEMO_SETTINGS, null, 2)}\n`);
  return file;
}

async function createWorld(emu: BotApiEmulator): Promise<void> {
  for (const p of demoPersonas()) await emu.createUser({ id: p.id, first_name: p.first_name, username: p.username, language_code: 'vi' });
  for (const chat of demoChats()) {
    await emu.createChat(chat.type === 'private' ? { id: chat.id, type: 'private' } : { id: chat.id, type: chat.type, title: chat.title });
    if (chat.type === 'private') continue;
    await emu.setMemberStatus(chat.id, PERSONAS.admin.id, 'creator');
    await emu.setMemberStatus(chat.id, chat.defaultPersonaId, 'administrator');
  }
}

const isLinkReply = (m: EmulatorMessage) => /Đã (liên kết|đặt nhóm)/.test(m.text ?? '');

/** Links the groups (again), names the support lead and the department head, waits for the bot. */
async function seed(emu: BotApiEmulator, timeoutMs: number, logger: Logger): Promise<boolean> {
  const admin = PERSONAS.admin.id;
  for (const { chatId, text } of LINK_COMMANDS) await emu.sendUserMessage({ chatId, userId: admin, text });
  const linked = await Promise.all(
    LINK_COMMANDS.map(({ chatId }) =>
      emu.waitForBotMessage(chatId, isLinkReply, timeoutMs).then(
        () => true,
        (err: Error) => {
          logger.warn({ chatId, err: err.message.split('\n')[0] }, 'demo: the bot did not confirm a link in time');
          return false;
        },
      ),
    ),
  );
  const hello = await emu.sendUserMessage({ chatId: CHATS.support.id, userId: PERSONAS.supporter.id, text: 'Chào cả nhóm, tôi là Bình, trưởng nhóm tổ công tác tỉnh.' });
  await emu.sendUserMessage({ chatId: CHATS.support.id, userId: admin, text: '/truongnhom', replyToMessageId: hello.message.message_id });
  await emu.sendUserMessage({ chatId: CHATS.department.id, userId: admin, text: `/truongso ${DEPARTMENT_CODE} @${PERSONAS.deptContact.username}` });
  return linked.every(Boolean);
}

const CODE_IN_REPLY = /lienket ([A-Z0-9]{6,10})\b/;

/**
 * Links the Zalo official the way a real one is linked: the admin makes a one-time code in their
 * Telegram private chat, the official sends `lienket <code>` to the bot on Zalo.
 */
async function linkZaloOfficial(tg: BotApiEmulator, zalo: ZaloEmulator, timeoutMs: number, logger: Logger): Promise<boolean> {
  try {
    await tg.sendUserMessage({ chatId: CHATS.adminPrivate.id, userId: PERSONAS.admin.id, text: ZALO_CODE_COMMAND });
    const made = await tg.waitForBotMessage(CHATS.adminPrivate.id, (m) => CODE_IN_REPLY.test(m.text ?? ''), timeoutMs);
    const code = CODE_IN_REPLY.exec(made.text ?? '')![1]!;
    await zalo.sendText({ userId: ZALO_OFFICIAL.id, text: `lienket ${code}` });
    await zalo.waitForBotMessage(ZALO_OFFICIAL.id, /Đã liên kết tài khoản/, timeoutMs);
    return true;
  } catch (err) {
    logger.warn({ err: (err as Error).message.split('\n')[0] }, 'demo: the Zalo official was not linked in time');
    return false;
  }
}

/** Starts the emulators with the page, the app against them, and seeds the scene. */
export async function startDemo(opts: DemoOptions = {}): Promise<RunningDemo> {
  const env = opts.env ?? process.env;
  const port = opts.port ?? portFrom(env.DEMO_PORT, DEFAULT_PORT, 'DEMO_PORT');
  const wantedAppPort = opts.appPort ?? portFrom(env.PORT, DEFAULT_APP_PORT, 'PORT');
  // Zalo takes photos by URL: PUBLIC_URL must name the app's real port before it starts.
  const appPort = wantedAppPort !== 0 && (await portIsFree(wantedAppPort)) ? wantedAppPort : await anyFreePort();
  const dataDir = path.resolve(opts.dataDir ?? env.DEMO_DATA_DIR ?? './data/demo');
  const realCalendar = opts.realCalendar ?? truthy(env.DEMO_REAL_CALENDAR);
  const seedTimeoutMs = opts.seedTimeoutMs ?? 60_000;
  const redisUrl = env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  if (!(await portIsFree(port, '127.0.0.1'))) throw portBusy(port);
  await checkRedis(redisUrl);
  mkdirSync(dataDir, { recursive: true });

  const appEnv: NodeJS.ProcessEnv = {
    ...env,
    BOT_TOKEN: DEMO_BOT_TOKEN,
    TELEGRAM_API_ROOT: 'http://127.0.0.1:1', // replaced below, once the emulator has its port
    BOT_MODE: 'polling',
    ROLE: 'all',
    WEBHOOK_URL: '',
    WEBHOOK_SECRET: '',
    ZALO_BOT_TOKEN: DEMO_ZALO_TOKEN,
    ZALO_API_ROOT: 'http://127.0.0.1:1', // replaced below, once the Zalo emulator has its port
    ZALO_MODE: 'polling',
    ZALO_WEBHOOK_SECRET: '',
    ZALO_WEBHOOK_URL: '',
    // Photos reach Zalo as signed links to the app's own /files (the Zalo emulator fetches them).
    PUBLIC_URL: `http://127.0.0.1:${appPort}`,
    ADMIN_TELEGRAM_IDS: String(PERSONAS.admin.id),
    ADMIN_IDS: '',
    PORT: String(appPort),
    DATA_DIR: dataDir,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: opts.queuePrefix ?? DEMO_QUEUE_PREFIX,
    LOG_LEVEL: env.DEMO_LOG_LEVEL ?? 'warn',
    // A demo is clicked by one person at a time: Telegram's per-group pacing would only make it feel slow.
    SEND_CHAT_INTERVAL_MS: env.SEND_CHAT_INTERVAL_MS ?? '100',
    SEND_GROUP_PER_MINUTE: env.SEND_GROUP_PER_MINUTE ?? '600',
    ZALO_SEND_CHAT_INTERVAL_MS: env.ZALO_SEND_CHAT_INTERVAL_MS ?? '100',
    ZALO_SEND_GROUP_PER_MINUTE: env.ZALO_SEND_GROUP_PER_MINUTE ?? '600',
    SETTINGS_FILE: realCalendar ? env.SETTINGS_FILE : settingsFile(dataDir),
  };
  const preliminary = parseConfig(appEnv);
  const logger = opts.logger ?? createLogger(preliminary.LOG_LEVEL);
  const before = await previousRun(preliminary, logger);
  const sceneInfo: DemoSceneInfo = {
    bot: { id: Number(DEMO_BOT_TOKEN.split(':')[0]), ...DEMO_BOT },
    calendar: realCalendar ? 'real' : 'demo',
    ticketPrefix: preliminary.TICKET_PREFIX,
    timezone: preliminary.APP_TIMEZONE,
    personas: demoPersonas(),
    chats: demoChats(),
    zalo: { bot: { display_name: DEMO_ZALO_BOT.displayName }, chat: { ...ZALO_CHAT }, official: { ...ZALO_OFFICIAL } },
  };
  const onInternalError = (err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'demo: emulator internal error');
  // Its port is private: the page reaches it through its own origin (/__zalo), the app directly.
  const zalo = await startZaloEmulator({
    host: '127.0.0.1',
    token: DEMO_ZALO_TOKEN,
    bot: { ...DEMO_ZALO_BOT },
    // Like the platform, fetch the photos the bot sends by URL: the page shows the copy.
    fetchPhotos: true,
    onInternalError,
  });
  await zalo.createUser({ id: ZALO_OFFICIAL.id, displayName: ZALO_OFFICIAL.displayName });
  const emulator = await startBotApiEmulator({
    port,
    token: DEMO_BOT_TOKEN,
    botUser: { ...DEMO_BOT },
    // The app's inbox keeps every update id for good: a new run must not reuse an old run's ids.
    firstUpdateId: Math.max(before.lastUpdateId + 1, Math.floor((Date.now() - Date.UTC(2025, 0, 1)) / 1000)),
    extraHandler: withWebSignIn(createPageHandler(() => sceneInfo, zalo), () => app),
    onInternalError,
  }).catch(async (err: NodeJS.ErrnoException) => {
    await zalo.close();
    throw err.code === 'EADDRINUSE' || err.code === 'EACCES' ? portBusy(port) : err;
  });

  let app: App | undefined;
  const stop = async () => {
    const running = app;
    app = undefined;
    try {
      await running?.stop();
    } finally {
      await Promise.all([emulator.close(), zalo.close()]);
    }
  };

  try {
    await createWorld(emulator);
    const api = new Api(DEMO_BOT_TOKEN, { apiRoot: emulator.apiRoot });
    for (const [chatId, lastId] of before.lastMessageIds) await skipMessageIds(api, chatId, lastId);
    emulator.markAllSeen();

    const config = parseConfig({ ...appEnv, TELEGRAM_API_ROOT: emulator.apiRoot, ZALO_API_ROOT: zalo.apiRoot });
    app = await startApp({ config, logger });
    const started = app;
    const groupsLinked = await seed(emulator, seedTimeoutMs, logger);
    const zaloLinked = await linkZaloOfficial(emulator, zalo, seedTimeoutMs, logger);
    if (groupsLinked) {
      // The chat history is gone after a restart; the tickets are not: list the open ones.
      const tickets = await started.db.prisma.ticket.count();
      if (tickets > 0) await emulator.sendUserMessage({ chatId: CHATS.support.id, userId: PERSONAS.supporter.id, text: '/ds' });
      // The first ticket crosses both platforms: filed on Zalo, handled on Telegram, confirmed on Zalo.
      else if (opts.sampleReport !== false && zaloLinked) await zalo.sendText({ userId: ZALO_OFFICIAL.id, text: ZALO_SAMPLE_REPORT });
      else if (opts.sampleReport !== false) await emulator.sendUserMessage({ chatId: CHATS.commune.id, userId: PERSONAS.official.id, text: SAMPLE_REPORT });
    }
    return {
      url: `${emulator.apiRoot}/`,
      apiRoot: emulator.apiRoot,
      appPort: started.port(),
      emulator,
      zalo,
      app: started,
      config,
      seeded: groupsLinked && zaloLinked,
      zaloLinked,
      calendar: sceneInfo.calendar,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** What `npm run demo` prints once the demo runs. */
export function describeDemo(demo: Pick<RunningDemo, 'url' | 'appPort' | 'calendar' | 'seeded' | 'config'> & Partial<Pick<RunningDemo, 'zaloLinked'>>): string {
  const lines = [
    '',
    '  Tháo gỡ — bản demo ngoại tuyến (offline demo): Telegram và Zalo',
    '',
    `  ➜ Mở trang chat / open the chat page:  ${demo.url}`,
    `    Ứng dụng / app: http://127.0.0.1:${demo.appPort}/healthz · dữ liệu / data: ${demo.config.DATABASE_URL ? 'DATABASE_URL' : demo.config.DATA_DIR}`,
    '',
    '  Phiếu đi qua hai nền tảng / a ticket across both platforms:',
    `    1. Zalo, "${ZALO_CHAT.title}" (nhắn riêng với bot): baocao <nội dung> → bot trả mã phiếu (phiếu mẫu đã gửi sẵn)`,
    `    2. "${CHATS.support.title}" (${PERSONAS.supporter.name}, Telegram): bấm "Nhận xử lý" → "Chuyển sở" → ${DEPARTMENT_CODE}`,
    `    3. "${CHATS.department.title}" (${PERSONAS.deptContact.name}, Telegram): trả lời (↩) tin phiếu bằng văn bản`,
    `    4. Zalo, "${ZALO_CHAT.title}": Zalo không có nút — gõ 1 để đồng ý, 2 nếu chưa đồng ý`,
    '',
    '  Chỉ trên Telegram / Telegram only:',
    `    "${CHATS.commune.title}" (${PERSONAS.official.name}): /baocao <nội dung>, rồi các bước 2–3, rồi bấm "Đồng ý"`,
    `    "${CHATS.leaders.title}" (${PERSONAS.leader.name}): /tonghop, /quahan, /xuatexcel`,
    demo.calendar === 'demo'
      ? '    Nhắc hạn chạy theo phút (mọi lúc đều là giờ làm việc): chưa nhận 2 phút, sở chưa trả lời 3 phút, hạn 10 phút.'
      : '    Lịch làm việc thật (DEMO_REAL_CALENDAR=1): nhắc hạn theo giờ hành chính.',
    '',
    '  Dừng / stop: Ctrl+C',
    '',
  ];
  if (demo.zaloLinked === false) lines.splice(1, 0, '  ⚠ Cán bộ trên Zalo chưa được liên kết; xem log. / The Zalo official was not linked; see the log.');
  if (!demo.seeded) lines.splice(1, 0, '  ⚠ Bot chưa xác nhận liên kết các nhóm; xem log. / The bot did not confirm the chat links; see the log.');
  return lines.join('\n');
}
