import { z } from 'zod';
import { parseZaloEvent, type ZaloEventParse } from './events.js';

/**
 * A typed client of the Zalo Bot Platform API: `POST {apiRoot}/bot{TOKEN}/{method}` with a JSON
 * body, answered by `{ ok: true, result }` or `{ ok: false, error_code, description }`.
 *
 * Every failure is a `ZaloApiError` that says whether the request can have reached the platform
 * (`neverSent`, `unconfirmed`), which is what decides if a retry could duplicate a message. The
 * token is part of the URL, so no URL, and no text containing the token, ever goes into an error.
 */

export const ZALO_API_ROOT = 'https://bot-api.zaloplatforms.com';
/** Longest `text` of sendMessage and `caption` of sendPhoto. */
export const ZALO_TEXT_LIMIT = 2000;

export type ZaloChatAction = 'typing' | 'upload_photo';

export interface ZaloApiOptions {
  /** `{bot_id}:{secret}` from the Zalo Bot Creator. */
  token: string;
  /** Default https://bot-api.zaloplatforms.com; no trailing slash needed. */
  apiRoot?: string;
  /** Longest wait for one answer (default 20 s); getUpdates adds its long-poll time to it. */
  timeoutMs?: number;
  /** For tests of transport failures; default the global fetch. */
  fetch?: typeof fetch;
}

export interface ZaloBotInfo {
  id: string | null;
  accountName: string | null;
  accountType: string | null;
  canJoinGroups: boolean | null;
}

export interface ZaloSent {
  /** The platform's id of the message; null when an accepted answer did not carry one. */
  messageId: string | null;
  date: number | null;
}

export interface ZaloWebhookInfo {
  /** '' when no webhook is set. */
  url: string;
  updatedAt: number | null;
}

/**
 * `api`: the platform answered with an error. `network`: no answer (refused, reset, DNS…).
 * `timeout`: no answer in time. `aborted`: the caller's signal ended the call.
 * `bad_response`: an answer that is not the API's JSON (a proxy's page).
 */
export type ZaloApiErrorKind = 'api' | 'network' | 'timeout' | 'aborted' | 'bad_response';

export interface ZaloApiErrorInit {
  kind: ZaloApiErrorKind;
  method: string;
  /** The API's error_code, else the HTTP status, else 0 when nothing answered. */
  errorCode: number;
  description: string;
  httpStatus?: number;
  retryAfterMs?: number;
  neverSent?: boolean;
  unconfirmed?: boolean;
}

export class ZaloApiError extends Error {
  override name = 'ZaloApiError';
  readonly kind: ZaloApiErrorKind;
  readonly method: string;
  readonly errorCode: number;
  readonly description: string;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** The request provably never reached the server (connection refused, unknown host…). */
  readonly neverSent: boolean;
  /** The request went out and no answer came back: the platform may have acted on it. */
  readonly unconfirmed: boolean;

  constructor(init: ZaloApiErrorInit) {
    super(`Zalo ${init.method}: ${init.errorCode > 0 ? `${init.errorCode} ` : ''}${init.description}`);
    this.kind = init.kind;
    this.method = init.method;
    this.errorCode = init.errorCode;
    this.description = init.description;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
    this.neverSent = init.neverSent ?? false;
    this.unconfirmed = init.unconfirmed ?? false;
  }
}

/** Network failures that prove the request never left: a retry cannot duplicate anything. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

const Envelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown().optional() }),
  z.object({
    ok: z.literal(false),
    error_code: z.coerce.number().int().optional().catch(undefined),
    description: z.string().optional().catch(undefined),
    parameters: z.object({ retry_after: z.coerce.number().nonnegative().optional().catch(undefined) }).loose().optional().catch(undefined),
  }),
]);

const looseString = z.union([z.string(), z.number().transform(String)]);
const BotInfo = z.object({
  id: looseString.optional().catch(undefined),
  account_name: z.string().optional().catch(undefined),
  account_type: z.string().optional().catch(undefined),
  can_join_groups: z.boolean().optional().catch(undefined),
}).loose();
const Sent = z.object({ message_id: looseString.optional().catch(undefined), date: z.coerce.number().optional().catch(undefined) }).loose();
const WebhookInfo = z.object({ url: z.string().optional().catch(undefined), updated_at: z.coerce.number().optional().catch(undefined) }).loose();

function causeCodes(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

function causeMessages(err: unknown): string[] {
  const messages: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 3; depth++) {
    if (e.message) messages.push(e.message);
    e = e.cause;
  }
  return messages;
}

function retryAfterHeader(value: string | null): number | undefined {
  if (value === null || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}

export class ZaloApi {
  private readonly token: string;
  private readonly apiRoot: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ZaloApiOptions) {
    if (!options.token) throw new Error('ZaloApi needs a token');
    this.token = options.token;
    this.apiRoot = (options.apiRoot ?? ZALO_API_ROOT).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async getMe(): Promise<ZaloBotInfo> {
    const info = BotInfo.catch({}).parse(await this.call('getMe', {}));
    return {
      id: info.id ?? null,
      accountName: info.account_name ?? null,
      accountType: info.account_type ?? null,
      canJoinGroups: info.can_join_groups ?? null,
    };
  }

  /**
   * One long poll. The platform hands out one event per call and forgets it, so what came is
   * returned even when it cannot be read (`ok: false`, for the caller to log). Empty when nothing
   * arrived in `timeoutSeconds` (the platform's 408). A list because an answer carrying several
   * events loses none of them.
   */
  async getUpdates(opts: { timeoutSeconds?: number; signal?: AbortSignal } = {}): Promise<ZaloEventParse[]> {
    const timeoutSeconds = Math.max(0, Math.floor(opts.timeoutSeconds ?? 30));
    let result: unknown;
    try {
      result = await this.call('getUpdates', { timeout: String(timeoutSeconds) }, { extraMs: timeoutSeconds * 1000, ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      if (err instanceof ZaloApiError && err.kind === 'api' && err.errorCode === 408) return [];
      throw err;
    }
    if (result === undefined || result === null) return [];
    return (Array.isArray(result) ? result : [result]).map((event) => parseZaloEvent(event));
  }

  /** Points the platform at `url`; `secretToken` (8–256 characters) comes back in X-Bot-Api-Secret-Token. */
  async setWebhook(url: string, secretToken: string): Promise<ZaloWebhookInfo> {
    return toWebhookInfo(await this.call('setWebhook', { url, secret_token: secretToken }));
  }

  async deleteWebhook(): Promise<ZaloWebhookInfo> {
    return toWebhookInfo(await this.call('deleteWebhook', {}));
  }

  async getWebhookInfo(): Promise<ZaloWebhookInfo> {
    return toWebhookInfo(await this.call('getWebhookInfo', {}));
  }

  /** Plain text, 1–2000 characters (the caller splits). */
  async sendMessage(chatId: string, text: string): Promise<ZaloSent> {
    return toSent(await this.call('sendMessage', { chat_id: chatId, text }));
  }

  /** `photoUrl` must be reachable by the platform (it fetches the image); caption ≤ 2000 characters. */
  async sendPhoto(chatId: string, photoUrl: string, caption?: string): Promise<ZaloSent> {
    return toSent(await this.call('sendPhoto', { chat_id: chatId, photo: photoUrl, ...(caption ? { caption } : {}) }));
  }

  async sendChatAction(chatId: string, action: ZaloChatAction): Promise<void> {
    await this.call('sendChatAction', { chat_id: chatId, action });
  }

  /** The token must not leak through a description the server echoes or a transport message. */
  private redact(text: string): string {
    return text.split(this.token).join('[token]').slice(0, 500);
  }

  private async call(method: string, body: Record<string, unknown>, opts: { signal?: AbortSignal; extraMs?: number } = {}): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs + (opts.extraMs ?? 0));
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    const fail = (init: Omit<ZaloApiErrorInit, 'method'>) => new ZaloApiError({ ...init, method, description: this.redact(init.description) });
    const transportFailure = (err: unknown, answered: boolean): ZaloApiError => {
      if (opts.signal?.aborted) return fail({ kind: 'aborted', errorCode: 0, description: 'aborted by the caller', unconfirmed: true });
      if (timeout.aborted) return fail({ kind: 'timeout', errorCode: 0, description: `no answer within ${this.timeoutMs + (opts.extraMs ?? 0)} ms`, unconfirmed: true });
      const codes = causeCodes(err);
      const neverSent = !answered && codes.some((c) => NEVER_SENT.has(c));
      const what = [...new Set([...codes, ...causeMessages(err)])].join(': ') || String(err);
      return fail({ kind: 'network', errorCode: 0, description: what, ...(neverSent ? { neverSent: true } : { unconfirmed: true }) });
    };

    let res: Response;
    try {
      res = await this.fetchImpl(`${this.apiRoot}/bot${this.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      throw transportFailure(err, false);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw transportFailure(err, true);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = Envelope.safeParse(json);
    const retryHeader = retryAfterHeader(res.headers.get('retry-after'));
    if (!parsed.success) {
      if (res.ok) {
        // A success status without the API's answer: the call may well have been carried out.
        throw fail({ kind: 'bad_response', errorCode: res.status, httpStatus: res.status, description: `answer is not the API's JSON (HTTP ${res.status})`, unconfirmed: true });
      }
      throw fail({
        kind: 'api',
        errorCode: res.status,
        httpStatus: res.status,
        description: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
        ...(retryHeader !== undefined ? { retryAfterMs: retryHeader } : {}),
      });
    }
    const answer = parsed.data;
    if (answer.ok) return answer.result;
    const retrySeconds = answer.parameters?.retry_after;
    const retryAfterMs = retrySeconds !== undefined ? retrySeconds * 1000 : retryHeader;
    throw fail({
      kind: 'api',
      errorCode: answer.error_code ?? (res.status >= 400 ? res.status : 0),
      httpStatus: res.status,
      description: answer.description ?? `HTTP ${res.status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
}

function toSent(result: unknown): ZaloSent {
  // `ok: true` is the platform's word that the message was accepted, whatever else came with it.
  const sent = Sent.catch({}).parse(result ?? {});
  return { messageId: sent.message_id ?? null, date: sent.date !== undefined && Number.isFinite(sent.date) ? sent.date : null };
}

function toWebhookInfo(result: unknown): ZaloWebhookInfo {
  const info = WebhookInfo.catch({}).parse(result ?? {});
  return { url: info.url ?? '', updatedAt: info.updated_at !== undefined && Number.isFinite(info.updated_at) ? info.updated_at : null };
}
