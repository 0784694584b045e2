import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZALO_TEXT_LIMIT, ZaloApi, ZaloApiError } from '../../src/platforms/zalo/api.js';
import { classifyZaloError, ZALO_DEFAULT_RETRY_AFTER_MS } from '../../src/platforms/zalo/errors.js';
import type { ZaloEvent } from '../../src/platforms/zalo/events.js';
import { startZaloEmulator, type ZaloEmulator } from '../../tools/zalo-emulator/index.js';
import { freePort } from '../support/ports.js';

const TOKEN = '1459232241454765289:Zk3x-secret-part-of-the-token';

let emu: ZaloEmulator;
let api: ZaloApi;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  emu = await startZaloEmulator({ token: TOKEN, pollTimeoutCapMs: 300 });
  cleanups.push(() => emu.close());
  api = new ZaloApi({ token: TOKEN, apiRoot: emu.apiRoot, timeoutMs: 5_000 });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function caught(promise: Promise<unknown>): Promise<ZaloApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZaloApiError);
  return err as ZaloApiError;
}

/** The error, as the logger would serialise it, says nothing of the token. */
function expectNoToken(err: ZaloApiError): void {
  const secret = TOKEN.split(':')[1]!;
  for (const text of [err.message, err.description, String(err.stack), JSON.stringify(err), JSON.stringify(Object.entries(err))]) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(TOKEN);
  }
}

function eventOf(results: Awaited<ReturnType<ZaloApi['getUpdates']>>): ZaloEvent {
  expect(results).toHaveLength(1);
  const [first] = results;
  if (!first?.ok) throw new Error(`expected an event, got ${JSON.stringify(first)}`);
  return first.event;
}

/** A one-route HTTP server for answers the emulator never gives (a proxy's page). */
async function rawServer(status: number, body: string, headers: Record<string, string> = {}): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html', ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ZaloApi against the emulator: every method', () => {
  it('getMe names the bot', async () => {
    expect(await api.getMe()).toEqual({ id: '1459232241454765289', accountName: 'bot.ThaoGoTest', accountType: 'BASIC', canJoinGroups: true });
  });

  it('getUpdates returns one event a user sent, then nothing (408) once it was handed out', async () => {
    const lan = await emu.createUser({ displayName: 'Lan' });
    await emu.sendText({ userId: lan.id, text: 'trogiup' });
    const event = eventOf(await api.getUpdates({ timeoutSeconds: 1 }));
    expect(event).toMatchObject({
      event_name: 'message.text.received',
      message: { text: 'trogiup', from: { id: lan.id, display_name: 'Lan', is_bot: false }, chat: { id: lan.id, chat_type: 'PRIVATE' } },
    });
    expect(await api.getUpdates({ timeoutSeconds: 1 })).toEqual([]);
    expect(emu.calls('getUpdates').at(-1)).toMatchObject({ status: 408, error_code: 408, description: 'Request timeout' });
    expect(emu.calls('getUpdates')[0]!.params).toEqual({ timeout: '1' });
  });

  it('a waiting long poll gets an event as soon as it is sent', async () => {
    const longEmu = await startZaloEmulator({ token: TOKEN, pollTimeoutCapMs: 60_000 });
    cleanups.push(() => longEmu.close());
    const longApi = new ZaloApi({ token: TOKEN, apiRoot: longEmu.apiRoot });
    const lan = await longEmu.createUser({ displayName: 'Lan' });
    const poll = longApi.getUpdates({ timeoutSeconds: 25 });
    await expect.poll(() => longEmu.calls('getUpdates').length).toBe(1);
    await longEmu.sendText({ userId: lan.id, text: 'xin chào' });
    expect(eventOf(await poll).message).toMatchObject({ text: 'xin chào' });
  });

  it('getUpdates ends when the caller aborts, and the event sent afterwards is not lost', async () => {
    const longEmu = await startZaloEmulator({ token: TOKEN, pollTimeoutCapMs: 60_000 });
    cleanups.push(() => longEmu.close());
    const longApi = new ZaloApi({ token: TOKEN, apiRoot: longEmu.apiRoot });
    const stop = new AbortController();
    const poll = longApi.getUpdates({ timeoutSeconds: 25, signal: stop.signal });
    await expect.poll(() => longEmu.calls('getUpdates').length).toBe(1);
    stop.abort();
    const err = await caught(poll);
    expect(err.kind).toBe('aborted');
    // Once the emulator has seen the poll go (an event handed to a poll being cut is lost, as on Zalo).
    await expect.poll(() => longEmu.calls('getUpdates')[0]?.finishedAt).toBeDefined();
    const lan = await longEmu.createUser();
    await longEmu.sendText({ userId: lan.id, text: 'sau khi dừng' });
    expect(longEmu.pendingEvents()).toHaveLength(1);
    expect(eventOf(await longApi.getUpdates({ timeoutSeconds: 1 })).message).toMatchObject({ text: 'sau khi dừng' });
  });

  it('getUpdates reads an image event whose URL the emulator serves', async () => {
    const lan = await emu.createUser();
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    await emu.sendImage({ userId: lan.id, bytes, mime: 'image/jpeg', caption: 'ổ gà' });
    const event = eventOf(await api.getUpdates({ timeoutSeconds: 1 }));
    if (event.event_name !== 'message.image.received') throw new Error(event.event_name);
    expect(event.message.caption).toBe('ổ gà');
    const res = await fetch(event.message.photo_url!);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it('setWebhook, getWebhookInfo and deleteWebhook', async () => {
    const set = await api.setWebhook('https://thaogo.example.vn/webhook/zalo', 'a-secret-of-32-characters-000000');
    expect(set.url).toBe('https://thaogo.example.vn/webhook/zalo');
    expect(typeof set.updatedAt).toBe('number');
    expect(emu.webhook()).toMatchObject({ url: 'https://thaogo.example.vn/webhook/zalo', secretToken: 'a-secret-of-32-characters-000000' });
    expect((await api.getWebhookInfo()).url).toBe('https://thaogo.example.vn/webhook/zalo');
    expect((await api.deleteWebhook()).url).toBe('');
    expect(emu.webhook()).toBeNull();
    expect((await api.getWebhookInfo()).url).toBe('');
  });

  it('sendMessage, sendPhoto and sendChatAction reach the chat', async () => {
    const lan = await emu.createUser();
    const sent = await api.sendMessage(lan.id, 'Đã nhận phản ánh HY-0001');
    expect(sent.messageId).toMatch(/^[0-9a-f]{20}$/);
    expect(typeof sent.date).toBe('number');
    const photo = await api.sendPhoto(lan.id, 'https://thaogo.example.vn/files/abc.jpg', 'Ảnh đính kèm');
    expect(photo.messageId).not.toBe(sent.messageId);
    await api.sendChatAction(lan.id, 'typing');
    expect(emu.botMessages(lan.id)).toMatchObject([
      { kind: 'text', text: 'Đã nhận phản ánh HY-0001', message_id: sent.messageId },
      { kind: 'image', photo: 'https://thaogo.example.vn/files/abc.jpg', caption: 'Ảnh đính kèm' },
    ]);
    expect(emu.calls('sendChatAction')[0]).toMatchObject({ ok: true, params: { chat_id: lan.id, action: 'typing' } });
    expect(emu.calls('sendChatAction')[0]!.result).toBeUndefined();
  });

  it('sends exactly 2000 characters and is refused 2001 (400 → bad_request)', async () => {
    const lan = await emu.createUser();
    await api.sendMessage(lan.id, 'ă'.repeat(ZALO_TEXT_LIMIT));
    const err = await caught(api.sendMessage(lan.id, 'ă'.repeat(ZALO_TEXT_LIMIT + 1)));
    expect(err).toMatchObject({ kind: 'api', errorCode: 400, neverSent: false, unconfirmed: false });
    expect(classifyZaloError(err)).toEqual({ kind: 'bad_request', description: expect.stringContaining('2000') });
    expect(emu.botMessages(lan.id)).toHaveLength(1);
  });

  it('takes `ok: true` as accepted whatever the result is', async () => {
    const lan = await emu.createUser();
    // The emulator always gives a result; answers without one come from a raw server.
    const root = await rawServer(200, JSON.stringify({ ok: true }), { 'content-type': 'application/json' });
    const odd = new ZaloApi({ token: TOKEN, apiRoot: root });
    expect(await odd.sendMessage(lan.id, 'x')).toEqual({ messageId: null, date: null });
    const weird = await rawServer(200, JSON.stringify({ ok: true, result: [1, 2] }), { 'content-type': 'application/json' });
    expect(await new ZaloApi({ token: TOKEN, apiRoot: weird }).sendMessage(lan.id, 'x')).toEqual({ messageId: null, date: null });
  });
});

describe('ZaloApi errors, mapped once to ChannelFailure', () => {
  it('429 with retry_after waits that long; without it, the default', async () => {
    const lan = await emu.createUser();
    await emu.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 7 } });
    const told = await caught(api.sendMessage(lan.id, 'x'));
    expect(told.retryAfterMs).toBe(7000);
    expect(classifyZaloError(told)).toEqual({ kind: 'rate_limited', retryAfterMs: 7000 });
    await emu.failNext('sendMessage', { error_code: 429, description: 'Quota exceeded' });
    const untold = await caught(api.sendMessage(lan.id, 'x'));
    expect(untold.retryAfterMs).toBeUndefined();
    expect(classifyZaloError(untold)).toEqual({ kind: 'rate_limited', retryAfterMs: ZALO_DEFAULT_RETRY_AFTER_MS });
  });

  it('a blocked chat answers 403 → forbidden', async () => {
    const lan = await emu.createUser();
    await emu.blockBot(lan.id);
    const err = await caught(api.sendMessage(lan.id, 'x'));
    expect(err.errorCode).toBe(403);
    expect(classifyZaloError(err)).toMatchObject({ kind: 'forbidden' });
  });

  it('a wrong token is 401 and an unknown method 404, both bad_request, and neither shows the token', async () => {
    const wrong = new ZaloApi({ token: '1459232241454765289:not-the-right-secret', apiRoot: emu.apiRoot });
    const unauthorized = await caught(wrong.getMe());
    expect(unauthorized).toMatchObject({ errorCode: 401, description: 'Unauthorized' });
    expect(unauthorized.message).not.toContain('not-the-right-secret');
    expect(classifyZaloError(unauthorized)).toMatchObject({ kind: 'bad_request' });
    // sendSticker is not in the client; an unknown method through a raw call: the emulator is case-sensitive.
    const res = await fetch(`${emu.apiRoot}/bot${TOKEN}/sendmessage`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
  });

  it('5xx → transient (not sent); 504 and 408 on a send → transient, unconfirmed', async () => {
    const lan = await emu.createUser();
    await emu.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    const e500 = await caught(api.sendMessage(lan.id, 'x'));
    expect(classifyZaloError(e500)).toEqual({ kind: 'transient', description: '500 Internal Server Error' });
    await emu.failNext('sendMessage', { error_code: 504, description: 'Gateway Timeout' });
    expect(classifyZaloError(await caught(api.sendMessage(lan.id, 'x')))).toMatchObject({ kind: 'transient', unconfirmed: true });
    await emu.failNext('sendMessage', { error_code: 408, description: 'Request timeout' });
    expect(classifyZaloError(await caught(api.sendMessage(lan.id, 'x')))).toMatchObject({ kind: 'transient', unconfirmed: true });
  });

  it('an error answer with another HTTP status keeps the API error code', async () => {
    const lan = await emu.createUser();
    await emu.failNext('sendMessage', { error_code: 403, description: 'Forbidden', httpStatus: 200 });
    const err = await caught(api.sendMessage(lan.id, 'x'));
    expect(err).toMatchObject({ errorCode: 403, httpStatus: 200 });
    expect(classifyZaloError(err).kind).toBe('forbidden');
  });

  it('a connection cut after the message was sent → transient, unconfirmed; the message is in the chat', async () => {
    const lan = await emu.createUser();
    await emu.dropConnectionNext('sendMessage', { afterEffect: true });
    const err = await caught(api.sendMessage(lan.id, 'có thể đã gửi'));
    expect(err).toMatchObject({ kind: 'network', neverSent: false, unconfirmed: true });
    expect(classifyZaloError(err)).toMatchObject({ kind: 'transient', unconfirmed: true });
    expect(emu.botMessages(lan.id).map((m) => m.text)).toEqual(['có thể đã gửi']);
    expectNoToken(err);
  });

  it('no answer in time → timeout, unconfirmed', async () => {
    const lan = await emu.createUser();
    const impatient = new ZaloApi({ token: TOKEN, apiRoot: emu.apiRoot, timeoutMs: 200 });
    await emu.delayNext('sendMessage', 2_000);
    const err = await caught(impatient.sendMessage(lan.id, 'x'));
    expect(err).toMatchObject({ kind: 'timeout', unconfirmed: true, neverSent: false });
    expect(classifyZaloError(err)).toMatchObject({ kind: 'transient', unconfirmed: true });
    expectNoToken(err);
  });

  it('a refused connection → never sent: transient without unconfirmed, and no token in the message', async () => {
    const closed = new ZaloApi({ token: TOKEN, apiRoot: `http://127.0.0.1:${await freePort()}` });
    const err = await caught(closed.sendMessage('abc', 'x'));
    expect(err).toMatchObject({ kind: 'network', neverSent: true, unconfirmed: false });
    expect(err.description).toContain('ECONNREFUSED');
    expect(classifyZaloError(err)).toEqual({ kind: 'transient', description: expect.stringContaining('ECONNREFUSED') });
    expectNoToken(err);
  });

  it('an unknown host → never sent', async () => {
    const nowhere = new ZaloApi({ token: TOKEN, apiRoot: 'http://zalo-bot-api.invalid' });
    const err = await caught(nowhere.getMe());
    expect(err).toMatchObject({ kind: 'network', neverSent: true });
    expectNoToken(err);
  });

  it('an API root that is not a URL fails without showing the token', async () => {
    const broken = new ZaloApi({ token: TOKEN, apiRoot: 'not a url' });
    const err = await caught(broken.getMe());
    expect(err.neverSent).toBe(true);
    expectNoToken(err);
  });

  it("a proxy's HTML page: 502 → transient; 429 with Retry-After → rate_limited; 200 → unconfirmed", async () => {
    const bad = new ZaloApi({ token: TOKEN, apiRoot: await rawServer(502, '<html>Bad Gateway</html>') });
    const e502 = await caught(bad.sendMessage('abc', 'x'));
    expect(e502).toMatchObject({ kind: 'api', errorCode: 502 });
    expect(classifyZaloError(e502)).toMatchObject({ kind: 'transient' });
    expect(classifyZaloError(e502)).not.toHaveProperty('unconfirmed');
    const slow = new ZaloApi({ token: TOKEN, apiRoot: await rawServer(429, 'slow down', { 'retry-after': '3' }) });
    expect(classifyZaloError(await caught(slow.sendMessage('abc', 'x')))).toEqual({ kind: 'rate_limited', retryAfterMs: 3000 });
    const odd = new ZaloApi({ token: TOKEN, apiRoot: await rawServer(200, '<html>ok</html>') });
    const e200 = await caught(odd.sendMessage('abc', 'x'));
    expect(e200.kind).toBe('bad_response');
    expect(classifyZaloError(e200)).toMatchObject({ kind: 'transient', unconfirmed: true });
  });

  it('a description that echoes the token is redacted', async () => {
    const echo = new ZaloApi({
      token: TOKEN,
      apiRoot: await rawServer(400, JSON.stringify({ ok: false, error_code: 400, description: `bad token ${TOKEN} in /bot${TOKEN}/sendMessage` }), {
        'content-type': 'application/json',
      }),
    });
    const err = await caught(echo.sendMessage('abc', 'x'));
    expect(err.description).toContain('[token]');
    expectNoToken(err);
  });

  it('getUpdates while a webhook is set is refused (bad_request), and works again after deleteWebhook', async () => {
    await api.setWebhook('https://thaogo.example.vn/webhook/zalo', 'secret-secret');
    const err = await caught(api.getUpdates({ timeoutSeconds: 1 }));
    expect(err.errorCode).toBe(400);
    expect(classifyZaloError(err).kind).toBe('bad_request');
    await api.deleteWebhook();
    expect(await api.getUpdates({ timeoutSeconds: 0 })).toEqual([]);
  });

  it('an event that cannot be read is returned as such, not dropped silently', async () => {
    const root = await rawServer(200, JSON.stringify({ ok: true, result: { event_name: 'message.text.received', message: { message_id: 5 } } }), {
      'content-type': 'application/json',
    });
    const results = await new ZaloApi({ token: TOKEN, apiRoot: root }).getUpdates({ timeoutSeconds: 0 });
    expect(results).toEqual([{ ok: false, code: 'malformed', reason: expect.stringContaining('message.') }]);
  });

  it('a getUpdates answer carrying several events loses none', async () => {
    const one = { event_name: 'message.text.received', message: { message_id: 'a1', date: 1, from: { id: 'u1' }, chat: { id: 'u1' }, text: 'một' } };
    const two = { ...one, message: { ...one.message, message_id: 'a2', text: 'hai' } };
    const root = await rawServer(200, JSON.stringify({ ok: true, result: [one, two] }), { 'content-type': 'application/json' });
    const results = await new ZaloApi({ token: TOKEN, apiRoot: root }).getUpdates({ timeoutSeconds: 0 });
    expect(results.map((r) => (r.ok && r.event.event_name === 'message.text.received' ? r.event.message.text : null))).toEqual(['một', 'hai']);
  });

  it('anything that is not a ZaloApiError is transient and unconfirmed', () => {
    expect(classifyZaloError(new Error('boom'))).toEqual({ kind: 'transient', description: 'boom', unconfirmed: true });
  });
});
