import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// A handler failure that retrying cannot fix is not retried, and no failure holds its chat for long
// (issue 10, item 3). The failures are real PostgreSQL errors on the handler's own writes.

describe('updates whose handling fails (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let sql: pg.Client;
  let commune = 0;
  let support = 0;
  let official = 0;

  const row = (updateId: number) => h.app.db.prisma.inboundUpdate.findUniqueOrThrow({ where: { platform_updateId: { platform: 'telegram', updateId: String(updateId) } } });
  const processed = (updateId: number, what: string, timeoutMs?: number) =>
    eventually(async () => {
      const r = await row(updateId);
      return r.processedAt ? r : null;
    }, what, timeoutMs);

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    // A failing update holds its chat's later updates for one second at most.
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { UPDATE_FAILED_HOLD_MS: '1000' } });
    sql = new pg.Client({ connectionString: h.db.url });
    await sql.connect();
    // A real constraint the handler's insert breaks every time…
    await sql.query(`ALTER TABLE "Ticket" ADD CONSTRAINT "test_no_poison" CHECK (position('[độc]' in "text") = 0)`);
    // …and a write conflict (serialization failure) while the test wants one.
    await sql.query(`CREATE FUNCTION test_busy() RETURNS trigger AS $$ BEGIN
        IF position('[bận]' in NEW."text") > 0 THEN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql`);
    await sql.query(`CREATE TRIGGER test_busy BEFORE INSERT ON "Ticket" FOR EACH ROW EXECUTE FUNCTION test_busy()`);

    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    official = (await emu.createUser({ first_name: 'Hoàng Văn Nam' })).id;
    commune = (await emu.createChat({ type: 'group', title: 'UBND xã Như Quỳnh' })).id;
    support = (await emu.createChat({ type: 'group', title: 'Tổ công tác' })).id;
    await emu.sendUserMessage({ chatId: commune, userId: ADMIN_ID, text: '/lienket xa 12004' });
    await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.waitForBotMessage(support, /tổ công tác/);
    await emu.sendUserMessage({ chatId: commune, userId: official, text: '/baocao Đường trục xã xuống cấp' });
    await emu.waitForBotMessage(commune, /HY-0001/);
  });
  afterAll(async () => {
    await sql?.end();
    await h?.close();
    await emu?.close();
  });

  it('a constraint violation is not retried: the row is closed with the error, the sender is told, the chat moves on', async () => {
    const bad = await emu.sendUserMessage({ chatId: commune, userId: official, text: '/baocao [độc] Ống nước sinh hoạt bị vỡ' });
    const next = await emu.sendUserMessage({ chatId: commune, userId: official, text: '/phieu HY-0001' });

    const sorry = await emu.waitForBotMessage(commune, /Xin lỗi, không xử lý được yêu cầu này/, 15_000);
    expect(sorry.reply_to_message?.message_id).toBe(bad.message.message_id);
    const failed = await processed(bad.update_id!, 'failed update closed');
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatch(/^failed: DatabaseError \(23514\) test_no_poison$/);

    // The /phieu sent right after was not held behind it, and ran once.
    await emu.waitForBotMessage(commune, /HY-0001/, 15_000);
    const after = await processed(next.update_id!, '/phieu processed');
    expect(after.attempts).toBe(1);
    expect(after.error).toBeNull();
    expect(await h.app.db.prisma.ticket.count()).toBe(1);
    // BullMQ never saw a failure to retry. The update's own job completed — as 'failed', or as
    // 'duplicate' when the batch of the /phieu after it closed the row first — or that batch removed it.
    const settled = await eventually(async () => {
      const job = await h.app.queues.updates.getJob(h.app.queues.updateJobId(failed.id));
      if (!job) return { state: 'removed', returnvalue: null, failedReason: undefined };
      const state = await job.getState();
      return state === 'completed' || state === 'failed' ? { state, returnvalue: job.returnvalue as string, failedReason: job.failedReason } : undefined;
    }, 'update job settled');
    expect(settled.state).not.toBe('failed');
    expect(settled.failedReason ?? '').toBe('');
    if (settled.state === 'completed') expect(['failed', 'duplicate']).toContain(settled.returnvalue);
  });

  it('the same, for an update alone in its transaction (no savepoint): closed in a transaction of its own', async () => {
    const tickets = await h.app.db.prisma.ticket.count();
    const before = emu.botMessages(commune).length;
    const bad = await emu.sendUserMessage({ chatId: commune, userId: official, text: '/baocao [độc] Đèn đường hỏng cả tuyến' });
    const failed = await processed(bad.update_id!, 'lone failed update closed');
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatch(/^failed: DatabaseError \(23514\) test_no_poison$/);
    const sorry = await eventually(async () => emu.botMessages(commune).slice(before).find((m) => /Xin lỗi, không xử lý được yêu cầu này/.test(m.text ?? '')), 'apology');
    expect(sorry.reply_to_message?.message_id).toBe(bad.message.message_id);
    expect(await h.app.db.prisma.ticket.count()).toBe(tickets);
    // Handled where it was received (ROLE=all, a run free): closed there, with no job to retry it.
    expect(await h.app.queues.updates.getJob(h.app.queues.updateJobId(failed.id))).toBeUndefined();
  });

  it('a forged "Chuyển sở" press naming no department is answered and does not hold the support group', async () => {
    const card = await emu.waitForBotMessage(support, /HY-0001 ·/);
    await emu.pressButton({ chatId: support, userId: ADMIN_ID, messageId: card.message_id, data: buttonData(card, 't:claim:') });
    await eventually(async () => (await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } })).status === 'claimed', 'claimed');
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } });

    const press = await emu.pressButton({ chatId: support, userId: ADMIN_ID, messageId: card.message_id, data: `t:to:${ticket.id}:NOPE` });
    const next = await emu.sendUserMessage({ chatId: support, userId: ADMIN_ID, text: '/phieu HY-0001' });
    const answer = await eventually(async () => emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId), 'press answered', 15_000);
    expect(answer.text ?? '').not.toBe('');
    console.info(`[update-failures] forged t:to:${ticket.id}:NOPE answered: "${answer.text}"`);
    const pressRow = await processed(press.update_id, 'press processed');
    expect(pressRow.attempts).toBe(1);
    await processed(next.update_id!, 'next command processed');
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } })).departmentCode).toBeNull();
  });

  it('a button press whose handling breaks a constraint gets the press answered with the apology', async () => {
    await sql.query(`ALTER TABLE "TicketEvent" ADD CONSTRAINT "test_no_priority" CHECK ("kind" <> 'priority_changed')`);
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } });
    const card = emu.botMessages(support).find((m) => /HY-0001 ·/.test(m.text ?? ''))!;
    const press = await emu.pressButton({ chatId: support, userId: ADMIN_ID, messageId: card.message_id, data: `t:p_khan:${ticket.id}` });
    const answer = await eventually(async () => emu.callbackAnswers().find((a) => a.callbackQueryId === press.callbackQueryId), 'press answered', 15_000);
    expect(answer.text).toMatch(/^Xin lỗi, không xử lý được yêu cầu này/);
    const pressRow = await processed(press.update_id, 'press closed');
    expect(pressRow.attempts).toBe(1);
    expect(pressRow.error).toMatch(/^failed: .*\(23514\)/);
    expect((await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: 'HY-0001' } })).priority).toBe(ticket.priority);
    await sql.query(`ALTER TABLE "TicketEvent" DROP CONSTRAINT "test_no_priority"`);
  });

  it('a write conflict is retried with backoff, but holds the chat only for UPDATE_FAILED_HOLD_MS, then succeeds', async () => {
    const busy = await emu.sendUserMessage({ chatId: commune, userId: official, text: '/baocao [bận] Mất điện kéo dài ở thôn 4' });
    const next = await emu.sendUserMessage({ chatId: commune, userId: official, text: '/phieu HY-0001' });

    // The later command went ahead while the failing report was still waiting for its next attempt.
    const after = await processed(next.update_id!, '/phieu processed while the report is retried', 15_000);
    expect(after.attempts).toBe(1);
    const stillFailing = await row(busy.update_id!);
    expect(stillFailing.processedAt).toBeNull();
    expect(stillFailing.error).toMatch(/P2034|40001/);
    expect(emu.botMessages(commune).some((m) => /Xin lỗi, không xử lý được/.test(m.text ?? '') && m.reply_to_message?.message_id === busy.message.message_id)).toBe(false);

    // The conflict clears: the next retry files the report.
    await sql.query(`DROP TRIGGER test_busy ON "Ticket"`);
    const done = await processed(busy.update_id!, 'report filed after the conflict cleared', 25_000);
    expect(done.error).toBeNull();
    expect(await h.app.db.prisma.ticket.findFirst({ where: { text: { contains: 'Mất điện kéo dài' } } })).not.toBeNull();
  }, 45_000);
});
