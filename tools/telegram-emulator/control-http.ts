/**
 * The emulator's control API over HTTP, for a web page (the demo's chat) or another process.
 * It mirrors the in-process methods one to one:
 *
 *   POST /__emulator/<method>   body: the method's argument object as JSON
 *   GET  /__emulator/<query>?…  queries also take their arguments as query parameters
 *   GET  /__emulator/events     Server-Sent Events, one `EmulatorEvent` per message
 *   GET  /__emulator/file?fileId=…  a file's bytes
 *
 * Answers are `{ ok: true, result }` or `{ ok: false, error, issues? }` (400 for bad input or a
 * refused action, 404 for an unknown name). Positional arguments become fields:
 * `failNext(method, response, opts)` is `{ method, response, times?, chatId?, rawBody? }`,
 * `delayNext(method, ms, opts)` is `{ method, ms, … }`, `replaceResultNext(method, result, opts)` is
 * `{ method, result, times?, chatId? }`, `blockBot(chatId, opts)` is
 * `{ chatId, notify?, byUserId? }`, `pushRawUpdate(update)` takes the update itself as the body,
 * and waitForBotMessage takes `{ chatId, textIncludes?, textMatches?, timeoutMs? }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { BotApiEmulator } from './bot-api-emulator.js';
import { readBody, writeJson } from './http-body.js';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
};

const int = z.coerce.number().int();
const bool = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean());
const chatType = z.enum(['private', 'group', 'supergroup', 'channel']);
const memberStatus = z.enum(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']);
const entity = z.object({ type: z.string(), offset: z.number().int(), length: z.number().int() }).loose();
const faultMatch = { times: int.positive().optional(), chatId: z.union([z.number().int(), z.string()]).optional() };
const errorResponse = z.object({
  error_code: z.number().int(),
  description: z.string(),
  parameters: z.object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).optional(),
});

type Handler = (emu: BotApiEmulator, input: Record<string, unknown>) => unknown;

function route<S extends z.ZodType>(schema: S, run: (emu: BotApiEmulator, input: z.output<S>) => unknown): Handler {
  return (emu, input) => run(emu, schema.parse(input));
}

const noArgs = z.object({}).loose();

const ROUTES: Record<string, Handler> = {
  state: route(noArgs, (emu) => ({ bot: emu.botUser, chats: emu.chats(), users: emu.users(), webhook: emu.webhook() })),
  createChat: route(
    z.object({
      id: int.optional(),
      type: chatType,
      title: z.string().optional(),
      username: z.string().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      botIsMember: bool.optional(),
    }),
    (emu, input) => emu.createChat(stripUndefined(input)),
  ),
  createUser: route(
    z.object({
      id: int.optional(),
      first_name: z.string().min(1),
      last_name: z.string().optional(),
      username: z.string().optional(),
      language_code: z.string().optional(),
      is_bot: bool.optional(),
    }),
    (emu, input) => emu.createUser(stripUndefined(input)),
  ),
  sendUserMessage: route(
    z.object({
      chatId: int,
      userId: int,
      text: z.string().optional(),
      caption: z.string().optional(),
      photo: z.literal(true).optional(),
      document: z.object({ file_name: z.string(), mime_type: z.string().optional(), file_size: int.optional() }).optional(),
      replyToMessageId: int.optional(),
      entities: z.array(entity).optional(),
    }),
    (emu, input) => emu.sendUserMessage(stripUndefined(input) as Parameters<BotApiEmulator['sendUserMessage']>[0]),
  ),
  editUserMessage: route(
    z.object({ chatId: int, messageId: int, text: z.string().optional(), caption: z.string().optional() }),
    (emu, input) => emu.editUserMessage(stripUndefined(input)),
  ),
  pressButton: route(
    z.object({ chatId: int, userId: int, messageId: int, data: z.string().optional(), buttonText: z.string().optional() }),
    (emu, input) => emu.pressButton(stripUndefined(input)),
  ),
  addBotToGroup: route(
    z.object({ chatId: int, byUserId: int, status: z.enum(['member', 'administrator']).optional() }),
    (emu, input) => emu.addBotToGroup(stripUndefined(input)),
  ),
  setMemberStatus: route(z.object({ chatId: int, userId: int, status: memberStatus }), (emu, i) => emu.setMemberStatus(i.chatId, i.userId, i.status)),
  blockBot: route(z.object({ chatId: int, notify: bool.optional(), byUserId: int.optional() }), (emu, { chatId, ...opts }) =>
    emu.blockBot(chatId, stripUndefined(opts)),
  ),
  unblockBot: route(z.object({ chatId: int, notify: bool.optional(), byUserId: int.optional() }), (emu, { chatId, ...opts }) =>
    emu.unblockBot(chatId, stripUndefined(opts)),
  ),
  migrateChat: route(z.object({ chatId: int, newChatId: int.optional() }), (emu, i) => emu.migrateChat(i.chatId, i.newChatId)),
  pushRawUpdate: route(z.record(z.string(), z.unknown()), (emu, update) => emu.pushRawUpdate(update)),
  failNext: route(
    z.object({ method: z.string().min(1), response: errorResponse, rawBody: z.string().optional(), ...faultMatch }),
    (emu, { method, response, ...opts }) => emu.failNext(method, stripUndefined(response), stripUndefined(opts)),
  ),
  delayNext: route(
    z.object({ method: z.string().min(1), ms: int.nonnegative(), afterProcessing: bool.optional(), ...faultMatch }),
    (emu, { method, ms, ...opts }) => emu.delayNext(method, ms, stripUndefined(opts)),
  ),
  replaceResultNext: route(z.object({ method: z.string().min(1), result: z.unknown(), ...faultMatch }), (emu, { method, result, ...opts }) =>
    emu.replaceResultNext(method, result, stripUndefined(opts)),
  ),
  dropConnectionNext: route(
    z.object({ method: z.string().min(1), afterProcessing: bool.optional(), ...faultMatch }),
    (emu, { method, ...opts }) => emu.dropConnectionNext(method, stripUndefined(opts)),
  ),
  clearFaults: route(noArgs, (emu) => emu.clearFaults()),
  setUnsupportedMethods: route(z.object({ methods: z.array(z.string()) }), (emu, i) => emu.setUnsupportedMethods(i.methods)),
  setGetUpdatesMode: route(z.object({ mode: z.enum(['long-poll', 'immediate']) }), (emu, i) => emu.setGetUpdatesMode(i.mode)),
  reset: route(z.object({ keepBotSettings: bool.optional() }), (emu, i) => emu.reset(stripUndefined(i))),
  markAllSeen: route(z.object({ chatId: int.optional() }), (emu, i) => emu.markAllSeen(i.chatId)),
  waitForBotMessage: route(
    z.object({ chatId: int, textIncludes: z.string().optional(), textMatches: z.string().optional(), timeoutMs: int.positive().max(120_000).optional() }),
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
  messages: route(z.object({ chatId: int, includeDeleted: bool.optional() }), (emu, i) => emu.messages(i.chatId, stripUndefined({ includeDeleted: i.includeDeleted }))),
  botMessages: route(z.object({ chatId: int, includeDeleted: bool.optional() }), (emu, i) => emu.botMessages(i.chatId, stripUndefined({ includeDeleted: i.includeDeleted }))),
  calls: route(z.object({ method: z.string().optional() }), (emu, i) => emu.calls(i.method)),
  callbackAnswers: route(noArgs, (emu) => emu.callbackAnswers()),
  updates: route(noArgs, (emu) => emu.updates()),
  pendingUpdates: route(noArgs, (emu) => emu.pendingUpdates()),
  webhookDeliveries: route(noArgs, (emu) => emu.webhookDeliveries()),
};

/** Drops keys whose value is undefined (exactOptionalPropertyTypes-friendly inputs). */
function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function streamEvents(emu: BotApiEmulator, req: IncomingMessage, res: ServerResponse): void {
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

function serveFile(emu: BotApiEmulator, url: URL, res: ServerResponse): void {
  const file = emu.file(url.searchParams.get('fileId') ?? '');
  if (!file) return writeJson(res, 404, { ok: false, error: 'no such file' }, CORS);
  const bytes = file.bytes ?? Buffer.alloc(0);
  res.writeHead(200, { ...CORS, 'content-type': file.mime_type ?? 'application/octet-stream', 'content-length': bytes.length });
  res.end(bytes);
}

export async function handleControlRequest(emu: BotApiEmulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  const name = url.pathname.replace(/^\/__emulator\/?/, '').replace(/\/$/, '');
  if (name === '' && req.method === 'GET') {
    return writeJson(res, 200, { ok: true, result: { methods: Object.keys(ROUTES), events: '/__emulator/events', file: '/__emulator/file?fileId=' } }, CORS);
  }
  if (name === 'events' && req.method === 'GET') return streamEvents(emu, req, res);
  if (name === 'file' && req.method === 'GET') return serveFile(emu, url, res);
  const handler = ROUTES[name];
  if (!handler) return writeJson(res, 404, { ok: false, error: `unknown control method "${name}"` }, CORS);

  let input: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (req.method === 'POST') {
    const body = await readBody(req, 10 * 1024 * 1024);
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
    if (err instanceof z.ZodError) {
      return writeJson(res, 400, { ok: false, error: `invalid arguments for ${name}`, issues: err.issues }, CORS);
    }
    writeJson(res, 400, { ok: false, error: err instanceof Error ? err.message : String(err) }, CORS);
  }
}
