import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, waitReady } from '../../src/queues/connection.js';
import { Queues } from '../../src/queues/queues.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { killApp, RedisServer, spawnApp, TcpProxy, type ChildApp } from '../chaos/support.js';
import { PG_ADMIN_URL, REDIS_TEST_URL } from '../support/pg.js';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, deleteRedisPrefix, eventually, TEST_TOKEN } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

// `npm start` (src/main.ts as its own process) with Redis or PostgreSQL not answering at boot: the
// HTTP server comes up first and says what is missing, the log says it once and clearly, and the
// bot starts by itself when the missing service answers — nothing sent meanwhile is lost.

interface Readiness {
  status: string;
  missing: string[];
  checks: Record<string, boolean>;
}

/** How long the log is watched while the service is missing ("a few seconds"). */
const WATCH_MS = 6_000;
/** At most this many lines in the watch window: a handful, not one per reconnect attempt. */
const MAX_LINES = 6;

async function get(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.json() };
}

describe('npm start while Redis or PostgreSQL is not answering (real process)', { timeout: 120_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function world(): Promise<{ emu: BotApiEmulator; db: TestDatabase; httpPort: number; prefix: string }> {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const emu = await startBotApiEmulator();
    cleanups.push(() => emu.close());
    const prefix = `b${randomBytes(4).toString('hex')}`;
    cleanups.push(() => deleteRedisPrefix(prefix));
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    return { emu, db, httpPort: await freePort(), prefix };
  }

  function start(env: Record<string, string>): ChildApp {
    const app = spawnApp({ SEND_CHAT_INTERVAL_MS: '20', SEND_GROUP_PER_MINUTE: '3000', ADMIN_TELEGRAM_IDS: String(ADMIN_ID), ...env });
    cleanups.push(() => killApp(app));
    return app;
  }

  /** /healthz answers while boot waits; /readyz is 503 and names the missing service. */
  async function waitingFor(app: ChildApp, port: number, missing: string): Promise<Readiness> {
    await eventually(async () => (await get(port, '/healthz')).status === 200, 'the HTTP server to answer /healthz', 30_000);
    // The other service may still be connecting for a moment: wait until only the missing one is named.
    const ready = await eventually(async () => {
      const r = await get(port, '/readyz');
      return (r.body as Readiness).missing?.length === 1 && r;
    }, `/readyz to name only ${missing}`, 10_000);
    expect(ready.status).toBe(503);
    const body = ready.body as Readiness;
    expect(body.status).toBe('not ready');
    expect(body.missing).toEqual([missing]);
    expect(body.checks[missing]).toBe(false);
    expect(app.proc.exitCode).toBeNull();
    return body;
  }

  /** Lines written while the service stays missing for WATCH_MS. */
  async function linesWhileMissing(app: ChildApp): Promise<Array<Record<string, unknown>>> {
    const from = app.logs.length;
    await new Promise((r) => setTimeout(r, WATCH_MS));
    return app.logs.slice(from);
  }

  /** A commune links its group and reports while the bot is down; both are answered once it starts. */
  async function reportWhileDown(emu: BotApiEmulator): Promise<{ chatId: number; text: string }> {
    const commune = await emu.createChat({ type: 'group', title: 'UBND phường Phố Hiến' });
    const text = `Báo cáo gửi khi bot đang khởi động ${randomBytes(2).toString('hex')}`;
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 11953' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: `/baocao ${text}` });
    return { chatId: commune.id, text };
  }

  it('with Redis down: HTTP up, /readyz names redis, one clear line, a handful of lines, then starts and files the report', async () => {
    const { emu, db, httpPort, prefix } = await world();
    // A redis-server of the test's own, stopped: its port refuses connections until it starts again.
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    await redis.stop();

    const app = start({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: emu.apiRoot, DATABASE_URL: db.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, PORT: String(httpPort) });
    const readiness = await waitingFor(app, httpPort, 'redis');
    expect(readiness.checks.postgres).toBe(true);
    const clear = await app.waitForLog(/^Redis at /, 10_000);
    expect(clear.msg).toContain(`Redis at ${redis.url} is not answering`);
    expect(clear.msg).toMatch(/ECONNREFUSED/);
    expect(clear.msg).toContain('redis-server');
    expect(clear.msg).toContain('docker compose up -d redis');
    expect(clear.msg).toContain('REDIS_URL');
    const report = await reportWhileDown(emu);

    const during = await linesWhileMissing(app);
    console.info(`[boot] Redis down: ${app.logs.length} log lines in all, ${during.length} in ${WATCH_MS} ms of waiting: ${during.map((l) => l.msg).join(' | ') || '(none)'}`);
    expect(during.length).toBeLessThanOrEqual(MAX_LINES);
    expect(app.logs.filter((l) => /ECONNREFUSED/.test(JSON.stringify(l))).length).toBeLessThanOrEqual(2);

    const backAt = Date.now();
    await redis.start();
    await eventually(async () => (await get(httpPort, '/readyz')).status === 200, '/readyz 200 after Redis started', 30_000);
    await app.waitForLog('app started', 10_000);
    const receipt = await emu.waitForBotMessage(report.chatId, /HY-\d{4}/, 30_000);
    console.info(`[boot] Redis started: ready and the waiting report answered ${Date.now() - backAt} ms later (${receipt.text?.split('\n')[0]})`);
    expect((await get(httpPort, '/readyz')).body).toMatchObject({ status: 'ready', missing: [] });
    expect(app.logs.filter((l) => l.msg === 'Redis answers; starting')).toHaveLength(1);
  });

  it('with PostgreSQL refusing connections: HTTP up, /readyz names postgres, one clear line, then starts and files the report', async () => {
    const { emu, db, httpPort, prefix } = await world();
    const admin = new URL(PG_ADMIN_URL);
    const proxy = await TcpProxy.start({ host: admin.hostname, port: Number(admin.port || 5432) });
    cleanups.push(() => proxy.close());
    await proxy.refuse();
    const databaseUrl = proxy.rewrite(db.url);

    const app = start({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: emu.apiRoot, DATABASE_URL: databaseUrl, REDIS_URL: REDIS_TEST_URL, QUEUE_PREFIX: prefix, PORT: String(httpPort) });
    const readiness = await waitingFor(app, httpPort, 'postgres');
    expect(readiness.checks.redis).toBe(true);
    const clear = await app.waitForLog(/^PostgreSQL at /, 10_000);
    const shown = new URL(databaseUrl);
    if (shown.password) shown.password = '***'; // a TEST_PG_ADMIN_URL password never reaches the log
    expect(clear.msg).toContain(`PostgreSQL at ${shown.toString()} is not answering`);
    expect(clear.msg).toMatch(/ECONNREFUSED/);
    expect(clear.msg).toContain('DATABASE_URL');
    const report = await reportWhileDown(emu);

    const during = await linesWhileMissing(app);
    console.info(`[boot] PostgreSQL down: ${app.logs.length} log lines in all, ${during.length} in ${WATCH_MS} ms of waiting: ${during.map((l) => l.msg).join(' | ') || '(none)'}`);
    expect(during.length).toBeLessThanOrEqual(MAX_LINES);

    const backAt = Date.now();
    await proxy.restore();
    await eventually(async () => (await get(httpPort, '/readyz')).status === 200, '/readyz 200 after PostgreSQL answered', 30_000);
    await app.waitForLog('app started', 10_000);
    const receipt = await emu.waitForBotMessage(report.chatId, /HY-\d{4}/, 30_000);
    console.info(`[boot] PostgreSQL back: ready and the waiting report answered ${Date.now() - backAt} ms later (${receipt.text?.split('\n')[0]})`);
  });
});

describe('a Redis outage under running connections', { timeout: 60_000 }, () => {
  it('is a few log lines for the connection and all five queues on it, not one per reconnect attempt', async () => {
    const redis = await RedisServer.start();
    const lines: Array<{ msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
    const connection = createRedis(redis.url, 'producer', logger);
    const queues = new Queues(connection, `o${randomBytes(4).toString('hex')}`, logger);
    try {
      await waitReady(connection, 10_000);
      await queues.updates.getJobCounts();
      await redis.stop();
      await new Promise((r) => setTimeout(r, WATCH_MS));
      console.info(`[boot] Redis stopped under a connection and 5 queues: ${lines.length} lines in ${WATCH_MS} ms: ${lines.map((l) => l.msg).join(' | ')}`);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(3);
      await redis.start();
      await eventually(async () => connection.status === 'ready', 'the connection to come back', 20_000);
      await eventually(async () => lines.some((l) => /connection back/.test(l.msg)), 'a line saying the connection is back', 5_000);
    } finally {
      await queues.close();
      connection.disconnect();
      await redis.stop();
    }
  });
});
