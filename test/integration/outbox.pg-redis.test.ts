import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../src/core/outbox-writer.js';
import { escapeHtml } from '../../src/core/presentation/markup.js';
import { startBotApiEmulator, type ApiCallRecord, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { JOB, outboxJobId } from '../../src/queues/names.js';
import { ChatPacer } from '../../src/queues/pacer.js';
import { SendLine } from '../../src/queues/send-line.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// The outbound queue against real PostgreSQL and Redis and the Bot API emulator: every failure the
// Bot API can answer, and what the commune (and the admins) see afterwards.

const NOTICE = 'Không gửi được tin nhắn';

function sendCalls(emu: BotApiEmulator, chatId: number | string): ApiCallRecord[] {
  return emu.calls('sendMessage').filter((c) => String(c.params['chat_id']) === String(chatId));
}

function texts(emu: BotApiEmulator, chatId: number): string[] {
  return emu.botMessages(chatId).map((m) => m.text ?? m.caption ?? '');
}

/** Writes outbox rows in one transaction, as application code does, then enqueues them. */
async function queueMessages(h: TestAppHandle, chatId: number | string, htmls: string[], opts: { enqueue?: boolean } = {}): Promise<bigint[]> {
  const ids = await h.app.db.prisma.$transaction(async (tx) => {
    const out = new OutboxWriter(tx, h.app.channels, new Date());
    for (const html of htmls) await out.send({ platform: 'telegram', externalId: String(chatId) }, { html }, { purpose: 'test' });
    return out.created;
  });
  if (opts.enqueue !== false) await h.app.queues.enqueueOutbox(ids);
  return ids;
}

const row = (h: TestAppHandle, id: bigint) => h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id } });

describe('outbound queue (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let groupSeq = 0;

  /** A group the bot is in, known to the database as an (unlinked) chat. */
  async function group(): Promise<TgChat> {
    const chat = await emu.createChat({ type: 'group', title: `Nhóm thử ${++groupSeq}` });
    await h.app.db.prisma.chat.create({ data: { platform: 'telegram', externalId: String(chat.id), kind: 'group', title: chat.title ?? null } });
    return chat;
  }

  /** A group linked to a commune by the admin, as in production. */
  async function communeGroup(code: string, name: RegExp): Promise<TgChat> {
    const chat = await emu.createChat({ type: 'group', title: `UBND ${code}` });
    await emu.sendUserMessage({ chatId: chat.id, userId: ADMIN_ID, text: `/lienket xa ${code}` });
    await emu.waitForBotMessage(chat.id, name);
    return chat;
  }

  /** The send job of a row once it waits in Redis's delayed set (read after the state, so not stale). */
  async function delayedJob(id: bigint) {
    const job = await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(id));
    if (!job || (await job.getState()) !== 'delayed') return undefined;
    return h.app.queues.outbox.getJob(h.app.queues.outboxJobId(id));
  }

  /** Notices the admins got about a chat, so far. */
  const noticesAbout = (chatId: number | string) => texts(emu, ADMIN_ID).filter((t) => t.includes(NOTICE) && t.includes(String(chatId)));

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    // The admin has opened the bot, so notices can reach them.
    await emu.createChat({ type: 'private', id: ADMIN_ID });
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { BOT_API_TIMEOUT_SECONDS: '1' } });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('a message behind others in its chat does not run until the one ahead wakes it, then goes in order', async () => {
    const chat = await emu.createChat({ type: 'group', title: 'Nhóm thử hàng đợi' });
    const ids = await queueMessages(h, chat.id, ['Thứ nhất', 'Thứ hai', 'Thứ ba']);
    // Added delayed (a safety net of 30 s a place ahead), not waiting: its job takes no place in the sender.
    const later = (await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(ids[2]!)))!;
    expect(later.opts.delay).toBe(60_000);
    await emu.waitForBotMessage(chat.id, 'Thứ ba', 15_000);
    expect(texts(emu, chat.id)).toEqual(['Thứ nhất', 'Thứ hai', 'Thứ ba']);
    // Woken by the one ahead, well before its safety net.
    const done = (await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(ids[2]!)))!;
    expect(done.processedOn! - done.timestamp).toBeLessThan(15_000);
  });

  it('the one ahead leaving before the job behind it exists adds that job: a message never sleeps through its turn', async () => {
    const chat = await group();
    const [ahead, behind] = await queueMessages(h, chat.id, ['Tin đi trước', 'Tin chưa có việc'], { enqueue: false });
    const line = new SendLine(h.app.queues.connection, h.app.config.QUEUE_PREFIX, h.app.queues.database);
    // Both joined the line; the one ahead leaves before the enqueuer of the second added its job.
    expect(await line.join([ahead!, behind!].map((id) => ({ id, platform: 'telegram', chat: String(chat.id) })))).toEqual([0, 1]);
    await line.leave('telegram', String(chat.id), ahead!, (next) => h.app.queues.wakeMessage(next));
    // The enqueuer's own add comes late, with the line's safety-net delay: a no-op, the job exists.
    await h.app.queues.outbox.add(JOB.send, { outboxId: behind!.toString() }, { jobId: h.app.queues.outboxJobId(behind!), delay: 30_000 });
    await emu.waitForBotMessage(chat.id, 'Tin chưa có việc', 5_000);
    // And the other order: its job was added (delayed) before the one ahead left: moved to now.
    const [third, fourth] = await queueMessages(h, chat.id, ['Tin thứ ba', 'Tin thứ tư'], { enqueue: false });
    await line.join([third!, fourth!].map((id) => ({ id, platform: 'telegram', chat: String(chat.id) })));
    await h.app.queues.outbox.add(JOB.send, { outboxId: fourth!.toString() }, { jobId: h.app.queues.outboxJobId(fourth!), delay: 30_000 });
    await line.leave('telegram', String(chat.id), third!, (next) => h.app.queues.wakeMessage(next));
    await emu.waitForBotMessage(chat.id, 'Tin thứ tư', 5_000);
    expect(texts(emu, chat.id)).toEqual(['Tin chưa có việc', 'Tin thứ tư']);
  });

  it('a message whose slot is seconds away when the one ahead leaves runs once, at that slot, and is never handed back', async () => {
    // Production's gap between two messages to one chat, made 3 s: the second's slot is far enough
    // ahead, when the first is accepted, that its job is moved to it instead of woken now.
    const paced = await startTestApp({ apiRoot: emu.apiRoot, env: { SEND_CHAT_INTERVAL_MS: '3000' } });
    try {
      const chat = await emu.createChat({ type: 'group', title: 'Nhóm thử giãn cách 3 giây' });
      const [, second] = await queueMessages(paced, chat.id, ['Tin thứ nhất giãn cách', 'Tin thứ hai giãn cách']);
      await emu.waitForBotMessage(chat.id, 'Tin thứ hai giãn cách', 15_000);
      const calls = sendCalls(emu, chat.id);
      expect(calls.map((c) => c.params['text'])).toEqual(['Tin thứ nhất giãn cách', 'Tin thứ hai giãn cách']);
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2_900);
      // Its slot was reserved as the first left and its job moved to it: it ran once, and no slot
      // was handed back to it in its data (a run that reserves a far slot itself leaves one there).
      const job = (await paced.app.queues.outbox.getJob(paced.app.queues.outboxJobId(second!)))!;
      expect(job.data).not.toHaveProperty('slot');
      expect(job.data).not.toHaveProperty('waitingBehind');
      expect(job.processedOn! - calls[0]!.at).toBeGreaterThan(2_000);
    } finally {
      await paced.close();
    }
  });

  it('a message behind a head whose slot is far ahead looks again after that slot, not every second', async () => {
    const chat = await group();
    // The chat's next free slot a minute away (as in a burst, where the platform-wide limit is booked ahead).
    const pacer = new ChatPacer(h.app.queues.connection, h.app.config.QUEUE_PREFIX, 1000, 1000);
    const held = Date.now() + 60_000;
    await pacer.pushBack('telegram', String(chat.id), held);
    const [first, second] = await queueMessages(h, chat.id, ['Tin đầu hàng', 'Tin sau nó']);
    await eventually(() => delayedJob(first!), 'the head handed back until its slot');
    // The one behind looks early (its safety net, here forced): the chat's next slot is after the head's.
    await h.app.queues.wakeMessage(second!);
    const behind = await eventually(async () => {
      const job = await delayedJob(second!);
      return job?.processedOn ? job : undefined;
    }, 'the second handed back');
    expect(behind.delay).toBeGreaterThan(held - Date.now());
    // Its new data went with it in the same step: whom it waits behind, since when.
    expect(behind.data).toMatchObject({ outboxId: String(second), waitingBehind: String(first) });
    // The head waits for its slot with the slot in its data, for the run it was reserved for.
    const head = (await delayedJob(first!))!;
    expect(head.data).toMatchObject({ slot: expect.any(Number), slotFor: 0 });
    expect((head.data as { slot: number }).slot).toBeGreaterThanOrEqual(held);
    expect(sendCalls(emu, chat.id)).toHaveLength(0);
  });

  it('waits out a 429 (retry_after 2 s) without spending an attempt, then delivers exactly once', async () => {
    const chat = await group();
    await emu.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 2', parameters: { retry_after: 2 } }, { chatId: chat.id });
    const [id] = await queueMessages(h, chat.id, ['Thông báo sau khi bị giới hạn']);

    const parked = await eventually(() => delayedJob(id!), 'job handed back to Redis as delayed');
    expect(parked.attemptsMade).toBe(0);
    expect(parked.delay).toBeGreaterThan(1_500);

    await emu.waitForBotMessage(chat.id, 'Thông báo sau khi bị giới hạn', 8_000);
    const calls = sendCalls(emu, chat.id);
    expect(calls).toHaveLength(2);
    const waited = calls[1]!.at - calls[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(1_950);
    console.info(`[outbox] 429 retry_after=2 s honoured: second call ${waited} ms after the first`);

    const sent = await eventually(async () => ((await row(h, id!)).status === 'sent' ? row(h, id!) : undefined), 'row sent');
    expect(sent.attempts).toBe(1); // the wait was not an attempt
    expect(sent.sentMessageId).toBe(String(emu.botMessages(chat.id)[0]!.message_id));
    expect(texts(emu, chat.id)).toEqual(['Thông báo sau khi bị giới hạn']);
    const job = await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(id!));
    expect(job?.attemptsMade ?? 0).toBeLessThanOrEqual(1);
  });

  it('parks a message in Redis for a long retry_after (120 s) and holds the chat back meanwhile', async () => {
    const chat = await group();
    await emu.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 120', parameters: { retry_after: 120 } }, { chatId: chat.id });
    const before = Date.now();
    const [first, second] = await queueMessages(h, chat.id, ['Tin thứ nhất', 'Tin thứ hai']);

    const job = await eventually(async () => ((await row(h, first!)).lastError ? delayedJob(first!) : undefined), 'first message delayed');
    expect(job.attemptsMade).toBe(0);
    expect(job.delay).toBeGreaterThanOrEqual(119_000);
    const dueAt = (job.data as { notBefore: number }).notBefore;
    expect(dueAt - before).toBeGreaterThanOrEqual(119_500);
    console.info(`[outbox] 429 retry_after=120 s: job delayed ${job.delay} ms in Redis, attemptsMade=${job.attemptsMade}`);
    expect((await row(h, first!)).lastError).toMatch(/429/);

    // The second message keeps its place in line: it does not jump ahead while the chat is held.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sendCalls(emu, chat.id)).toHaveLength(1);
    expect((await row(h, second!)).status).toBe('pending');
    expect(emu.botMessages(chat.id)).toHaveLength(0);
  });

  it('on 403 marks the chat inactive, fails the message without retrying and tells the admins once', async () => {
    const chat = await group();
    await emu.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the group chat' }, { chatId: chat.id });
    const [a, b] = await queueMessages(h, chat.id, ['Tin một', 'Tin hai']);

    await eventually(async () => noticesAbout(chat.id).length > 0, 'admin notice');
    await eventually(async () => (await row(h, b!)).status === 'failed', 'second message failed');
    const first = await row(h, a!);
    expect(first.status).toBe('failed');
    expect(first.lastError).toMatch(/403 .*kicked/);
    expect((await row(h, b!)).lastError).toMatch(/inactive/);
    const dbChat = await h.app.db.prisma.chat.findFirstOrThrow({ where: { externalId: String(chat.id) } });
    expect(dbChat.active).toBe(false);
    // Once is enough: no retry of the first, no attempt at the second, one notice for the chat.
    await new Promise((r) => setTimeout(r, 500));
    expect(sendCalls(emu, chat.id)).toHaveLength(1);
    expect(noticesAbout(chat.id)).toHaveLength(1);
  });

  it('also when the bot really was removed (Telegram says so in an update too)', async () => {
    const chat = await group();
    await emu.blockBot(chat.id); // my_chat_member "kicked" races the send
    const [id] = await queueMessages(h, chat.id, ['Nhắc việc']);
    await eventually(async () => (await row(h, id!)).status === 'failed', 'message failed');
    await eventually(async () => noticesAbout(chat.id).length > 0, 'admin notice');
    await eventually(async () => !(await h.app.db.prisma.chat.findFirstOrThrow({ where: { externalId: String(chat.id) } })).active, 'chat inactive');
    expect(sendCalls(emu, chat.id).length).toBeLessThanOrEqual(1);
    expect(emu.botMessages(chat.id)).toHaveLength(0);
  });

  it('follows a group that became a supergroup (400 migrate_to_chat_id) and keeps its link', async () => {
    const chat = await communeGroup('11980', /Hồng Châu/);
    const newId = -1_009_990_001;
    await emu.failNext(
      'sendMessage',
      { error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: newId } },
      { chatId: chat.id },
    );
    const [a, b] = await queueMessages(h, chat.id, ['Tin trước khi chuyển', 'Tin tiếp theo']);
    await emu.waitForBotMessage(newId, 'Tin trước khi chuyển');
    await emu.waitForBotMessage(newId, 'Tin tiếp theo');
    expect((await row(h, a!)).chatExternalId).toBe(String(newId));
    expect((await row(h, b!)).chatExternalId).toBe(String(newId));
    expect(sendCalls(emu, chat.id)).toHaveLength(2); // the link confirmation, then the one 400

    const linked = await eventually(() => h.app.db.prisma.chat.findFirst({ where: { communeCode: '11980' } }), 'linked chat');
    expect(linked.externalId).toBe(String(newId));
    expect(linked.role).toBe('commune');

    // Later messages go straight to the new id, and reports from the supergroup still count.
    await queueMessages(h, linked.externalId, ['Tin sau khi chuyển']);
    await emu.waitForBotMessage(newId, 'Tin sau khi chuyển');
    await emu.sendUserMessage({ chatId: newId, userId: ADMIN_ID, text: '/baocao Đường vào trường học bị ngập' });
    const receipt = await emu.waitForBotMessage(newId, /HY-\d{4}/);
    const code = /HY-\d{4}/.exec(receipt.text!)![0];
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    expect(ticket.communeCode).toBe('11980');
    expect(sendCalls(emu, chat.id)).toHaveLength(2);
  });

  it('merges the link into the supergroup row when the upgrade reached the bot before any send', async () => {
    const chat = await communeGroup('11983', /Sơn Nam/);
    await emu.sendUserMessage({ chatId: chat.id, userId: ADMIN_ID, text: '/baocao Cầu dân sinh xuống cấp' });
    const receipt = await emu.waitForBotMessage(chat.id, /HY-\d{4}/);
    const code = /HY-\d{4}/.exec(receipt.text!)![0];

    const { toChatId } = await emu.migrateChat(chat.id);
    // The supergroup's service message makes the app record the new chat (unlinked) first.
    await eventually(() => h.app.db.prisma.chat.findFirst({ where: { externalId: String(toChatId) } }), 'supergroup recorded');

    // Something addressed to the old id (written before the app knew) still arrives.
    await queueMessages(h, chat.id, ['Phiếu đã được chuyển sở']);
    await emu.waitForBotMessage(toChatId, 'Phiếu đã được chuyển sở');
    const rows = await h.app.db.prisma.chat.findMany({ where: { OR: [{ externalId: String(toChatId) }, { communeCode: '11983' }] } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ externalId: String(toChatId), role: 'commune', active: true });
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code }, include: { sourceChat: true } });
    expect(ticket.sourceChat?.externalId).toBe(String(toChatId));
  });

  it('retries a 5xx answer with backoff and delivers once', async () => {
    const chat = await group();
    await emu.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, { chatId: chat.id });
    await emu.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, { chatId: chat.id, rawBody: '<html><body>502 Bad Gateway</body></html>' });
    const [id] = await queueMessages(h, chat.id, ['Sau lỗi máy chủ']);
    await emu.waitForBotMessage(chat.id, 'Sau lỗi máy chủ', 15_000);
    const calls = sendCalls(emu, chat.id);
    expect(calls).toHaveLength(3);
    console.info(`[outbox] 5xx backoff: retries ${calls[1]!.at - calls[0]!.at} ms and ${calls[2]!.at - calls[1]!.at} ms apart`);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThan(calls[1]!.at - calls[0]!.at); // exponential
    await eventually(async () => (await row(h, id!)).status === 'sent', 'row sent');
    expect(texts(emu, chat.id)).toEqual(['Sau lỗi máy chủ']);
  });

  it('retries a dropped connection: once if it was dropped before Telegram acted, at most twice after', async () => {
    const before = await group();
    const after = await group();
    await emu.dropConnectionNext('sendMessage', { chatId: before.id });
    await emu.dropConnectionNext('sendMessage', { chatId: after.id, afterProcessing: true });
    const [x] = await queueMessages(h, before.id, ['Mất kết nối trước']);
    const [y] = await queueMessages(h, after.id, ['Mất kết nối sau']);
    await eventually(async () => (await row(h, x!)).status === 'sent' && (await row(h, y!)).status === 'sent', 'both sent', 15_000);
    expect(texts(emu, before.id)).toEqual(['Mất kết nối trước']);
    // Sent, but the bot never heard back: the one retry may make one duplicate, never more.
    expect(texts(emu, after.id)).toEqual(['Mất kết nối sau', 'Mất kết nối sau']);
    await new Promise((r) => setTimeout(r, 500));
    expect(sendCalls(emu, after.id)).toHaveLength(2);
  });

  it('never loops on unknown outcomes: after two it stops, keeps the row as failed and tells the admins', async () => {
    const chat = await group();
    await emu.dropConnectionNext('sendMessage', { chatId: chat.id, afterProcessing: true, times: 5 });
    const [id] = await queueMessages(h, chat.id, ['Không rõ đã gửi chưa']);
    await eventually(async () => (await row(h, id!)).status === 'failed', 'row failed', 15_000);
    await eventually(async () => noticesAbout(chat.id).length === 1, 'admin notice');
    expect((await row(h, id!)).lastError).toMatch(/may have arrived/);
    expect(sendCalls(emu, chat.id)).toHaveLength(2);
    expect(emu.botMessages(chat.id).length).toBeLessThanOrEqual(2);
  });

  it('treats a timeout as an unknown outcome: retried, delivered, at most one duplicate', async () => {
    const slow = await group();
    const slowAfter = await group();
    // The client gives up after BOT_API_TIMEOUT_SECONDS=1; Telegram still acts on the request.
    await emu.delayNext('sendMessage', 2_500, { chatId: slow.id });
    await emu.delayNext('sendMessage', 2_500, { chatId: slowAfter.id, afterProcessing: true });
    const [a] = await queueMessages(h, slow.id, ['Máy chủ chậm']);
    const [b] = await queueMessages(h, slowAfter.id, ['Trả lời chậm']);
    await eventually(async () => (await row(h, a!)).status === 'sent' && (await row(h, b!)).status === 'sent', 'both sent', 15_000);
    for (const chat of [slow, slowAfter]) {
      const calls = sendCalls(emu, chat.id);
      expect(calls).toHaveLength(2);
      expect(emu.botMessages(chat.id).length).toBeGreaterThanOrEqual(1);
      expect(emu.botMessages(chat.id).length).toBeLessThanOrEqual(2);
    }
    expect((await row(h, a!)).attempts).toBe(2);
  });

  it('never drops a message silently: the final failed attempt leaves a failed row with the reason and tells the admins', async () => {
    const chat = await group();
    await emu.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, { chatId: chat.id, times: 10 });
    const [id] = await queueMessages(h, chat.id, ['Tin không bao giờ tới'], { enqueue: false });
    // Two attempts instead of twelve, so the test does not wait for the full backoff.
    await h.app.queues.outbox.add(JOB.send, { outboxId: id!.toString() }, { jobId: h.app.queues.outboxJobId(id!), attempts: 2, backoff: { type: 'fixed', delay: 200 } });
    await eventually(async () => (await row(h, id!)).status === 'failed', 'row failed');
    const failed = await row(h, id!);
    expect(failed.lastError).toMatch(/gave up after 2 attempts.*500/);
    await eventually(async () => noticesAbout(chat.id).length === 1, 'admin notice');
    expect(noticesAbout(chat.id)[0]).toContain('test');
    expect(sendCalls(emu, chat.id)).toHaveLength(2);
  });

  it('shows 10 000 characters of hostile text literally, in messages Telegram accepts', async () => {
    const commune = await communeGroup('11995', /Đại Đồng/);
    const support = await emu.createChat({ type: 'group', title: 'Tổ công tác' });
    await emu.sendUserMessage({ chatId: support.id, userId: ADMIN_ID, text: '/lienket tocongtac' });
    await emu.waitForBotMessage(support.id, /tổ công tác/);
    const line = 'Báo cáo <b>đậm</b> & </code> <i>nghiêng 😀👍🏽 và עברית مرحبا ‏RTL‏\n';
    const hostile = line.repeat(Math.ceil(10_000 / line.length)).slice(0, 10_000);
    expect(hostile.length).toBe(10_000);

    const callsBefore = emu.calls().length;
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: `/baocao ${hostile}` });
    const receipt = await emu.waitForBotMessage(commune.id, /HY-\d{4}/);
    const code = /HY-\d{4}/.exec(receipt.text!)![0];
    const card = await emu.waitForBotMessage(support.id, code);
    expect(card.text).toContain('Báo cáo <b>đậm</b> & </code> <i>nghiêng 😀👍🏽 và עברית');
    const ticket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code } });
    expect(ticket.text).toBe(hostile.trim());

    // The whole text echoed back (as an answer relay does) is split at Telegram's limit, in order.
    const shown = emu.botMessages(commune.id).length;
    const ids = await queueMessages(h, commune.id, [`<b>${code}</b>\n${escapeHtml(hostile)}`]);
    expect(ids.length).toBeGreaterThan(2);
    await eventually(async () => (await h.app.db.prisma.outboundMessage.count({ where: { id: { in: ids }, status: 'sent' } })) === ids.length, 'every part sent', 20_000);
    const parts = emu.botMessages(commune.id).slice(shown).map((m) => m.text ?? '');
    console.info(`[outbox] 10 000 hostile characters: ${ids.length} outbox rows, ${parts.length} Telegram messages of ${parts.map((p) => p.length).join(', ')} UTF-16 units`);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096); // UTF-16 code units, as Telegram counts
    expect(parts.join('').replace(/\s+/g, '')).toBe(`${code}${hostile}`.replace(/\s+/g, ''));

    const rejected = emu.calls().slice(callsBefore).filter((c) => c.method !== 'getUpdates' && c.ok === false);
    expect(rejected.map((c) => `${c.method} ${c.error_code} ${c.description}`)).toEqual([]);
    for (const m of [...emu.botMessages(commune.id), ...emu.botMessages(support.id)]) expect((m.text ?? '').length).toBeLessThanOrEqual(4096);
  });
});

describe('per-chat pacing across two processes (shared PostgreSQL and Redis)', () => {
  let emu: BotApiEmulator;
  let a: TestAppHandle;
  let b: TestAppHandle;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    a = await startTestApp({ apiRoot: emu.apiRoot, env: { SEND_CHAT_INTERVAL_MS: '300' } });
    // A second replica running only workers, on the same database and the same queues.
    b = await startTestApp({ apiRoot: emu.apiRoot, db: a.db, env: { QUEUE_PREFIX: a.env.QUEUE_PREFIX!, SEND_CHAT_INTERVAL_MS: '300', ROLE: 'worker' } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await emu?.close();
  });

  it('keeps 300 ms between messages to one chat and their order, whichever process sends them', async () => {
    const chat = await emu.createChat({ type: 'group', title: 'Nhóm nhận nhiều tin' });
    const bodies = Array.from({ length: 10 }, (_, i) => `Tin số ${i + 1}`);
    // Half written and enqueued by each process.
    await queueMessages(a, chat.id, bodies.slice(0, 5));
    await queueMessages(b, chat.id, bodies.slice(5));
    await eventually(async () => emu.botMessages(chat.id).length === 10, 'ten messages', 20_000);
    expect(texts(emu, chat.id)).toEqual(bodies);

    const at = sendCalls(emu, chat.id).map((c) => c.at);
    expect(at).toHaveLength(10);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const done = async (h: TestAppHandle) => (await h.app.metrics.jobsCompleted.get()).values.find((v) => v.labels.queue === 'outbox')?.value ?? 0;
    console.info(`[outbox] pacing 300 ms across 2 processes: gaps ${gaps.join(', ')} ms (min ${Math.min(...gaps)}); jobs completed by A ${await done(a)}, by B ${await done(b)}`);
    // The next slot counts from the answer to the previous call, so the server never sees less.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(299);
  });
});
