/**
 * # Zalo Bot API emulator
 *
 * A real HTTP server that speaks the Zalo Bot Platform API (https://bot-api.zaloplatforms.com)
 * well enough for this bot: tests point the Zalo client at `emu.apiRoot`, and the demo drives it
 * from a web page through its control API.
 *
 * ```ts
 * const emu = await startZaloEmulator({ token: '1234567890:secret' });
 * const api = new ZaloApi({ token: '1234567890:secret', apiRoot: emu.apiRoot });
 * const lan = await emu.createUser({ displayName: 'Lan' });
 * await emu.sendText({ userId: lan.id, text: 'trogiup' });      // a private chat: chat id = user id
 * const [polled] = await api.getUpdates({ timeoutSeconds: 1 });  // message.text.received
 * await api.sendMessage(lan.id, 'Xin chào');
 * await emu.waitForBotMessage(lan.id, 'Xin chào');
 * ```
 *
 * **Bot API** at `/bot<token>/<method>` (JSON, urlencoded or query parameters; method names are
 * case-sensitive like Zalo's). Answers `{ ok: true, result }` or `{ ok: false, error_code,
 * description }` with the error code as HTTP status. Implemented: getMe, getUpdates (long poll, one
 * event per call, 408 "Request timeout" when none came; refused while a webhook is set),
 * setWebhook (secret_token 8–256 characters), deleteWebhook, getWebhookInfo, sendMessage (text
 * 1–2000 UTF-16 units), sendPhoto (photo must be an http(s) URL, caption ≤ 2000), sendSticker,
 * sendChatAction (typing | upload_photo; answers `{ ok: true }` without a result, as Zalo does).
 * GET is accepted for getMe, getUpdates and getWebhookInfo. Unknown methods: 404; wrong token: 401;
 * a blocked chat: 403.
 *
 * **Webhooks**: POST to the URL with `X-Bot-Api-Secret-Token`, body `{ ok: true, result: event }`
 * (or the bare event with `webhookEnvelope: 'bare'`), one event at a time, retried on non-2xx.
 *
 * **Users and chats**: user ids are 20 hex digits like Zalo's; a private chat's id is its user's
 * id; groups get their own ids. In a group the bot only sees messages that mention it
 * (`@<display name>` or `@<account name>`) unless `groupsSeeAllMessages`.
 *
 * **Control API**: the methods below, over HTTP as `POST /__zalo/<name>` and live events as
 * Server-Sent Events at `GET /__zalo/events` (control-http.ts, mounted by index.ts). User images
 * are served at `GET /files/<id>`, so an event's photo URL points back at the emulator.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, parseApiRequest, readBody, writeJson } from '../telegram-emulator/http-body.js';
import { EventDelivery } from './delivery.js';
import type {
  FaultMatch,
  SendImageInput,
  SendStickerInput,
  SendTextInput,
  SendUnsupportedInput,
  UserActionResult,
  WebhookDeliveryRecord,
  ZaloApiCall,
  ZaloChatInfo,
  ZaloEmulatorEvent,
  ZaloEmulatorOptions,
  ZaloErrorAnswer,
  ZaloEventPayload,
  ZaloStoredFile,
  ZaloStoredMessage,
  ZaloUser,
} from './types.js';

export type * from './types.js';

const TEXT_LIMIT = 2000;
const GET_METHODS = new Set(['getMe', 'getUpdates', 'getWebhookInfo']);
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** A method's answer is `{ ok: true }` with no result field. */
const NO_RESULT = Symbol('no result');

class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(description);
  }
}

interface MethodContext {
  params: Record<string, unknown>;
  signal: AbortSignal;
}

type MethodHandler = (ctx: MethodContext) => unknown;

interface ChatState {
  info: { id: string; chat_type: 'PRIVATE' | 'GROUP'; title?: string };
  members: Set<string>;
  blocked: boolean;
  messages: ZaloStoredMessage[];
  /** Bot messages already handed out by waitForBotMessage. */
  botSeen: number;
}

type FaultKind = 'fail' | 'delay' | 'drop';

interface FaultRule {
  kind: FaultKind;
  /** A method name, or '*' for every method but getUpdates. */
  method: string;
  chatId?: string;
  remaining: number;
  answer?: ZaloErrorAnswer;
  ms?: number;
  afterEffect: boolean;
}

export type WaitMatch = ((message: ZaloStoredMessage) => boolean) | string | RegExp;

function hexId(): string {
  return randomBytes(10).toString('hex');
}

function stringParam(params: Record<string, unknown>, key: string): string | undefined {
  const v = params[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function isHttpUrl(value: string, httpsOnly = false): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === 'https:' || (!httpsOnly && protocol === 'http:');
}

function httpStatusOf(answer: ZaloErrorAnswer): number {
  if (answer.httpStatus !== undefined) return answer.httpStatus;
  return Number.isInteger(answer.error_code) && answer.error_code >= 400 && answer.error_code <= 599 ? answer.error_code : 400;
}

function toPredicate(match: WaitMatch | undefined): (m: ZaloStoredMessage) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === 'function') return match;
  if (typeof match === 'string') return (m) => (m.text ?? m.caption ?? '').includes(match);
  return (m) => match.test(m.text ?? m.caption ?? '');
}

export class ZaloEmulator {
  readonly bot: { id: string; account_name: string; display_name: string; account_type: string; can_join_groups: boolean };
  /** The control API over HTTP (`/__zalo/…`), mounted by `startZaloEmulator` (index.ts). */
  control: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) | undefined;
  private readonly users = new Map<string, ZaloUser>();
  private readonly chatStates = new Map<string, ChatState>();
  private readonly files = new Map<string, ZaloStoredFile>();
  private readonly methods = new Map<string, MethodHandler>();
  private readonly listeners = new Set<(event: ZaloEmulatorEvent) => void>();
  private readonly waiters = new Set<{ reject(err: Error): void }>();
  private readonly delivery: EventDelivery;
  private readonly now: () => number;
  private callLog: ZaloApiCall[] = [];
  private callSeq = 0;
  private userSeq = 0;
  private faults: FaultRule[] = [];
  private server: Server | undefined;
  private address: AddressInfo | undefined;
  private closed = false;

  constructor(private readonly options: ZaloEmulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    const tokenId = options.token?.match(/^(\d+):/)?.[1];
    this.bot = {
      id: options.bot?.id ?? tokenId ?? '1459232241454765289',
      account_name: options.bot?.accountName ?? 'bot.ThaoGoTest',
      display_name: options.bot?.displayName ?? 'Tháo gỡ',
      account_type: options.bot?.accountType ?? 'BASIC',
      can_join_groups: options.bot?.canJoinGroups ?? true,
    };
    this.delivery = new EventDelivery(
      {
        envelope: options.webhookEnvelope ?? 'wrapped',
        retryDelayMs: options.webhookRetryDelayMs ?? 200,
        maxAttempts: Math.max(1, options.webhookMaxAttempts ?? 5),
        timeoutMs: options.webhookTimeoutMs ?? 10_000,
        now: this.now,
      },
      (event) => this.emit(event),
    );
    this.registerMethods();
  }

  // --- lifecycle -------------------------------------------------------------------------

  async listen(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        (this.options.onInternalError ?? ((e) => console.error('zalo-emulator internal error', e)))(err);
        if (!res.headersSent && !res.destroyed) writeJson(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.address = server.address() as AddressInfo;
    return this;
  }

  get port(): number {
    if (!this.address) throw new Error('the Zalo emulator is not listening; call listen() or use startZaloEmulator()');
    return this.address.port;
  }

  /** Base URL for the client's `apiRoot` (no trailing slash), e.g. `http://127.0.0.1:41234`. */
  get apiRoot(): string {
    const host = this.address?.address ?? this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  get token(): string | undefined {
    return this.options.token;
  }

  /** Where the emulator serves a stored file. */
  fileUrl(fileId: string): string {
    return `${this.apiRoot}/files/${fileId}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.delivery.close();
    for (const waiter of [...this.waiters]) waiter.reject(new Error('the Zalo emulator was closed'));
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 100).unref();
    });
  }

  // --- HTTP ------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const api = /^\/bot([^/]+)\/([A-Za-z0-9_]+)\/?$/.exec(path);
    if (api) return this.handleApi(req, res, url, decodeURIComponent(api[1]!), api[2]!);
    const file = /^\/files\/([A-Za-z0-9]+)$/.exec(path);
    if (file && (req.method === 'GET' || req.method === 'HEAD')) return this.serveFile(res, file[1]!);
    if (path === '/__zalo' || path.startsWith('/__zalo/')) {
      return this.control ? this.control(req, res, url) : writeJson(res, 404, { ok: false, error: 'control API not mounted' });
    }
    if (this.options.extraHandler && (await this.options.extraHandler(req, res))) return;
    if (path === '/' && req.method === 'GET') {
      return writeJson(res, 200, { emulator: 'Zalo Bot API emulator', bot: this.bot, control: '/__zalo' });
    }
    writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  }

  private serveFile(res: ServerResponse, id: string): void {
    const file = this.files.get(id);
    if (!file) return writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': file.mime, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  private tokenAccepted(token: string): boolean {
    return this.options.token === undefined ? /^\d+:\S+$/.test(token) : token === this.options.token;
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL, token: string, method: string): Promise<void> {
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    let params: Record<string, unknown>;
    try {
      params = parseApiRequest(req, url, await readBody(req, this.options.maxBodyBytes ?? 10 * 1024 * 1024)).params;
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      const status = err.message.includes('Too Large') ? 413 : 400;
      return writeJson(res, status, { ok: false, error_code: status, description: err.message });
    }
    const call = this.startCall(method, req.method ?? 'POST', params);
    const answer = (status: number, body: Record<string, unknown>) => {
      this.finishCall(call, status, body);
      if (!res.destroyed) writeJson(res, status, body);
    };
    const answerError = (error: ZaloErrorAnswer) => {
      const body: Record<string, unknown> = { ok: false, error_code: error.error_code, description: error.description };
      if (error.parameters) body['parameters'] = structuredClone(error.parameters);
      answer(httpStatusOf(error), body);
    };

    if (!this.tokenAccepted(token)) return answerError({ error_code: 401, description: 'Unauthorized' });
    const handler = this.methods.get(method);
    if (!handler) return answerError({ error_code: 404, description: 'Not Found' });
    if (req.method !== 'POST' && !(req.method === 'GET' && GET_METHODS.has(method))) {
      return answerError({ error_code: 405, description: 'Method Not Allowed' });
    }

    const delay = this.takeFault('delay', method, params, false);
    if (delay) {
      call.injected = 'delay';
      await this.sleep(delay.ms ?? 0);
    }
    if (this.takeFault('drop', method, params, false)) return this.dropConnection(req, res, call);
    const fail = this.takeFault('fail', method, params);
    if (fail?.answer) {
      call.injected = 'fail';
      return answerError(fail.answer);
    }

    let result: unknown;
    try {
      result = await handler({ params, signal: aborted.signal });
    } catch (err) {
      if (err instanceof ApiError) return answerError({ error_code: err.errorCode, description: err.description });
      throw err;
    }

    const delayAfter = this.takeFault('delay', method, params, true);
    if (delayAfter) {
      call.injected = 'delay';
      await this.sleep(delayAfter.ms ?? 0);
    }
    if (this.takeFault('drop', method, params, true)) {
      call.result = result === NO_RESULT ? undefined : structuredClone(result);
      return this.dropConnection(req, res, call);
    }
    answer(200, result === NO_RESULT ? { ok: true } : { ok: true, result });
  }

  private dropConnection(req: IncomingMessage, res: ServerResponse, call: ZaloApiCall): void {
    call.injected = 'drop';
    call.finishedAt = this.now();
    this.emit({ type: 'call', call: structuredClone(call) });
    res.destroy();
    req.socket.destroy();
  }

  private startCall(method: string, httpMethod: string, params: Record<string, unknown>): ZaloApiCall {
    const call: ZaloApiCall = { seq: ++this.callSeq, method, httpMethod, params: structuredClone(params), at: this.now() };
    this.callLog.push(call);
    if (this.callLog.length > 20_000) this.callLog.splice(0, this.callLog.length - 20_000);
    return call;
  }

  private finishCall(call: ZaloApiCall, status: number, body: Record<string, unknown>): void {
    call.finishedAt = this.now();
    call.status = status;
    call.ok = body['ok'] === true;
    if (call.ok) {
      if ('result' in body) call.result = structuredClone(body['result']);
    } else {
      if (typeof body['error_code'] === 'number') call.error_code = body['error_code'];
      if (typeof body['description'] === 'string') call.description = body['description'];
    }
    this.emit({ type: 'call', call: structuredClone(call) });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      setTimeout(resolve, ms);
    });
  }

  // --- the API's methods -----------------------------------------------------------------

  private registerMethods(): void {
    const m = this.methods;
    m.set('getMe', () => ({
      id: this.bot.id,
      account_name: this.bot.account_name,
      account_type: this.bot.account_type,
      can_join_groups: this.bot.can_join_groups,
    }));

    m.set('getUpdates', async (ctx) => {
      if (this.delivery.webhook) throw new ApiError(400, 'Bad Request: a webhook is set; call deleteWebhook before getUpdates');
      const raw = stringParam(ctx.params, 'timeout') ?? '30';
      if (!/^\d+$/.test(raw.trim())) throw new ApiError(400, 'Bad Request: timeout must be a number of seconds');
      const waitMs = Math.min(Number(raw) * 1000, this.options.pollTimeoutCapMs ?? 30_000);
      const event = await this.delivery.poll(waitMs, ctx.signal);
      if (!event) throw new ApiError(408, 'Request timeout');
      return event;
    });

    m.set('setWebhook', (ctx) => {
      const url = stringParam(ctx.params, 'url')?.trim() ?? '';
      if (!isHttpUrl(url, this.options.requireHttpsWebhook)) throw new ApiError(400, 'Bad Request: url must be an HTTPS URL');
      const secret = stringParam(ctx.params, 'secret_token') ?? '';
      if (secret.length < 8 || secret.length > 256) throw new ApiError(400, 'Bad Request: secret_token must be 8 to 256 characters');
      const updatedAt = this.now();
      this.delivery.setWebhook({ url, secretToken: secret, updatedAt });
      return { url, updated_at: updatedAt };
    });

    m.set('deleteWebhook', () => {
      const at = this.now();
      this.delivery.deleteWebhook(at);
      return { url: '', updated_at: at };
    });

    m.set('getWebhookInfo', () => ({ url: this.delivery.webhook?.url ?? '', updated_at: this.delivery.webhookChangedAt }));

    m.set('sendMessage', (ctx) => {
      const chat = this.chatForSend(ctx.params);
      const text = ctx.params['text'];
      if (typeof text !== 'string' || text.length === 0) throw new ApiError(400, 'Bad Request: text is required');
      if (text.length > TEXT_LIMIT) throw new ApiError(400, `Bad Request: text must be at most ${TEXT_LIMIT} characters`);
      return this.storeBotMessage(chat, { kind: 'text', text });
    });

    m.set('sendPhoto', async (ctx) => {
      const chat = this.chatForSend(ctx.params);
      const photo = stringParam(ctx.params, 'photo')?.trim() ?? '';
      if (!isHttpUrl(photo)) throw new ApiError(400, 'Bad Request: photo must be an image URL');
      const caption = ctx.params['caption'];
      if (caption !== undefined && typeof caption !== 'string') throw new ApiError(400, 'Bad Request: caption must be a string');
      if (typeof caption === 'string' && caption.length > TEXT_LIMIT) throw new ApiError(400, `Bad Request: caption must be at most ${TEXT_LIMIT} characters`);
      const fields: Omit<ZaloStoredMessage, 'message_id' | 'date' | 'chat_id' | 'sender'> = { kind: 'image', photo };
      if (typeof caption === 'string' && caption !== '') fields.caption = caption;
      if (this.options.fetchPhotos) {
        const file = await this.download(photo);
        fields.file_id = file.id;
        fields.file_size = file.bytes.length;
      }
      return this.storeBotMessage(chat, fields);
    });

    m.set('sendSticker', (ctx) => {
      const chat = this.chatForSend(ctx.params);
      const sticker = stringParam(ctx.params, 'sticker')?.trim() ?? '';
      if (sticker === '') throw new ApiError(400, 'Bad Request: sticker is required');
      return this.storeBotMessage(chat, { kind: 'sticker', sticker });
    });

    m.set('sendChatAction', (ctx) => {
      this.chatForSend(ctx.params);
      const action = stringParam(ctx.params, 'action');
      if (action !== 'typing' && action !== 'upload_photo') throw new ApiError(400, 'Bad Request: action must be typing or upload_photo');
      return NO_RESULT;
    });
  }

  private chatForSend(params: Record<string, unknown>): ChatState {
    const chatId = stringParam(params, 'chat_id')?.trim();
    if (!chatId) throw new ApiError(400, 'Bad Request: chat_id is required');
    const chat = this.chatStates.get(chatId);
    if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
    if (chat.blocked) {
      throw new ApiError(403, chat.info.chat_type === 'PRIVATE' ? 'Forbidden: the user has blocked the bot' : 'Forbidden: the bot is not a member of this group');
    }
    return chat;
  }

  private storeBotMessage(chat: ChatState, fields: Omit<ZaloStoredMessage, 'message_id' | 'date' | 'chat_id' | 'sender'>): { message_id: string; date: number } {
    const message: ZaloStoredMessage = { message_id: hexId(), date: this.now(), chat_id: chat.info.id, sender: 'bot', ...fields };
    chat.messages.push(message);
    this.emit({ type: 'message', chatId: chat.info.id, message: { ...message } });
    return { message_id: message.message_id, date: message.date };
  }

  private async download(url: string): Promise<ZaloStoredFile> {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch {
      throw new ApiError(400, 'Bad Request: the photo could not be downloaded');
    }
    if (!res.ok) throw new ApiError(400, `Bad Request: the photo could not be downloaded (HTTP ${res.status})`);
    const bytes = Buffer.from(await res.arrayBuffer());
    return this.storeFile(bytes, res.headers.get('content-type') ?? 'application/octet-stream');
  }

  private storeFile(bytes: Buffer, mime: string): ZaloStoredFile {
    const file: ZaloStoredFile = { id: hexId(), mime, bytes };
    this.files.set(file.id, file);
    return file;
  }

  // --- faults ----------------------------------------------------------------------------

  private takeFault(kind: FaultKind, method: string, params: Record<string, unknown>, afterEffect?: boolean): FaultRule | undefined {
    const chatId = stringParam(params, 'chat_id')?.trim();
    const index = this.faults.findIndex(
      (rule) =>
        rule.kind === kind &&
        (rule.method === method || (rule.method === '*' && method !== 'getUpdates')) &&
        (rule.chatId === undefined || rule.chatId === chatId) &&
        (afterEffect === undefined || rule.afterEffect === afterEffect),
    );
    if (index === -1) return undefined;
    const rule = this.faults[index]!;
    if (--rule.remaining <= 0) this.faults.splice(index, 1);
    return rule;
  }

  private addFault(rule: Omit<FaultRule, 'remaining'>, match: FaultMatch): void {
    this.faults.push({ ...rule, ...(match.chatId !== undefined ? { chatId: match.chatId } : {}), remaining: Math.max(1, match.times ?? 1) });
  }

  /** The next matching calls of `method` ('*' = any but getUpdates) answer this error instead of acting. */
  async failNext(method: string, answer: ZaloErrorAnswer, match: FaultMatch = {}): Promise<void> {
    this.addFault({ kind: 'fail', method, answer: structuredClone(answer), afterEffect: false }, match);
  }

  /** The next matching calls are answered `ms` later (before acting, or after with afterEffect). */
  async delayNext(method: string, ms: number, opts: FaultMatch & { afterEffect?: boolean } = {}): Promise<void> {
    this.addFault({ kind: 'delay', method, ms, afterEffect: opts.afterEffect ?? false }, opts);
  }

  /**
   * The next matching calls get their connection cut without an answer; with afterEffect the call
   * acts first (a message is sent, an event is handed out and lost): "sent but never confirmed".
   */
  async dropConnectionNext(method: string, opts: FaultMatch & { afterEffect?: boolean } = {}): Promise<void> {
    this.addFault({ kind: 'drop', method, afterEffect: opts.afterEffect ?? false }, opts);
  }

  async clearFaults(): Promise<void> {
    this.faults = [];
  }

  // --- the world: users, groups, what they do --------------------------------------------

  async createUser(input: { displayName?: string; id?: string } = {}): Promise<ZaloUser> {
    const id = input.id ?? hexId();
    if (this.users.has(id)) throw new Error(`user ${id} already exists`);
    const user: ZaloUser = { id, display_name: input.displayName ?? `Người dùng ${++this.userSeq}`, is_bot: false };
    this.users.set(id, user);
    // The user has the bot's chat open from the start, so the bot may write first.
    this.privateChatFor(user);
    return { ...user };
  }

  async createGroup(input: { title?: string; id?: string; memberIds?: string[] } = {}): Promise<ZaloChatInfo> {
    const id = input.id ?? hexId();
    if (this.chatStates.has(id) || this.users.has(id)) throw new Error(`chat ${id} already exists`);
    for (const userId of input.memberIds ?? []) this.requireUser(userId);
    const chat: ChatState = {
      info: { id, chat_type: 'GROUP', title: input.title ?? 'Nhóm Zalo' },
      members: new Set(input.memberIds ?? []),
      blocked: false,
      messages: [],
      botSeen: 0,
    };
    this.chatStates.set(id, chat);
    return this.chatInfo(chat);
  }

  /** The user blocks the bot (a private chat) or the bot is removed (a group): sends answer 403, events stop. */
  async blockBot(chatId: string): Promise<void> {
    this.requireChat(chatId).blocked = true;
  }

  async unblockBot(chatId: string): Promise<void> {
    this.requireChat(chatId).blocked = false;
  }

  /** A user writes text; it reaches the bot unless it is a group message that does not mention it. */
  async sendText(input: SendTextInput): Promise<UserActionResult> {
    return this.userMessage(input.userId, input.chatId, 'message.text.received', { kind: 'text', text: input.text }, { text: input.text }, input.text);
  }

  /** A user sends an image: `photoUrl`, or bytes (default a tiny PNG) served by the emulator. */
  async sendImage(input: SendImageInput): Promise<UserActionResult> {
    let url = input.photoUrl;
    if (url === undefined) {
      const file = this.storeFile(input.bytes ? Buffer.from(input.bytes) : TINY_PNG, input.mime ?? 'image/png');
      url = this.fileUrl(file.id);
    }
    const field = this.options.imageField ?? 'photo_url';
    const payload: Record<string, unknown> = { [field]: url };
    if (input.caption !== undefined) payload['caption'] = input.caption;
    const stored: Omit<ZaloStoredMessage, 'message_id' | 'date' | 'chat_id' | 'sender'> = { kind: 'image', photo: url };
    if (input.caption !== undefined) stored.caption = input.caption;
    return this.userMessage(input.userId, input.chatId, 'message.image.received', stored, payload, input.caption ?? '');
  }

  async sendSticker(input: SendStickerInput): Promise<UserActionResult> {
    const sticker = input.sticker ?? 'f1f0e1b2a3c4d5e6f7a8';
    return this.userMessage(
      input.userId,
      input.chatId,
      'message.sticker.received',
      { kind: 'sticker', sticker },
      { sticker, url: `https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=${sticker}` },
      '',
    );
  }

  /** A message the platform does not pass on (default message.unsupported.received). */
  async sendUnsupported(input: SendUnsupportedInput): Promise<UserActionResult> {
    return this.userMessage(input.userId, input.chatId, input.eventName ?? 'message.unsupported.received', { kind: 'unsupported' }, {}, '');
  }

  private userMessage(
    userId: string,
    chatId: string | undefined,
    eventName: string,
    stored: Omit<ZaloStoredMessage, 'message_id' | 'date' | 'chat_id' | 'sender'>,
    payload: Record<string, unknown>,
    mentionText: string,
  ): UserActionResult {
    const user = this.requireUser(userId);
    const chat = chatId === undefined || chatId === userId ? this.privateChatFor(user) : this.requireChat(chatId);
    if (chat.info.chat_type === 'GROUP') chat.members.add(user.id);
    const message: ZaloStoredMessage = { message_id: hexId(), date: this.now(), chat_id: chat.info.id, sender: 'user', from_id: user.id, ...stored };
    const event: ZaloEventPayload = {
      event_name: eventName,
      message: {
        from: { ...user },
        chat: { id: chat.info.id, chat_type: chat.info.chat_type },
        ...payload,
        message_id: message.message_id,
        date: message.date,
      },
    };
    const visible = !chat.blocked && (chat.info.chat_type === 'PRIVATE' || this.options.groupsSeeAllMessages === true || this.mentionsBot(mentionText));
    message.event_queued = visible;
    chat.messages.push(message);
    this.emit({ type: 'message', chatId: chat.info.id, message: { ...message } });
    if (visible) this.delivery.enqueue(event);
    return { event: structuredClone(event), queued: visible };
  }

  private mentionsBot(text: string): boolean {
    const lower = text.toLocaleLowerCase('vi');
    return [this.bot.display_name, this.bot.account_name].some((name) => lower.includes(`@${name.toLocaleLowerCase('vi')}`));
  }

  private requireUser(userId: string): ZaloUser {
    const user = this.users.get(userId);
    if (!user) throw new Error(`no user ${userId} in the Zalo emulator; create it with createUser() first`);
    return user;
  }

  private requireChat(chatId: string): ChatState {
    const chat = this.chatStates.get(chatId) ?? (this.users.has(chatId) ? this.privateChatFor(this.users.get(chatId)!) : undefined);
    if (!chat) throw new Error(`no chat ${chatId} in the Zalo emulator`);
    return chat;
  }

  private privateChatFor(user: ZaloUser): ChatState {
    let chat = this.chatStates.get(user.id);
    if (!chat) {
      chat = { info: { id: user.id, chat_type: 'PRIVATE' }, members: new Set([user.id]), blocked: false, messages: [], botSeen: 0 };
      this.chatStates.set(user.id, chat);
    }
    return chat;
  }

  private chatInfo(chat: ChatState): ZaloChatInfo {
    return { ...chat.info, members: [...chat.members], blocked: chat.blocked };
  }

  // --- queries ---------------------------------------------------------------------------

  listUsers(): ZaloUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  listChats(): ZaloChatInfo[] {
    return [...this.chatStates.values()].map((c) => this.chatInfo(c));
  }

  chat(chatId: string): ZaloChatInfo | undefined {
    const chat = this.chatStates.get(chatId);
    return chat ? this.chatInfo(chat) : undefined;
  }

  /** Every message of the chat, users' and the bot's, in order. */
  messages(chatId: string): ZaloStoredMessage[] {
    return (this.chatStates.get(chatId)?.messages ?? []).map((m) => ({ ...m }));
  }

  botMessages(chatId: string): ZaloStoredMessage[] {
    return this.messages(chatId).filter((m) => m.sender === 'bot');
  }

  /**
   * The next bot message in the chat not handed out by an earlier call for that chat (messages
   * already there count) that matches (a predicate, a substring of text/caption, or a RegExp);
   * skipped messages are consumed too. Rejects after `timeoutMs` with what the chat holds.
   */
  waitForBotMessage(chatId: string, match?: WaitMatch, timeoutMs = 5000): Promise<ZaloStoredMessage> {
    const test = toPredicate(match);
    const find = (): ZaloStoredMessage | undefined => {
      const chat = this.chatStates.get(chatId);
      if (!chat) return undefined;
      const bots = chat.messages.filter((m) => m.sender === 'bot');
      for (let i = chat.botSeen; i < bots.length; i++) {
        if (test(bots[i]!)) {
          chat.botSeen = i + 1;
          return { ...bots[i]! };
        }
      }
      return undefined;
    };
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
        this.waiters.delete(waiter);
      };
      const waiter = {
        reject: (err: Error) => {
          finish();
          reject(err);
        },
      };
      const unsubscribe = this.subscribe((event) => {
        if (event.type !== 'message' || event.chatId !== chatId || event.message.sender !== 'bot') return;
        const hit = find();
        if (hit) {
          finish();
          resolve(hit);
        }
      });
      const timer = setTimeout(() => waiter.reject(new Error(this.describeWaitFailure(chatId, match, timeoutMs))), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Every API call (or those of one method), oldest first; parameters as sent, never the token. */
  calls(method?: string): ZaloApiCall[] {
    return this.callLog.filter((c) => method === undefined || c.method === method).map((c) => structuredClone(c));
  }

  /** The webhook the bot set, with its secret. */
  webhook(): { url: string; secretToken: string; updatedAt: number } | null {
    const hook = this.delivery.webhook;
    return hook ? { ...hook } : null;
  }

  webhookDeliveries(): WebhookDeliveryRecord[] {
    return this.delivery.deliveries.map((d) => ({ ...d }));
  }

  /** Events not yet handed out (by getUpdates) or delivered (by webhook). */
  pendingEvents(): ZaloEventPayload[] {
    return structuredClone(this.delivery.queue);
  }

  file(fileId: string): ZaloStoredFile | undefined {
    const file = this.files.get(fileId);
    return file ? { ...file } : undefined;
  }

  /** Live events (messages, calls, queued events, webhook deliveries). Returns unsubscribe. */
  subscribe(listener: (event: ZaloEmulatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Clears users, chats, messages, files, pending events, calls and faults; the webhook stays unless told. */
  async reset(opts: { keepWebhook?: boolean } = {}): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.reject(new Error('the Zalo emulator was reset'));
    this.users.clear();
    this.chatStates.clear();
    this.files.clear();
    this.callLog = [];
    this.faults = [];
    this.delivery.clear();
    if (opts.keepWebhook === false) this.delivery.deleteWebhook(this.now());
    this.emit({ type: 'reset' });
  }

  private emit(event: ZaloEmulatorEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        (this.options.onInternalError ?? ((e) => console.error('zalo-emulator listener error', e)))(err);
      }
    }
  }

  private describeWaitFailure(chatId: string, match: WaitMatch | undefined, timeoutMs: number): string {
    const what = match === undefined ? 'new bot message' : `new bot message matching ${typeof match === 'function' ? 'the predicate' : String(match instanceof RegExp ? match : JSON.stringify(match))}`;
    const lines = [`waitForBotMessage: no ${what} in Zalo chat ${chatId} within ${timeoutMs} ms.`];
    const chat = this.chatStates.get(chatId);
    if (!chat) {
      lines.push(`There is no chat ${chatId} (chats: ${[...this.chatStates.keys()].join(', ') || 'none'}).`);
    } else {
      if (chat.blocked) lines.push('The bot is blocked in this chat (sends answer 403).');
      lines.push(`The chat has ${chat.messages.length} message(s); ${chat.botSeen} bot message(s) were already handed out. Last ones:`);
      for (const m of chat.messages.slice(-15)) {
        const body = m.text !== undefined ? JSON.stringify(m.text.length > 100 ? `${m.text.slice(0, 100)}…` : m.text) : `[${m.kind}]${m.caption ? ` ${JSON.stringify(m.caption)}` : ''}`;
        lines.push(`  ${m.sender === 'bot' ? 'bot' : `user ${m.from_id}`}: ${body}`);
      }
    }
    const failed = this.callLog.filter((c) => stringParam(c.params, 'chat_id') === chatId && (c.ok === false || c.injected === 'drop'));
    for (const c of failed.slice(-10)) lines.push(`  failed call: ${c.method} → ${c.injected === 'drop' ? 'connection dropped' : `${c.error_code} ${c.description}`}`);
    return lines.join('\n');
  }
}
