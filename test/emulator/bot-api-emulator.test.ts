import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator, type BotApiEmulatorOptions, type TgUpdate } from '../../tools/telegram-emulator/index.js';

const TOKEN = '7000000001:TEST-token-for-the-emulator-000';

let emu: BotApiEmulator;
const cleanups: (() => Promise<void> | void)[] = [];

async function start(opts: BotApiEmulatorOptions = {}): Promise<BotApiEmulator> {
  emu = await startBotApiEmulator({ token: TOKEN, ...opts });
  cleanups.push(() => emu.close());
  return emu;
}

function apiBot(): Bot {
  return new Bot(TOKEN, { client: { apiRoot: emu.apiRoot } });
}

async function call(method: string, body: unknown = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${emu.apiRoot}/bot${TOKEN}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function getUpdates(params: Record<string, unknown> = {}): Promise<TgUpdate[]> {
  const { json } = await call('getUpdates', params);
  expect(json['ok'], JSON.stringify(json)).toBe(true);
  return json['result'] as TgUpdate[];
}

async function expectGrammyError(promise: Promise<unknown>): Promise<GrammyError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

/** A group with one user in it. */
async function groupWithUser() {
  const chat = await emu.createChat({ type: 'group', title: 'Xã Tân Hưng' });
  const user = await emu.createUser({ first_name: 'Lan', username: 'lan_tanhung' });
  return { chat, user };
}

/** Starts a grammY bot (long polling) and stops it after the test. */
function runBot(bot: Bot): void {
  void bot.start({ timeout: 1 });
  cleanups.push(() => bot.stop());
}

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('getMe and tokens', () => {
  beforeEach(() => start());

  it('answers getMe with the bot user derived from the token', async () => {
    const me = await apiBot().api.getMe();
    expect(me).toMatchObject({ id: 7000000001, is_bot: true, username: 'thaogo_test_bot' });
  });

  it('refuses another token with 401 and unknown methods with 404', async () => {
    const wrong = new Bot('1:wrong-token', { client: { apiRoot: emu.apiRoot } });
    expect((await expectGrammyError(wrong.api.getMe())).error_code).toBe(401);
    const { status, json } = await call('sendCarrierPigeon', { chat_id: 1 });
    expect(status).toBe(404);
    expect(json).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
  });

  it('accepts urlencoded bodies, query parameters and case-insensitive method names', async () => {
    const { chat } = await groupWithUser();
    const form = await fetch(`${emu.apiRoot}/bot${TOKEN}/sendmessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: String(chat.id),
        text: 'qua form',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'Nhận', callback_data: 'claim:1' }]] }),
      }),
    });
    expect(form.status).toBe(200);
    const query = await fetch(`${emu.apiRoot}/bot${TOKEN}/sendMessage?chat_id=${chat.id}&text=${encodeURIComponent('qua query')}`);
    expect(query.status).toBe(200);
    const sent = emu.botMessages(chat.id);
    expect(sent.map((m) => m.text)).toEqual(['qua form', 'qua query']);
    expect(sent[0]!.reply_markup?.inline_keyboard?.[0]?.[0]?.callback_data).toBe('claim:1');
    expect(emu.calls('sendMessage')).toHaveLength(2);
  });
});

describe('getUpdates', () => {
  it('holds a long poll until an update arrives', async () => {
    await start();
    const { chat, user } = await groupWithUser();
    const started = Date.now();
    const poll = getUpdates({ timeout: 10 });
    setTimeout(() => void emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: 'xin chào' }), 150);
    const updates = await poll;
    const waited = Date.now() - started;
    expect(updates).toHaveLength(1);
    expect(updates[0]!.message?.text).toBe('xin chào');
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(5000);
  });

  it('answers an empty long poll after its timeout', async () => {
    await start();
    const started = Date.now();
    expect(await getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("answers at once in 'immediate' mode", async () => {
    await start({ getUpdatesMode: 'immediate' });
    const started = Date.now();
    expect(await getUpdates({ timeout: 30 })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('confirms updates below offset and keeps the rest', async () => {
    await start();
    const { chat, user } = await groupWithUser();
    for (const text of ['một', 'hai', 'ba']) await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text });
    const all = await getUpdates();
    expect(all.map((u) => u.message?.text)).toEqual(['một', 'hai', 'ba']);
    const ids = all.map((u) => u.update_id);
    expect(ids[1]).toBe(ids[0]! + 1);
    expect((await getUpdates()).length).toBe(3); // not confirmed yet
    expect((await getUpdates({ offset: ids[2] })).map((u) => u.update_id)).toEqual([ids[2]]);
    expect(await getUpdates({ offset: ids[2]! + 1 })).toEqual([]);
    expect(emu.pendingUpdates()).toEqual([]);
    expect(emu.updates()).toHaveLength(3);
  });

  it('honours limit and allowed_updates', async () => {
    await start();
    const { chat, user } = await groupWithUser();
    await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: 'một' });
    await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: 'hai' });
    expect(await getUpdates({ limit: 1 })).toHaveLength(1);
    const sent = await apiBot().api.sendMessage(chat.id, 'bấm', { reply_markup: new InlineKeyboard().text('Nhận', 'claim') });
    await emu.pressButton({ chatId: chat.id, userId: user.id, messageId: sent.message_id, data: 'claim' });
    const onlyCallbacks = await getUpdates({ allowed_updates: ['callback_query'] });
    expect(onlyCallbacks).toHaveLength(1);
    expect(onlyCallbacks[0]!.callback_query?.data).toBe('claim');
  });

  it('ends the older of two concurrent polls with 409', async () => {
    await start();
    const first = call('getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const second = call('getUpdates', { timeout: 0 });
    expect((await first).status).toBe(409);
    expect(((await first).json['description'] as string).startsWith('Conflict: terminated by other getUpdates request')).toBe(true);
    expect((await second).status).toBe(200);
  });

  it('feeds a real grammY bot: a command is answered with HTML', async () => {
    await start();
    const { chat, user } = await groupWithUser();
    const bot = apiBot();
    bot.command('trogiup', (ctx) => ctx.reply(`<b>Trợ giúp</b> cho ${ctx.from?.first_name ?? ''}`, { parse_mode: 'HTML' }));
    runBot(bot);
    const { message } = await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: '/trogiup@thaogo_test_bot' });
    expect(message.entities).toEqual([{ type: 'bot_command', offset: 0, length: '/trogiup@thaogo_test_bot'.length }]);
    const reply = await emu.waitForBotMessage(chat.id);
    expect(reply.text).toBe('Trợ giúp cho Lan');
    expect(reply.entities).toEqual([{ type: 'bold', offset: 0, length: 8 }]);
    expect(reply.source).toEqual({ text: '<b>Trợ giúp</b> cho Lan', parse_mode: 'HTML' });
    expect(reply.from?.id).toBe(emu.botUser.id);
  });
});

describe('webhooks', () => {
  let hookServer: Server;
  let received: { headers: IncomingHttpHeaders; body: TgUpdate }[];
  let statuses: number[];

  beforeEach(async () => {
    await start({ webhookRetryDelayMs: 50 });
    received = [];
    statuses = [];
    hookServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as TgUpdate });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => hookServer.close(() => resolve())));
  });

  const hookUrl = () => `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/webhook/telegram`;

  it('POSTs updates with the secret header, retries after a 500, and blocks getUpdates', async () => {
    const { chat, user } = await groupWithUser();
    const api = apiBot().api;
    await api.setWebhook(hookUrl(), { secret_token: 'webhook-secret-123' });
    expect(emu.webhook()).toEqual({ url: hookUrl(), secretToken: 'webhook-secret-123' });
    statuses.push(500);
    const { update_id } = await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: '/baocao đường hỏng' });
    await expect.poll(() => received.length, { timeout: 3000 }).toBe(2);
    expect(received.map((r) => r.body.update_id)).toEqual([update_id, update_id]);
    expect(received[0]!.headers['x-telegram-bot-api-secret-token']).toBe('webhook-secret-123');
    expect(received[1]!.body.message?.text).toBe('/baocao đường hỏng');
    expect(emu.webhookDeliveries().map((d) => d.status)).toEqual([500, 200]);
    await expect.poll(() => emu.pendingUpdates().length).toBe(0);

    const info = await api.getWebhookInfo();
    expect(info.url).toBe(hookUrl());
    expect(info.last_error_message).toContain('500');
    const conflict = await call('getUpdates');
    expect(conflict.status).toBe(409);

    await api.deleteWebhook();
    await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: 'sau webhook' });
    expect((await getUpdates()).map((u) => u.message?.text)).toEqual(['sau webhook']);
  });

  it('executes a method returned in the webhook answer body', async () => {
    const { chat, user } = await groupWithUser();
    hookServer.removeAllListeners('request');
    hookServer.on('request', (req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: 'sendMessage', chat_id: chat.id, text: 'trả lời qua webhook' }));
      });
    });
    await apiBot().api.setWebhook(hookUrl());
    await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: 'hi' });
    const reply = await emu.waitForBotMessage(chat.id);
    expect(reply.text).toBe('trả lời qua webhook');
    expect(emu.calls('sendMessage')[0]?.viaWebhookReply).toBe(true);
  });
});

describe('sendMessage', () => {
  beforeEach(() => start());

  it('parses good HTML into text and entities, escaped user text included', async () => {
    const { chat } = await groupWithUser();
    const userText = '<b> & </code> 😀 مرحبا';
    const escaped = userText.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const html = `<b>HY-0001</b> <i>nội dung:</i> <a href="https://example.org/?a=1&amp;b=2">link</a>\n<code>${escaped}</code> &#128512; &quot;x&quot;`;
    const sent = await apiBot().api.sendMessage(chat.id, html, { parse_mode: 'HTML' });
    expect(sent.text).toBe(`HY-0001 nội dung: link\n${userText} 😀 "x"`);
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 0, length: 7 },
      { type: 'italic', offset: 8, length: 9 },
      { type: 'text_link', offset: 18, length: 4, url: 'https://example.org/?a=1&b=2' },
      { type: 'code', offset: 23, length: userText.length },
    ]);
  });

  it.each([
    ['<b>không đóng', 'Can\'t find end tag corresponding to start tag "b"'],
    ['<b>sai</i>', 'Unmatched end tag'],
    ['<div>x</div>', 'Unsupported start tag "div"'],
    ['1 < 2', 'Unsupported start tag ""'],
    ['người dùng gõ </code>', 'Unexpected end tag'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler"'],
  ])('rejects bad HTML %j like Telegram', async (text, detail) => {
    const { chat } = await groupWithUser();
    const err = await expectGrammyError(apiBot().api.sendMessage(chat.id, text, { parse_mode: 'HTML' }));
    expect(err.error_code).toBe(400);
    expect(err.description).toContain("Bad Request: can't parse entities: ");
    expect(err.description).toContain(detail);
    expect(emu.botMessages(chat.id)).toHaveLength(0);
  });

  it('enforces the 4096-character limit and refuses empty text', async () => {
    const { chat } = await groupWithUser();
    const api = apiBot().api;
    await api.sendMessage(chat.id, 'x'.repeat(4096));
    expect((await expectGrammyError(api.sendMessage(chat.id, 'x'.repeat(4097)))).description).toBe('Bad Request: message is too long');
    // The limit applies after entity parsing: markup does not count.
    await api.sendMessage(chat.id, `<b>${'y'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect((await expectGrammyError(api.sendMessage(chat.id, ''))).description).toBe('Bad Request: message text is empty');
    expect((await expectGrammyError(api.sendMessage(chat.id, '<b></b>', { parse_mode: 'HTML' }))).description).toBe(
      'Bad Request: message text is empty',
    );
    expect((await expectGrammyError(api.sendMessage(-999, 'ai đó'))).description).toBe('Bad Request: chat not found');
  });

  it('links replies via reply_parameters and refuses a missing target', async () => {
    const { chat, user } = await groupWithUser();
    const { message } = await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: '/baocao cầu yếu' });
    const api = apiBot().api;
    const reply = await api.sendMessage(chat.id, 'Đã nhận HY-0001', { reply_parameters: { message_id: message.message_id } });
    expect(reply.reply_to_message?.text).toBe('/baocao cầu yếu');
    const err = await expectGrammyError(api.sendMessage(chat.id, 'x', { reply_parameters: { message_id: 999 } }));
    expect(err.description).toBe('Bad Request: message to be replied not found');
    await api.sendMessage(chat.id, 'vẫn gửi', { reply_parameters: { message_id: 999, allow_sending_without_reply: true } });
  });

  it('keeps ids strictly increasing per chat under many parallel sends', async () => {
    const { chat } = await groupWithUser();
    const other = await emu.createChat({ type: 'supergroup', title: 'Sở Nội vụ' });
    const api = apiBot().api;
    const sends = Array.from({ length: 60 }, (_, i) => api.sendMessage(i % 2 ? chat.id : other.id, `tin ${i}`));
    const results = await Promise.all(sends);
    const ids = results.filter((m) => m.chat.id === chat.id).map((m) => m.message_id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(emu.botMessages(other.id)).toHaveLength(30);
  });
});

describe('keyboards, callbacks and edits', () => {
  beforeEach(() => start());

  it('turns a button press into a callback_query the bot answers and edits from', async () => {
    const { chat, user } = await groupWithUser();
    const bot = apiBot();
    bot.callbackQuery(/^claim:(.+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Đã nhận' });
      await ctx.editMessageText(`HY-${ctx.match[1]} — đã nhận bởi ${ctx.from.first_name}`);
    });
    runBot(bot);
    const sent = await bot.api.sendMessage(chat.id, 'HY-0001 chờ nhận', { reply_markup: new InlineKeyboard().text('Nhận xử lý', 'claim:0001') });
    const { callbackQueryId } = await emu.pressButton({ chatId: chat.id, userId: user.id, messageId: sent.message_id, buttonText: 'Nhận xử lý' });

    await expect.poll(() => emu.callbackAnswers().length, { timeout: 5000 }).toBe(1);
    expect(emu.callbackAnswers()[0]).toMatchObject({ callbackQueryId, text: 'Đã nhận' });
    await expect.poll(() => emu.botMessages(chat.id)[0]?.edits.length, { timeout: 5000 }).toBe(1);
    const edited = emu.botMessages(chat.id)[0]!;
    expect(edited.text).toBe('HY-0001 — đã nhận bởi Lan');
    expect(edited.reply_markup).toBeUndefined(); // editMessageText without markup drops the keyboard
    expect(edited.edits[0]!.text).toBe('HY-0001 chờ nhận');
    expect(edited.edit_date).toBeTypeOf('number');
    const cb = emu.updates().find((u) => u.callback_query)?.callback_query;
    expect(cb).toMatchObject({ id: callbackQueryId, data: 'claim:0001', from: { id: user.id } });
    expect(cb?.message?.message_id).toBe(sent.message_id);
  });

  it('answers "message is not modified" and refuses stale callback answers', async () => {
    const { chat } = await groupWithUser();
    const api = apiBot().api;
    const markup = new InlineKeyboard().text('A', 'a');
    const sent = await api.sendMessage(chat.id, 'giữ nguyên', { reply_markup: markup });
    const err = await expectGrammyError(api.editMessageText(chat.id, sent.message_id, 'giữ nguyên', { reply_markup: markup }));
    expect(err.description).toContain('Bad Request: message is not modified');
    await api.editMessageReplyMarkup(chat.id, sent.message_id, { reply_markup: new InlineKeyboard().text('B', 'b') });
    expect((await expectGrammyError(api.editMessageReplyMarkup(chat.id, sent.message_id, { reply_markup: new InlineKeyboard().text('B', 'b') }))).description).toContain(
      'message is not modified',
    );
    expect((await expectGrammyError(api.answerCallbackQuery('nope'))).description).toContain('query is too old');
    expect((await expectGrammyError(api.editMessageText(chat.id, 999, 'x'))).description).toBe('Bad Request: message to edit not found');
    const tooLong = await expectGrammyError(api.sendMessage(chat.id, 'x', { reply_markup: new InlineKeyboard().text('A', 'x'.repeat(65)) }));
    expect(tooLong.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    await api.deleteMessage(chat.id, sent.message_id);
    expect(emu.botMessages(chat.id)).toHaveLength(0);
    expect(emu.botMessages(chat.id, { includeDeleted: true })[0]?.deleted).toBe(true);
  });

  it('delivers user edits, group joins and raw updates', async () => {
    const chat = await emu.createChat({ type: 'group', title: 'Xã Mới', botIsMember: false });
    const admin = await emu.createUser({ first_name: 'Quản trị' });
    const ignored = await emu.sendUserMessage({ chatId: chat.id, userId: admin.id, text: 'bot chưa vào' });
    expect(ignored.update_id).toBeNull();
    const { update_ids } = await emu.addBotToGroup({ chatId: chat.id, byUserId: admin.id });
    const { message } = await emu.sendUserMessage({ chatId: chat.id, userId: admin.id, text: '/baocao a' });
    await emu.editUserMessage({ chatId: chat.id, messageId: message.message_id, text: '/baocao b' });
    await emu.pushRawUpdate({ some_future_update: { x: 1 } });
    const updates = await getUpdates();
    expect(updates.map((u) => u.update_id).slice(0, 2)).toEqual(update_ids);
    expect(updates[0]!.my_chat_member).toMatchObject({ old_chat_member: { status: 'left' }, new_chat_member: { status: 'member' } });
    expect(updates[1]!.message?.new_chat_members?.[0]?.id).toBe(emu.botUser.id);
    expect(updates[3]!.edited_message?.text).toBe('/baocao b');
    expect(updates[4]).toMatchObject({ some_future_update: { x: 1 } });
  });
});

describe('uploads', () => {
  beforeEach(() => start());

  it('accepts multipart uploads from grammY InputFile and serves them back', async () => {
    const { chat } = await groupWithUser();
    const api = apiBot().api;
    const bytes = Buffer.from('PK\u0003\u0004 pretend xlsx bytes', 'latin1');
    const doc = await api.sendDocument(chat.id, new InputFile(bytes, 'Báo cáo tuần.xlsx'), { caption: '<b>Xuất</b> phiếu', parse_mode: 'HTML' });
    expect(doc.document).toMatchObject({
      file_name: 'Báo cáo tuần.xlsx',
      file_size: bytes.length,
      mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(doc.caption).toBe('Xuất phiếu');
    const stored = emu.botMessages(chat.id)[0]!;
    expect(stored.upload).toMatchObject({ field: 'document', filename: 'Báo cáo tuần.xlsx', size: bytes.length });

    const file = await api.getFile(doc.document!.file_id);
    const download = await fetch(`${emu.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    // Re-sending by file_id needs no upload.
    const again = await api.sendDocument(chat.id, doc.document!.file_id);
    expect(again.document?.file_id).toBe(doc.document!.file_id);
    expect((await expectGrammyError(api.sendDocument(chat.id, 'no-such-file-id'))).description).toBe(
      'Bad Request: wrong file identifier/HTTP URL specified',
    );
    expect((await expectGrammyError(api.sendDocument(chat.id, doc.document!.file_id, { caption: 'c'.repeat(1025) }))).description).toBe(
      'Bad Request: message caption is too long',
    );
  });

  it('reads PNG dimensions of an uploaded photo', async () => {
    const { chat } = await groupWithUser();
    const png = Buffer.alloc(40);
    png.writeUInt32BE(0x89504e47, 0);
    png.writeUInt32BE(800, 16);
    png.writeUInt32BE(600, 20);
    const sent = await apiBot().api.sendPhoto(chat.id, new InputFile(png, 'chart.png'));
    expect(sent.photo?.at(-1)).toMatchObject({ width: 800, height: 600, file_size: 40 });
  });

  it('gives user photos and documents file ids the bot can fetch', async () => {
    const { chat, user } = await groupWithUser();
    const { message } = await emu.sendUserMessage({ chatId: chat.id, userId: user.id, photo: true, caption: '/baocao ổ gà' });
    expect(message.caption_entities?.[0]?.type).toBe('bot_command');
    const file = await apiBot().api.getFile(message.photo!.at(-1)!.file_id);
    const res = await fetch(`${emu.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});

describe('failure injection', () => {
  beforeEach(() => start());

  it('answers 429 with retry_after once, then works', async () => {
    const { chat } = await groupWithUser();
    await emu.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } });
    const api = apiBot().api;
    const err = await expectGrammyError(api.sendMessage(chat.id, 'một'));
    expect(err.error_code).toBe(429);
    expect(err.parameters.retry_after).toBe(5);
    await api.sendMessage(chat.id, 'một');
    expect(emu.calls('sendMessage').map((c) => [c.ok, c.injected])).toEqual([
      [false, 'fail'],
      [true, undefined],
    ]);
    expect(emu.botMessages(chat.id)).toHaveLength(1);
  });

  it('matches by chat and repeats `times` times; a raw 502 page is not JSON', async () => {
    const { chat } = await groupWithUser();
    const other = await emu.createChat({ type: 'group', title: 'Khác' });
    await emu.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the group chat' }, { chatId: chat.id, times: 2 });
    const api = apiBot().api;
    await api.sendMessage(other.id, 'không ảnh hưởng');
    expect((await expectGrammyError(api.sendMessage(chat.id, 'x'))).description).toBe('Forbidden: bot was kicked from the group chat');
    expect((await expectGrammyError(api.sendMessage(chat.id, 'x'))).error_code).toBe(403);
    await api.sendMessage(chat.id, 'lại được');

    await emu.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, { rawBody: '<html>502 Bad Gateway</html>' });
    const res = await fetch(`${emu.apiRoot}/bot${TOKEN}/sendMessage?chat_id=${chat.id}&text=x`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('502 Bad Gateway');
  });

  it('migrates a group for real after a migrate_to_chat_id answer', async () => {
    const { chat, user } = await groupWithUser();
    const newId = -1001234567890;
    await emu.failNext('sendMessage', {
      error_code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: newId },
    });
    const api = apiBot().api;
    const err = await expectGrammyError(api.sendMessage(chat.id, 'x'));
    expect(err.parameters.migrate_to_chat_id).toBe(newId);
    // The old id keeps failing the same way, the new one works.
    const again = await expectGrammyError(api.sendMessage(chat.id, 'x'));
    expect(again.parameters.migrate_to_chat_id).toBe(newId);
    const sent = await api.sendMessage(newId, 'ở siêu nhóm');
    expect(sent.chat).toMatchObject({ id: newId, type: 'supergroup', title: 'Xã Tân Hưng' });
    expect(emu.migratedTo(chat.id)).toBe(newId);
    expect((await emu.waitForBotMessage(newId)).text).toBe('ở siêu nhóm');
    const service = (await getUpdates()).map((u) => u.message);
    expect(service.map((m) => m?.migrate_to_chat_id ?? m?.migrate_from_chat_id)).toEqual([newId, chat.id]);
    await expect(emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: 'x' })).rejects.toThrow(/migrated/);
  });

  it('blockBot makes every send 403 and tells the bot', async () => {
    const { chat, user } = await groupWithUser();
    const dm = await emu.createChat({ type: 'private', id: user.id });
    await emu.blockBot(chat.id);
    await emu.blockBot(dm.id);
    const api = apiBot().api;
    expect((await expectGrammyError(api.sendMessage(chat.id, 'x'))).description).toBe('Forbidden: bot was kicked from the group chat');
    expect((await expectGrammyError(api.sendMessage(dm.id, 'x'))).description).toBe('Forbidden: bot was blocked by the user');
    const updates = await getUpdates();
    expect(updates.map((u) => (u.my_chat_member as { new_chat_member: { status: string } }).new_chat_member.status)).toEqual(['kicked', 'kicked']);
    await emu.unblockBot(chat.id);
    await api.sendMessage(chat.id, 'trở lại');
  });

  it('answers 404 for unsupported optional methods, which grammY reports as an error', async () => {
    await emu.close();
    await start({ unsupportedMethods: ['setMyCommands', 'setChatMenuButton'] });
    const api = apiBot().api;
    const err = await expectGrammyError(api.setMyCommands([{ command: 'trogiup', description: 'Trợ giúp' }]));
    expect(err.error_code).toBe(404);
    expect(err.description).toBe('Not Found: method not found');
    expect(emu.calls('setMyCommands')[0]?.injected).toBe('unsupported');
    await api.deleteMyCommands();
    await emu.setUnsupportedMethods([]);
    await api.setMyCommands([{ command: 'trogiup', description: 'Trợ giúp' }]);
    expect(emu.commands()).toEqual([{ command: 'trogiup', description: 'Trợ giúp' }]);
  });

  it('drops connections: fetch fails, grammY throws HttpError; afterProcessing still sends', async () => {
    const { chat } = await groupWithUser();
    await emu.dropConnectionNext('sendMessage');
    await expect(fetch(`${emu.apiRoot}/bot${TOKEN}/sendMessage?chat_id=${chat.id}&text=x`)).rejects.toThrow();
    expect(emu.botMessages(chat.id)).toHaveLength(0);

    await emu.dropConnectionNext('sendMessage', { afterProcessing: true });
    const err = await apiBot().api.sendMessage(chat.id, 'có thể đã gửi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(emu.botMessages(chat.id).map((m) => m.text)).toEqual(['có thể đã gửi']);
    expect(emu.calls('sendMessage').map((c) => c.injected)).toEqual(['drop', 'drop']);
  });

  it('delays answers', async () => {
    const { chat } = await groupWithUser();
    await emu.delayNext('sendMessage', 300);
    const started = Date.now();
    await apiBot().api.sendMessage(chat.id, 'chậm');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});

describe('waitForBotMessage', () => {
  beforeEach(() => start());

  it('hands out each bot message once, in order, matching a predicate', async () => {
    const { chat } = await groupWithUser();
    const api = apiBot().api;
    await api.sendMessage(chat.id, 'một');
    await api.sendMessage(chat.id, 'hai HY-0002');
    expect((await emu.waitForBotMessage(chat.id)).text).toBe('một');
    const later = emu.waitForBotMessage(chat.id, /HY-0003/);
    await api.sendMessage(chat.id, 'ba HY-0003');
    expect((await later).text).toBe('ba HY-0003');
  });

  it('rejects with what the chat got and what failed', async () => {
    const { chat, user } = await groupWithUser();
    await emu.sendUserMessage({ chatId: chat.id, userId: user.id, text: '/baocao x' });
    await apiBot().api.sendMessage(chat.id, '<b>sai', { parse_mode: 'HTML' }).catch(() => undefined);
    const err = await emu.waitForBotMessage(chat.id, 'HY-', 200).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    const text = (err as Error).message;
    expect(text).toContain(`no new bot message matching "HY-" in chat ${chat.id}`);
    expect(text).toContain('#1 Lan');
    expect(text).toContain("sendMessage → 400 Bad Request: can't parse entities");
  });
});

describe('control API over HTTP', () => {
  beforeEach(() => start());

  async function control(name: string, body?: unknown): Promise<{ status: number; json: { ok: boolean; result?: unknown; error?: string } }> {
    const res = await fetch(`${emu.apiRoot}/__emulator/${name}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as { ok: boolean; result?: unknown; error?: string } };
  }

  it('mirrors the in-process methods and validates input', async () => {
    const chat = (await control('createChat', { type: 'group', title: 'Xã Web' })).json.result as { id: number };
    const user = (await control('createUser', { first_name: 'Web' })).json.result as { id: number };
    const sent = await control('sendUserMessage', { chatId: chat.id, userId: user.id, text: '/trogiup' });
    expect(sent.json.result).toMatchObject({ message: { text: '/trogiup' } });
    await apiBot().api.sendMessage(chat.id, 'trả lời');
    const messages = await control(`messages?chatId=${chat.id}`);
    expect((messages.json.result as { text: string; sender: string }[]).map((m) => [m.sender, m.text])).toEqual([
      ['user', '/trogiup'],
      ['bot', 'trả lời'],
    ]);
    const waited = await control('waitForBotMessage', { chatId: chat.id, textIncludes: 'trả', timeoutMs: 1000 });
    expect(waited.json.result).toMatchObject({ text: 'trả lời' });
    const bad = await control('sendUserMessage', { chatId: 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.json.ok).toBe(false);
    const refused = await control('sendUserMessage', { chatId: chat.id, userId: 424242, text: 'x' });
    expect(refused.json.error).toContain('no user 424242');
    expect((await control('nope')).status).toBe(404);
    expect(((await control('state')).json.result as { chats: unknown[] }).chats).toHaveLength(1);
  });

  it('streams events over SSE', async () => {
    const chat = await emu.createChat({ type: 'group', title: 'SSE' });
    const controller = new AbortController();
    const res = await fetch(`${emu.apiRoot}/__emulator/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await apiBot().api.sendMessage(chat.id, 'sự kiện');
    let text = '';
    while (!text.includes('sự kiện')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain('event: message');
  });
});
