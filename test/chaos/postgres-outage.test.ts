import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { startBotApiEmulator, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { freePort } from '../support/ports.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';
import { postUpdate, reportOutcome, reportUpdate, TcpProxy } from './support.js';

// PostgreSQL is where reports live. When it cannot be reached the webhook must say so quickly
// (Telegram then sends the update again), and the jobs must pick up where they were afterwards.

const SECRET = 'chaos-postgres-secret-0123456789abcd';

describe('PostgreSQL unreachable under a running app', () => {
  let db: TestDatabase;
  let direct: Database; // the test's own view of the database, around the proxy
  let proxy: TcpProxy;
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let url: string;
  let commune: TgChat;
  let updateId = 550_000;

  const post = (body: object) => postUpdate(url, SECRET, body);
  const report = (text: string) => reportUpdate(++updateId, commune, { id: 3_001, first_name: 'Đỗ Thị Giang' }, text);
  /** Tickets with exactly this text, and receipts in the commune chat quoting their codes. */
  const outcome = (text: string) => reportOutcome(direct.prisma, emu, commune.id, text);
  const settled = (text: string) => eventually(async () => {
    const o = await outcome(text);
    return o.tickets === 1 && o.receipts === 1;
  }, `one ticket and one receipt for "${text}"`, 45_000);

  beforeAll(async () => {
    db = await createTestDatabase();
    direct = openDatabase({ databaseUrl: db.url, dataDir: '/tmp' });
    proxy = await TcpProxy.start({ host: new URL(db.url).hostname, port: Number(new URL(db.url).port || 5432) });
    // Telegram's resend, sped up: a webhook answered 5xx is tried again a second later.
    emu = await startBotApiEmulator({ webhookRetryDelayMs: 1_000 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhook/telegram`;
    h = await startTestApp({
      apiRoot: emu.apiRoot,
      db,
      env: { DATABASE_URL: proxy.rewrite(db.url), BOT_MODE: 'webhook', WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, PORT: String(port), SWEEP_EVERY_MS: '1000', SWEEP_GRACE_MS: '2000' },
    });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    commune = await emu.createChat({ type: 'group', title: 'UBND xã Phụng Công' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 12025' });
    await emu.waitForBotMessage(commune.id, /Phụng Công/);
  });
  afterAll(async () => {
    await proxy?.restore();
    await h?.close();
    await emu?.close();
    await proxy?.close();
    await direct?.close();
    await db?.drop();
  });

  it('answers 5xx at once while connections are refused; a job cut off mid-transaction and the resent update both recover', async () => {
    // A report is being handled (held on a lock) when PostgreSQL goes away under it.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM "Chat" WHERE "externalId" = $1 FOR UPDATE`, [String(commune.id)]);
    const during = 'Báo cáo đang xử lý khi mất cơ sở dữ liệu';
    const sent = await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: `/baocao ${during}` });
    await eventually(() => direct.prisma.inboundUpdate.findFirst({ where: { updateId: String(sent.update_id) } }), 'report stored');
    await new Promise((r) => setTimeout(r, 300));

    await proxy.refuse();
    await blocker.query('ROLLBACK');
    await blocker.end();
    const downAt = Date.now();

    // Reports keep coming: Telegram's delivery gets 5xx and will try again; so does a direct POST.
    const resent = 'Báo cáo gửi lại sau khi mất cơ sở dữ liệu';
    const viaTelegram = await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: `/baocao ${resent}` });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(report(`Báo cáo bị từ chối số ${i + 1}`)));
    console.info(`[chaos] webhook while PostgreSQL refuses connections: ${answers.map((a) => `${a.status} in ${a.ms} ms`).join(', ')}`);
    for (const a of answers) {
      expect(a.status).toBeGreaterThanOrEqual(500);
      expect(a.ms).toBeLessThan(5_000);
    }
    await eventually(async () => emu.webhookDeliveries().filter((d) => d.update_id === viaTelegram.update_id && (d.status ?? 0) >= 500).length >= 2, 'Telegram resending');
    while (Date.now() - downAt < 8_000) await new Promise((r) => setTimeout(r, 200));

    await proxy.restore();
    const upAt = Date.now();
    await settled(during);
    await settled(resent);
    console.info(`[chaos] after PostgreSQL came back: the cut-off job and the resent update done in ${Date.now() - upAt} ms`);
    const deliveries = emu.webhookDeliveries().filter((d) => d.update_id === viaTelegram.update_id);
    console.info(`[chaos] Telegram's deliveries of one update: ${deliveries.map((d) => `${d.status ?? d.error} in ${d.durationMs} ms`).join(', ')}`);
    expect(deliveries.at(-1)?.status).toBe(200);
    for (const d of deliveries) expect(d.durationMs).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await outcome(during)).toEqual({ tickets: 1, receipts: 1 });
    expect(await outcome(resent)).toEqual({ tickets: 1, receipts: 1 });
  });

  it('answers 5xx within 5 s when PostgreSQL hangs (no answer at all), and takes the resend afterwards', async () => {
    await proxy.blackhole();
    const text = 'Báo cáo khi mạng tới cơ sở dữ liệu bị treo';
    const update = report(text);
    const answers = [await post(update), await post(update)];
    console.info(`[chaos] webhook while PostgreSQL hangs: ${answers.map((a) => `${a.status} in ${a.ms} ms`).join(', ')}`);
    for (const a of answers) {
      expect(a.status).toBeGreaterThanOrEqual(500);
      expect(a.ms).toBeLessThan(5_500);
    }
    expect((await fetch(url.replace('/webhook/telegram', '/healthz'))).status).toBe(200);

    await proxy.restore();
    // Telegram sends it again; a store that finished late makes that a duplicate, never a second ticket.
    const again = await eventually(async () => {
      const a = await post(update);
      return a.status === 200 ? a : undefined;
    }, 'resend accepted', 30_000);
    expect(again.status).toBe(200);
    await settled(text);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await outcome(text)).toEqual({ tickets: 1, receipts: 1 });
  });
});
