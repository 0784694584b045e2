import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../src/core/outbox-writer.js';
import { startBotApiEmulator, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { QUEUE, SCHEDULER } from '../../src/queues/names.js';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';
import { postUpdate, RedisServer, reportOutcome, reportUpdate } from './support.js';

// Redis is where jobs live, never where data lives: stopping it, or wiping it, must lose nothing.

const SECRET = 'chaos-redis-secret-0123456789abcdef';

describe('Redis stopped and wiped under a running app', () => {
  let redis: RedisServer;
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let url: string;
  let commune: TgChat;
  let updateId = 660_000;

  const post = (body: object) => postUpdate(url, SECRET, body);
  const report = (text: string) => reportUpdate(++updateId, commune, { id: 4_001, first_name: 'Vũ Văn Em' }, text);
  /** Tickets with exactly this text, and receipts in the commune chat quoting their codes. */
  const outcome = (text: string) => reportOutcome(h.app.db.prisma, emu, commune.id, text);

  beforeAll(async () => {
    redis = await RedisServer.start();
    emu = await startBotApiEmulator();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhook/telegram`;
    h = await startTestApp({
      apiRoot: emu.apiRoot,
      // Every update through the queue (none handled where it is received): what is tested is what Redis holds.
      env: { REDIS_URL: redis.url, BOT_MODE: 'webhook', WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, PORT: String(port), SWEEP_EVERY_MS: '1000', SWEEP_GRACE_MS: '2000', UPDATE_LOCAL_RUNS: '0' },
    });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    commune = await emu.createChat({ type: 'group', title: 'UBND xã Văn Giang' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 12019' });
    await emu.waitForBotMessage(commune.id, /Văn Giang/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
    await redis?.stop();
  });

  it('keeps accepting reports while Redis is down for 15 s, and the workers catch up by themselves', async () => {
    await redis.stop();
    const downAt = Date.now();
    const texts: string[] = [];
    const answers: { status: number; ms: number }[] = [];
    // Reports keep coming during the outage.
    while (Date.now() - downAt < 15_000) {
      const text = `Báo cáo lúc Redis ngừng số ${texts.length + 1}`;
      texts.push(text);
      answers.push(await post(report(text)));
      await new Promise((r) => setTimeout(r, 2_500));
    }
    expect((await fetch(url.replace('/webhook/telegram', '/readyz'))).status).toBe(503);
    console.info(`[chaos] webhook while Redis is down: ${answers.map((a) => `${a.status} in ${a.ms} ms`).join(', ')}`);
    for (const a of answers) {
      expect([200, 500, 503]).toContain(a.status);
      expect(a.ms).toBeLessThan(5_000);
    }
    const accepted = texts.filter((_, i) => answers[i]!.status === 200);
    expect(accepted.length).toBeGreaterThan(0);
    // What was accepted is in PostgreSQL, waiting.
    expect(await h.app.db.prisma.inboundUpdate.count({ where: { processedAt: null } })).toBeGreaterThanOrEqual(accepted.length);

    await redis.start(); // back, and empty: a Redis without persistence lost every job
    const upAt = Date.now();
    for (const text of accepted) {
      await eventually(async () => {
        const o = await outcome(text);
        return o.tickets === 1 && o.receipts === 1;
      }, `one ticket and one receipt for "${text}"`, 60_000);
    }
    console.info(`[chaos] ${accepted.length} reports accepted during the outage all answered ${Date.now() - upAt} ms after Redis came back (no restart)`);

    // The workers resumed on their own: a new report goes straight through.
    const sentAt = Date.now();
    const fresh = 'Báo cáo sau khi Redis trở lại';
    expect((await post(report(fresh))).status).toBe(200);
    await eventually(async () => (await outcome(fresh)).receipts === 1, 'receipt for the report after recovery', 30_000);
    console.info(`[chaos] first report after recovery answered in ${Date.now() - sentAt} ms`);

    await new Promise((r) => setTimeout(r, 1_500));
    for (const text of [...accepted, fresh]) expect(await outcome(text)).toEqual({ tickets: 1, receipts: 1 });
  });

  it('recreates its schedulers after a FLUSHALL and the sweep re-enqueues what was stored', async () => {
    const byQueue = (name: string) => h.app.workers!.workers.find((w) => w.name === name)!;
    const paused = [byQueue(QUEUE.updates), byQueue(QUEUE.outbox)];
    // Work piles up in Redis (the workers are busy elsewhere, say)...
    for (const w of paused) await w.pause();
    const texts = ['Báo cáo trước khi Redis bị xoá số 1', 'Báo cáo trước khi Redis bị xoá số 2'];
    for (const text of texts) expect((await post(report(text))).status).toBe(200);
    const notice = 'Thông báo đang chờ gửi khi Redis bị xoá';
    const ids = await h.app.db.prisma.$transaction(async (tx) => {
      const out = new OutboxWriter(tx, h.app.channels, new Date());
      await out.send({ platform: 'telegram', externalId: String(commune.id) }, { html: notice }, { purpose: 'test' });
      return out.created;
    });
    await h.app.queues.enqueueOutbox(ids);
    expect(await h.app.queues.updates.getWaitingCount()).toBe(2);
    expect(await h.app.queues.maintenance.getJobScheduler(SCHEDULER.sweep)).toBeTruthy();

    // ...and then Redis is wiped: jobs, schedulers, everything.
    await redis.flushAll();
    const wipedAt = Date.now();
    expect(await h.app.queues.maintenance.getJobScheduler(SCHEDULER.sweep)).toBeFalsy();
    expect(await h.app.queues.updates.getWaitingCount()).toBe(0);
    for (const w of paused) w.resume();

    await eventually(() => h.app.queues.maintenance.getJobScheduler(SCHEDULER.sweep), 'sweep scheduler recreated', 30_000);
    console.info(`[chaos] after FLUSHALL the sweep scheduler was back in ${Date.now() - wipedAt} ms`);
    for (const text of texts) {
      await eventually(async () => {
        const o = await outcome(text);
        return o.tickets === 1 && o.receipts === 1;
      }, `one ticket and one receipt for "${text}"`, 30_000);
    }
    await eventually(async () => emu.botMessages(commune.id).some((m) => m.text === notice), 'pending message delivered', 30_000);
    console.info(`[chaos] stored reports and pending messages recovered ${Date.now() - wipedAt} ms after FLUSHALL`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(emu.botMessages(commune.id).filter((m) => m.text === notice)).toHaveLength(1);
    for (const text of texts) expect(await outcome(text)).toEqual({ tickets: 1, receipts: 1 });
  });
});
