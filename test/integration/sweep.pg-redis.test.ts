import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../src/core/outbox-writer.js';
import { startBotApiEmulator, type BotApiEmulator, type TgChat } from '../../tools/telegram-emulator/index.js';
import { JOB, outboxJobId } from '../../src/queues/names.js';
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
    const [id] = await h.app.db.prisma.$transaction(async (tx) => {
      const out = new OutboxWriter(tx, h.app.channels, new Date());
      await out.send({ platform: 'telegram', externalId: String(commune.id) }, { html: 'Tin được gửi lại sau khi hàng đợi bỏ cuộc' }, { purpose: 'test' });
      return out.created;
    });
    await h.app.queues.outbox.add(JOB.send, { outboxId: id!.toString() }, { jobId: h.app.queues.outboxJobId(id!), attempts: 1 });
    const job = await eventually(async () => {
      const j = await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(id!));
      return j && (await j.isFailed()) ? j : undefined;
    }, 'job failed for good');
    expect(job.attemptsMade).toBe(1);
    await eventually(async () => (await h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id: id! } })).status === 'failed', 'row failed');
    // As if the process died before recording the failure: the row still says pending.
    await h.app.db.prisma.outboundMessage.update({ where: { id: id! }, data: { status: 'pending' } });

    await emu.waitForBotMessage(commune.id, 'Tin được gửi lại sau khi hàng đợi bỏ cuộc', 10_000);
    await eventually(async () => (await h.app.db.prisma.outboundMessage.findUniqueOrThrow({ where: { id: id! } })).status === 'sent', 'row sent');
  });
});
