/**
 * # Bot API emulator
 *
 * A real HTTP server that speaks the Telegram Bot API well enough for this bot: the integration,
 * end-to-end and failure tests point grammY at it (`client.apiRoot`), and `npm run demo` can drive
 * it from a web page through its control API.
 *
 * ```ts
 * import { Bot } from 'grammy';
 * import { startBotApiEmulator } from '../tools/telegram-emulator/index.js';
 *
 * const emu = await startBotApiEmulator();                 // random port on 127.0.0.1
 * const bot = new Bot('123:TEST', { client: { apiRoot: emu.apiRoot } });
 * bot.command('trogiup', (ctx) => ctx.reply('<b>Trợ giúp</b>', { parse_mode: 'HTML' }));
 * void bot.start();                                        // long polling against the emulator
 *
 * const group = await emu.createChat({ type: 'group', title: 'Xã Tân Hưng' });
 * const alice = await emu.createUser({ first_name: 'Alice' });
 * await emu.sendUserMessage({ chatId: group.id, userId: alice.id, text: '/trogiup' });
 * const reply = await emu.waitForBotMessage(group.id);     // { text: 'Trợ giúp', entities: [bold], ... }
 * await bot.stop(); await emu.close();
 * ```
 *
 * **Bot API** at `/bot<token>/<method>` (JSON, urlencoded, query string or multipart bodies;
 * method names are case-insensitive like Telegram's). Answers are Telegram's
 * `{ ok: true, result }` / `{ ok: false, error_code, description, parameters? }` with the same
 * HTTP status. Implemented: getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo,
 * sendMessage, sendPhoto, sendDocument, copyMessage, forwardMessage, editMessageText,
 * editMessageCaption, editMessageReplyMarkup, deleteMessage, answerCallbackQuery, sendChatAction,
 * getChat, getChatMember, getChatAdministrators, getChatMemberCount, leaveChat, getFile,
 * set/get/deleteMyCommands, set/getChatMenuButton, and a few accept-only profile setters. Anything
 * else (or anything in `unsupportedMethods`) is 404 "Not Found: method not found". Files are
 * downloadable at `/file/bot<token>/<file_path>`.
 *
 * Telegram behaviour worth knowing when writing tests:
 * - HTML is parsed like Telegram: stored `text` is the plain text plus `entities`; unknown or
 *   unbalanced tags answer 400 "Bad Request: can't parse entities: …". `source.text` keeps what
 *   the bot sent. MarkdownV2 is stored unparsed. Lengths count UTF-16 code units (4096 / 1024).
 * - editMessageText/Caption without `reply_markup` removes the inline keyboard (as Telegram does);
 *   an identical edit is 400 "message is not modified".
 * - getUpdates confirms updates below `offset`; a second concurrent poll ends the first with 409;
 *   getUpdates while a webhook is set is 409. Update ids never restart, not even on `reset()`.
 * - Groups see every message (as with privacy mode off); a bot that left or was kicked gets
 *   no updates from that chat and 403 for every call naming it.
 *
 * **Control API** (methods below; the same over HTTP as `POST /__emulator/<name>` with the
 * argument object as JSON, queries also as `GET /__emulator/<name>?…`, live events as Server-Sent
 * Events at `GET /__emulator/events`; see control-http.ts).
 *
 * **Failures**: `failNext`, `delayNext`, `dropConnectionNext` (optionally after the call took
 * effect: the "sent but never confirmed" case), `replaceResultNext` (the call takes effect, the
 * answer is `ok: true` with an odd `result` such as null), `blockBot`, `migrateChat` (also triggered
 * by a `failNext` answer carrying `migrate_to_chat_id`: the old id then keeps answering that 400).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpdateDelivery, type GetUpdatesMode } from './delivery.js';
import { botCommandEntities } from './html.js';
import { BodyError, parseApiRequest, readBody, writeJson } from './http-body.js';
import {
  ApiError,
  botMemberUpdate,
  chatAccessError,
  createMethodTable,
  photoSizes,
  stringParam,
  type MethodContext,
  type MethodHandler,
} from './methods.js';
import { EmulatorState, toView, type ChatState, type StoredMessage } from './state.js';
import type {
  AddBotToGroupInput,
  ApiCallRecord,
  ApiErrorResponse,
  CallbackAnswerRecord,
  ChatMemberStatus,
  CreateChatInput,
  CreateUserInput,
  DelayNextOptions,
  DropConnectionOptions,
  EditUserMessageInput,
  EmulatorEvent,
  EmulatorMessage,
  FailNextOptions,
  FaultMatch,
  PressButtonInput,
  SendUserMessageInput,
  StoredFile,
  TgChat,
  TgInlineKeyboardButton,
  TgMessage,
  TgUpdate,
  TgUser,
  WebhookDeliveryRecord,
} from './types.js';

export type * from './types.js';
export type { GetUpdatesMode } from './delivery.js';

export interface BotApiEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, other tokens get 401 "Unauthorized"; when omitted any token works. */
  token?: string;
  /** 'long-poll' (default) holds getUpdates up to its timeout; 'immediate' answers at once. */
  getUpdatesMode?: GetUpdatesMode;
  /** Methods that answer 404 like servers without optional methods (case-insensitive). */
  unsupportedMethods?: string[];
  /** The bot's own user. Default id from the token's number (or 7000000001), username thaogo_test_bot. */
  botUser?: Partial<Omit<TgUser, 'is_bot'>>;
  /** Wait between webhook attempts (default 200 ms). */
  webhookRetryDelayMs?: number;
  /** Timeout of one webhook POST (default 10 000 ms). */
  webhookTimeoutMs?: number;
  /** Attempts per update before giving up on it (default unlimited). */
  webhookMaxAttempts?: number;
  /** Parallel webhook POSTs (default 1: strictly in order). */
  webhookConcurrency?: number;
  /** First update_id handed out (default 100000). */
  firstUpdateId?: number;
  /** Clock for message dates and logs, ms since the epoch (default Date.now). */
  now?: () => number;
  /** Calls kept for calls() (oldest dropped first; default 20 000 — an 'immediate' poller makes many). */
  callLogLimit?: number;
  /** Largest request body accepted (default 50 MB, Telegram's upload limit). */
  maxBodyBytes?: number;
  /** Serves other paths first (e.g. the demo's chat page); return true when handled. */
  extraHandler?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** Internal errors (a bug in the emulator, never a Bot API error). Default console.error. */
  onInternalError?: (err: unknown) => void;
}

type FaultKind = 'fail' | 'delay' | 'drop' | 'result';

interface FaultRule {
  kind: FaultKind;
  /** Canonical method name, or '*' for every method but getUpdates. */
  method: string;
  chatId?: string;
  remaining: number;
  response?: ApiErrorResponse;
  rawBody?: string;
  /** For 'result': what `result` the successful answer carries instead of the real one. */
  result?: unknown;
  ms?: number;
  afterProcessing?: boolean;
}

const DEFAULT_BOT_ID = 7_000_000_001;

type WaitPredicate = ((message: EmulatorMessage) => boolean) | string | RegExp;

interface MessageWaiter {
  reject(err: Error): void;
}

export class BotApiEmulator {
  readonly botUser: TgUser;
  private readonly state: EmulatorState;
  private readonly delivery: UpdateDelivery;
  private readonly methods: Map<string, MethodHandler>;
  /** Lower-case name → canonical name, for Telegram's case-insensitive method names. */
  private readonly canonical = new Map<string, string>();
  private unsupported: Set<string>;
  private faults: FaultRule[] = [];
  private callLog: ApiCallRecord[] = [];
  private answers: CallbackAnswerRecord[] = [];
  private callSeq = 0;
  private readonly waiters = new Set<MessageWaiter>();
  private readonly closing = new AbortController();
  private server: Server | undefined;
  private address: AddressInfo | undefined;
  /** The control API over HTTP (`/__emulator/…`); mounted by `startBotApiEmulator` (index.ts). */
  control: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) | undefined;

  constructor(private readonly options: BotApiEmulatorOptions = {}) {
    const tokenId = options.token?.match(/^(\d+):/)?.[1];
    this.botUser = {
      id: options.botUser?.id ?? (tokenId ? Number(tokenId) : DEFAULT_BOT_ID),
      is_bot: true,
      first_name: options.botUser?.first_name ?? 'Tháo gỡ (test)',
      username: options.botUser?.username ?? 'thaogo_test_bot',
    };
    if (options.botUser?.last_name !== undefined) this.botUser.last_name = options.botUser.last_name;
    this.state = new EmulatorState(this.botUser, options.now ?? Date.now, options.firstUpdateId ?? 100_000);
    this.delivery = new UpdateDelivery(
      this.state,
      {
        getUpdatesMode: options.getUpdatesMode ?? 'long-poll',
        webhookRetryDelayMs: options.webhookRetryDelayMs ?? 200,
        webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
        webhookMaxAttempts: options.webhookMaxAttempts ?? Number.POSITIVE_INFINITY,
        webhookConcurrency: Math.max(1, options.webhookConcurrency ?? 1),
      },
      (method, params) => this.executeInternal(method, params),
    );
    this.methods = createMethodTable({ state: this.state, recordCallbackAnswer: (a) => this.recordAnswer(a) });
    this.methods.set('getUpdates', this.delivery.getUpdates);
    this.methods.set('setWebhook', this.delivery.setWebhook);
    this.methods.set('deleteWebhook', this.delivery.deleteWebhook);
    this.methods.set('getWebhookInfo', this.delivery.getWebhookInfo);
    for (const name of this.methods.keys()) this.canonical.set(name.toLowerCase(), name);
    this.unsupported = new Set((options.unsupportedMethods ?? []).map((m) => m.toLowerCase()));
  }

  // --- lifecycle -------------------------------------------------------------------------

  async listen(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        (this.options.onInternalError ?? ((e) => console.error('bot-api-emulator internal error', e)))(err);
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
    if (!this.address) throw new Error('the emulator is not listening; call listen() or use startBotApiEmulator()');
    return this.address.port;
  }

  /** Base URL for grammY's `client.apiRoot` (no trailing slash), e.g. `http://127.0.0.1:41234`. */
  get apiRoot(): string {
    const host = this.address?.address ?? this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /** The token the emulator requires, if any. */
  get token(): string | undefined {
    return this.options.token;
  }

  /** Stops the server: pending long polls get their (possibly empty) batch, waiters reject. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    this.delivery.close();
    for (const waiter of [...this.waiters]) waiter.reject(new Error('the Bot API emulator was closed'));
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Give answered long polls a moment to flush before cutting the rest.
      setTimeout(() => server.closeAllConnections(), 100).unref();
    });
  }

  // --- HTTP ------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const api = /^\/bot([^/]*)\/(?:test\/)?([A-Za-z0-9_]+)\/?$/.exec(path);
    if (api) return this.handleBotApi(req, res, url, decodeURIComponent(api[1]!), api[2]!);
    const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(path);
    if (file) return this.handleFileDownload(res, decodeURIComponent(file[1]!), decodeURIComponent(file[2]!));
    if (path === '/__emulator' || path.startsWith('/__emulator/')) return this.control ? this.control(req, res, url) : writeJson(res, 404, { ok: false, error: 'control API not mounted' });
    if (this.options.extraHandler && (await this.options.extraHandler(req, res))) return;
    if (path === '/' && req.method === 'GET') {
      return writeJson(res, 200, { emulator: 'Telegram Bot API emulator', bot: this.botUser, control: '/__emulator' });
    }
    writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
  }

  private tokenAccepted(token: string): boolean {
    return this.options.token === undefined ? token.length > 0 : token === this.options.token;
  }

  private handleFileDownload(res: ServerResponse, token: string, filePath: string): void {
    if (!this.tokenAccepted(token)) return writeJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const file = [...this.state.files.values()].find((f) => f.file_path === filePath);
    if (!file) return writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found: file not found' });
    const bytes = file.bytes ?? this.state.placeholderBytes(file.file_path.startsWith('photos/') ? 'photo' : 'document', file.file_size, file.file_name);
    res.writeHead(200, { 'content-type': file.mime_type ?? 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
  }

  private async handleBotApi(req: IncomingMessage, res: ServerResponse, url: URL, token: string, rawMethod: string): Promise<void> {
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    let parsed;
    try {
      parsed = parseApiRequest(req, url, await readBody(req, this.options.maxBodyBytes ?? 50 * 1024 * 1024));
    } catch (err) {
      if (err instanceof BodyError) {
        const status = err.message.includes('Too Large') ? 413 : 400;
        return writeJson(res, status, { ok: false, error_code: status, description: err.message });
      }
      throw err;
    }
    const method = this.canonical.get(rawMethod.toLowerCase()) ?? rawMethod;
    const call = this.startCall(method, parsed.params);

    const answer = (status: number, body: Record<string, unknown>) => {
      this.finishCall(call, body);
      if (!res.destroyed) writeJson(res, status, body);
    };
    const answerError = (error: ApiErrorResponse, injected?: ApiCallRecord['injected']) => {
      if (injected) call.injected = injected;
      answer(httpStatus(error.error_code), { ok: false, ...error });
    };

    if (!this.tokenAccepted(token)) return answerError({ error_code: 401, description: 'Unauthorized' });
    const handler = this.methods.get(method);
    if (!handler || this.unsupported.has(method.toLowerCase())) {
      return answerError({ error_code: 404, description: 'Not Found: method not found' }, handler ? 'unsupported' : undefined);
    }

    const delay = this.takeFault('delay', method, parsed.params, false);
    if (delay) {
      call.injected = 'delay';
      await this.sleep(delay.ms ?? 0);
    }
    if (this.takeFault('drop', method, parsed.params, false)) {
      call.injected = 'drop';
      return this.dropConnection(req, res, call);
    }
    const fail = this.takeFault('fail', method, parsed.params);
    if (fail?.response) {
      this.applyInjectedMigration(fail.response, parsed.params);
      if (fail.rawBody !== undefined) {
        call.injected = 'fail';
        this.finishCall(call, { ok: false, ...fail.response });
        if (!res.destroyed) {
          res.writeHead(httpStatus(fail.response.error_code), { 'content-type': 'text/html; charset=utf-8' });
          res.end(fail.rawBody);
        }
        return;
      }
      return answerError(fail.response, 'fail');
    }
    const access = chatAccessError(this.state, parsed.params);
    if (access && method !== 'getUpdates') return answerError(access.error.toResponse(), access.kind);

    const ctx: MethodContext = { params: parsed.params, files: parsed.files, signal: aborted.signal };
    let result: unknown;
    try {
      result = await handler(ctx);
    } catch (err) {
      if (err instanceof ApiError) return answerError(err.toResponse());
      throw err;
    }

    const delayAfter = this.takeFault('delay', method, parsed.params, true);
    if (delayAfter) {
      call.injected = 'delay';
      await this.sleep(delayAfter.ms ?? 0);
    }
    if (this.takeFault('drop', method, parsed.params, true)) {
      call.injected = 'drop';
      call.result = structuredClone(result);
      return this.dropConnection(req, res, call);
    }
    const odd = this.takeFault('result', method, parsed.params);
    if (odd) {
      call.injected = 'result';
      return answer(200, { ok: true, result: odd.result });
    }
    answer(200, { ok: true, result });
  }

  private dropConnection(req: IncomingMessage, res: ServerResponse, call: ApiCallRecord): void {
    call.finishedAt = this.state.now();
    this.state.emit({ type: 'call', call: { ...call } });
    res.destroy();
    req.socket.destroy();
  }

  /** A call from a webhook answer body: same handlers, no faults, no HTTP. */
  private async executeInternal(method: string, params: Record<string, unknown>): Promise<void> {
    const name = this.canonical.get(method.toLowerCase()) ?? method;
    const call = this.startCall(name, params);
    call.viaWebhookReply = true;
    const handler = this.methods.get(name);
    if (!handler || this.unsupported.has(name.toLowerCase()) || name === 'getUpdates') {
      this.finishCall(call, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      return;
    }
    const access = chatAccessError(this.state, params);
    if (access) {
      this.finishCall(call, { ok: false, ...access.error.toResponse() });
      return;
    }
    try {
      const result = await handler({ params, files: new Map(), signal: new AbortController().signal });
      this.finishCall(call, { ok: true, result });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.finishCall(call, { ok: false, ...err.toResponse() });
    }
  }

  private startCall(method: string, params: Record<string, unknown>): ApiCallRecord {
    const call: ApiCallRecord = { seq: ++this.callSeq, method, params: structuredClone(params), at: this.state.now() };
    this.callLog.push(call);
    const limit = this.options.callLogLimit ?? 20_000;
    if (this.callLog.length > limit) this.callLog.splice(0, this.callLog.length - limit);
    return call;
  }

  private finishCall(call: ApiCallRecord, body: Record<string, unknown>): void {
    call.finishedAt = this.state.now();
    call.ok = body['ok'] === true;
    if (call.ok) {
      call.result = structuredClone(body['result']);
    } else {
      if (typeof body['error_code'] === 'number') call.error_code = body['error_code'];
      if (typeof body['description'] === 'string') call.description = body['description'];
    }
    this.state.emit({ type: 'call', call: { ...call } });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closing.signal.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      this.closing.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }

  // --- faults ----------------------------------------------------------------------------

  private takeFault(kind: FaultKind, method: string, params: Record<string, unknown>, afterProcessing?: boolean): FaultRule | undefined {
    const chatId = stringParam(params, 'chat_id')?.trim();
    const index = this.faults.findIndex(
      (rule) =>
        rule.kind === kind &&
        (rule.method === method || (rule.method === '*' && method !== 'getUpdates')) &&
        (rule.chatId === undefined || rule.chatId === chatId) &&
        (afterProcessing === undefined || (rule.afterProcessing ?? false) === afterProcessing),
    );
    if (index === -1) return undefined;
    const rule = this.faults[index]!;
    rule.remaining--;
    if (rule.remaining <= 0) this.faults.splice(index, 1);
    return rule;
  }

  private applyInjectedMigration(response: ApiErrorResponse, params: Record<string, unknown>): void {
    const target = response.parameters?.migrate_to_chat_id;
    const chatId = stringParam(params, 'chat_id')?.trim();
    if (target === undefined || chatId === undefined || !/^-?\d+$/.test(chatId)) return;
    const chat = this.state.chatState(Number(chatId));
    if (!chat || chat.migratedTo !== undefined) return;
    this.migrate(chat, target);
  }

  private addFault(rule: Omit<FaultRule, 'remaining'>, times: number | undefined): void {
    const method = rule.method === '*' ? '*' : (this.canonical.get(rule.method.toLowerCase()) ?? rule.method);
    this.faults.push({ ...rule, method, remaining: Math.max(1, times ?? 1) });
  }

  /**
   * The next `times` (default 1) calls of `method` ('*' = any but getUpdates), optionally only for
   * `chatId`, answer this error. A `parameters.migrate_to_chat_id` also migrates the chat for real.
   */
  async failNext(method: string, response: ApiErrorResponse, opts: FailNextOptions = {}): Promise<void> {
    const rule: Omit<FaultRule, 'remaining'> = { kind: 'fail', method, response: structuredClone(response) };
    if (opts.chatId !== undefined) rule.chatId = String(opts.chatId);
    if (opts.rawBody !== undefined) rule.rawBody = opts.rawBody;
    this.addFault(rule, opts.times);
  }

  /** The next matching calls are answered `ms` later (before taking effect unless afterProcessing). */
  async delayNext(method: string, ms: number, opts: DelayNextOptions = {}): Promise<void> {
    const rule: Omit<FaultRule, 'remaining'> = { kind: 'delay', method, ms, afterProcessing: opts.afterProcessing ?? false };
    if (opts.chatId !== undefined) rule.chatId = String(opts.chatId);
    this.addFault(rule, opts.times);
  }

  /** The next matching calls get their connection destroyed without an answer. */
  async dropConnectionNext(method: string, opts: DropConnectionOptions = {}): Promise<void> {
    const rule: Omit<FaultRule, 'remaining'> = { kind: 'drop', method, afterProcessing: opts.afterProcessing ?? false };
    if (opts.chatId !== undefined) rule.chatId = String(opts.chatId);
    this.addFault(rule, opts.times);
  }

  /**
   * The next matching calls take effect as usual, then are answered `{ ok: true, result }` with this
   * `result` instead of the real one: servers that answer `true`, `null`, `{}` or a Message without
   * `message_id` where Telegram answers a Message (telegram-test-api answers editMessageText with null).
   */
  async replaceResultNext(method: string, result: unknown, opts: FaultMatch = {}): Promise<void> {
    const rule: Omit<FaultRule, 'remaining'> = { kind: 'result', method, result: structuredClone(result) };
    if (opts.chatId !== undefined) rule.chatId = String(opts.chatId);
    this.addFault(rule, opts.times);
  }

  /** Forgets every pending failNext/delayNext/dropConnectionNext/replaceResultNext. */
  async clearFaults(): Promise<void> {
    this.faults = [];
  }

  /** Makes these methods answer 404 from now on (replaces the list). */
  async setUnsupportedMethods(methods: string[]): Promise<void> {
    this.unsupported = new Set(methods.map((m) => m.toLowerCase()));
  }

  async setGetUpdatesMode(mode: GetUpdatesMode): Promise<void> {
    this.delivery.options.getUpdatesMode = mode;
    if (mode === 'immediate') this.delivery.releasePoll();
  }

  // --- control API: world ----------------------------------------------------------------

  /** A chat; groups get a fresh negative id, supergroups a -100… id; a private chat's id is its user's id. */
  async createChat(input: CreateChatInput & { botIsMember?: boolean }): Promise<TgChat> {
    return this.state.createChat({ ...input, botStatus: input.botIsMember === false ? 'left' : 'member' });
  }

  async createUser(input: CreateUserInput): Promise<TgUser> {
    return this.state.createUser(input);
  }

  /** Sets a user's status in a group (e.g. 'administrator' for getChatMember/getChatAdministrators). */
  async setMemberStatus(chatId: number, userId: number, status: ChatMemberStatus): Promise<void> {
    const chat = this.requireChat(chatId);
    if (userId === this.botUser.id) chat.botStatus = status;
    else chat.members.set(userId, status);
  }

  /**
   * A user writes in a chat (a private chat with the user is made on first use). `/command` and
   * `/command@bot` get bot_command entities. update_id is null when the bot is not in the chat.
   */
  async sendUserMessage(input: SendUserMessageInput): Promise<{ message: TgMessage; update_id: number | null }> {
    const user = this.state.requireUser(input.userId);
    const chat = this.state.chatState(input.chatId) ?? (input.chatId === input.userId ? this.state.privateChatFor(user) : undefined);
    if (!chat) throw new Error(`no chat ${input.chatId} in the emulator; create it with createChat() first`);
    this.assertNotMigrated(chat);
    if (chat.chat.type !== 'private' && !chat.members.has(user.id)) chat.members.set(user.id, 'member');
    const fields: Omit<TgMessage, 'message_id' | 'date' | 'chat'> = { from: { ...user } };
    if (input.text !== undefined) {
      fields.text = input.text;
      const entities = input.entities ?? botCommandEntities(input.text);
      if (entities.length > 0) fields.entities = structuredClone(entities);
    }
    if (input.photo) {
      const bytes = this.state.placeholderBytes('photo');
      const file = this.state.registerFile('photo', { bytes, mimeType: 'image/png' });
      fields.photo = photoSizes(file.file_id, file.file_unique_id, bytes.length);
    }
    if (input.document) {
      const doc = input.document;
      const bytes = this.state.placeholderBytes('document', doc.file_size, doc.file_name);
      const mimeType = doc.mime_type ?? 'application/octet-stream';
      const file = this.state.registerFile('document', { bytes, fileName: doc.file_name, mimeType });
      fields.document = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: doc.file_name, mime_type: mimeType, file_size: bytes.length };
    }
    if (input.caption !== undefined) {
      if (!fields.photo && !fields.document) throw new Error('a caption needs photo or document');
      fields.caption = input.caption;
      const entities = botCommandEntities(input.caption);
      if (entities.length > 0) fields.caption_entities = entities;
    }
    if (fields.text === undefined && !fields.photo && !fields.document) throw new Error('sendUserMessage needs text, photo or document');
    if (fields.text !== undefined && (fields.photo || fields.document)) throw new Error('use caption (not text) with a photo or document');
    if (input.replyToMessageId !== undefined) {
      const target = this.state.liveMessage(chat, input.replyToMessageId);
      if (!target) throw new Error(`no message ${input.replyToMessageId} in chat ${chat.chat.id} to reply to`);
      fields.reply_to_message = nestedCopy(target.message);
    }
    const stored = this.state.addMessage(chat, 'user', fields);
    return { message: structuredClone(stored.message), update_id: this.deliverFromChat(chat, { message: stored.message }) };
  }

  /** A user edits their message: an edited_message update. */
  async editUserMessage(input: EditUserMessageInput): Promise<{ message: TgMessage; update_id: number | null }> {
    const chat = this.requireChat(input.chatId);
    const stored = this.state.liveMessage(chat, input.messageId);
    if (!stored || stored.sender !== 'user') throw new Error(`no user message ${input.messageId} in chat ${input.chatId}`);
    const change: Partial<TgMessage> = {};
    if (input.text !== undefined) {
      if (stored.message.text === undefined) throw new Error('that message has no text; edit its caption');
      const entities = botCommandEntities(input.text);
      change.text = input.text;
      change.entities = entities.length > 0 ? entities : undefined;
    }
    if (input.caption !== undefined) {
      if (!stored.message.photo && !stored.message.document) throw new Error('that message has no caption; edit its text');
      const entities = botCommandEntities(input.caption);
      change.caption = input.caption;
      change.caption_entities = entities.length > 0 ? entities : undefined;
    }
    if (Object.keys(change).length === 0) throw new Error('editUserMessage needs text or caption');
    this.state.editMessage(chat, stored, change);
    return { message: structuredClone(stored.message), update_id: this.deliverFromChat(chat, { edited_message: stored.message }) };
  }

  /** A user presses an inline button: a callback_query update carrying the message as it is now. */
  async pressButton(input: PressButtonInput): Promise<{ callbackQueryId: string; update_id: number }> {
    const user = this.state.requireUser(input.userId);
    const chat = this.requireChat(input.chatId);
    const stored = this.state.liveMessage(chat, input.messageId);
    if (!stored) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`);
    let data = input.data;
    if (data === undefined) {
      if (input.buttonText === undefined) throw new Error('pressButton needs data or buttonText');
      const buttons: TgInlineKeyboardButton[] = stored.message.reply_markup?.inline_keyboard?.flat() ?? [];
      const button = buttons.find((b) => b.text === input.buttonText);
      if (!button) throw new Error(`message ${input.messageId} has no button "${input.buttonText}" (has: ${buttons.map((b) => `"${b.text}"`).join(', ') || 'none'})`);
      if (typeof button.callback_data !== 'string') throw new Error(`button "${input.buttonText}" has no callback_data`);
      data = button.callback_data;
    }
    const id = this.state.newCallbackQueryId();
    this.state.callbackQueries.set(id, { chatId: chat.chat.id, messageId: stored.message.message_id, answered: false });
    const update = this.state.enqueueUpdate({
      callback_query: { id, from: { ...user }, message: stored.message, chat_instance: chat.chatInstance, data },
    });
    return { callbackQueryId: id, update_id: update.update_id };
  }

  /** Someone adds the bot to a group: my_chat_member, then the new_chat_members service message. */
  async addBotToGroup(input: AddBotToGroupInput): Promise<{ update_ids: number[] }> {
    const by = this.state.requireUser(input.byUserId);
    const chat = this.requireChat(input.chatId);
    if (chat.chat.type === 'private') throw new Error('addBotToGroup needs a group or supergroup');
    this.assertNotMigrated(chat);
    const oldStatus: ChatMemberStatus = chat.botStatus === 'kicked' ? 'kicked' : 'left';
    const newStatus = input.status ?? 'member';
    chat.botStatus = newStatus;
    chat.blocked = false;
    if (!chat.members.has(by.id)) chat.members.set(by.id, 'member');
    const first = this.state.enqueueUpdate(botMemberUpdate(this.state, chat, by, oldStatus, newStatus));
    const service = this.state.addMessage(chat, 'system', { from: { ...by }, new_chat_members: [{ ...this.botUser }] });
    const second = this.state.enqueueUpdate({ message: service.message });
    return { update_ids: [first.update_id, second.update_id] };
  }

  /**
   * The bot is kicked from a group or blocked by a private-chat user: every call naming the chat
   * answers 403 until unblockBot. Telegram also sends a my_chat_member update (notify: false skips it).
   */
  async blockBot(chatId: number, opts: { notify?: boolean; byUserId?: number } = {}): Promise<void> {
    const chat = this.requireChat(chatId);
    const old = chat.botStatus;
    chat.blocked = true;
    chat.botStatus = 'kicked';
    if (opts.notify !== false) this.state.enqueueUpdate(botMemberUpdate(this.state, chat, this.actorFor(chat, opts.byUserId), old, 'kicked'));
  }

  async unblockBot(chatId: number, opts: { notify?: boolean; byUserId?: number } = {}): Promise<void> {
    const chat = this.requireChat(chatId);
    const old = chat.botStatus;
    chat.blocked = false;
    chat.botStatus = 'member';
    if (opts.notify !== false) this.state.enqueueUpdate(botMemberUpdate(this.state, chat, this.actorFor(chat, opts.byUserId), old, 'member'));
  }

  /**
   * Upgrades a group to a supergroup (new id, default a fresh -100… one). The old id answers 400
   * with migrate_to_chat_id from then on; both chats get Telegram's migration service messages.
   */
  async migrateChat(chatId: number, newChatId?: number): Promise<{ fromChatId: number; toChatId: number }> {
    const chat = this.requireChat(chatId);
    if (chat.migratedTo !== undefined) return { fromChatId: chatId, toChatId: chat.migratedTo };
    const to = this.migrate(chat, newChatId);
    return { fromChatId: chatId, toChatId: to.chat.id };
  }

  /** Queues any object as an update (update_id assigned unless given; duplicates allowed). */
  async pushRawUpdate(update: Record<string, unknown>): Promise<{ update_id: number }> {
    return { update_id: this.state.enqueueUpdate(update).update_id };
  }

  /**
   * Clears chats, users, messages, files, queued updates, calls, callback answers and faults.
   * Keeps the bot's webhook, commands and menu button unless keepBotSettings is false; update ids
   * keep increasing so a running bot's offset stays valid.
   */
  async reset(opts: { keepBotSettings?: boolean } = {}): Promise<void> {
    this.faults = [];
    this.callLog = [];
    this.answers = [];
    this.delivery.deliveries.length = 0;
    for (const waiter of [...this.waiters]) waiter.reject(new Error('the Bot API emulator was reset'));
    this.state.reset(opts.keepBotSettings ?? true);
  }

  // --- control API: queries --------------------------------------------------------------

  chat(chatId: number): TgChat | undefined {
    const chat = this.state.chatState(chatId)?.chat;
    return chat ? { ...chat } : undefined;
  }

  chats(): TgChat[] {
    return [...this.state.chats.values()].map((c) => ({ ...c.chat }));
  }

  /** Where a migrated group went, if it did. */
  migratedTo(chatId: number): number | undefined {
    return this.state.chatState(chatId)?.migratedTo;
  }

  users(): TgUser[] {
    return [...this.state.users.values()].map((u) => ({ ...u }));
  }

  /** The bot's status in a chat: member, administrator, left, kicked… */
  botStatus(chatId: number): ChatMemberStatus | undefined {
    return this.state.chatState(chatId)?.botStatus;
  }

  /** Every message in the chat in id order, users' and the bot's (deleted ones only when asked). */
  messages(chatId: number, opts: { includeDeleted?: boolean } = {}): EmulatorMessage[] {
    const chat = this.state.chatState(chatId);
    if (!chat) return [];
    return sortedMessages(chat)
      .filter((m) => opts.includeDeleted || !m.deleted)
      .map(toView);
  }

  botMessages(chatId: number, opts: { includeDeleted?: boolean } = {}): EmulatorMessage[] {
    return this.messages(chatId, opts).filter((m) => m.sender === 'bot');
  }

  /**
   * The next bot message in the chat not yet handed out by an earlier waitForBotMessage for that
   * chat (messages already there count), matching `predicate` (a function, a substring of
   * text/caption, or a RegExp). Skipped non-matching messages are consumed too. Rejects after
   * `timeoutMs` (default 5000) with what the chat holds and the bot's failed calls for it.
   */
  waitForBotMessage(chatId: number, predicate?: WaitPredicate, timeoutMs = 5000): Promise<EmulatorMessage> {
    const test = toPredicate(predicate);
    const find = (): EmulatorMessage | undefined => {
      const chat = this.state.chatState(chatId);
      if (!chat) return undefined;
      for (const stored of sortedMessages(chat)) {
        if (stored.sender !== 'bot' || stored.message.message_id <= chat.seenUpTo) continue;
        const view = toView(stored);
        if (test(view)) {
          chat.seenUpTo = stored.message.message_id;
          return view;
        }
      }
      return undefined;
    };
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise<EmulatorMessage>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
        this.waiters.delete(waiter);
      };
      const waiter: MessageWaiter = {
        reject: (err) => {
          finish();
          reject(err);
        },
      };
      const unsubscribe = this.state.subscribe((event) => {
        if ((event.type === 'message' || event.type === 'message_edited') && event.chatId === chatId) {
          const match = find();
          if (match) {
            finish();
            resolve(match);
          }
        }
      });
      const timer = setTimeout(() => waiter.reject(new Error(this.describeWaitFailure(chatId, predicate, timeoutMs))), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Marks every bot message so far as seen for waitForBotMessage (one chat, or all). */
  markAllSeen(chatId?: number): void {
    const chats = chatId === undefined ? [...this.state.chats.values()] : [this.state.chatState(chatId)].filter((c) => c !== undefined);
    for (const chat of chats) chat.seenUpTo = Math.max(chat.seenUpTo, chat.nextMessageId - 1);
  }

  callbackAnswers(): CallbackAnswerRecord[] {
    return this.answers.map((a) => ({ ...a }));
  }

  /** Every Bot API call (or those of one method, case-insensitive), oldest first. */
  calls(method?: string): ApiCallRecord[] {
    const wanted = method?.toLowerCase();
    return this.callLog.filter((c) => wanted === undefined || c.method.toLowerCase() === wanted).map((c) => structuredClone(c));
  }

  /** Every update queued since the last reset, delivered or not. */
  updates(): TgUpdate[] {
    return structuredClone(this.state.updateLog);
  }

  /** Updates not yet confirmed (getUpdates offset) or delivered (webhook 2xx). */
  pendingUpdates(): TgUpdate[] {
    return structuredClone(this.state.queue);
  }

  webhookDeliveries(): WebhookDeliveryRecord[] {
    return this.delivery.deliveries.map((d) => ({ ...d }));
  }

  /** The webhook the bot set, with its secret (getWebhookInfo never shows the secret). */
  webhook(): { url: string; secretToken?: string; allowedUpdates?: string[] } | null {
    const hook = this.state.webhook;
    if (!hook) return null;
    return {
      url: hook.url,
      ...(hook.secretToken ? { secretToken: hook.secretToken } : {}),
      ...(hook.allowedUpdates ? { allowedUpdates: [...hook.allowedUpdates] } : {}),
    };
  }

  /** A file the bot uploaded or a user sent, with its bytes when known. */
  file(fileId: string): StoredFile | undefined {
    const file = this.state.files.get(fileId) ?? this.state.files.get(fileId.replace(/_s$/, ''));
    return file ? { ...file } : undefined;
  }

  /** The commands set by setMyCommands for a scope (default scope, no language by default). */
  commands(scope: Record<string, unknown> = { type: 'default' }, languageCode = ''): unknown[] {
    return structuredClone(this.state.commands.get(`${JSON.stringify(scope)}|${languageCode}`) ?? []);
  }

  /** Live events (messages, edits, deletions, callback answers, calls, updates…). Returns unsubscribe. */
  subscribe(listener: (event: EmulatorEvent) => void): () => void {
    return this.state.subscribe(listener);
  }

  // --- internals -------------------------------------------------------------------------

  private requireChat(chatId: number): ChatState {
    const chat = this.state.chatState(chatId);
    if (!chat) throw new Error(`no chat ${chatId} in the emulator; create it with createChat() first`);
    return chat;
  }

  private assertNotMigrated(chat: ChatState): void {
    if (chat.migratedTo !== undefined) {
      throw new Error(`chat ${chat.chat.id} was migrated to supergroup ${chat.migratedTo}; use the new id`);
    }
  }

  /** Queues an update from a chat unless the bot cannot see that chat. */
  private deliverFromChat(chat: ChatState, payload: Record<string, unknown>): number | null {
    const botAbsent = chat.blocked || (chat.chat.type !== 'private' && (chat.botStatus === 'left' || chat.botStatus === 'kicked'));
    if (botAbsent) return null;
    return this.state.enqueueUpdate(payload).update_id;
  }

  private actorFor(chat: ChatState, userId: number | undefined): TgUser {
    if (userId !== undefined) return { ...this.state.requireUser(userId) };
    if (chat.chat.type === 'private') return { ...(this.state.users.get(chat.chat.id) ?? { id: chat.chat.id, is_bot: false, first_name: chat.chat.first_name ?? 'User' }) };
    for (const [id, status] of chat.members) {
      const user = this.state.users.get(id);
      if (user && (status === 'creator' || status === 'administrator')) return { ...user };
    }
    const anyMember = [...chat.members.keys()].map((id) => this.state.users.get(id)).find((u) => u !== undefined);
    return anyMember ? { ...anyMember } : { id: 777_000, is_bot: false, first_name: 'Telegram' };
  }

  private migrate(chat: ChatState, newChatId?: number): ChatState {
    const { to } = this.state.migrateChat(chat.chat.id, newChatId);
    const actor = this.actorFor(chat, undefined);
    const out = this.state.addMessage(chat, 'system', { from: actor, migrate_to_chat_id: to.chat.id });
    const inNew = this.state.addMessage(to, 'system', { from: actor, migrate_from_chat_id: chat.chat.id });
    if (chat.botStatus !== 'left' && chat.botStatus !== 'kicked' && !chat.blocked) {
      this.state.enqueueUpdate({ message: out.message });
      this.state.enqueueUpdate({ message: inNew.message });
    }
    return to;
  }

  private recordAnswer(answer: CallbackAnswerRecord): void {
    this.answers.push(answer);
    this.state.emit({ type: 'callback_answer', answer: { ...answer } });
  }

  private describeWaitFailure(chatId: number, predicate: WaitPredicate | undefined, timeoutMs: number): string {
    const chat = this.state.chatState(chatId);
    const what = predicate === undefined ? 'new bot message' : `new bot message matching ${describePredicate(predicate)}`;
    const lines = [`waitForBotMessage: no ${what} in chat ${chatId} within ${timeoutMs} ms.`];
    if (!chat) {
      lines.push(`There is no chat ${chatId} in the emulator (chats: ${this.chats().map((c) => c.id).join(', ') || 'none'}).`);
    } else {
      if (chat.migratedTo !== undefined) lines.push(`Chat ${chatId} was migrated to ${chat.migratedTo}: the bot's messages go there.`);
      if (chat.blocked) lines.push('The bot is blocked/kicked in this chat (every send answers 403).');
      const all = sortedMessages(chat);
      lines.push(`The chat has ${all.length} message(s)${all.length > 20 ? ' (last 20 shown)' : ''}; bot messages up to #${chat.seenUpTo} were already handed out:`);
      for (const m of all.slice(-20)) lines.push(`  ${describeMessage(m)}`);
    }
    const related = this.callLog.filter((c) => c.method !== 'getUpdates' && stringParam(c.params, 'chat_id') === String(chatId));
    const failed = related.filter((c) => c.ok === false || c.injected === 'drop');
    if (related.length === 0) lines.push(`The bot made no Bot API call for chat ${chatId}.`);
    for (const c of failed.slice(-10)) {
      lines.push(`  failed call: ${c.method} → ${c.injected === 'drop' ? 'connection dropped' : `${c.error_code} ${c.description}`}`);
    }
    const recent = this.callLog.filter((c) => c.method !== 'getUpdates').slice(-8);
    if (recent.length > 0) {
      lines.push('Most recent calls (any chat):');
      for (const c of recent) {
        const outcome = c.ok === undefined ? (c.injected === 'drop' ? 'dropped' : 'pending') : c.ok ? 'ok' : `${c.error_code} ${c.description}`;
        lines.push(`  ${c.method}(chat_id=${stringParam(c.params, 'chat_id') ?? '-'}) → ${outcome}`);
      }
    }
    return lines.join('\n');
  }
}


// --- helpers -----------------------------------------------------------------------------

function httpStatus(errorCode: number): number {
  return Number.isInteger(errorCode) && errorCode >= 400 && errorCode <= 599 ? errorCode : 400;
}

function sortedMessages(chat: ChatState): StoredMessage[] {
  return [...chat.messages.values()].sort((a, b) => a.message.message_id - b.message.message_id);
}

function nestedCopy(message: TgMessage): TgMessage {
  const copy = structuredClone(message);
  delete copy.reply_to_message;
  return copy;
}

function toPredicate(predicate: WaitPredicate | undefined): (m: EmulatorMessage) => boolean {
  if (predicate === undefined) return () => true;
  if (typeof predicate === 'function') return predicate;
  if (typeof predicate === 'string') return (m) => (m.text ?? m.caption ?? '').includes(predicate);
  return (m) => predicate.test(m.text ?? m.caption ?? '');
}

function describePredicate(predicate: WaitPredicate): string {
  if (typeof predicate === 'string') return JSON.stringify(predicate);
  if (predicate instanceof RegExp) return String(predicate);
  return predicate.name ? `predicate ${predicate.name}` : 'the predicate';
}

function describeMessage(stored: StoredMessage): string {
  const m = stored.message;
  const who = stored.sender === 'bot' ? 'bot' : stored.sender === 'system' ? 'service' : `${m.from?.first_name ?? 'user'}(${m.from?.id ?? '?'})`;
  const body =
    m.text !== undefined
      ? JSON.stringify(m.text.length > 120 ? `${m.text.slice(0, 120)}…` : m.text)
      : m.photo
        ? `[photo]${m.caption ? ` ${JSON.stringify(m.caption)}` : ''}`
        : m.document
          ? `[document ${m.document.file_name ?? ''}]${m.caption ? ` ${JSON.stringify(m.caption)}` : ''}`
          : m.new_chat_members
            ? '[new_chat_members]'
            : m.migrate_to_chat_id !== undefined
              ? `[migrate_to_chat_id ${m.migrate_to_chat_id}]`
              : '[service]';
  const buttons = m.reply_markup?.inline_keyboard?.flat().map((b) => b.text);
  const flags = [stored.deleted ? 'deleted' : '', stored.edits.length > 0 ? `edited×${stored.edits.length}` : '', buttons?.length ? `buttons: ${buttons.join(' | ')}` : '']
    .filter(Boolean)
    .join(', ');
  return `#${m.message_id} ${who}: ${body}${flags ? ` (${flags})` : ''}`;
}
