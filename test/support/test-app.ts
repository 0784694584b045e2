import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { UserFromGetMe } from 'grammy/types';
import { Redis } from 'ioredis';
import { startApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { loadSettings } from '../../src/settings.js';
import { createLogger } from '../../src/logger.js';
import { testNow } from './clock.js';
import { REDIS_TEST_URL } from './pg.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export const TEST_TOKEN = '123456:TEST-token-for-the-emulator-000';
export const ADMIN_ID = 9001;

export interface TestAppHandle {
  app: App;
  db: TestDatabase;
  env: Record<string, string>;
  /** Stops the app (as a crash or deploy would) and starts a new one on the same database and queues. */
  restart(): Promise<App>;
  close(): Promise<void>;
}

/** Deletes every Redis key of one queue prefix (tests never FLUSHALL a shared Redis). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_TEST_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/**
 * The real app (database, queues, workers, HTTP) on its own database and Redis prefix, talking
 * to a Bot API server at `apiRoot`, on the tests' business clock (never the real date).
 */
export async function startTestApp(opts: {
  apiRoot: string;
  env?: Record<string, string>;
  botInfo?: UserFromGetMe;
  db?: TestDatabase;
  /** The app's business clock; the tests' shifted clock (test/support/clock.ts) unless given. */
  clock?: () => Date;
}): Promise<TestAppHandle> {
  const db = opts.db ?? (await createTestDatabase());
  const env: Record<string, string> = {
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: opts.apiRoot,
    DATABASE_URL: db.url,
    REDIS_URL: REDIS_TEST_URL,
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    PORT: '0',
    ADMIN_TELEGRAM_IDS: String(ADMIN_ID),
    SEND_CHAT_INTERVAL_MS: '20',
    SEND_GROUP_PER_MINUTE: '3000',
    ZALO_SEND_CHAT_INTERVAL_MS: '20',
    ZALO_SEND_GROUP_PER_MINUTE: '3000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...opts.env,
  };
  const config = parseConfig(env);
  // Like the relaxed send limits above: tests file many reports a minute and look for each card, so
  // the burst summary starts later than in production, unless a test's own settings file says.
  const settings = loadSettings(config.SETTINGS_FILE, process.env.APP_TIMEZONE ? config.APP_TIMEZONE : undefined);
  if (!config.SETTINGS_FILE || !readFileSync(config.SETTINGS_FILE, 'utf8').includes('supportCards')) settings.supportCards.perMinute = 1000;
  const boot = () =>
    startApp({ config, settings, logger: createLogger(env.LOG_LEVEL), prepareDatabase: false, clock: opts.clock ?? testNow, ...(opts.botInfo ? { botInfo: opts.botInfo } : {}) });
  let app = await boot();
  return {
    get app() {
      return app;
    },
    db,
    env,
    async restart() {
      await app.stop();
      app = await boot();
      return app;
    },
    async close() {
      await app.stop();
      await deleteRedisPrefix(env.QUEUE_PREFIX!);
      if (!opts.db) await db.drop();
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails with what it last saw. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false && v !== null) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
