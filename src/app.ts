import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { UserFromGetMe } from 'grammy/types';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { loadSettings, type Settings } from './settings.js';
import { databaseIdentity, openDatabase, type Database } from './db/client.js';
import { BootCancelled, retry, waitForPostgres, waitForRedis } from './boot.js';
import type { Platform } from './domain/types.js';
import { FileLinks } from './core/files.js';
import type { AdminDirectory, CoreDeps } from './core/inbound.js';
import { createInbox, ingressSink, type Inbox } from './ingress/inbox.js';
import type { Logger } from './logger.js';
import { PlatformRegistry, type PlatformPlugin } from './platforms/plugin.js';
import { createTelegramPlugin } from './platforms/telegram/plugin.js';
import { createZaloPlugin } from './platforms/zalo/plugin.js';
import { checkEvictionPolicy, createRedis } from './queues/connection.js';
import { QUEUE } from './queues/names.js';
import { ChatPacer } from './queues/pacer.js';
import { Queues } from './queues/queues.js';
import { SendLine } from './queues/send-line.js';
import { SentMarks } from './workers/sent-marks.js';
import { createHttpServer } from './server/http.js';
import { createMetrics, type Metrics } from './server/metrics.js';
import { registerWebDesk } from './web/index.js';
import { ensureSchedulers, startWorkers, type RunningWorkers } from './workers/index.js';
import { createDigestProcessor } from './workers/digest.worker.js';
import { createOutboxFailureHandler, createOutboxProcessor } from './workers/outbox.worker.js';
import { createRemindersProcessor } from './workers/reminders.worker.js';
import { createSweepProcessor } from './workers/sweep.worker.js';
import { noteActivity } from './memory.js';
import { createUpdatesFailureHandler, createUpdatesProcessor, LocalUpdates } from './workers/updates.worker.js';

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
  /** Known Telegram bot identity, skipping getMe at boot. */
  botInfo?: UserFromGetMe;
  /** Operating settings; loaded from SETTINGS_FILE when not given. */
  settings?: Settings;
  /** Ends a boot that is still waiting for PostgreSQL, Redis or a platform (SIGTERM). */
  signal?: AbortSignal;
}

export interface App {
  config: Config;
  settings: Settings;
  db: Database;
  queues: Queues;
  metrics: Metrics;
  /** The configured platforms; also the core's view of their channels. */
  channels: PlatformRegistry;
  server: FastifyInstance;
  workers: RunningWorkers | null;
  /** The business clock the app runs on (AppOptions.clock, or the real one). */
  clock: () => Date;
  /** The port the HTTP server listens on (useful with PORT=0). */
  port(): number;
  stop(): Promise<void>;
}

/** The admins of every platform from the configuration: an id never matches across platforms. */
export function adminDirectory(config: Pick<Config, 'admins'>): AdminDirectory {
  const keys = new Set(config.admins.map((a) => `${a.platform}:${a.id}`));
  return {
    isAdmin: (platform, userId) => keys.has(`${platform}:${userId}`),
    chats: () => config.admins.map((a) => ({ platform: a.platform, externalId: a.id })),
  };
}

/** The plug-ins the configuration turns on: the one place that names the platforms. */
function buildPlatforms(config: Config, logger: Logger, botInfo: UserFromGetMe | undefined, signal: AbortSignal | undefined): PlatformPlugin[] {
  const plugins: PlatformPlugin[] = [];
  if (config.BOT_TOKEN) {
    plugins.push(createTelegramPlugin({ config: { ...config, BOT_TOKEN: config.BOT_TOKEN }, logger, ...(botInfo ? { botInfo } : {}), ...(signal ? { signal } : {}) }));
  } else {
    logger.warn('BOT_TOKEN is not set: the Telegram adapter is off (set BOT_TOKEN, or run `npm run demo` to try the bot offline)');
  }
  if (config.ZALO_BOT_TOKEN) {
    plugins.push(createZaloPlugin({ config: { ...config, ZALO_BOT_TOKEN: config.ZALO_BOT_TOKEN }, logger, ...(signal ? { signal } : {}) }));
  }
  return plugins;
}

/**
 * Builds and starts the roles named by ROLE: ingress (HTTP + polling or webhooks), worker (queue
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
  const admins = adminDirectory(config);
  if (config.admins.length === 0) logger.warn('no admin configured (ADMIN_IDS or ADMIN_TELEGRAM_IDS): nobody can link chats or create link codes');

  // Neither connects yet: PrismaPg opens its pool on the first query, ioredis retries on its own.
  const db = openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, waitForPrepare: opts.prepareDatabase !== false });
  if (db.kind === 'embedded') logger.info({ dataDir: config.DATA_DIR }, 'DATABASE_URL not set: using embedded PostgreSQL (PGlite)');
  const producer = createRedis(config.REDIS_URL, 'producer', logger);
  const platforms = new PlatformRegistry(buildPlatforms(config, logger, opts.botInfo, signal));

  let started = false;
  let shuttingDown = false;
  /** Set once the queues exist; until then a webhook delivery gets 503 and the platform sends it again. */
  let inboxes: Map<Platform, Inbox> | null = null;
  let files: FileLinks | null = null;

  const server = await createHttpServer({
    logger,
    metrics,
    platforms: runIngress ? platforms.plugins : [],
    inbox: (platform) => inboxes?.get(platform) ?? null,
    files: () => (files ? { links: files, prisma: db.prisma } : null),
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
    // The web desk (src/web): its pages answer 503 until boot has finished.
    extend: runIngress ? (s) => registerWebDesk(s, { config, settings, logger, clock, core: { config, settings, logger, admins }, channels: platforms, runtime: () => (started && queues ? { prisma: db.prisma, queues } : null) }) : undefined,
  });
  await server.listen({ port: config.PORT, host: '::' }).catch(async (err: NodeJS.ErrnoException) => {
    // A machine without IPv6 listens on IPv4 alone.
    if (err.code !== 'EAFNOSUPPORT' && err.code !== 'EADDRNOTAVAIL') throw err;
    await server.listen({ port: config.PORT, host: '0.0.0.0' });
  });
  const port = () => (server.server.address() as AddressInfo).port;
  logger.info({ port: port(), role: config.ROLE }, 'HTTP server listening');

  let workerConnection: Redis | null = null;
  let workers: RunningWorkers | null = null;
  let queues: Queues | null = null;
  let sentMarks: SentMarks | null = null;
  let local: LocalUpdates | null = null;
  const pollers = runIngress ? platforms.plugins.flatMap((p) => (p.poller ? [p.poller] : [])) : [];
  /** Ordered shutdown: stop taking work, finish what is running (capped), then close connections. */
  const stop = async () => {
    if (shuttingDown) return;
    shuttingDown = true;
    await Promise.all(pollers.map((p) => p.stop()));
    await server.close().catch(() => undefined);
    // Updates being handled here finish first (their rows are stored: the sweep has any cut short).
    await local?.drain();
    await workers?.close();
    await sentMarks?.close();
    await Promise.all(platforms.plugins.map((p) => p.stop().catch(() => undefined)));
    await queues?.close();
    producer.disconnect();
    workerConnection?.disconnect();
    await db.close().catch(() => undefined);
  };

  try {
    const waiting = { logger, signal };
    await Promise.all([db.kind === 'postgres' ? waitForPostgres(config.DATABASE_URL!, waiting) : Promise.resolve(), waitForRedis(producer, config.REDIS_URL, waiting)]);

    if (opts.prepareDatabase !== false) {
      // In a short-lived process of its own (src/db/migrations.ts says why and when not).
      const { prepareDatabase } = await import('./db/migrations.js');
      const { applied } = await prepareDatabase(db, { databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      if (applied.length) logger.info({ applied }, 'migrations applied');
    }

    if (runWorkers) workerConnection = createRedis(config.REDIS_URL, 'worker', logger);
    await checkEvictionPolicy(producer, logger);
    const identity = await databaseIdentity(db.prisma);
    queues = new Queues(producer, config.QUEUE_PREFIX, logger, identity, clock);
    const q = queues;
    const line = new SendLine(producer, config.QUEUE_PREFIX, identity);
    q.useSendLine(line, async (ids) =>
      (await db.prisma.outboundMessage.findMany({ where: { id: { in: [...ids] } }, select: { id: true, platform: true, chatExternalId: true, method: true } })).map((r) => ({
        id: r.id,
        platform: r.platform,
        chatExternalId: r.chatExternalId,
        op: r.method,
      })),
    );
    files = FileLinks.fromSecrets(config.PUBLIC_URL, [config.BOT_TOKEN, config.ZALO_BOT_TOKEN, config.WEBHOOK_SECRET, config.ZALO_WEBHOOK_SECRET], identity);

    for (const plugin of platforms.plugins) {
      await plugin.init();
      logger.info(plugin.describe(), `${plugin.platform} adapter on`);
    }

    if (runWorkers && workerConnection) {
      const core: CoreDeps = { config, settings, logger, admins };
      const updatesDeps = { prisma: db.prisma, logger, queues: q, platforms, core, failedHoldMs: config.UPDATE_FAILED_HOLD_MS, clock };
      const pacer = new ChatPacer(producer, config.QUEUE_PREFIX, config.SEND_CHAT_INTERVAL_MS, config.SEND_CHAT_INTERVAL_MS, config.SEND_GROUP_PER_MINUTE);
      sentMarks = new SentMarks(db.prisma, logger);
      const outboxDeps = { prisma: db.prisma, config, settings, logger, queues: q, pacer, platforms, admins, files, line, sent: sentMarks, clock };
      workers = startWorkers({ connection: workerConnection, config, logger, metrics }, [
        { queue: QUEUE.updates, processor: createUpdatesProcessor(updatesDeps, { release: (ids) => local?.release(ids) ?? [] }), concurrency: 8, onFailed: createUpdatesFailureHandler(updatesDeps) },
        // The platforms' per-second limits are held by the pacer's reservations (every sliding second),
        // not by a limiter on job starts, which would count jobs that only wait for their turn.
        { queue: QUEUE.outbox, processor: createOutboxProcessor(outboxDeps), concurrency: 32, onFailed: createOutboxFailureHandler(outboxDeps) },
        // The sweep compares with timestamps the database wrote (operational time): it keeps the real clock.
        { queue: QUEUE.maintenance, processor: createSweepProcessor({ prisma: db.prisma, queues: q, logger, graceMs: config.SWEEP_GRACE_MS }), concurrency: 1 },
        { queue: QUEUE.reminders, processor: createRemindersProcessor({ prisma: db.prisma, config, settings, logger, queues: q, channels: platforms, clock }), concurrency: 1 },
        { queue: QUEUE.digest, processor: createDigestProcessor({ prisma: db.prisma, channels: platforms, settings, logger, queues: q, clock }), concurrency: 1 },
      ]);
      // With ingress here too, updates are handled as they are stored while a run is free.
      if (runIngress && config.UPDATE_LOCAL_RUNS > 0) {
        local = new LocalUpdates(
          updatesDeps,
          config.UPDATE_LOCAL_RUNS,
          () => {
            noteActivity();
            metrics.updatesLocal.inc();
          },
          // Worker processes on the updates queue besides this one's own worker.
          { peers: async () => Math.max(0, (await q.updates.getWorkersCount()) - 1) },
        );
      }
      await retry('job schedulers', logger, () => ensureSchedulers(q, settings, config.SWEEP_EVERY_MS), 10, signal);
      // A FLUSHALL, or a Redis that lost its data, takes the schedulers with it: put them back regularly.
      workers.every(2 * config.SWEEP_EVERY_MS, 'job schedulers', () => ensureSchedulers(q, settings, config.SWEEP_EVERY_MS));
    }

    inboxes = new Map(platforms.plugins.map((p) => [p.platform, createInbox({ prisma: db.prisma, queues: q, logger, local }, p.platform)]));

    if (runIngress) {
      for (const plugin of platforms.plugins) {
        await plugin.start();
        plugin.poller?.start(ingressSink(inboxes.get(plugin.platform)!));
      }
    }
    started = true;
    logger.info({ port: port(), role: config.ROLE, platforms: platforms.plugins.map((p) => p.platform) }, 'app started');

    return { config, settings, db, queues: q, metrics, channels: platforms, server, workers, clock, port, stop };
  } catch (err) {
    await stop();
    if (err instanceof BootCancelled) throw err;
    throw err;
  }
}
