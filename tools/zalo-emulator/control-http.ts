/**
 * The Zalo emulator's control API over HTTP, for the demo page or another process. It mirrors the
 * in-process methods one to one:
 *
 *   POST /__zalo/<name>   body: the method's argument object as JSON (queries also GET with ?…)
 *   GET  /__zalo/events   Server-Sent Events, one `ZaloEmulatorEvent` per message
 *
 * Answers are `{ ok: true, result }` or `{ ok: false, error, issues? }` (400 for bad input or a
 * refused action, 404 for an unknown name). Positional arguments become fields:
 * `failNext(method, answer, match)` is `{ method, answer, times?, chatId? }`, `delayNext` is
 * `{ method, ms, times?, chatId?, afterEffect? }`, sendImage takes its bytes as `bytesBase64`, and
 * waitForBotMessage takes `{ chatId, textIncludes?, textMatches?, timeoutMs? }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, writeJson } from '../telegram-emulator/http-body.js';
import type { ZaloEmulator } from './zalo-emulator.js';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
};

const int = z.coerce.number().int();
const bool = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean());
const id = z.string().min(1).max(128);
const match = { times: int.positive().optional(), chatId: id.optional() };

type Handler = (emu: ZaloEmulator, input: Record<string, unknown>) => unknown;

function route<S extends z.ZodType>(schema: S, run: (emu: ZaloEmulator, input: z.output<S>) => unknown): Handler {
  return (emu, input) => run(emu, schema.parse(input));
}

/** Drops keys whose value is undefined (exactOptionalPropertyTypes-friendly inputs). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

const noArgs = z.object({}).loose();

const ROUTES: Record<string, Handler> = {
  state: route(noArgs, (emu) => ({ bot: emu.bot, users: emu.listUsers(), chats: emu.listChats(), webhook: emu.webhook() })),
  createUser: route(z.object({ displayName: z.string().min(1).max(200).optional(), id: id.optional() }), (emu, i) => emu.createUser(defined(i))),
  createGroup: route(z.object({ title: z.string().max(200).optional(), id: id.optional(), memberIds: z.array(id).optional() }), (emu, i) =>
    emu.createGroup(defined(i)),
  ),
  sendText: route(z.object({ userId: id, chatId: id.optional(), text: z.string().max(20_000) }), (emu, i) => emu.sendText(defined(i))),
  sendImage: route(
    z.object({
      userId: id,
      chatId: id.optional(),
      photoUrl: z.url().optional(),
      bytesBase64: z.string().max(14_000_000).optional(),
      mime: z.string().regex(/^image\/[\w.+-]+$/).optional(),
      caption: z.string().max(20_000).optional(),
    }),
    (emu, { bytesBase64, ...rest }) => emu.sendImage(defined({ ...rest, bytes: bytesBase64 === undefined ? undefined : Buffer.from(bytesBase64, 'base64') })),
  ),
  sendSticker: route(z.object({ userId: id, chatId: id.optional(), sticker: z.string().max(100).optional() }), (emu, i) => emu.sendSticker(defined(i))),
  sendUnsupported: route(z.object({ userId: id, chatId: id.optional(), eventName: z.string().regex(/^message\.[a-z_]+\.received$/).optional() }), (emu, i) =>
    emu.sendUnsupported(defined(i)),
  ),
  blockBot: route(z.object({ chatId: id }), (emu, i) => emu.blockBot(i.chatId)),
  unblockBot: route(z.object({ chatId: id }), (emu, i) => emu.unblockBot(i.chatId)),
  failNext: route(
    z.object({
      method: z.string().min(1),
      answer: z.object({
        error_code: z.number().int(),
        description: z.string(),
        httpStatus: z.number().int().min(200).max(599).optional(),
        parameters: z.object({ retry_after: z.number().nonnegative().optional() }).loose().optional(),
      }),
      ...match,
    }),
    (emu, { method, answer, ...m }) => emu.failNext(method, defined(answer), defined(m)),
  ),
  delayNext: route(z.object({ method: z.string().min(1), ms: int.nonnegative().max(120_000), afterEffect: bool.optional(), ...match }), (emu, { method, ms, ...o }) =>
    emu.delayNext(method, ms, defined(o)),
  ),
  dropConnectionNext: route(z.object({ method: z.string().min(1), afterEffect: bool.optional(), ...match }), (emu, { method, ...o }) =>
    emu.dropConnectionNext(method, defined(o)),
  ),
  clearFaults: route(noArgs, (emu) => emu.clearFaults()),
  reset: route(z.object({ keepWebhook: bool.optional() }), (emu, i) => emu.reset(defined(i))),
  messages: route(z.object({ chatId: id }), (emu, i) => emu.messages(i.chatId)),
  botMessages: route(z.object({ chatId: id }), (emu, i) => emu.botMessages(i.chatId)),
  waitForBotMessage: route(
    z.object({ chatId: id, textIncludes: z.string().optional(), textMatches: z.string().max(500).optional(), timeoutMs: int.positive().max(120_000).optional() }),
    (emu, i) => {
      const regex = i.textMatches !== undefined ? new RegExp(i.textMatches) : undefined;
      return emu.waitForBotMessage(
        i.chatId,
        (m) => {
          const body = m.text ?? m.caption ?? '';
          return (i.textIncludes === undefined || body.includes(i.textIncludes)) && (regex === undefined || regex.test(body));
        },
        i.timeoutMs,
      );
    },
  ),
  calls: route(z.object({ method: z.string().optional() }), (emu, i) => emu.calls(i.method)),
  webhook: route(noArgs, (emu) => emu.webhook()),
  webhookDeliveries: route(noArgs, (emu) => emu.webhookDeliveries()),
  pendingEvents: route(noArgs, (emu) => emu.pendingEvents()),
};

function streamEvents(emu: ZaloEmulator, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { ...CORS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(': connected\n\n');
  const unsubscribe = emu.subscribe((event) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', stop);
  res.on('close', stop);
}

export async function handleZaloControlRequest(emu: ZaloEmulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  const name = url.pathname.replace(/^\/__zalo\/?/, '').replace(/\/$/, '');
  if (name === '' && req.method === 'GET') {
    return writeJson(res, 200, { ok: true, result: { methods: Object.keys(ROUTES), events: '/__zalo/events', files: '/files/<id>' } }, CORS);
  }
  if (name === 'events' && req.method === 'GET') return streamEvents(emu, req, res);
  const handler = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
  if (!handler) return writeJson(res, 404, { ok: false, error: `unknown control method "${name}"` }, CORS);

  let input: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (req.method === 'POST') {
    const body = await readBody(req, 20 * 1024 * 1024);
    if (body.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return writeJson(res, 400, { ok: false, error: 'the body is not valid JSON' }, CORS);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return writeJson(res, 400, { ok: false, error: 'the body must be a JSON object' }, CORS);
      }
      input = { ...input, ...(parsed as Record<string, unknown>) };
    }
  } else if (req.method !== 'GET') {
    return writeJson(res, 405, { ok: false, error: 'use GET or POST' }, CORS);
  }

  try {
    const result = await handler(emu, input);
    writeJson(res, 200, { ok: true, result: result ?? true }, CORS);
  } catch (err) {
    if (err instanceof z.ZodError) return writeJson(res, 400, { ok: false, error: `invalid arguments for ${name}`, issues: err.issues }, CORS);
    writeJson(res, 400, { ok: false, error: err instanceof Error ? err.message : String(err) }, CORS);
  }
}
