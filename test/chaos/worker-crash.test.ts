import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { startBotApiEmulator, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { ADMIN_ID, deleteRedisPrefix, eventually, TEST_TOKEN } from '../support/test-app.js';
import { killApp, spawnApp, type ChildApp } from './support.js';

// The real process (`src/main.ts`), killed in the middle of its work: with SIGKILL the job is
// redone by the next process once its lock runs out (an update handled where it was received, with
// no job, by the next process's sweep); with SIGTERM it finishes or is handed back,
// and the process is gone within its 25 s cap.

const JOB_LOCK_MS = 4_000;

describe('worker processes killed mid-job', () => {
  let db: TestDatabase;
  let direct: Database;
  let emu: BotApiEmulator;
  let env: Record<string, string>;
  let commune: TgChat;
  let running: ChildApp | undefined;
  let reportSeq = 0;

  const alive = () => running !== undefined && running.proc.exitCode === null && running.proc.signalCode === null;

  async function boot(): Promise<ChildApp> {
    if (alive()) throw new Error('a child app is still running');
    const app = spawnApp(env);
    // The end of boot ('HTTP server listening' comes earlier, while boot may still wait for its services).
    await app.waitForLog('app started', 60_000);
    running = app;
    return app;
  }

  const receipts = (code: string) => emu.botMessages(commune.id).filter((m) => (m.text ?? '').includes(code));
  /** Files a report and returns its inbound row id once stored. */
  async function fileReport(): Promise<{ text: string; updateId: number }> {
    const text = `Báo cáo thử nghiệm sự cố số ${++reportSeq}`;
    const sent = await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: `/baocao ${text}` });
    await eventually(() => direct.prisma.inboundUpdate.findFirst({ where: { updateId: String(sent.update_id) } }), 'report stored', 20_000);
    return { text, updateId: sent.update_id! };
  }
  const ticketOf = (text: string) => eventually(() => direct.prisma.ticket.findFirst({ where: { text } }), `ticket for "${text}"`, 30_000);
  /** A sendMessage to the commune held by the emulator, i.e. a send job in the middle of its call. */
  const sendInFlight = () => emu.calls('sendMessage').some((c) => String(c.params['chat_id']) === String(commune.id) && c.injected === 'delay' && c.finishedAt === undefined);

  beforeAll(async () => {
    db = await createTestDatabase();
    direct = openDatabase({ databaseUrl: db.url, dataDir: '/tmp' });
    emu = await startBotApiEmulator();
    env = {
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: emu.apiRoot,
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_TEST_URL,
      QUEUE_PREFIX: `c${randomBytes(4).toString('hex')}`,
      PORT: '0',
      ADMIN_TELEGRAM_IDS: String(ADMIN_ID),
      SEND_CHAT_INTERVAL_MS: '20',
      SEND_GROUP_PER_MINUTE: '3000',
      JOB_LOCK_MS: String(JOB_LOCK_MS),
      SWEEP_EVERY_MS: '2000',
      SWEEP_GRACE_MS: '3000',
      DATA_DIR: '/tmp/thaogo-chaos',
    };
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    commune = await emu.createChat({ type: 'group', title: 'UBND xã Nghĩa Trụ' });
    await boot();
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 12031' });
    await emu.waitForBotMessage(commune.id, /Nghĩa Trụ/, 20_000);
  });
  afterEach(async () => {
    await emu.clearFaults();
  });
  afterAll(async () => {
    await killApp(running);
    await emu?.close();
    await direct?.close();
    await deleteRedisPrefix(env.QUEUE_PREFIX!);
    await db?.drop();
  });

  it('SIGKILL while a report is being filed: the next process files it, exactly once', async () => {
    // Hold the commune's chat row so the worker is caught inside its transaction.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM "Chat" WHERE "externalId" = $1 FOR UPDATE`, [String(commune.id)]);
    const { text } = await fileReport();
    await eventually(async () => {
      const { rows } = await blocker.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = $1`,
        [db.name],
      );
      return rows[0]!.n > 0;
    }, 'worker waiting inside its transaction');

    running!.proc.kill('SIGKILL');
    await running!.exited;
    const killedAt = Date.now();
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(await direct.prisma.ticket.count({ where: { text } })).toBe(0); // the transaction died with it

    const next = await boot();
    const ticket = await ticketOf(text);
    await eventually(async () => receipts(ticket.code).length > 0, 'receipt', 30_000);
    console.info(`[chaos] SIGKILL mid-transaction: redone by the next process ${Date.now() - killedAt} ms after the kill (sweep grace ${env.SWEEP_GRACE_MS} ms)`);
    // It was being handled where it was received (ROLE=all), with no job: the stored, unprocessed row
    // is what the next process's sweep enqueues.
    expect(next.logs.some((l) => String(l['msg']).includes('sweep re-enqueued stored work') && l['updates'] === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await direct.prisma.ticket.count({ where: { text } })).toBe(1);
    expect(receipts(ticket.code)).toHaveLength(1);
  });

  it('SIGKILL while a message is on its way to Telegram: redone after the stall, at most one duplicate', async () => {
    await emu.delayNext('sendMessage', 6_000, { chatId: commune.id });
    const { text } = await fileReport();
    await eventually(async () => sendInFlight(), 'send in flight', 20_000);
    running!.proc.kill('SIGKILL');
    await running!.exited;
    const killedAt = Date.now();

    await boot();
    const ticket = await ticketOf(text);
    const row = await eventually(
      () => direct.prisma.outboundMessage.findFirst({ where: { ticketId: ticket.id, purpose: 'report-receipt', status: 'sent' } }),
      'receipt row sent',
      30_000,
    );
    expect(row.status).toBe('sent');
    // The killed process's request still reaches Telegram after its delay; give it time to land.
    await eventually(async () => emu.calls('sendMessage').every((c) => c.finishedAt !== undefined), 'every call answered', 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const copies = receipts(ticket.code).length;
    console.info(`[chaos] SIGKILL mid-send: receipt delivered ${Date.now() - killedAt} ms after the kill, ${copies} cop${copies === 1 ? 'y' : 'ies'}`);
    expect(copies).toBeGreaterThanOrEqual(1);
    expect(copies).toBeLessThanOrEqual(2);
  });

  /** Files a report whose receipt takes `sendMs` to send, and sends SIGTERM while it is in flight. */
  async function sigtermDuringSend(sendMs: number) {
    await emu.delayNext('sendMessage', sendMs, { chatId: commune.id });
    const { text } = await fileReport();
    await eventually(async () => sendInFlight(), 'send in flight', 20_000);
    const app = running!;
    const signalledAt = Date.now();
    app.proc.kill('SIGTERM');
    return { text, app, exit: await app.exited, signalledAt };
  }

  it('SIGTERM mid-send: the job finishes, the process exits cleanly and quickly', async () => {
    const { text, exit, signalledAt } = await sigtermDuringSend(3_000);
    console.info(`[chaos] SIGTERM mid-send: exited with ${exit.code} after ${exit.at - signalledAt} ms (the send needed about 3 s more)`);
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(25_000);
    const ticket = await ticketOf(text);
    const row = await direct.prisma.outboundMessage.findFirstOrThrow({ where: { ticketId: ticket.id, purpose: 'report-receipt' } });
    expect(row.status).toBe('sent'); // finished before the process went
    expect(receipts(ticket.code)).toHaveLength(1);
  });

  it('SIGTERM with a job longer than the workers\' cap: exits within 25 s, the next process redoes it', async () => {
    if (!alive()) await boot();
    const { text, app, exit, signalledAt } = await sigtermDuringSend(14_000);
    console.info(`[chaos] SIGTERM with a 14 s call in flight: exited with ${exit.code} after ${exit.at - signalledAt} ms`);
    expect(exit.at - signalledAt).toBeLessThan(25_000);
    expect(app.logs.some((l) => String(l['msg']).includes('forcing close'))).toBe(true);

    await boot();
    const ticket = await ticketOf(text);
    await eventually(
      () => direct.prisma.outboundMessage.findFirst({ where: { ticketId: ticket.id, purpose: 'report-receipt', status: 'sent' } }),
      'receipt row sent',
      30_000,
    );
    await eventually(async () => emu.calls('sendMessage').every((c) => c.finishedAt !== undefined), 'every call answered', 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const copies = receipts(ticket.code).length;
    console.info(`[chaos] job handed back at shutdown: ${copies} cop${copies === 1 ? 'y' : 'ies'} of the receipt`);
    expect(copies).toBeGreaterThanOrEqual(1);
    expect(copies).toBeLessThanOrEqual(2);
  });
});
