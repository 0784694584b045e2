import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// What the webhook does with slow handlers and with everything Telegram may send besides reports.

const SECRET = 'ingress-secret-for-tests-0123456789';

describe('webhook ingress under failure (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let url: string;
  let commune: TgChat;
  let nextUpdateId = 770_000;

  const post = async (body: string) => {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body });
    const json = (await res.json()) as { result?: string };
    return { status: res.status, result: json.result, ms: Math.round(performance.now() - started) };
  };
  const message = (chat: TgChat, fields: Record<string, unknown>) => ({
    message_id: nextUpdateId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chat.id, type: chat.type, title: chat.title },
    from: { id: 5_001, is_bot: false, first_name: 'Phạm Thị Dung' },
    ...fields,
  });
  const report = (chat: TgChat, text: string) => ({ update_id: ++nextUpdateId, message: message(chat, { text: `/baocao ${text}`, entities: [{ type: 'bot_command', offset: 0, length: 7 }] }) });
  const stored = (updateId: number) => h.app.db.prisma.inboundUpdate.findUnique({ where: { platform_updateId: { platform: 'telegram', updateId: String(updateId) } } });

  beforeAll(async () => {
    emu = await startBotApiEmulator({ webhookRetryDelayMs: 100 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/webhook/telegram`;
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { BOT_MODE: 'webhook', WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, PORT: String(port) } });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    commune = await emu.createChat({ type: 'group', title: 'UBND xã Như Quỳnh' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 12004' });
    await emu.waitForBotMessage(commune.id, /Như Quỳnh/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('answers in well under a second while the handler is stuck, and a resend creates nothing new', async () => {
    // Another transaction holds the commune's chat row: handling the report must wait for it.
    const blocker = new pg.Client({ connectionString: h.db.url });
    await blocker.connect();
    let released = false;
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM "Chat" WHERE "externalId" = $1 FOR UPDATE`, [String(commune.id)]);
      const update = report(commune, 'Hệ thống chiếu sáng công cộng hỏng');
      const first = await post(JSON.stringify(update));
      expect(first.status).toBe(200);
      expect(first.result).toBe('accepted');
      expect(first.ms).toBeLessThan(1_000);

      // The worker has it and is waiting on the lock: stored, not processed, no ticket yet.
      await eventually(async () => (await stored(update.update_id)) !== null, 'update stored');
      await new Promise((r) => setTimeout(r, 700));
      expect((await stored(update.update_id))?.processedAt).toBeNull();
      expect(await h.app.db.prisma.ticket.count()).toBe(0);

      // Telegram resends (it did not hear back in time, say): answered at once, nothing doubled.
      const resend = await post(JSON.stringify(update));
      expect(resend.status).toBe(200);
      expect(resend.ms).toBeLessThan(1_000);
      console.info(`[ingress] webhook with a stuck handler: ${first.ms} ms, resend ${resend.ms} ms`);

      await blocker.query('ROLLBACK');
      released = true;
      const receipt = await emu.waitForBotMessage(commune.id, /HY-\d{4}/, 10_000);
      expect(receipt.text).toContain('HY-0001');
      expect((await post(JSON.stringify(update))).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(await h.app.db.prisma.ticket.count()).toBe(1);
      expect(emu.botMessages(commune.id).filter((m) => /HY-0001/.test(m.text ?? ''))).toHaveLength(1);
    } finally {
      if (!released) await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
  });

  it('stores and quietly ignores update kinds, edits and service messages it does not act on', async () => {
    const ticketsBefore = await h.app.db.prisma.ticket.count();
    const botMessagesBefore = emu.botMessages(commune.id).length;
    const chat = { id: commune.id, type: commune.type, title: commune.title };
    const kinds: Record<string, unknown>[] = [
      { poll: { id: 'p1', question: 'Họp lúc mấy giờ?', options: [{ text: '8h', voter_count: 0 }], total_voter_count: 0, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false } },
      { edited_message: { ...message(commune, { text: 'sửa lại lời chào' }), edit_date: Math.floor(Date.now() / 1000) } },
      { message: message(commune, { new_chat_members: [{ id: 5_002, is_bot: false, first_name: 'Cán bộ mới' }] }) },
      { message: message(commune, { left_chat_member: { id: 5_003, is_bot: false, first_name: 'Cán bộ cũ' } }) },
      { message: message(commune, { pinned_message: { message_id: 1, date: 0, chat } }) },
      { message: { ...message(commune, { text: '/baocao tin từ một bot khác' }), from: { id: 6_000, is_bot: true, first_name: 'Bot khác' } } },
      { channel_post: { message_id: 9, date: 0, chat: { id: -100_555, type: 'channel', title: 'Kênh' }, text: '/baocao từ kênh' } },
      { message_reaction: { chat, message_id: 1, date: 0, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }] } },
      { chat_join_request: { chat, from: { id: 5_004, is_bot: false, first_name: 'Người lạ' }, user_chat_id: 5_004, date: 0 } },
      { some_future_kind: { anything: [1, 2, 3] } },
    ];
    const ids: number[] = [];
    for (const fields of kinds) {
      const update = { update_id: ++nextUpdateId, ...fields };
      ids.push(update.update_id);
      const res = await post(JSON.stringify(update));
      expect(res.status, Object.keys(fields)[0]).toBe(200);
    }
    // Through Telegram's own delivery: allowed_updates keeps poll answers from being sent at all.
    // Edits are delivered (a /baocao typed into one is answered); an ordinary edit stays silent.
    expect(emu.webhook()?.allowedUpdates).toEqual(['message', 'edited_message', 'callback_query', 'my_chat_member']);
    const sent = await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: 'một tin nhắn thường' });
    const edited = await emu.editUserMessage({ chatId: commune.id, messageId: sent.message.message_id, text: 'một tin nhắn thường đã sửa' });
    const raw = await emu.pushRawUpdate({ poll_answer: { poll_id: 'p1', user: { id: 5_001, is_bot: false, first_name: 'Dung' }, option_ids: [0] } });
    ids.push(sent.update_id!, edited.update_id!);

    await eventually(async () => {
      const rows = await h.app.db.prisma.inboundUpdate.findMany({ where: { updateId: { in: ids.map(String) } } });
      return rows.length === ids.length && rows.every((r) => r.processedAt !== null && r.error === null);
    }, 'every update processed without error');
    expect(await h.app.db.prisma.ticket.count()).toBe(ticketsBefore);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored(raw.update_id)).toBeNull();
    expect(emu.botMessages(commune.id)).toHaveLength(botMessagesBefore);
    expect(emu.webhookDeliveries().every((d) => d.status === 200)).toBe(true);
    expect((await fetch(url.replace('/webhook/telegram', '/readyz'))).status).toBe(200);
  });

  it('refuses malformed bodies with 4xx, stores nothing and keeps serving', async () => {
    const countBefore = await h.app.db.prisma.inboundUpdate.count();
    const bodies: [string, number][] = [
      ['{not json', 400],
      ['{"update_id": 1, "message": {', 400],
      ['', 400],
      ['null', 400],
      ['[]', 400],
      ['"update"', 400],
      [JSON.stringify({ update_id: '12' }), 400],
      [JSON.stringify({ update_id: 1.5 }), 400],
      [JSON.stringify({ message: { text: '/baocao' } }), 400],
      [JSON.stringify({ update_id: 1, padding: 'x'.repeat(2 * 1024 * 1024) }), 413],
    ];
    for (const [body, status] of bodies) expect((await post(body)).status, body.slice(0, 40)).toBe(status);
    expect(await h.app.db.prisma.inboundUpdate.count()).toBe(countBefore);
    expect((await fetch(url.replace('/webhook/telegram', '/healthz'))).status).toBe(200);
    // And a good report right after still becomes a ticket.
    const res = await post(JSON.stringify(report(commune, 'Xin cấp lại bản đồ địa chính')));
    expect(res.status).toBe(200);
    await emu.waitForBotMessage(commune.id, /HY-0002/, 10_000);
  });

  it('stores a report whose text jsonb cannot hold (U+0000, a lone surrogate) cleaned, and answers 400 to a 5,000-level body', async () => {
    const before = await h.app.db.prisma.inboundUpdate.count();
    // Written by hand: JSON.stringify would not produce a lone surrogate escape or 5,000 levels.
    const dirty = JSON.stringify(report(commune, 'Nhà văn hóa PLACEHOLDER xuống cấp')).replace('PLACEHOLDER', 'thôn\\u0000 2 \\ud800');
    const res = await post(dirty);
    expect(res.status).toBe(200);
    const receipt = await emu.waitForBotMessage(commune.id, /HY-0003/, 10_000);
    expect(receipt.text).toContain('HY-0003');
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0003' } })).text).toBe('Nhà văn hóa thôn 2 \uFFFD xuống cấp');

    const deep = `{"update_id":${++nextUpdateId},"message":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    expect(deep.length).toBeGreaterThan(10_000);
    const refused = await post(deep);
    expect(refused.status).toBe(400);
    // Telegram's resend gets the same answer: nothing about it changes.
    expect((await post(deep)).status).toBe(400);
    expect(await h.app.db.prisma.inboundUpdate.count()).toBe(before + 1);
    expect((await fetch(url.replace('/webhook/telegram', '/readyz'))).status).toBe(200);
  });

  it('answers 400 to an update without a chat, with a string sender id or a numeric text, and stores none of them', async () => {
    const before = await h.app.db.prisma.inboundUpdate.count();
    const bad = [
      { update_id: ++nextUpdateId, message: { message_id: 1, date: 0, from: { id: 5_001, is_bot: false, first_name: 'Dung' }, text: '/baocao không có nhóm' } },
      { update_id: ++nextUpdateId, message: { ...message(commune, { text: '/baocao x' }), from: { id: '5001', is_bot: false, first_name: 'Dung' } } },
      { update_id: ++nextUpdateId, message: message(commune, { text: 12345 }) },
      { update_id: ++nextUpdateId, edited_message: { message_id: 1, date: 0, text: 'sửa mà không có nhóm' } },
      { update_id: ++nextUpdateId, callback_query: { id: 'cb', from: { id: 5_001, is_bot: false, first_name: 'Dung' }, message: { message_id: 1, date: 0 }, data: 't:claim:1' } },
    ];
    for (const update of bad) {
      const res = await post(JSON.stringify(update));
      expect(res.status, JSON.stringify(update).slice(0, 80)).toBe(400);
    }
    expect(await h.app.db.prisma.inboundUpdate.count()).toBe(before);
    // The chat's next report is handled at once, on its first attempt.
    const good = report(commune, 'Xin bổ sung kinh phí sửa trường');
    expect((await post(JSON.stringify(good))).status).toBe(200);
    await emu.waitForBotMessage(commune.id, /HY-0004/, 10_000);
    const row = await eventually(async () => ((await stored(good.update_id))?.processedAt ? stored(good.update_id) : null), 'processed');
    expect(row!.attempts).toBe(1);
    expect(row!.error).toBeNull();
  });

  it('answers 400 (not 503) when the store refuses an update for good, and keeps a marker of it', async () => {
    // A refusal by the database itself, not its absence: a trigger that rejects one text.
    const sql = new pg.Client({ connectionString: h.db.url });
    await sql.connect();
    try {
      await sql.query(`CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN
          IF NEW."payload" #>> '{message,text}' LIKE '%[không lưu]%' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '23514'; END IF;
          RETURN NEW; END $$ LANGUAGE plpgsql`);
      await sql.query(`CREATE TRIGGER test_refuse BEFORE INSERT ON "InboundUpdate" FOR EACH ROW EXECUTE FUNCTION test_refuse()`);
      const update = report(commune, '[không lưu] Kiến nghị về đất đai');
      const res = await post(JSON.stringify(update));
      expect(res.status).toBe(400);
      const marker = await stored(update.update_id);
      expect(marker?.processedAt).not.toBeNull();
      expect(marker?.error).toMatch(/^could not store: DatabaseError \(23514\)$/);
      // Telegram's resend gets the same answer and changes nothing.
      expect((await post(JSON.stringify(update))).status).toBe(400);
      expect(await h.app.db.prisma.inboundUpdate.count({ where: { updateId: String(update.update_id) } })).toBe(1);
    } finally {
      await sql.query('DROP TRIGGER IF EXISTS test_refuse ON "InboundUpdate"');
      await sql.end();
    }
    expect((await post(JSON.stringify(report(commune, 'Xin hướng dẫn thủ tục đất đai')))).status).toBe(200);
  });
});
