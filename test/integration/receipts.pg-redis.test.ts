import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { adminDirectory } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxFailureHandler, type OutboxDeps } from '../../src/workers/outbox.worker.js';
import { foldReceipts, RECEIPT_PURPOSE } from '../../src/core/receipts.js';
import { createTicket } from '../../src/core/tickets.js';
import { createTranslator } from '../../src/i18n/index.js';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';

// Reports sent in a row from one chat: the receipts waiting their turn in the chat's line (one
// message a second per chat) go out together, one message naming every code with the start of its
// report, instead of one a second.

const CODE = /HY-\d{4}/g;

describe('receipts of reports waiting in one chat (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { REPORT_FLOOD_LIMIT: '1000', SEND_CHAT_INTERVAL_MS: '1000' } });
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  async function linkedCommune(title: string, commune: string): Promise<number> {
    const chat = (await emu.createChat({ type: 'group', title })).id;
    await emu.sendUserMessage({ chatId: chat, userId: ADMIN_ID, text: `/lienket xa ${commune}` });
    await emu.waitForBotMessage(chat, /liên kết|Đã/);
    return chat;
  }

  /** The chat's receipt rows, each with its ticket's code. */
  async function receiptRows(chat: number) {
    const rows = await h.app.db.prisma.outboundMessage.findMany({ where: { chatExternalId: String(chat), purpose: RECEIPT_PURPOSE }, orderBy: { id: 'asc' } });
    const tickets = await h.app.db.prisma.ticket.findMany({ where: { id: { in: rows.map((r) => r.ticketId!) } }, select: { id: true, code: true } });
    return rows.map((r) => ({ ...r, code: tickets.find((t) => t.id === r.ticketId)!.code }));
  }

  it('gives every code once, several to a message, each with the start of its report, replying to the first', async () => {
    const chat = await linkedCommune('Xã Tân Tiến', '12004');
    const official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    const before = emu.botMessages(chat).length;
    const count = 12;
    // The first receipt takes the platform a while to accept: the others are written meanwhile and wait behind it.
    await emu.delayNext('sendMessage', 3_000, { chatId: chat });
    await Promise.all(
      Array.from({ length: count }, (_, i) => emu.sendUserMessage({ chatId: chat, userId: official, text: `/baocao Kiến nghị thứ ${i + 1}: thiếu máy tính ở bộ phận một cửa` })),
    );
    await eventually(async () => (await receiptRows(chat)).length === count || undefined, 'every report a ticket and a receipt', 20_000);
    await eventually(async () => (await receiptRows(chat)).every((r) => r.status === 'sent') || undefined, 'every receipt delivered', 20_000);
    const rows = await receiptRows(chat);
    const codes = rows.map((r) => r.code);
    const messages = emu.botMessages(chat).slice(before);

    // Each code is named in exactly one message; fewer messages than reports.
    for (const code of codes) expect(messages.filter((m) => (m.text ?? '').includes(code)), code).toHaveLength(1);
    expect(messages.length).toBeLessThan(count);
    const together = messages.find((m) => new Set((m.text ?? '').match(CODE)).size > 1)!;
    expect(together.text).toMatch(/^Đã tiếp nhận \d+ kiến nghị, mã phiếu:/);
    expect(together.text).toContain('thiếu máy tính');
    expect(together.text).toMatch(/Xem tình trạng: \/phieu <mã phiếu>, ví dụ \/phieu HY-\d{4}/);
    // It answers the first report it gives a code for.
    const first = together.text!.match(CODE)![0]!;
    const firstTicket = await h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: first }, select: { sourceMessageId: true } });
    expect(String(together.reply_to_message?.message_id)).toBe(firstTicket.sourceMessageId);

    // The receipts given with another are on record as delivered with it, and never had a job.
    const folded = rows.filter((r) => (r.payload as { foldedInto?: string }).foldedInto);
    expect(folded.length).toBeGreaterThan(0);
    for (const r of folded) {
      const into = rows.find((x) => x.id.toString() === (r.payload as { foldedInto: string }).foldedInto)!;
      expect((into.payload as { folded?: string[] }).folded).toContain(r.id.toString());
      expect(await h.app.queues.outbox.getJob(h.app.queues.outboxJobId(r.id))).toBeUndefined();
    }
  });

  it('a message of receipts the platform refuses for good fails every receipt it was to give, and nothing is sent twice', async () => {
    const chat = await linkedCommune('Xã Tân Hưng', '11977');
    const official = (await emu.createUser({ first_name: 'Cán bộ xã' })).id;
    const before = emu.botMessages(chat).length;
    // The first report's receipt goes at once (and the platform takes a while to answer it); the
    // next ones wait behind it, then the chat's second.
    // (Delayed after it took effect: a failure set meanwhile is for the next call, not this one.)
    await emu.delayNext('sendMessage', 6_000, { chatId: chat, afterProcessing: true });
    await emu.sendUserMessage({ chatId: chat, userId: official, text: '/baocao Kiến nghị đầu tiên về rác thải' });
    const receiptCall = (c: { params: Record<string, unknown> }) => String(c.params.chat_id) === String(chat) && String(c.params.text).includes('mã phiếu');
    await eventually(async () => emu.calls('sendMessage').some(receiptCall) || undefined, 'the first receipt on its way', 20_000);
    await emu.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message is too long' }, { chatId: chat, times: 1 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => emu.sendUserMessage({ chatId: chat, userId: official, text: `/baocao Kiến nghị ${i + 2} về rác thải` })));
    // All five are on record while the first is still at the platform: they wait behind it together.
    await eventually(async () => (await receiptRows(chat)).length === 6 || undefined, 'six receipts written', 20_000);
    await eventually(async () => {
      const rows = await receiptRows(chat);
      return (rows.length === 6 && rows.every((r) => r.status === 'sent' || r.status === 'failed')) || undefined;
    }, 'every receipt delivered or failed', 20_000);
    const rows = await receiptRows(chat);
    const failed = rows.filter((r) => r.status === 'failed');
    // The refused message gave several: each of them failed with it, none is shown as delivered.
    expect(failed.length).toBeGreaterThan(1);
    expect(failed.filter((r) => (r.payload as { foldedInto?: string }).foldedInto).length).toBe(failed.length - 1);
    const texts = emu.botMessages(chat).slice(before).map((m) => m.text ?? '');
    for (const r of failed) expect(texts.some((t) => t.includes(r.code)), r.code).toBe(false);
    for (const r of rows.filter((x) => x.status === 'sent')) expect(texts.filter((t) => t.includes(r.code)), r.code).toHaveLength(1);
  });

  it("folds in one statement: only the chat's waiting receipts, the same again for a head folded before, nothing for a head no longer due", async () => {
    const prisma = h.app.db.prisma;
    const now = h.app.clock();
    const person = await prisma.person.create({ data: { platform: 'telegram', externalUserId: `f${randomBytes(4).toString('hex')}`, displayName: 'Cán bộ xã' } });
    const newChat = async () => {
      const externalId = `-77${randomBytes(3).readUIntBE(0, 3)}`;
      const row = await prisma.chat.create({ data: { platform: 'telegram', externalId, kind: 'group', role: 'commune', communeCode: '11953', title: 'Phường Phố Hiến' } });
      return { row, address: { platform: 'telegram' as const, externalId } };
    };
    const [here, elsewhere] = [await newChat(), await newChat()];
    const receipt = async (where: typeof here, text: string, messageId: string) => {
      const ticket = await prisma.$transaction((tx) =>
        createTicket(tx, { prefix: 'HY', communeCode: '11953', reporterId: person.id, sourceChatId: where.row.id, sourceMessageId: messageId, text, platform: 'telegram', attachments: [], actorLabel: 'Cán bộ xã', now }),
      );
      const content = { text: `Đã tiếp nhận kiến nghị, mã phiếu <b>${ticket.code}</b>`, replyToMessageId: messageId };
      const row = await prisma.outboundMessage.create({
        data: { platform: 'telegram', chatExternalId: where.address.externalId, method: 'send', payload: { op: 'send', content }, purpose: RECEIPT_PURPOSE, ticketId: ticket.id },
      });
      return { id: row.id, replyToMessageId: messageId, code: ticket.code };
    };
    const caps = h.app.channels.channel('telegram')!.capabilities;
    const vi = () => createTranslator('vi');
    const fold = (head: { id: bigint; replyToMessageId: string }, where = here) => foldReceipts(prisma, where.address, head, caps, vi);

    const a = await receipt(here, 'Thiếu cán bộ địa chính', '1');
    // Alone in its chat (another chat's receipt waits, not its own): it gives only its own.
    const other = await receipt(elsewhere, 'Mất mạng ở trung tâm', '9');
    expect(await fold(a)).toBeNull();
    const [b, c] = [await receipt(here, 'Máy chủ một cửa hỏng', '2'), await receipt(here, 'Rác tồn đọng ở chợ', '3')];
    const first = await fold(a);
    if (first === null || first === 'gone') throw new Error(`expected a fold, got ${first}`);
    expect(first.absorbed).toEqual([b.id, c.id]);
    for (const x of [a, b, c]) expect(first.content.text).toContain(x.code);
    expect(first.content.text).not.toContain(other.code);
    expect(first.content.text).toMatch(/^Đã tiếp nhận 3 kiến nghị, mã phiếu:\n• <b>HY-\d{4}<\/b> — ⁨Thiếu cán bộ địa chính⁩/);
    expect(first.content.replyToMessageId).toBe('1');
    const rowOf = (x: { id: bigint }) => prisma.outboundMessage.findUniqueOrThrow({ where: { id: x.id } });
    const [ra, rb, rc, ro] = [await rowOf(a), await rowOf(b), await rowOf(c), await rowOf(other)];
    expect([ra, rb, rc, ro].map((r) => r.status)).toEqual(['pending', 'sent', 'sent', 'pending']);
    expect((ra.payload as { folded?: string[] }).folded).toEqual([b.id.toString(), c.id.toString()]);
    expect([rb, rc].map((r) => (r.payload as { foldedInto?: string }).foldedInto)).toEqual([a.id.toString(), a.id.toString()]);

    // Its job run again (a retry, or handed back to wait for its slot): the same message, and a
    // receipt committed since stays for its own turn.
    const d = await receipt(here, 'Trường học xuống cấp', '4');
    expect(await fold(a)).toEqual(first);
    expect((await prisma.outboundMessage.findUniqueOrThrow({ where: { id: d.id } })).status).toBe('pending');

    // A head no longer due (given with another message) folds nothing.
    expect(await fold(b)).toBe('gone');
    expect((await prisma.outboundMessage.findUniqueOrThrow({ where: { id: d.id } })).status).toBe('pending');

    // Given up on (every attempt failed): the receipts it was to give fail with it; others stay due.
    const deps = { prisma, config: h.app.config, settings: h.app.settings, logger: createLogger('silent'), queues: h.app.queues, platforms: h.app.channels, admins: adminDirectory(h.app.config), clock: h.app.clock };
    const givenUp = createOutboxFailureHandler(deps as unknown as OutboxDeps);
    await givenUp({ attemptsMade: 12, opts: { attempts: 12 }, data: { outboxId: a.id.toString() } } as unknown as Job, new Error('Bad Gateway'));
    const after = await Promise.all([a, b, c, d, other].map(async (x) => (await prisma.outboundMessage.findUniqueOrThrow({ where: { id: x.id } })).status));
    expect(after).toEqual(['failed', 'failed', 'failed', 'pending', 'pending']);
    expect((await prisma.outboundMessage.findUniqueOrThrow({ where: { id: b.id } })).lastError).toBe(`with ${a.id}: Bad Gateway`);
  });
});
