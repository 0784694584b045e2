import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type TgChat, type TgUser } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// Polling mode: updates nobody can store or handle must not stop intake (issue 10, items 1, 2, 12).

describe('poison updates in polling mode (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let commune: TgChat;
  let official: TgUser;

  const row = (updateId: number) => h.app.db.prisma.inboundUpdate.findUnique({ where: { platform_updateId: { platform: 'telegram', updateId: String(updateId) } } });
  const message = (fields: Record<string, unknown>) => ({
    message_id: 90_000 + Math.floor(Math.random() * 9_000),
    date: 1_700_000_000,
    chat: { id: commune.id, type: 'group', title: commune.title },
    from: { id: official.id, is_bot: false, first_name: official.first_name },
    ...fields,
  });
  const command = (text: string) => ({ text, entities: [{ type: 'bot_command', offset: 0, length: text.indexOf(' ') > 0 ? text.indexOf(' ') : text.length }] });
  /** An object nested `depth` levels (deep enough to refuse, shallow enough for the emulator to clone). */
  const nested = (depth: number) => {
    let v: unknown = 'đáy';
    for (let i = 0; i < depth; i++) v = { x: v };
    return v;
  };

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    official = await emu.createUser({ first_name: 'Nguyễn Thị Lan' });
    commune = await emu.createChat({ type: 'group', title: 'UBND xã Tân Hưng' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 12004' });
    await emu.waitForBotMessage(commune.id, /Như Quỳnh|liên kết/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('stores a report with U+0000, lone surrogates and decomposed letters cleaned; skips a too-deep update with a marker; later updates flow', async () => {
    // Text jsonb cannot hold (U+0000, a lone surrogate), typed with combining marks.
    const dirty = await emu.pushRawUpdate({ message: message(command('/baocao Đu\u031bo\u031b\u0300ng\u0000 liên xã \uD800hỏng')) });
    const deep = await emu.pushRawUpdate({ message: message({ text: 'sâu', reply_markup: nested(200) }) });
    // Sent after both: with a poller stuck on either, it is never answered.
    await emu.sendUserMessage({ chatId: commune.id, userId: official.id, text: '/phieu HY-0001' });

    const receipt = await emu.waitForBotMessage(commune.id, /HY-0001/, 15_000);
    expect(receipt.text).toContain('HY-0001');
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } });
    expect(ticket.text).toBe('Đường liên xã \uFFFDhỏng');
    expect(ticket.text.normalize('NFC')).toBe(ticket.text);

    const marker = await eventually(() => row(deep.update_id), 'marker for the too-deep update');
    expect(marker.processedAt).not.toBeNull();
    expect(marker.error).toBe('could not store: nested too deeply');
    expect(marker.payload).toEqual({ update_id: deep.update_id, unstorable: true });
    expect((await row(dirty.update_id))?.error).toBeNull();

    // The /phieu sent last is answered too.
    await emu.waitForBotMessage(commune.id, (m) => /HY-0001/.test(m.text ?? '') && m.message_id !== receipt.message_id, 15_000);
  });

  it('refuses updates without a chat, with a string sender id or a numeric text; the chat keeps flowing and nothing is retried', async () => {
    const poison = [
      await emu.pushRawUpdate({ message: { message_id: 1, date: 1_700_000_000, from: { id: official.id, is_bot: false, first_name: 'Lan' }, text: '/baocao không có nhóm' } }),
      await emu.pushRawUpdate({ message: message({ from: { id: String(official.id), is_bot: false, first_name: 'Lan' }, ...command('/baocao người gửi là chuỗi') }) }),
      await emu.pushRawUpdate({ message: message({ text: 12345 }) }),
      await emu.pushRawUpdate({ callback_query: { id: 'cb-x', from: { id: official.id, is_bot: false, first_name: 'Lan' }, message: { message_id: 1, date: 0 }, data: 't:claim:1' } }),
    ];
    const good = await emu.sendUserMessage({ chatId: commune.id, userId: official.id, text: '/baocao Trường tiểu học thiếu phòng học' });
    const receipt = await emu.waitForBotMessage(commune.id, /HY-\d{4}/, 15_000);
    const ticket = await h.app.db.prisma.ticket.findFirstOrThrow({ where: { text: 'Trường tiểu học thiếu phòng học' } });
    expect(receipt.text).toContain(ticket.code);

    for (const p of poison) {
      const marker = await eventually(() => row(p.update_id), `marker for ${p.update_id}`);
      expect(marker.processedAt).not.toBeNull();
      expect(marker.error).toMatch(/^could not store: invalid /);
    }
    // The good update was handled on its first attempt: nothing ahead of it failed and held it.
    const goodRow = await eventually(async () => ((await row(good.update_id!))?.processedAt ? row(good.update_id!) : null), 'good update processed');
    expect(goodRow!.attempts).toBe(1);
    expect(goodRow!.error).toBeNull();
    expect(goodRow!.chatKey).toBe(String(commune.id));
    expect(await h.app.db.prisma.ticket.count({ where: { text: { contains: 'người gửi là chuỗi' } } })).toBe(0);
    expect(await h.app.db.prisma.ticket.count({ where: { text: { contains: 'không có nhóm' } } })).toBe(0);
  });

  it('answers a /baocao typed into an edited message (once), and stays silent about other edits', async () => {
    // An edit that turns a plain message into a report: asked to send it again.
    const plain = await emu.sendUserMessage({ chatId: commune.id, userId: official.id, text: 'Đèn đường thôn 3 hỏng' });
    await emu.editUserMessage({ chatId: commune.id, messageId: plain.message.message_id, text: '/baocao Đèn đường thôn 3 hỏng' });
    const resend = await emu.waitForBotMessage(commune.id, /tin nhắn mới/, 15_000);
    expect(resend.text).toContain('vui lòng gửi lại /baocao');
    expect(resend.reply_to_message?.message_id).toBe(plain.message.message_id);

    // Editing the same message again: no second answer.
    const again = await emu.editUserMessage({ chatId: commune.id, messageId: plain.message.message_id, text: '/baocao Đèn đường thôn 3 hỏng lâu ngày' });
    // An edit of a report that already became a ticket: the ticket keeps its first text.
    const filed = await emu.sendUserMessage({ chatId: commune.id, userId: official.id, text: '/baocao Cầu tràn sạt lở' });
    await emu.waitForBotMessage(commune.id, /HY-\d{4}/, 15_000);
    const ticket = await h.app.db.prisma.ticket.findFirstOrThrow({ where: { text: 'Cầu tràn sạt lở' } });
    const ticketsBefore = await h.app.db.prisma.ticket.count();
    await emu.editUserMessage({ chatId: commune.id, messageId: filed.message.message_id, text: '/baocao Cầu tràn thôn 5 sạt lở' });
    const kept = await emu.waitForBotMessage(commune.id, /đã được tạo từ tin nhắn gốc/, 15_000);
    expect(kept.text).toContain(ticket.code);
    // An ordinary edit: silent.
    const chatter = await emu.sendUserMessage({ chatId: commune.id, userId: official.id, text: 'Chào cả nhóm' });
    const silent = await emu.editUserMessage({ chatId: commune.id, messageId: chatter.message.message_id, text: 'Chào cả nhóm ạ' });

    await eventually(async () => {
      const rows = await Promise.all([again.update_id!, silent.update_id!].map(row));
      return rows.every((r) => r?.processedAt && r.error === null);
    }, 'later edits processed');
    const answers = emu.botMessages(commune.id).filter((m) => /tin nhắn mới|tin nhắn gốc/.test(m.text ?? ''));
    expect(answers).toHaveLength(2);
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: ticket.code } })).text).toBe('Cầu tràn sạt lở');
    expect(await h.app.db.prisma.ticket.count()).toBe(ticketsBefore);
  });

  it('skips, with a marker, an update the store refuses for good, and moves on', async () => {
    const sql = new pg.Client({ connectionString: h.db.url });
    await sql.connect();
    try {
      await sql.query(`CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN
          IF NEW."payload" #>> '{message,text}' LIKE '%[không lưu]%' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '23514'; END IF;
          RETURN NEW; END $$ LANGUAGE plpgsql`);
      await sql.query(`CREATE TRIGGER test_refuse BEFORE INSERT ON "InboundUpdate" FOR EACH ROW EXECUTE FUNCTION test_refuse()`);
      const refused = await emu.sendUserMessage({ chatId: commune.id, userId: official.id, text: '/baocao [không lưu] Kiến nghị về đất đai' });
      const next = await emu.sendUserMessage({ chatId: commune.id, userId: official.id, text: '/baocao Xin hướng dẫn thủ tục đất đai' });
      await emu.waitForBotMessage(commune.id, /HY-\d{4}/, 15_000);
      const marker = await eventually(() => row(refused.update_id!), 'marker');
      expect(marker.processedAt).not.toBeNull();
      expect(marker.error).toMatch(/^could not store: DatabaseError \(23514\)$/);
      expect((await row(next.update_id!))?.error).toBeNull();
    } finally {
      await sql.query('DROP TRIGGER IF EXISTS test_refuse ON "InboundUpdate"');
      await sql.end();
    }
  });
});
