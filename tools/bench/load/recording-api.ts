/**
 * A minimal Bot API server for the load benchmark: it answers every call at once with a plausible
 * result (increasing message ids) and records, for each call, the method, chat, text and the
 * moment the request arrived (performance.now() of this process, so it compares directly with the
 * moment the benchmark posted the update that caused it).
 *
 * It keeps no chats, no files, no updates: the benchmark drives the bot through its webhook, and
 * the bot only talks to this server to send. Unknown methods succeed with `true` and are recorded,
 * so an optional method the bot starts to use never fails a run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BodyError, parseApiRequest, readBody, writeJson } from '../../telegram-emulator/http-body.js';

export interface RecordedCall {
  /** Order of arrival, from 0. */
  seq: number;
  method: string;
  chatId: string | null;
  /** The text, or the caption of a file. */
  text: string | null;
  /** The message this one replies to (reply_parameters or the older reply_to_message_id). */
  replyTo: number | null;
  /** The message id this server gave (sends) or was asked to edit (edits). */
  messageId: number | null;
  /** Arrival time, performance.now() of this process. */
  t: number;
}

/** Methods that put a message in a chat or change one; what Telegram's flood limits count. */
export const MESSAGE_METHODS: ReadonlySet<string> = new Set(['sendMessage', 'editMessageText', 'sendPhoto', 'sendDocument']);
/** Methods that show something new in a chat: sends and edits of any kind. */
export const VISIBLE_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'editMessageText',
  'editMessageCaption',
  'editMessageReplyMarkup',
]);

export const BENCH_BOT = {
  id: 7_000_000_001,
  is_bot: true as const,
  first_name: 'Tháo gỡ (đo tải)',
  username: 'thaogo_bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
};

const BODY_LIMIT = 60 * 1024 * 1024;

function asString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

function replyTarget(params: Record<string, unknown>): number | null {
  const rp = params.reply_parameters;
  if (rp && typeof rp === 'object' && 'message_id' in rp) return asNumber((rp as { message_id: unknown }).message_id);
  return asNumber(params.reply_to_message_id);
}

export class RecordingBotApi {
  readonly calls: RecordedCall[] = [];
  private readonly listeners = new Set<(call: RecordedCall) => void>();
  private nextMessageId = 1;
  private nextFileId = 1;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts listening on 127.0.0.1 (a free port unless given). */
  static async start(port = 0): Promise<RecordingBotApi> {
    let api: RecordingBotApi | null = null;
    const server = createServer((req, res) => {
      const t = performance.now();
      api!.handle(req, res, t).catch((err: Error) => {
        if (!res.headersSent) writeJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${err.message}` });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 60_000;
    server.maxRequestsPerSocket = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    api = new RecordingBotApi(server, (server.address() as AddressInfo).port);
    return api;
  }

  /** The TELEGRAM_API_ROOT to give the bot. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Calls `fn` for every call from now on; returns the unsubscribe function. */
  onCall(fn: (call: RecordedCall) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves with the first call (already recorded or coming) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (call: RecordedCall) => boolean, timeoutMs: number, what = 'a Bot API call'): Promise<RecordedCall> {
    const seen = this.calls.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onCall((call) => {
        if (!match(call)) return;
        clearTimeout(timer);
        off();
        resolve(call);
      });
    });
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, t: number): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) {
      writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const method = m[2]!;
    let params: Record<string, unknown>;
    try {
      params = parseApiRequest(req, url, await readBody(req, BODY_LIMIT)).params;
    } catch (err) {
      if (err instanceof BodyError) {
        writeJson(res, 400, { ok: false, error_code: 400, description: err.message });
        return;
      }
      throw err;
    }
    const result = this.answer(method, params);
    const chatId = asString(params.chat_id);
    const call: RecordedCall = {
      seq: this.calls.length,
      method,
      chatId,
      text: asString(params.text) ?? asString(params.caption),
      replyTo: replyTarget(params),
      messageId: typeof result === 'object' && result !== null && 'message_id' in result ? (result as { message_id: number }).message_id : asNumber(params.message_id),
      t,
    };
    this.calls.push(call);
    for (const fn of this.listeners) fn(call);
    writeJson(res, 200, { ok: true, result });
  }

  private answer(method: string, params: Record<string, unknown>): unknown {
    const date = Math.floor(Date.now() / 1000);
    const chatIdNum = asNumber(params.chat_id) ?? 0;
    const chat = chatIdNum < 0 ? { id: chatIdNum, type: 'group', title: `Nhóm ${-chatIdNum}` } : { id: chatIdNum, type: 'private', first_name: 'Cán bộ' };
    const message = (extra: Record<string, unknown>) => ({ message_id: this.nextMessageId++, date, chat, from: BENCH_BOT, ...extra });
    const file = () => {
      const n = this.nextFileId++;
      return { file_id: `bench-file-${n}`, file_unique_id: `bench-u-${n}` };
    };
    switch (method) {
      case 'getMe':
        return BENCH_BOT;
      case 'sendMessage':
        return message({ text: asString(params.text) ?? '' });
      case 'sendPhoto':
        return message({ photo: [{ ...file(), width: 800, height: 600, file_size: 1000 }], ...(params.caption ? { caption: asString(params.caption) } : {}) });
      case 'sendDocument':
        return message({ document: { ...file(), file_name: 'tep', file_size: 1000 }, ...(params.caption ? { caption: asString(params.caption) } : {}) });
      case 'editMessageText':
      case 'editMessageCaption':
      case 'editMessageReplyMarkup': {
        const id = asNumber(params.message_id) ?? 0;
        const text = asString(params.text);
        return { message_id: id, date, edit_date: date, chat, from: BENCH_BOT, ...(text !== null ? { text } : {}) };
      }
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: 0 };
      case 'getChat':
        return chat;
      default:
        // setWebhook, deleteWebhook, setMyCommands, answerCallbackQuery, sendChatAction, …
        return true;
    }
  }
}
