import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bot } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { loadSettings, type Settings } from './settings.js';
import { databaseIdentity, openDatabase, type Database } from './db/client.js';
import { applyMigrations } from './db/migrations.js';
import { BootCancelled, waitForPostgres, waitForRedis } from './boot.js';
import { seedReferenceData } from './db/seed.js';
import type { Platform } from './domain/types.js';
import { createInbox, type Inbox } from './ingress/inbox.js';
import { ALLOWED_UPDATES, TelegramPoller } from './ingress/telegram-poller.js';
import type { Logger } from './logger.js';
import { createTelegramBot } from './platforms/telegram/bot.js';
import { TelegramChannel } from './platforms/telegram/channel.js';
import { chatIdOfUpdate, failureReplyTarget } from './platforms/telegram/inbound.js';
import type { BotContext } from './platforms/telegram/context.js';
import type { Channel } from './platforms/types.js';
import { checkEvictionPolicy, createRedis } from './queues/connection.js';
import { QUEUE } from './queues/names.js';
import { ChatPacer } from './queues/pacer.js';
import { Queues } from './queues/queues.js';
import { createHttpServer } from './server/http.js';
import { createMetrics, type Metrics } from './server/metrics.js';
import { ensureSchedulers, startWorkers, type RunningWorkers } from './workers/index.js';
import { createDigestProcessor } from './workers/digest.worker.js';
import { createOutboxFailureHandler, createOutboxProcessor } from './workers/outbox.worker.js';
import { createRemindersProcessor } from './workers/reminders.worker.js';
import { createSweepProcessor } from './workers/sweep.worker.js';
import { createUpdatesFailureHandler, createUpdatesProcessor, type UpdateHandler } from './workers/updates.worker.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** Apply migrations and load reference data at boot (idempotent). */
  prepareDatabase?: boolean;
  /**
   * The business clock: deadlines, reminders, digests, "today", due states, link-code expiry and
   * flood windows read it. Operational timing (job delays, pacing, timeouts, locks) stays real.
   */
  clock?: () => Date;
  /** Known bot identity, skipping getMe at boot. */
  botInfo?: UserFromGetMe;
  /** Operating settings; loaded from SETTINGS_FILE when not given. */
  settings?: Settings;
  /** Ends a boot that is still waiting for PostgreSQL, Redis or the Bot API (SIGTERM). */
  signal?: AbortSignal;
}

export interface App {
  config: Config;
  settings: Settings;
  db: Database;
  queues: Queues;
  metrics: Metrics;
  bot: Bot<BotContext> | null;
  channels: Partial<Record<Platform, Channel>>;
  server: Server | null;
  workers: RunningWorkers | null;
  /** The business clock the app runs on (AppOptions.clock, or the real one). */
  clock: () => Date;
  /** The port the HTTP server listens on (useful with PORT=0). */
  port(): number;
  stop(): Promise<void>;
}

const BOT_COMMANDS = [
  { command: 'baocao', description: 'Gửi kiến nghị, khó khăn' },
  { command: 'phieu', description: 'Xem tình trạng phiếu' },
  { command: 'ds', description: 'Các phiếu đang mở của đơn vị' },
  { command: 'nhan', description: 'Tổ công tác nhận xử lý phiếu' },
  { command: 'chuyen', description: 'Chuyển phiếu tới sở' },
  { command: 'traloi', description: 'Sở trả lời phiếu bằng văn bản' },
  { command: 'xong', description: 'Xã đồng ý câu trả lời' },
  { command: 'molai', description: 'Xã chưa đồng ý, đề nghị trả lời lại' },
  { command: 'tonghop', description: 'Báo cáo tổng hợp' },
  { command: 'quahan', description: 'Danh sách phiếu quá hạn' },
  { command: 'xuatexcel', description: 'Xuất Excel' },
  { command: 'trogiup', description: 'Hướng dẫn sử dụng' },
];

async function retry<T>(what: string, logger: Logger, fn: () => Promise<T>, attempts = 10, signal?: AbortSignal): Promise<T> {
  for (let i = 1; ; i++) {
    if (signal?.aborted) throw new BootCancelled(`stopped during ${what}`);
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || signal?.aborted) throw err;
      const wait = Math.min(10_000, 500 * 2 ** i);
      logger.warn({ err: (err as Error).message, attempt: i, wait }, `${what} failed; retrying`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * Builds and starts the roles named by ROLE: ingress (HTTP + polling or webhook), worker (queue
 * processors and schedulers), or all. Dependencies are explicit so tests build the real thing.
 *
 * Boot order: the HTTP server first (/healthz answers, /readyz names what is missing), then wait
 * for PostgreSQL and Redis with backoff and one clear line each, then everything that needs them.
 * A missing dependency at boot is a wait, not a crash loop: the app starts by itself once it answers.
 */
export async function startApp(opts: AppOptions): Promise<App> {
  const { config, logger, signal } = opts;
  const clock = opts.clock ?? (() => new Date());
  // Invalid settings stop boot with one line naming the key (SettingsError).
  const settings = opts.settings ?? loadSettings(config.SETTINGS_FILE, process.env.APP_TIMEZONE ? config.APP_TIMEZONE : undefined);
  const runIngress = config.ROLE !== 'worker';
  const runWorkers = config.ROLE !== 'ingress';
  const metrics = createMetrics();

  // Neither connects yet: PrismaPg opens its pool on the first query, ioredis retries on its own.
  const db = openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  if (db.kind === 'embedded') logger.info({ dataDir: config.DATA_DIR }, 'DATABASE_URL not set: using embedded PostgreSQL (PGlite)');
  const producer = createRedis(config.REDIS_URL, 'producer', logger);

  let started = false;
  let shuttingDown = false;
  /** Set once the queues exist; until then a webhook delivery gets 503 and Telegram sends it again. */
  let inbox: ((platform: Platform) => Inbox) | null = null;

  const server: Server = createHttpServer({
    logger,
    metrics,
    telegram:
      runIngress && config.BOT_TOKEN && config.BOT_MODE === 'webhook' && config.WEBHOOK_SECRET
        ? { secret: config.WEBHOOK_SECRET, inbox: () => inbox?.('telegram') ?? null }
        : undefined,
    isShuttingDown: () => shuttingDown,
    ready: async () => {
      const [postgres, redis] = await Promise.all([
        db.prisma.$queryRaw`SELECT 1`.then(() => true, () => false),
        producer.status === 'ready' ? producer.ping().then(() => true, () => false) : Promise.resolve(false),
      ]);
      const checks: Record<string, boolean> = { postgres, redis };
      // Both answer but the rest is still coming up (migrations, getMe, workers).
      if (!started && postgres && redis) checks.startup = false;
      return checks;
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, () => resolve());
  });
  logger.info({ port: (server.address() as AddressInfo).port, role: config.ROLE }, 'HTTP server listening');

  let workerConnection: Redis | null = null;
  let workers: RunningWorkers | null = null;
  let queues: Queues | null = null;
  let poller: TelegramPoller | null = null;
  /** Ordered shutdown: stop taking work, finish what is running (capped), then close connections. */
  const stop = async () => {
    if (shuttingDown) return;
    shuttingDown = true;
    await poller?.stop();
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections?.();
    await workers?.close();
    await queues?.close();
    producer.disconnect();
    workerConnection?.disconnect();
    await db.close().catch(() => undefined);
  };

  try {
    const waiting = { logger, signal };
    await Promise.all([db.kind === 'postgres' ? waitForPostgres(config.DATABASE_URL!, waiting) : Promise.resolve(), waitForRedis(producer, config.REDIS_URL, waiting)]);

    if (opts.prepareDatabase !== false) {
      const applied = await db.withMigrationAdapter((a) => applyMigrations(a));
      if (applied.length) logger.info({ applied }, 'migrations applied');
      await seedReferenceData(db.prisma);
    }

    if (runWorkers) workerConnection = createRedis(config.REDIS_URL, 'worker', logger);
    await checkEvictionPolicy(producer, logger);
    queues = new Queues(producer, config.QUEUE_PREFIX, logger, await databaseIdentity(db.prisma), clock);
    const q = queues;

    let bot: Bot<BotContext> | null = null;
    const channels: Partial<Record<Platform, Channel>> = {};
    if (config.BOT_TOKEN) {
      bot = createTelegramBot({ config, settings, logger, token: config.BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, ...(opts.botInfo ? { botInfo: opts.botInfo } : {}) });
      if (!opts.botInfo) await retry('getMe', logger, () => bot!.init(), 10, signal);
      channels.telegram = TelegramChannel.create(config.BOT_TOKEN, config.TELEGRAM_API_ROOT, config.BOT_API_TIMEOUT_SECONDS);
      logger.info({ bot: bot.botInfo.username, apiRoot: config.TELEGRAM_API_ROOT, mode: config.BOT_MODE }, 'Telegram adapter on');
    } else {
      logger.warn('BOT_TOKEN is not set: the Telegram adapter is off (set BOT_TOKEN, or run `npm run demo` to try the bot offline)');
    }

    if (runWorkers && workerConnection) {
      const handlers: Partial<Record<Platform, UpdateHandler>> = {};
      if (bot) handlers.telegram = (payload) => bot!.handleUpdate(payload as Update);
      const updatesDeps = { prisma: db.prisma, logger, queues: q, handlers, chatOf: { telegram: chatIdOfUpdate }, replyTargetOf: { telegram: failureReplyTarget }, failedHoldMs: config.UPDATE_FAILED_HOLD_MS, clock };
      const pacer = new ChatPacer(producer, config.QUEUE_PREFIX, config.SEND_CHAT_INTERVAL_MS, config.SEND_CHAT_INTERVAL_MS, config.SEND_GROUP_PER_MINUTE);
      const outboxDeps = { prisma: db.prisma, config, settings, logger, queues: q, pacer, channels, clock };
      workers = startWorkers({ connection: workerConnection, config, logger, metrics }, [
        { queue: QUEUE.updates, processor: createUpdatesProcessor(updatesDeps), concurrency: 8, onFailed: createUpdatesFailureHandler(updatesDeps) },
        {
          queue: QUEUE.outbox,
          processor: createOutboxProcessor(outboxDeps),
          concurrency: 16,
          limiter: { max: Math.max(1, Math.floor(config.SEND_GLOBAL_PER_SECOND)), duration: 1000 },
          onFailed: createOutboxFailureHandler(outboxDeps),
        },
        // The sweep compares with timestamps the database wrote (operational time): it keeps the real clock.
        { queue: QUEUE.maintenance, processor: createSweepProcessor({ prisma: db.prisma, queues: q, logger, graceMs: config.SWEEP_GRACE_MS }), concurrency: 1 },
        { queue: QUEUE.reminders, processor: createRemindersProcessor({ prisma: db.prisma, config, settings, logger, queues: q, clock }), concurrency: 1 },
        { queue: QUEUE.digest, processor: createDigestProcessor({ prisma: db.prisma, settings, logger, queues: q, clock }), concurrency: 1 },
      ]);
      await retry('job schedulers', logger, () => ensureSchedulers(q, settings, config.SWEEP_EVERY_MS), 10, signal);
      // A FLUSHALL, or a Redis that lost its data, takes the schedulers with it: put them back regularly.
      workers.every(2 * config.SWEEP_EVERY_MS, 'job schedulers', () => ensureSchedulers(q, settings, config.SWEEP_EVERY_MS));
    }

    inbox = (platform: Platform) => createInbox({ prisma: db.prisma, queues: q, logger }, platform);

    if (runIngress && bot) {
      bot.api.setMyCommands(BOT_COMMANDS).catch((err: Error) => logger.warn({ err: err.message }, 'setMyCommands failed (optional method); continuing'));
      if (config.BOT_MODE === 'webhook') {
        await retry(
          'setWebhook',
          logger,
          () => bot!.api.setWebhook(config.WEBHOOK_URL!, { secret_token: config.WEBHOOK_SECRET!, allowed_updates: [...ALLOWED_UPDATES], max_connections: 40 }),
          10,
          signal,
        );
      } else {
        await bot.api.deleteWebhook().catch((err: Error) => logger.warn({ err: err.message }, 'deleteWebhook failed (optional); continuing'));
        poller = new TelegramPoller(bot.api, inbox('telegram'), logger);
        poller.start();
      }
    }
    started = true;
    logger.info({ port: (server.address() as AddressInfo).port, role: config.ROLE }, 'app started');

    return {
      config,
      settings,
      db,
      queues: q,
      metrics,
      bot,
      channels,
      server,
      workers,
      clock,
      port: () => (server.address() as AddressInfo).port,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
