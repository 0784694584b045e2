import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

const SECRET = 'webhook-secret-for-tests-0123456789';

describe('webhook ingress (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let url: string;

  beforeAll(async () => {
    emu = await startBotApiEmulator({ webhookRetryDelayMs: 100 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhook/telegram`;
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { BOT_MODE: 'webhook', WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, PORT: String(port) } });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  const post = (body: string, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': SECRET }) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('registers itself with setWebhook and the secret', () => {
    expect(emu.webhook()).toMatchObject({ url, secretToken: SECRET });
  });

  it('refuses a missing or wrong secret with 401 and stores nothing', async () => {
    const body = JSON.stringify({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'x' } });
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
    expect((await post(body, { 'x-telegram-bot-api-secret-token': `${SECRET}x` })).status).toBe(401);
    expect(await h.app.db.prisma.inboundUpdate.count({ where: { updateId: '1' } })).toBe(0);
  });

  it('answers 400 to malformed bodies and keeps running', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post('[]')).status).toBe(400);
    expect((await post(JSON.stringify({ message: {} }))).status).toBe(400);
    expect((await post(JSON.stringify({ update_id: -5 }))).status).toBe(400);
    expect((await fetch(url.replace('/webhook/telegram', '/healthz'))).status).toBe(200);
  });

  it('turns the same update delivered three times at once into one ticket', async () => {
    const commune = await emu.createChat({ type: 'group', title: 'UBND phường Phố Hiến' });
    const admin = await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    const official = await emu.createUser({ first_name: 'Trần Thị Bình' });
    await emu.sendUserMessage({ chatId: commune.id, userId: admin.id, text: '/lienket xa 11953' });
    await emu.waitForBotMessage(commune.id, /Phố Hiến/);

    const update = {
      update_id: 990_001,
      message: {
        message_id: 4242,
        date: Math.floor(Date.now() / 1000),
        chat: { id: commune.id, type: 'group', title: commune.title },
        from: { id: official.id, is_bot: false, first_name: official.first_name },
        text: '/baocao Trạm y tế phường thiếu bác sĩ',
        entities: [{ type: 'bot_command', offset: 0, length: 7 }],
      },
    };
    const started = Date.now();
    const answers = await Promise.all([1, 2, 3].map(() => post(JSON.stringify(update))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(Date.now() - started).toBeLessThan(5_000);
    const reply = await emu.waitForBotMessage(commune.id, /HY-\d{4}/);
    expect(reply.text).toContain('HY-0001');
    // A later resend (Telegram retries after a lost 200) is also harmless.
    expect((await post(JSON.stringify(update))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.app.db.prisma.ticket.count()).toBe(1);
    expect(await h.app.db.prisma.inboundUpdate.count({ where: { updateId: '990001' } })).toBe(1);
    expect(emu.botMessages(commune.id).filter((m) => /HY-0001/.test(m.text ?? '')).length).toBe(1);
  });

  it('files a report sent as a photo caption, keeping the file', async () => {
    const commune = await emu.createChat({ type: 'group', title: 'UBND xã Lạc Đạo' });
    const official = await emu.createUser({ first_name: 'Lê Văn Cường' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 11992' });
    await emu.waitForBotMessage(commune.id, /Lạc Đạo/);
    await emu.sendUserMessage({ chatId: commune.id, userId: official.id, photo: true, caption: '/baocao Máy chủ một cửa hỏng' });
    const reply = await emu.waitForBotMessage(commune.id, /mã phiếu/);
    const code = /HY-\d{4}/.exec(reply.text ?? '')![0];
    const ticket = await eventually(() => h.app.db.prisma.ticket.findUnique({ where: { code }, include: { attachments: true } }), 'ticket');
    expect(ticket.text).toBe('Máy chủ một cửa hỏng');
    expect(ticket.attachments).toHaveLength(1);
    expect(ticket.attachments[0]!.type).toBe('photo');
  });
});
