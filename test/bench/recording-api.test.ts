import { Api, InputFile } from 'grammy';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommittedTicket } from '../../tools/bench/load/database.js';
import { RecordingBotApi } from '../../tools/bench/load/recording-api.js';
import { ReportTracker } from '../../tools/bench/load/tracker.js';

const TOKEN = '7000000001:BENCH-token-for-the-load-benchmark';

describe('the recording Bot API server', () => {
  let server: RecordingBotApi;
  let api: Api;

  beforeEach(async () => {
    server = await RecordingBotApi.start();
    api = new Api(TOKEN, { apiRoot: server.url });
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers what a bot needs at boot', async () => {
    const me = await api.getMe();
    expect(me.is_bot).toBe(true);
    expect(me.username).toBeTruthy();
    await expect(api.setWebhook('http://127.0.0.1:1/webhook/telegram', { secret_token: 'x'.repeat(20) })).resolves.toBe(true);
    await expect(api.setMyCommands([{ command: 'baocao', description: 'Gửi kiến nghị' }])).resolves.toBe(true);
    await expect(api.deleteWebhook()).resolves.toBe(true);
    expect(server.calls.map((c) => c.method)).toEqual(['getMe', 'setWebhook', 'setMyCommands', 'deleteWebhook']);
  });

  it('gives increasing message ids and records chat, text, reply target and arrival time', async () => {
    const before = performance.now();
    const a = await api.sendMessage(-100, 'Đã tiếp nhận kiến nghị, mã phiếu <b>HY-0001</b>', { parse_mode: 'HTML', reply_parameters: { message_id: 42 } });
    const b = await api.sendMessage(555, 'chào');
    expect(b.message_id).toBeGreaterThan(a.message_id);
    expect(a.chat.id).toBe(-100);
    const [first, second] = server.calls;
    expect(first).toMatchObject({ method: 'sendMessage', chatId: '-100', text: 'Đã tiếp nhận kiến nghị, mã phiếu <b>HY-0001</b>', replyTo: 42, messageId: a.message_id });
    expect(second).toMatchObject({ chatId: '555', replyTo: null, messageId: b.message_id });
    expect(first!.t).toBeGreaterThanOrEqual(before);
    expect(second!.t).toBeGreaterThanOrEqual(first!.t);
  });

  it('records edits with the edited message id, and uploads with their caption', async () => {
    const sent = await api.sendMessage(-7, 'thẻ');
    const edited = await api.editMessageText(-7, sent.message_id, 'thẻ đã sửa');
    expect(edited).toMatchObject({ message_id: sent.message_id });
    const doc = await api.sendDocument(-7, new InputFile(Buffer.from('xlsx bytes'), 'bao-cao.xlsx'), { caption: 'Báo cáo HY-0002' });
    expect(doc.document?.file_id).toBeTruthy();
    await api.answerCallbackQuery('cb-1', { text: 'ok' });
    expect(server.calls.slice(1).map((c) => [c.method, c.chatId, c.text, c.messageId])).toEqual([
      ['editMessageText', '-7', 'thẻ đã sửa', sent.message_id],
      ['sendDocument', '-7', 'Báo cáo HY-0002', doc.message_id],
      ['answerCallbackQuery', null, 'ok', null],
    ]);
  });

  it('lets the benchmark wait for a call that has not happened yet', async () => {
    const waiting = server.waitFor((c) => c.chatId === '-9', 5000);
    await api.sendMessage(-8, 'khác');
    await api.sendMessage(-9, 'đây rồi');
    await expect(waiting).resolves.toMatchObject({ text: 'đây rồi' });
    await expect(server.waitFor((c) => c.chatId === '-10', 50, 'a message to -10')).rejects.toThrow('no a message to -10 within 50 ms');
  });

  it('feeds receipts to the report tracker, matched by reply target or else by order', async () => {
    const tracker = new ReportTracker(new Map([['row-a', '-1']]));
    server.onCall((c) => tracker.onCall(c));
    const r1 = tracker.add('ack', '-1', 10);
    const r2 = tracker.add('ack', '-1', 11);
    const r3 = tracker.add('ack', '-2', 5);
    // The second report's receipt comes first, replying to it; the third chat's names no target.
    await api.sendMessage(-1, 'Đã tiếp nhận kiến nghị, mã phiếu <b>HY-0002</b>', { reply_parameters: { message_id: 11 } });
    await api.sendMessage(-1, 'Tin khác không có mã', { reply_parameters: { message_id: 10 } });
    await api.sendMessage(-2, 'Đã tiếp nhận kiến nghị, mã phiếu HY-0003');
    expect(r2).toMatchObject({ code: 'HY-0002' });
    expect(r2.ackAt).not.toBeNull();
    expect(r1.ackAt).toBeNull();
    expect(r3).toMatchObject({ code: 'HY-0003' });

    const commit: CommittedTicket = { chatRowId: 'row-a', messageId: '10', code: 'HY-0001', t: performance.now() };
    tracker.onTicket(commit);
    tracker.onTicket({ ...commit, t: commit.t + 5 });
    expect(r1).toMatchObject({ committedAt: commit.t, code: 'HY-0001' });
    tracker.onTicket({ chatRowId: 'row-b', messageId: '5', code: 'HY-0003', t: commit.t + 9 });
    expect(tracker.orphanCount).toBe(1);
    tracker.updateChats(new Map([['row-a', '-1'], ['row-b', '-2']]));
    expect(tracker.orphanCount).toBe(0);
    expect(r3.committedAt).toBe(commit.t + 9);
  });

  it('credits a message naming several new codes to each report whose code it names, also when it comes before a commit was seen', async () => {
    const tracker = new ReportTracker(new Map([['row-c', '-3']]));
    server.onCall((c) => tracker.onCall(c));
    const [a, b, c] = [20, 21, 22].map((m) => tracker.add('burst', '-3', m));
    const t0 = performance.now();
    tracker.onTicket({ chatRowId: 'row-c', messageId: '20', code: 'HY-0020', t: t0 });
    tracker.onTicket({ chatRowId: 'row-c', messageId: '21', code: 'HY-0021', t: t0 });
    await api.sendMessage(-3, 'Đã tiếp nhận kiến nghị, mã phiếu <b>HY-0020</b>. Xem tình trạng: /phieu HY-0020', { reply_parameters: { message_id: 20 } });
    expect(a!.ackAt).not.toBeNull();
    // The next receipt gives two codes, one of whose ticket commits is seen only afterwards.
    await api.sendMessage(-3, 'Đã tiếp nhận 2 kiến nghị, mã phiếu:\n• <b>HY-0021</b> — một\n• <b>HY-0022</b> — hai\nví dụ /phieu HY-0021', { reply_parameters: { message_id: 21 } });
    expect(b).toMatchObject({ code: 'HY-0021' });
    expect(b!.ackAt).not.toBeNull();
    expect(c!.ackAt).toBeNull();
    tracker.onTicket({ chatRowId: 'row-c', messageId: '22', code: 'HY-0022', t: t0 + 1 });
    expect(c!.ackAt).toBe(b!.ackAt);
    expect(tracker.unmatchedReceipts).toBe(0);
  });
});
