import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../src/core/outbox-writer.js';
import { startBotApiEmulator, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { createLogger } from '../../src/logger.js';
import { JOB, outboxJobId } from '../../src/queues/names.js';
import { createSweepProcessor } from '../../src/workers/sweep.worker.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// The sweep finds work the database holds but Redis lost, and work whose job BullMQ gave up on
// before the failure could be written down.

describe('the sweep (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let commune: TgChat;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { SWEEP_EVERY_MS: '1000', SWEEP_GRACE_MS: '500' } });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    commune = await emu.createChat({ type: 'group', title: 'UBND xã Mễ Sở' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 12049' });
    await emu.waitForBotMessage(commune.id, /Mễ Sở/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  /** A message written as application code writes one (not enqueued): its row's id. */
  async function writeMessage(chatId: number, html: string): Promise<bigint> {
    const [id] = await h.app.db.prisma.$transaction(async (tx) => {
      const out = new OutboxWriter(tx, h.app.channels, new Date());
      await out.send({ platform: 'telegram', externalId: String(chatId) }, { html }, { purpose: 'test' });
      return out.created;
    });
    return id!;
  }

  /** One sweep now, taking every stored row as old enough. */
  const sweepNow = () => createSweepProcessor({ prisma: h.app.db.prisma, queues: h.app.queues, logger: createLogger('silent'), graceMs: 0 })();

  it('files a stored update whose job never reached Redis', async () => {
    const text = 'Báo cáo đã lưu nhưng chưa vào hàng đợi';
    // Stored, then the process died before enqueueing: only the database knows.
    await h.app.db.prisma.inboundUpdate.create({
      data: {
        platform: 'telegram',
        updateId: '880001',
        payload: {
          update_id: 880_001,
          message: {
            message_id: 880_001,
            date: Math.floor(Date.now() / 1000),
            chat: { id: commune.id, type: 'group', title: commune.title },
            from: { id: ADMIN_ID, is_bot: false, first_name: 'Quản trị' },
            text: `/baocao ${text}`,
            entities: [{ type: 'bot_command', offset: 0, length: 7 }],
          },
        },
      },
    });
    const ticket = await eventually(() => h.app.db.prisma.ticket.findFirst({ where: { text } }), 'ticket filed by the sweep');
    await emu.waitForBotMessage(commune.id, ticket.code);
  });

  it('sends a message whose job never reached Redis', async () => {
    await h.app.db.prisma.$transaction((tx) => new OutboxWriter(tx, h.app.channels, new Date()).send({ platform: 'telegram', externalId: String(commune.id) }, { html: 'Tin chỉ có trong cơ sở dữ liệu' }));
    await emu.waitForBotMessage(commune.id, 'Tin chỉ có trong cơ sở dữ liệu', 10_000);
  });

  it('gives a job BullMQ failed one more run when its row still says the work is due', async () => {
    await emu.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, { chatId: commune.id });
    const id = await writeMessage(commune.id, 'Tin được gửi lại sau khi hàng đợi bỏ cuộc');
    await h.app.queues.outbox.add(JOB.send, { outboxId: id.toString() }, { jobId: h.app.queues.outboxJobId(id), attempts: 1 });
    const job = await eventually(async () => {
      const j = await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(id));
      return j && (await j.isFailed()) ? j : undefined;
    }, 'job failed for good');
    expect(job.attemptsMade).toBe(1);
    await eventually(async () => (await h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id } })).status === 'failed', 'row failed');
    // As if the process died before recording the failure: the row still says pending.
    await h.app.db.prisma.outboundMessage.update({ where: { id }, data: { status: 'pending' } });

    await emu.waitForBotMessage(commune.id, 'Tin được gửi lại sau khi hàng đợi bỏ cuộc', 10_000);
    await eventually(async () => (await h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id } })).status === 'sent', 'row sent');
  });

  it('leaves a message whose job is waiting in Redis alone, however long it has been due', async () => {
    // In a burst, replies wait a minute or more for their turn, each with its job: not lost.
    const chat = await emu.createChat({ type: 'group', title: 'UBND xã chờ lượt' });
    const text = 'Tin đang chờ lượt của nó';
    const id = await writeMessage(chat.id, text);
    const jobId = h.app.queues.outboxJobId(id);
    await h.app.queues.outbox.add(JOB.send, { outboxId: id.toString() }, { jobId, delay: 600_000 });
    await h.app.db.prisma.outboundMessage.update({ where: { id }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
    await sweepNow();
    await sweepNow();
    // Not woken, not added to its chat's line a second time: still waiting for its own turn.
    expect(await (await h.app.queues.outbox.getJob(jobId))!.isDelayed()).toBe(true);
    expect(await h.app.queues.connection.lrange(`${h.app.config.QUEUE_PREFIX}:line:${h.app.queues.database}:telegram:${chat.id}`, 0, -1)).toEqual([]);
    expect(emu.botMessages(chat.id)).toHaveLength(0);
    await h.app.queues.outbox.backend.promote(jobId);
    await emu.waitForBotMessage(chat.id, text, 10_000);
  });

  it('gives a finished job another run when its row still says due, and what was sent is not sent again', async () => {
    const chat = await emu.createChat({ type: 'group', title: 'UBND xã mất bản ghi' });
    const text = 'Tin đã gửi nhưng bản ghi bị mất';
    const id = await writeMessage(chat.id, text);
    await h.app.queues.enqueueOutbox([id]);
    await emu.waitForBotMessage(chat.id, text, 10_000);
    const jobId = h.app.queues.outboxJobId(id);
    await eventually(async () => ((await h.app.queues.outbox.getJob(jobId))?.finishedOn ? true : undefined), 'job completed');
    await eventually(async () => (await h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id } })).status === 'sent' || undefined, 'row sent');
    // As if the process died before its record of the send reached the database.
    await h.app.db.prisma.outboundMessage.update({ where: { id }, data: { status: 'pending', sentAt: null, sentMessageId: null, createdAt: new Date(Date.now() - 3_600_000) } });
    const first = await sweepNow();
    expect(first.revived).toBeGreaterThanOrEqual(1);
    const sent = await eventually(async () => {
      const r = await h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id } });
      return r.status === 'sent' ? r : undefined;
    }, 'row sent again');
    expect(sent.sentMessageId).toBe(String(emu.botMessages(chat.id)[0]!.message_id));
    expect(emu.botMessages(chat.id).map((m) => m.text)).toEqual([text]);
  });
});
