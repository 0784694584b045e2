import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { startBotApiEmulator, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { testNow } from '../support/clock.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, deleteRedisPrefix, eventually, TEST_TOKEN } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

// Duplicate deliveries of one update cost one statement each (issue 10, item 7). The app runs with
// a logger the test reads, to count what duplicates write to the log.

const SECRET = 'duplicates-secret-for-tests-0123456789';
const PARALLEL = 1_000;

describe('duplicate webhook deliveries (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let db: TestDatabase;
  let app: App;
  let url: string;
  let prefix: string;
  let commune: TgChat;
  const logs: { level: number; msg: string }[] = [];
  let enqueued = 0;
  /** Hand-offs of a stored update: jobs enqueued, and runs in the receiving process (its metric). */
  const handOffs = async () => enqueued + ((await app.metrics.updatesLocal.get()).values[0]?.value ?? 0);

  const post = async (body: string) => {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body });
    const json = (await res.json()) as { result?: string };
    return { status: res.status, result: json.result, ms: performance.now() - started };
  };
  const report = (updateId: number, text: string) => ({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_700_000_000,
      chat: { id: commune.id, type: 'group', title: commune.title },
      from: { id: 5_101, is_bot: false, first_name: 'Vũ Thị Hạnh' },
      text: `/baocao ${text}`,
      entities: [{ type: 'bot_command', offset: 0, length: 7 }],
    },
  });
  const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    db = await createTestDatabase();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhook/telegram`;
    prefix = `t${randomBytes(4).toString('hex')}`;
    const config = parseConfig({
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: emu.apiRoot,
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_TEST_URL,
      QUEUE_PREFIX: prefix,
      PORT: String(port),
      ADMIN_TELEGRAM_IDS: String(ADMIN_ID),
      BOT_MODE: 'webhook',
      WEBHOOK_URL: url,
      WEBHOOK_SECRET: SECRET,
      SEND_CHAT_INTERVAL_MS: '20',
      SEND_GROUP_PER_MINUTE: '3000',
      // The sweep must not be what rescues a stored update in these tests.
      SWEEP_EVERY_MS: '600000',
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    app = await startApp({ config, logger: pino({ level: 'debug' }, sink), prepareDatabase: false, clock: testNow });
    // Counts enqueue attempts of the real queue (the call still goes to Redis).
    const enqueue = app.queues.enqueueUpdate.bind(app.queues);
    app.queues.enqueueUpdate = async (id: bigint) => {
      enqueued++;
      await enqueue(id);
    };
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    commune = await emu.createChat({ type: 'group', title: 'UBND xã Như Quỳnh' });
    const support = await emu.createChat({ type: 'group', title: 'Tổ công tác' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 12004' });
    await emu.sendUserMessage({ chatId: support.id, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.waitForBotMessage(commune.id, /Như Quỳnh/);
    await emu.waitForBotMessage(support.id, /tổ công tác/);
  });
  afterAll(async () => {
    await app?.stop();
    await deleteRedisPrefix(prefix);
    await db?.drop();
    await emu?.close();
  });

  it(`${PARALLEL} parallel deliveries of one update: one ticket, every answer 200, handed on once, no error logs`, async () => {
    const update = JSON.stringify(report(991_001, 'Cầu dân sinh thôn Đông bị sập một nhịp'));
    const logsBefore = logs.length;
    const handedBefore = await handOffs();
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => post(update)));

    const statuses = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    const results = answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.result ?? '-']: (acc[a.result ?? '-'] ?? 0) + 1 }), {});
    const ms = answers.map((a) => a.ms);
    const written = logs.slice(logsBefore);
    const errorLines = written.filter((l) => l.level >= 50).length;
    const warnLines = written.filter((l) => l.level === 40).length;
    const duplicateDebug = written.filter((l) => l.level === 20 && l.msg === 'duplicate update ignored').length;
    console.info(
      `[ingress] ${PARALLEL} parallel deliveries: statuses ${JSON.stringify(statuses)}, results ${JSON.stringify(results)}, ` +
        `p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms, ` +
        `error logs ${errorLines}, warn logs ${warnLines}, debug duplicate lines ${duplicateDebug}`,
    );
    expect(statuses).toEqual({ 200: PARALLEL });
    expect(results).toEqual({ accepted: 1, duplicate: PARALLEL - 1 });
    expect(errorLines).toBe(0);
    expect(warnLines).toBe(0);
    expect(duplicateDebug).toBe(PARALLEL - 1);

    const receipt = await emu.waitForBotMessage(commune.id, /HY-0001/, 15_000);
    expect(receipt.text).toContain('HY-0001');
    // Handed on once (here: run where it was received, with no job).
    expect((await handOffs()) - handedBefore).toBe(1);
    // Resends after it was handled: still one ticket, nothing handed on again.
    const late = await Promise.all(Array.from({ length: 50 }, () => post(update)));
    expect(late.every((a) => a.status === 200 && a.result === 'duplicate')).toBe(true);
    expect((await handOffs()) - handedBefore).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await app.db.prisma.ticket.count()).toBe(1);
    expect(await app.db.prisma.inboundUpdate.count({ where: { updateId: '991001' } })).toBe(1);
    expect(emu.botMessages(commune.id).filter((m) => /HY-0001/.test(m.text ?? ''))).toHaveLength(1);
  }, 60_000);

  it('a resend of an update stored long ago whose job was lost is handed on again (without waiting for the sweep)', async () => {
    const update = report(991_002, 'Trạm bơm tiêu úng hỏng máy');
    // Stored a minute ago, then the job was lost with Redis: only the database knows.
    await app.db.prisma.inboundUpdate.create({
      data: { platform: 'telegram', updateId: '991002', payload: update, chatKey: String(commune.id), receivedAt: new Date((await app.db.prisma.$queryRaw<{ now: Date }[]>`SELECT now() - interval '1 minute' AS now`)[0]!.now) },
    });
    const handedBefore = await handOffs();
    const res = await post(JSON.stringify(update));
    expect(res.status).toBe(200);
    expect(res.result).toBe('duplicate');
    await emu.waitForBotMessage(commune.id, /HY-0002/, 15_000);
    await eventually(async () => (await app.db.prisma.inboundUpdate.findFirst({ where: { updateId: '991002' } }))?.processedAt, 'processed');
    expect((await handOffs()) - handedBefore).toBe(1);
  });
});
