import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../src/core/outbox-writer.js';
import { createLogger } from '../../src/logger.js';
import type { Message } from '../../src/core/outbox-writer.js';
import { JOB } from '../../src/queues/names.js';
import { createSweepProcessor } from '../../src/workers/sweep.worker.js';
import { startBotApiEmulator, type ApiCallRecord, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { buttonData } from '../support/chat.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// What the platform accepted is delivered, whatever its answer looks like, and is never sent again;
// a message that keeps failing is parked after SEND_PARK_AFTER_MS and stops holding its chat.
// PostgreSQL, Redis and the Bot API emulator, which can answer `ok: true` with an odd `result`.

const PARK_AFTER_MS = 1_500;

function callsTo(emu: BotApiEmulator, method: string, chatId: number | string): ApiCallRecord[] {
  return emu.calls(method).filter((c) => String(c.params['chat_id']) === String(chatId));
}

const texts = (emu: BotApiEmulator, chatId: number) => emu.botMessages(chatId).map((m) => m.text ?? m.caption ?? '');

async function queue(h: TestAppHandle, chatId: number | string, contents: Message[], opts: { enqueue?: boolean } = {}): Promise<bigint[]> {
  const ids = await h.app.db.prisma.$transaction(async (tx) => {
    const out = new OutboxWriter(tx, h.app.channels, new Date());
    for (const content of contents) await out.send({ platform: 'telegram', externalId: String(chatId) }, content, { purpose: 'test' });
    return out.created;
  });
  if (opts.enqueue !== false) await h.app.queues.enqueueOutbox(ids);
  return ids;
}

const row = (h: TestAppHandle, id: bigint) => h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id } });

describe('accepted means delivered; a failing message is parked (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let seq = 0;

  async function group(): Promise<TgChat> {
    const chat = await emu.createChat({ type: 'group', title: `Nhóm gửi tin ${++seq}` });
    await h.app.db.prisma.chat.create({ data: { platform: 'telegram', externalId: String(chat.id), kind: 'group', title: chat.title ?? null } });
    return chat;
  }

  const adminTexts = () => texts(emu, ADMIN_ID);

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    await emu.createChat({ type: 'private', id: ADMIN_ID });
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { SEND_PARK_AFTER_MS: String(PARK_AFTER_MS) } });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('counts a card edit answered {"ok":true,"result":null} as done: one call, and the group\'s next message goes straight after', async () => {
    const commune = await emu.createChat({ type: 'group', title: 'UBND xã Tân Hưng' });
    const support = await emu.createChat({ type: 'group', title: 'Tổ công tác' });
    const supporter = await emu.createUser({ first_name: 'Tổ viên' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 11977' });
    await emu.sendUserMessage({ chatId: support.id, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.waitForBotMessage(commune.id, /Tân Hưng/);
    await emu.waitForBotMessage(support.id, /tổ công tác/);
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/baocao Trụ sở xã xuống cấp, mùa mưa bị dột' });
    const card = await emu.waitForBotMessage(support.id, /HY-\d{4} ·/);
    const code = /HY-\d{4}/.exec(card.text!)![0];

    // The edit takes effect, but the answer carries null where Telegram puts the edited message.
    await emu.replaceResultNext('editMessageText', null, { chatId: support.id });
    await emu.pressButton({ chatId: support.id, userId: supporter.id, messageId: card.message_id, data: buttonData(card, 't:claim:') });
    await eventually(async () => emu.calls('editMessageText').some((c) => c.injected === 'result'), 'card edit answered with null');
    const asked = await emu.sendUserMessage({ chatId: support.id, userId: supporter.id, text: `/phieu ${code}` });
    const answer = await emu.waitForBotMessage(support.id, (m) => m.reply_to_message?.message_id === asked.message.message_id);
    expect(answer.text).toContain(code);

    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    const cardRows = await h.app.db.prisma.outboundMessage.findMany({ where: { chatExternalId: String(support.id), ticketId: ticket.id, purpose: 'card:support' }, orderBy: { id: 'asc' } });
    const edit = cardRows.at(-1)!;
    expect(edit).toMatchObject({ status: 'sent', attempts: 1, lastError: null, sentMessageId: String(card.message_id) });
    // Accepted once, never made again.
    expect(callsTo(emu, 'editMessageText', support.id)).toHaveLength(1);
    // Everything else to the group (the claim notice, the press's answer) goes out too; nothing stays held.
    await eventually(async () => (await h.app.db.prisma.outboundMessage.count({ where: { chatExternalId: String(support.id), status: { not: 'sent' } } })) === 0, 'every message to the group sent');
    console.info(`[outbox] edit answered {ok:true,result:null}: row ${edit.status} after ${edit.attempts} attempt, ${callsTo(emu, 'editMessageText', support.id).length} editMessageText call`);
  });

  it('counts a sendMessage answered true, null or {} as sent once, with no message id', async () => {
    const odd: unknown[] = [true, null, {}];
    const chats = await Promise.all(odd.map(() => group()));
    const ids: bigint[] = [];
    for (const [i, result] of odd.entries()) {
      await emu.replaceResultNext('sendMessage', result, { chatId: chats[i]!.id });
      ids.push(...(await queue(h, chats[i]!.id, [{ html: `Tin có câu trả lời lạ số ${i + 1}` }])));
    }
    await eventually(async () => (await h.app.db.prisma.outboundMessage.count({ where: { id: { in: ids }, status: 'sent' } })) === ids.length, 'all three sent');
    await new Promise((r) => setTimeout(r, 300)); // a retry, if one were coming, would be on its way
    for (const [i, chat] of chats.entries()) {
      expect(texts(emu, chat.id)).toEqual([`Tin có câu trả lời lạ số ${i + 1}`]);
      expect(callsTo(emu, 'sendMessage', chat.id)).toHaveLength(1);
      expect(await row(h, ids[i]!)).toMatchObject({ status: 'sent', sentMessageId: null, attempts: 1, lastError: null });
    }
  });

  it('does not send again the parts the platform accepted: two files go out, the text gets a 429, the retry sends only the text', async () => {
    const chat = await group();
    await emu.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, { chatId: chat.id });
    const [id] = await queue(h, chat.id, [
      {
        html: 'Ảnh hiện trường kèm theo',
        attachments: [
          { type: 'photo', fileId: 'https://files.example.invalid/hien-truong-1.jpg' },
          { type: 'photo', fileId: 'https://files.example.invalid/hien-truong-2.jpg' },
        ],
      },
    ]);
    const sent = await eventually(async () => ((await row(h, id!)).status === 'sent' ? row(h, id!) : undefined), 'row sent', 10_000);
    expect(callsTo(emu, 'sendPhoto', chat.id)).toHaveLength(2);
    expect(callsTo(emu, 'sendMessage', chat.id)).toHaveLength(2); // the 429, then the text
    const messages = emu.botMessages(chat.id);
    expect(messages.map((m) => (m.photo ? 'photo' : m.text))).toEqual(['photo', 'photo', 'Ảnh hiện trường kèm theo']);
    // Replies are found by the text message, as when everything went out at once.
    expect(sent.sentMessageId).toBe(String(messages[2]!.message_id));
    expect(sent.partsSent).toBe(2);
  });

  it('parks a message failing for SEND_PARK_AFTER_MS: later messages to the chat go ahead, the admins are told once, and it still arrives once', async () => {
    const chat = await group();
    // The first message is a photo, so its fault hits it alone: 502 at about 0 s and 2 s (backoff),
    // then it goes out at about 6 s. The two text messages behind it are fine.
    await emu.failNext('sendPhoto', { error_code: 502, description: 'Bad Gateway' }, { chatId: chat.id, times: 2 });
    const photo = { type: 'photo' as const, fileId: 'https://files.example.invalid/bien-ban.jpg' };
    const [first, second, third] = await queue(h, chat.id, [{ html: 'Tin đầu gặp lỗi', attachments: [photo] }, { html: 'Tin thứ hai' }, { html: 'Tin thứ ba' }]);

    const parked = await eventually(async () => ((await row(h, first!)).status === 'parked' ? row(h, first!) : undefined), 'first message parked', 10_000);
    expect(parked.lastError).toMatch(/502/);
    expect(parked.failingSince).not.toBeNull();
    // The later messages did not wait for it.
    await eventually(async () => (await row(h, third!)).status === 'sent', 'third message sent', 10_000);
    expect((await row(h, second!)).status).toBe('sent');
    const notice = await eventually(async () => adminTexts().find((t) => t.includes('tạm gác lại') && t.includes(String(chat.id))), 'parked notice to the admins');
    expect(notice).toContain('502');

    // Retried by its job with backoff, at low priority: it arrives late, once.
    const delivered = await eventually(async () => ((await row(h, first!)).status === 'sent' ? row(h, first!) : undefined), 'parked message delivered', 20_000);
    expect(delivered).toMatchObject({ failingSince: null, lastError: null, attempts: 3 });
    expect(texts(emu, chat.id)).toEqual(['Tin thứ hai', 'Tin thứ ba', 'Tin đầu gặp lỗi']);
    const photoCalls = callsTo(emu, 'sendPhoto', chat.id);
    const textCalls = callsTo(emu, 'sendMessage', chat.id);
    expect(photoCalls).toHaveLength(3);
    expect(textCalls).toHaveLength(2);
    expect(adminTexts().filter((t) => t.includes('tạm gác lại') && t.includes(String(chat.id)))).toHaveLength(1);
    const t0 = photoCalls[0]!.at;
    console.info(`[outbox] parked after ${PARK_AFTER_MS} ms: later messages sent ${textCalls[0]!.at - t0} ms and ${textCalls[1]!.at - t0} ms after the first failure; the parked one delivered ${photoCalls[2]!.at - t0} ms after`);
  });

  it('the sweep gives a parked message whose job Redis lost another run, and the row\'s count of unknown outcomes still caps the copies', async () => {
    const chat = await group();
    const other = await group();
    const [fresh] = await queue(h, other.id, [{ html: 'Tin gác lại, chưa tới' }], { enqueue: false });
    const [doubtful] = await queue(h, chat.id, [{ html: 'Tin gác lại, có thể đã tới' }], { enqueue: false });
    // As left by a process whose Redis was wiped: parked, no job; the second had one answer lost already.
    const failingSince = new Date(Date.now() - 10 * 60_000);
    await h.app.db.prisma.outboundMessage.update({ where: { id: fresh! }, data: { status: 'parked', failingSince, attempts: 3, lastError: '502 Bad Gateway' } });
    await h.app.db.prisma.outboundMessage.update({ where: { id: doubtful! }, data: { status: 'parked', failingSince, attempts: 3, unconfirmed: 1, lastError: 'timeout' } });
    // The next call for the doubtful one is again unanswered after the server acted.
    await emu.dropConnectionNext('sendMessage', { chatId: chat.id, afterProcessing: true });
    const sweep = createSweepProcessor({ prisma: h.app.db.prisma, queues: h.app.queues, logger: createLogger('silent'), graceMs: 0 });
    expect((await sweep()).outbox).toBeGreaterThanOrEqual(2);

    await eventually(async () => (await row(h, fresh!)).status === 'sent' && (await row(h, doubtful!)).status === 'failed', 'one sent, one failed', 10_000);
    expect((await row(h, doubtful!)).lastError).toMatch(/may have arrived/);
    // A job made afresh did not forget the earlier unknown outcome: no third try, so at most two copies.
    expect(callsTo(emu, 'sendMessage', chat.id)).toHaveLength(1);
    expect(texts(emu, other.id)).toEqual(['Tin gác lại, chưa tới']);
  });

  it('a parked message that never gets through ends failed with its reason, and the admins are told', async () => {
    const chat = await group();
    await emu.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, { chatId: chat.id, times: 50 });
    const [id] = await queue(h, chat.id, [{ html: 'Tin không bao giờ tới' }], { enqueue: false });
    // Four attempts 800 ms apart instead of twelve with long backoff: parked after the third, failed after the fourth.
    await h.app.queues.outbox.add(JOB.send, { outboxId: id!.toString() }, { jobId: h.app.queues.outboxJobId(id!), attempts: 4, backoff: { type: 'fixed', delay: 800 } });
    await eventually(async () => (await row(h, id!)).status === 'parked', 'parked', 10_000);
    const failed = await eventually(async () => ((await row(h, id!)).status === 'failed' ? row(h, id!) : undefined), 'failed', 10_000);
    expect(failed.lastError).toMatch(/gave up after 4 attempts.*500/);
    await eventually(async () => adminTexts().some((t) => t.includes('Không gửi được tin nhắn') && t.includes(String(chat.id))), 'failure notice');
    expect(callsTo(emu, 'sendMessage', chat.id)).toHaveLength(4);
    expect(emu.botMessages(chat.id)).toHaveLength(0);
  });
});
