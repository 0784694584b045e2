import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZaloApi } from '../../src/platforms/zalo/api.js';
import { parseZaloEvent } from '../../src/platforms/zalo/events.js';
import { startZaloEmulator, type ZaloEmulator, type ZaloEmulatorOptions, type ZaloEmulatorEvent } from '../../tools/zalo-emulator/index.js';
import { freePort } from '../support/ports.js';

const TOKEN = '2233445566:emulator-test-secret';
const SECRET = 'webhook-secret-0123456789';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function start(opts: ZaloEmulatorOptions = {}): Promise<{ emu: ZaloEmulator; api: ZaloApi }> {
  const emu = await startZaloEmulator({ token: TOKEN, pollTimeoutCapMs: 300, webhookRetryDelayMs: 10, ...opts });
  cleanups.push(() => emu.close());
  return { emu, api: new ZaloApi({ token: TOKEN, apiRoot: emu.apiRoot }) };
}

interface Received {
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** The bot's side of a webhook: records every POST and answers with `statuses` in turn (then the last). */
async function webhookReceiver(statuses: number[] = [200]): Promise<{ url: string; received: Received[]; setStatuses(next: number[]): void }> {
  const received: Received[] = [];
  let script = [...statuses];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      const status = script.length > 1 ? script.shift()! : script[0]!;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/zalo`,
    received,
    setStatuses: (next) => {
      script = [...next];
    },
  };
}

async function raw(emu: ZaloEmulator, method: string, body: unknown = {}, opts: { token?: string; httpMethod?: string } = {}) {
  const res = await fetch(`${emu.apiRoot}/bot${opts.token ?? TOKEN}/${method}`, {
    method: opts.httpMethod ?? 'POST',
    ...(opts.httpMethod === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('webhook delivery', () => {
  it('POSTs each event wrapped in { ok, result } with the secret header; the parser reads it', async () => {
    const { emu, api } = await start();
    const hook = await webhookReceiver();
    await api.setWebhook(hook.url, SECRET);
    const lan = await emu.createUser({ displayName: 'Lan' });
    const { event } = await emu.sendText({ userId: lan.id, text: 'lienket AB12CD' });
    await expect.poll(() => hook.received.length).toBe(1);
    const [delivery] = hook.received;
    expect(delivery!.headers['x-bot-api-secret-token']).toBe(SECRET);
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.body).toEqual({ ok: true, result: event });
    const parsed = parseZaloEvent(delivery!.body);
    expect(parsed).toMatchObject({ ok: true, event: { event_name: 'message.text.received', message: { text: 'lienket AB12CD', chat: { id: lan.id, chat_type: 'PRIVATE' } } } });
    expect(emu.webhookDeliveries()).toMatchObject([{ messageId: event.message.message_id, attempt: 1, status: 200 }]);
    expect(emu.pendingEvents()).toEqual([]);
  });

  it("sends the bare event with webhookEnvelope 'bare'", async () => {
    const { emu, api } = await start({ webhookEnvelope: 'bare' });
    const hook = await webhookReceiver();
    await api.setWebhook(hook.url, SECRET);
    const lan = await emu.createUser();
    const { event } = await emu.sendText({ userId: lan.id, text: 'x' });
    await expect.poll(() => hook.received.length).toBe(1);
    expect(hook.received[0]!.body).toEqual(event);
    expect(parseZaloEvent(hook.received[0]!.body).ok).toBe(true);
  });

  it('retries an event the bot did not take (non-2xx) until it does, keeping order', async () => {
    const { emu, api } = await start();
    const hook = await webhookReceiver([500, 503, 200]);
    await api.setWebhook(hook.url, SECRET);
    const lan = await emu.createUser();
    const first = await emu.sendText({ userId: lan.id, text: 'một' });
    const second = await emu.sendText({ userId: lan.id, text: 'hai' });
    await expect.poll(() => hook.received.length).toBe(4);
    // The emulator records a delivery once its answer is back, a moment after the body arrived.
    await expect.poll(() => emu.webhookDeliveries().length).toBe(4);
    expect(emu.webhookDeliveries().map((d) => [d.messageId, d.attempt, d.status])).toEqual([
      [first.event.message.message_id, 1, 500],
      [first.event.message.message_id, 2, 503],
      [first.event.message.message_id, 3, 200],
      [second.event.message.message_id, 1, 200],
    ]);
    expect(hook.received.map((r) => ((r.body as { result: { message: { text: string } } }).result.message.text))).toEqual(['một', 'một', 'một', 'hai']);
  });

  it('gives up on an event after webhookMaxAttempts and goes on with the next', async () => {
    const { emu, api } = await start({ webhookMaxAttempts: 3 });
    const hook = await webhookReceiver([401]);
    await api.setWebhook(hook.url, SECRET);
    const lan = await emu.createUser();
    await emu.sendText({ userId: lan.id, text: 'bị từ chối' });
    await expect.poll(() => emu.webhookDeliveries().length).toBe(3);
    expect(emu.webhookDeliveries().map((d) => [d.attempt, d.status, d.gaveUp ?? false])).toEqual([
      [1, 401, false],
      [2, 401, false],
      [3, 401, true],
    ]);
    expect(emu.pendingEvents()).toEqual([]);
    hook.setStatuses([200]);
    await emu.sendText({ userId: lan.id, text: 'tiếp theo' });
    await expect.poll(() => emu.webhookDeliveries().at(-1)?.status).toBe(200);
  });

  it('retries when the webhook cannot be reached, recording the error', async () => {
    const { emu, api } = await start({ webhookMaxAttempts: 2 });
    await api.setWebhook(`http://127.0.0.1:${await freePort()}/webhook/zalo`, SECRET);
    const lan = await emu.createUser();
    await emu.sendText({ userId: lan.id, text: 'x' });
    await expect.poll(() => emu.webhookDeliveries().length).toBe(2);
    expect(emu.webhookDeliveries().every((d) => d.status === null && typeof d.error === 'string')).toBe(true);
  });

  it('after deleteWebhook, events wait for getUpdates', async () => {
    const { emu, api } = await start();
    await api.setWebhook(`http://127.0.0.1:${await freePort()}/webhook/zalo`, SECRET);
    await api.deleteWebhook();
    const lan = await emu.createUser();
    await emu.sendText({ userId: lan.id, text: 'qua polling' });
    const [polled] = await api.getUpdates({ timeoutSeconds: 1 });
    expect(polled).toMatchObject({ ok: true, event: { message: { text: 'qua polling' } } });
    expect(emu.webhookDeliveries()).toEqual([]);
  });

  it('setWebhook refuses a secret outside 8–256 characters and a URL that is not one', async () => {
    const { emu } = await start();
    expect((await raw(emu, 'setWebhook', { url: 'https://x.vn/h', secret_token: '1234567' })).status).toBe(400);
    expect((await raw(emu, 'setWebhook', { url: 'https://x.vn/h', secret_token: 'x'.repeat(257) })).status).toBe(400);
    expect((await raw(emu, 'setWebhook', { url: 'https://x.vn/h' })).status).toBe(400);
    expect((await raw(emu, 'setWebhook', { url: 'not a url', secret_token: SECRET })).status).toBe(400);
    expect((await raw(emu, 'setWebhook', { url: 'https://x.vn/h', secret_token: '12345678' })).status).toBe(200);
    expect((await raw(emu, 'setWebhook', { url: 'https://x.vn/h', secret_token: 'x'.repeat(256) })).status).toBe(200);
    const strict = await startZaloEmulator({ token: TOKEN, requireHttpsWebhook: true });
    cleanups.push(() => strict.close());
    expect((await raw(strict, 'setWebhook', { url: 'http://x.vn/h', secret_token: SECRET })).status).toBe(400);
  });
});

describe('limits like the real API', () => {
  it('401 for a wrong token, 404 for an unknown or wrongly cased method, 405 for GET on a send', async () => {
    const { emu } = await start();
    expect(await raw(emu, 'getMe', {}, { token: '2233445566:wrong' })).toEqual({ status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect((await raw(emu, 'sendCarrierPigeon')).status).toBe(404);
    expect((await raw(emu, 'GetMe')).status).toBe(404);
    expect((await raw(emu, 'getMe', undefined, { httpMethod: 'GET' })).json).toMatchObject({ ok: true, result: { id: '2233445566' } });
    expect((await raw(emu, 'sendMessage', undefined, { httpMethod: 'GET' })).status).toBe(405);
  });

  it('any {digits}:{secret} token works when none is configured, and becomes the bot id', async () => {
    const open = await startZaloEmulator();
    cleanups.push(() => open.close());
    expect((await raw(open, 'getMe', {}, { token: '42:anything' })).status).toBe(200);
    expect((await raw(open, 'getMe', {}, { token: 'no-colon' })).status).toBe(401);
  });

  it('text: 1–2000 UTF-16 units; an emoji counts two', async () => {
    const { emu } = await start();
    const lan = await emu.createUser();
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: '' })).status).toBe(400);
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: 42 })).status).toBe(400);
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: '😀'.repeat(1000) })).status).toBe(200);
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: `a${'😀'.repeat(1000)}` })).status).toBe(400);
    expect((await raw(emu, 'sendMessage', { text: 'x' })).status).toBe(400);
    expect((await raw(emu, 'sendMessage', { chat_id: 'ffffffffffffffffffff', text: 'x' })).json).toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
  });

  it('sendPhoto needs an http(s) URL and a caption within 2000; sendChatAction a known action', async () => {
    const { emu } = await start();
    const lan = await emu.createUser();
    for (const photo of ['', 'abc.jpg', 'file:///etc/passwd', 'AgACAgIAAxkBAAIB']) {
      expect((await raw(emu, 'sendPhoto', { chat_id: lan.id, photo })).json).toMatchObject({ ok: false, error_code: 400 });
    }
    expect((await raw(emu, 'sendPhoto', { chat_id: lan.id, photo: 'https://x.vn/a.jpg', caption: 'x'.repeat(2001) })).status).toBe(400);
    expect((await raw(emu, 'sendPhoto', { chat_id: lan.id, photo: 'https://x.vn/a.jpg' })).status).toBe(200);
    expect((await raw(emu, 'sendChatAction', { chat_id: lan.id, action: 'record_video' })).status).toBe(400);
    expect(await raw(emu, 'sendChatAction', { chat_id: lan.id, action: 'upload_photo' })).toEqual({ status: 200, json: { ok: true } });
    expect(emu.botMessages(lan.id)).toHaveLength(1);
  });

  it('with fetchPhotos, sendPhoto downloads the image (served again at /files) and fails on a dead link', async () => {
    const { emu, api } = await start({ fetchPhotos: true });
    const lan = await emu.createUser();
    const source = await emu.sendImage({ userId: lan.id, bytes: new Uint8Array([1, 2, 3, 4]), mime: 'image/png' });
    const url = source.event.message['photo_url'] as string;
    await api.sendPhoto(lan.id, url, 'chuyển tiếp');
    const [sent] = emu.botMessages(lan.id);
    expect(sent).toMatchObject({ photo: url, file_size: 4 });
    expect(new Uint8Array(await (await fetch(emu.fileUrl(sent!.file_id!))).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect((await raw(emu, 'sendPhoto', { chat_id: lan.id, photo: `${emu.apiRoot}/files/0000` })).json).toMatchObject({ error_code: 400 });
  });

  it("imageField 'photo' puts the image URL in message.photo; the parser reads it as well", async () => {
    const { emu, api } = await start({ imageField: 'photo' });
    const lan = await emu.createUser();
    const { event } = await emu.sendImage({ userId: lan.id, photoUrl: 'https://f.zalo.me/p.jpg' });
    expect(event.message['photo']).toBe('https://f.zalo.me/p.jpg');
    expect(event.message['photo_url']).toBeUndefined();
    expect(await api.getUpdates({ timeoutSeconds: 1 })).toMatchObject([{ ok: true, event: { message: { photo_url: 'https://f.zalo.me/p.jpg' } } }]);
  });
});

describe('chats and users', () => {
  it('user ids are 20 hex digits and a private chat has its user id', async () => {
    const { emu } = await start();
    const lan = await emu.createUser({ displayName: 'Lan' });
    expect(lan.id).toMatch(/^[0-9a-f]{20}$/);
    expect(emu.chat(lan.id)).toMatchObject({ id: lan.id, chat_type: 'PRIVATE', members: [lan.id] });
  });

  it('in a group the bot sees only messages that mention it', async () => {
    const { emu, api } = await start();
    const lan = await emu.createUser();
    const group = await emu.createGroup({ title: 'Xã Tân Hưng', memberIds: [lan.id] });
    expect(group.id).toMatch(/^[0-9a-f]{20}$/);
    expect((await emu.sendText({ userId: lan.id, chatId: group.id, text: 'chuyện riêng' })).queued).toBe(false);
    expect((await emu.sendText({ userId: lan.id, chatId: group.id, text: '@Tháo gỡ lienket XA01' })).queued).toBe(true);
    expect((await emu.sendText({ userId: lan.id, chatId: group.id, text: '@bot.thaogotest trogiup' })).queued).toBe(true);
    const first = await api.getUpdates({ timeoutSeconds: 1 });
    expect(first).toMatchObject([{ ok: true, event: { message: { text: '@Tháo gỡ lienket XA01', chat: { id: group.id, chat_type: 'GROUP' } } } }]);
    expect(await api.getUpdates({ timeoutSeconds: 1 })).toMatchObject([{ ok: true, event: { message: { text: '@bot.thaogotest trogiup' } } }]);
    expect(emu.messages(group.id)).toHaveLength(3);
    const all = await start({ groupsSeeAllMessages: true });
    const hung = await all.emu.createUser();
    const g2 = await all.emu.createGroup();
    expect((await all.emu.sendText({ userId: hung.id, chatId: g2.id, text: 'không nhắc tên' })).queued).toBe(true);
  });

  it('stickers and unsupported messages become their events', async () => {
    const { emu, api } = await start();
    const lan = await emu.createUser();
    await emu.sendSticker({ userId: lan.id });
    await emu.sendUnsupported({ userId: lan.id });
    await emu.sendUnsupported({ userId: lan.id, eventName: 'message.voice.received' });
    const kinds = [];
    for (let i = 0; i < 3; i++) kinds.push(...(await api.getUpdates({ timeoutSeconds: 1 })));
    expect(kinds).toMatchObject([
      { ok: true, event: { event_name: 'message.sticker.received', message: { sticker: expect.any(String) } } },
      { ok: true, event: { event_name: 'message.unsupported.received' } },
      { ok: true, event: { event_name: 'message.unsupported.received', original_event_name: 'message.voice.received' } },
    ]);
  });

  it('a blocked chat gets no events and answers 403', async () => {
    const { emu } = await start();
    const lan = await emu.createUser();
    await emu.blockBot(lan.id);
    expect((await emu.sendText({ userId: lan.id, text: 'x' })).queued).toBe(false);
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: 'x' })).json).toMatchObject({ error_code: 403 });
    await emu.unblockBot(lan.id);
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: 'x' })).status).toBe(200);
  });
});

describe('faults', () => {
  it('failNext applies to the chat and number of calls asked for', async () => {
    const { emu } = await start();
    const lan = await emu.createUser();
    const hung = await emu.createUser();
    await emu.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 2 } }, { times: 2, chatId: lan.id });
    expect((await raw(emu, 'sendMessage', { chat_id: hung.id, text: 'x' })).status).toBe(200);
    expect(await raw(emu, 'sendMessage', { chat_id: lan.id, text: 'x' })).toEqual({
      status: 429,
      json: { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 2 } },
    });
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: 'x' })).status).toBe(429);
    expect((await raw(emu, 'sendMessage', { chat_id: lan.id, text: 'x' })).status).toBe(200);
    expect(emu.calls('sendMessage').map((c) => c.injected ?? null)).toEqual([null, 'fail', 'fail', null]);
  });

  it("'*' fails any method but getUpdates", async () => {
    const { emu } = await start();
    await emu.failNext('*', { error_code: 502, description: 'Bad Gateway' }, { times: 5 });
    expect((await raw(emu, 'getUpdates', { timeout: 0 })).status).toBe(408);
    expect((await raw(emu, 'getMe')).status).toBe(502);
  });

  it('a getUpdates cut after it took an event loses that event, as on Zalo', async () => {
    const { emu, api } = await start();
    const lan = await emu.createUser();
    await emu.sendText({ userId: lan.id, text: 'mất' });
    await emu.dropConnectionNext('getUpdates', { afterEffect: true });
    await expect(api.getUpdates({ timeoutSeconds: 1 })).rejects.toMatchObject({ kind: 'network' });
    expect(emu.pendingEvents()).toEqual([]);
    expect(await api.getUpdates({ timeoutSeconds: 0 })).toEqual([]);
  });

  it('a cut before the call acts sends nothing', async () => {
    const { emu, api } = await start();
    const lan = await emu.createUser();
    await emu.dropConnectionNext('sendMessage');
    await expect(api.sendMessage(lan.id, 'x')).rejects.toMatchObject({ kind: 'network', unconfirmed: true });
    expect(emu.botMessages(lan.id)).toEqual([]);
  });
});

describe('queries and the control API', () => {
  it('waitForBotMessage hands out each message once and explains a timeout', async () => {
    const { emu, api } = await start();
    const lan = await emu.createUser();
    await api.sendMessage(lan.id, 'một');
    const waiting = emu.waitForBotMessage(lan.id, /hai/);
    await api.sendMessage(lan.id, 'hai');
    expect((await waiting).text).toBe('hai');
    await expect(emu.waitForBotMessage(lan.id, 'một', 50)).rejects.toThrow(/no new bot message matching "một" in Zalo chat/);
  });

  it('calls() records parameters and never the token', async () => {
    const { emu, api } = await start();
    const lan = await emu.createUser();
    await api.sendMessage(lan.id, 'x');
    expect(emu.calls('sendMessage')).toMatchObject([{ method: 'sendMessage', httpMethod: 'POST', params: { chat_id: lan.id, text: 'x' }, status: 200, ok: true }]);
    expect(JSON.stringify(emu.calls())).not.toContain('emulator-test-secret');
  });

  it('drives users and reads chats over HTTP, and streams events as SSE', async () => {
    const { emu, api } = await start();
    const control = async (name: string, body: unknown = {}) => {
      const res = await fetch(`${emu.apiRoot}/__zalo/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as { ok: boolean; result?: unknown; error?: string } };
    };
    const sse = new AbortController();
    cleanups.push(() => sse.abort());
    const stream = await fetch(`${emu.apiRoot}/__zalo/events`, { signal: sse.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    const seen: ZaloEmulatorEvent[] = [];
    const reading = (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += new TextDecoder().decode(value);
        for (const block of buffer.split('\n\n').slice(0, -1)) {
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) seen.push(JSON.parse(data.slice(6)) as ZaloEmulatorEvent);
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
    })();

    const user = (await control('createUser', { displayName: 'Cán bộ xã' })).json.result as { id: string };
    expect(user.id).toMatch(/^[0-9a-f]{20}$/);
    expect((await control('sendText', { userId: user.id, text: 'trogiup' })).json).toMatchObject({ ok: true, result: { queued: true } });
    const image = await control('sendImage', { userId: user.id, bytesBase64: Buffer.from([9, 8, 7]).toString('base64'), mime: 'image/jpeg' });
    const photoUrl = (image.json.result as { event: { message: { photo_url: string } } }).event.message.photo_url;
    expect(new Uint8Array(await (await fetch(photoUrl)).arrayBuffer())).toEqual(new Uint8Array([9, 8, 7]));
    await api.sendMessage(user.id, 'Hướng dẫn sử dụng');
    expect((await control('waitForBotMessage', { chatId: user.id, textIncludes: 'Hướng dẫn' })).json).toMatchObject({ ok: true, result: { text: 'Hướng dẫn sử dụng' } });
    expect((await control('botMessages', { chatId: user.id })).json.result).toHaveLength(1);
    expect((await control('sendText', { userId: 'nobody', text: 'x' })).json).toMatchObject({ ok: false, error: expect.stringContaining('no user nobody') });
    expect((await control('sendText', { text: 'x' })).status).toBe(400);
    expect((await control('noSuchThing')).status).toBe(404);
    expect((await control('toString')).status).toBe(404);

    await expect.poll(() => seen.filter((e) => e.type === 'message').length).toBe(3);
    expect(seen.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? e.message.sender : null))).toEqual(['user', 'user', 'bot']);
    sse.abort();
    await reading;
  });

  it('reset forgets users, chats, events and faults but keeps the webhook', async () => {
    const { emu, api } = await start();
    await api.setWebhook('https://x.vn/hook', SECRET);
    const lan = await emu.createUser();
    await emu.failNext('getMe', { error_code: 500, description: 'x' });
    await emu.reset();
    expect(emu.listUsers()).toEqual([]);
    expect(emu.chat(lan.id)).toBeUndefined();
    expect(emu.calls()).toEqual([]);
    expect((await api.getMe()).id).toBe('2233445566');
    expect(emu.webhook()?.url).toBe('https://x.vn/hook');
    await emu.reset({ keepWebhook: false });
    expect(emu.webhook()).toBeNull();
  });
});
