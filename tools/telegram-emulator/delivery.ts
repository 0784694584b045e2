/**
 * How updates leave the emulator: getUpdates (long polling, or answering at once like some test
 * servers) and webhooks (POSTed one by one with the secret header, retried after a short backoff
 * until the bot answers 2xx, as Telegram does with a longer one).
 */
import { ApiError, intParam, stringParam, type MethodContext } from './methods.js';
import { isAllowedUpdate, type EmulatorState, type WebhookConfig } from './state.js';
import type { TgUpdate, WebhookDeliveryRecord } from './types.js';

export type GetUpdatesMode = 'long-poll' | 'immediate';

export interface DeliveryOptions {
  getUpdatesMode: GetUpdatesMode;
  /** Wait between webhook attempts for an update the bot did not take (ms). */
  webhookRetryDelayMs: number;
  /** How long one webhook POST may take before it counts as failed (ms). */
  webhookTimeoutMs: number;
  /** Attempts per update before it is dropped (default: unlimited). */
  webhookMaxAttempts: number;
  /** Parallel webhook requests (Telegram's max_connections; default 1 keeps order strict). */
  webhookConcurrency: number;
}

/** Executes a Bot API call the bot put in its webhook answer body. */
export type WebhookReplyExecutor = (method: string, params: Record<string, unknown>) => Promise<void>;

interface PollWaiter {
  wake(): void;
  fail(error: ApiError): void;
  finishEmpty(): void;
}

const CONFLICT_OTHER_POLL = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const CONFLICT_WEBHOOK_ACTIVE = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

export class UpdateDelivery {
  readonly deliveries: WebhookDeliveryRecord[] = [];
  private waiter: PollWaiter | undefined;
  private wakeScheduled = false;
  private webhookWorkers = 0;
  private readonly inFlight = new Set<TgUpdate>();
  private readonly closing = new AbortController();

  constructor(
    private readonly state: EmulatorState,
    readonly options: DeliveryOptions,
    private readonly executeWebhookReply: WebhookReplyExecutor,
  ) {
    state.subscribe((event) => {
      if (event.type !== 'update') return;
      this.scheduleWake();
      this.pumpWebhook();
    });
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  close(): void {
    this.closing.abort();
    this.waiter?.finishEmpty();
  }

  /** Answers the pending long poll now (with whatever is queued, maybe nothing). */
  releasePoll(): void {
    this.waiter?.finishEmpty();
  }

  // --- getUpdates ------------------------------------------------------------------------

  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    // Let updates made in one synchronous burst go out in one batch.
    setImmediate(() => {
      this.wakeScheduled = false;
      this.waiter?.wake();
    });
  }

  /** The queued updates a poll may return now; disallowed ones are dropped, as Telegram drops them. */
  private takeBatch(limit: number, allowed: string[] | undefined): TgUpdate[] {
    const queue = this.state.queue;
    for (let i = queue.length - 1; i >= 0; i--) if (!isAllowedUpdate(queue[i]!, allowed)) queue.splice(i, 1);
    return structuredClone(queue.slice(0, limit));
  }

  getUpdates = (ctx: MethodContext): Promise<TgUpdate[]> | TgUpdate[] => {
    if (this.state.webhook) throw new ApiError(409, CONFLICT_WEBHOOK_ACTIVE);
    const offset = intParam(ctx.params, 'offset');
    const limit = Math.min(100, Math.max(1, intParam(ctx.params, 'limit') ?? 100));
    const timeoutSeconds = Math.max(0, intParam(ctx.params, 'timeout') ?? 0);
    const allowedParam = ctx.params['allowed_updates'];
    if (Array.isArray(allowedParam)) {
      this.state.pollAllowedUpdates = allowedParam.length > 0 ? allowedParam.map(String) : undefined;
    }
    if (offset !== undefined) this.state.confirmUpdates(offset);
    this.waiter?.fail(new ApiError(409, CONFLICT_OTHER_POLL));

    const batch = this.takeBatch(limit, this.state.pollAllowedUpdates);
    if (batch.length > 0 || timeoutSeconds === 0 || this.options.getUpdatesMode === 'immediate' || this.closed) return batch;

    return new Promise<TgUpdate[]>((resolve, reject) => {
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        if (this.waiter === waiter) this.waiter = undefined;
        settle();
      };
      const waiter: PollWaiter = {
        wake: () => {
          const next = this.takeBatch(limit, this.state.pollAllowedUpdates);
          if (next.length > 0) finish(() => resolve(next));
        },
        fail: (error) => finish(() => reject(error)),
        finishEmpty: () => finish(() => resolve(this.takeBatch(limit, this.state.pollAllowedUpdates))),
      };
      const onAbort = () => finish(() => resolve([]));
      const timer = setTimeout(() => waiter.finishEmpty(), timeoutSeconds * 1000);
      ctx.signal.addEventListener('abort', onAbort);
      this.waiter = waiter;
    });
  };

  // --- webhooks --------------------------------------------------------------------------

  setWebhook = (ctx: MethodContext): boolean => {
    const url = stringParam(ctx.params, 'url')?.trim() ?? '';
    if (url === '') return this.deleteWebhook(ctx);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new ApiError(400, 'Bad Request: bad webhook: invalid webhook URL specified');
    }
    const secret = stringParam(ctx.params, 'secret_token');
    if (secret !== undefined && secret !== '' && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw new ApiError(400, 'Bad Request: secret token contains unallowed characters');
    }
    if (ctx.params['drop_pending_updates'] === true || ctx.params['drop_pending_updates'] === 'true') this.state.queue.length = 0;
    const allowed = ctx.params['allowed_updates'];
    const maxConnections = intParam(ctx.params, 'max_connections');
    const hook: WebhookConfig = { url };
    if (secret) hook.secretToken = secret;
    if (Array.isArray(allowed) && allowed.length > 0) hook.allowedUpdates = allowed.map(String);
    if (maxConnections !== undefined) hook.maxConnections = maxConnections;
    this.waiter?.fail(new ApiError(409, 'Conflict: terminated by setWebhook request'));
    this.state.webhook = hook;
    this.pumpWebhook();
    return true;
  };

  deleteWebhook = (ctx: MethodContext): boolean => {
    if (ctx.params['drop_pending_updates'] === true || ctx.params['drop_pending_updates'] === 'true') this.state.queue.length = 0;
    this.state.webhook = null;
    return true;
  };

  getWebhookInfo = (): Record<string, unknown> => {
    const hook = this.state.webhook;
    const info: Record<string, unknown> = {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.state.queue.length,
    };
    if (hook) {
      info['max_connections'] = hook.maxConnections ?? 40;
      info['ip_address'] = '127.0.0.1';
      if (hook.allowedUpdates) info['allowed_updates'] = [...hook.allowedUpdates];
      if (hook.lastErrorDate !== undefined) info['last_error_date'] = hook.lastErrorDate;
      if (hook.lastErrorMessage !== undefined) info['last_error_message'] = hook.lastErrorMessage;
    }
    return info;
  };

  pumpWebhook(): void {
    while (this.state.webhook && !this.closed && this.webhookWorkers < this.options.webhookConcurrency && this.nextForWebhook()) {
      this.webhookWorkers++;
      void this.webhookWorker().finally(() => {
        this.webhookWorkers--;
        this.pumpWebhook();
      });
    }
  }

  private nextForWebhook(): TgUpdate | undefined {
    const hook = this.state.webhook;
    if (!hook) return undefined;
    const queue = this.state.queue;
    for (let i = queue.length - 1; i >= 0; i--) {
      if (!this.inFlight.has(queue[i]!) && !isAllowedUpdate(queue[i]!, hook.allowedUpdates)) queue.splice(i, 1);
    }
    return queue.find((u) => !this.inFlight.has(u));
  }

  private async webhookWorker(): Promise<void> {
    for (;;) {
      const hook = this.state.webhook;
      const update = this.nextForWebhook();
      if (!hook || !update || this.closed) return;
      this.inFlight.add(update);
      try {
        for (let attempt = 1; ; attempt++) {
          if (this.state.webhook !== hook || this.closed || !this.state.queue.includes(update)) return;
          if (await this.postUpdate(hook, update, attempt)) {
            this.removeFromQueue(update);
            break;
          }
          if (attempt >= this.options.webhookMaxAttempts) {
            this.removeFromQueue(update);
            break;
          }
          await this.sleep(this.options.webhookRetryDelayMs);
        }
      } finally {
        this.inFlight.delete(update);
      }
    }
  }

  private removeFromQueue(update: TgUpdate): void {
    const i = this.state.queue.indexOf(update);
    if (i >= 0) this.state.queue.splice(i, 1);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const onClose = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.closing.signal.removeEventListener('abort', onClose);
        resolve();
      }, ms);
      this.closing.signal.addEventListener('abort', onClose, { once: true });
    });
  }

  private async postUpdate(hook: WebhookConfig, update: TgUpdate, attempt: number): Promise<boolean> {
    const started = Date.now();
    const record: WebhookDeliveryRecord = { update_id: update.update_id, attempt, url: hook.url, at: this.state.now(), durationMs: 0 };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    let ok = false;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.any([AbortSignal.timeout(this.options.webhookTimeoutMs), this.closing.signal]),
      });
      const body = await res.text();
      record.status = res.status;
      ok = res.status >= 200 && res.status < 300;
      if (ok) {
        await this.runWebhookReply(res.headers.get('content-type') ?? '', body);
      } else {
        hook.lastErrorDate = this.state.nowSeconds();
        hook.lastErrorMessage = `Wrong response from the webhook: ${res.status} ${res.statusText}`.trim();
      }
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      hook.lastErrorDate = this.state.nowSeconds();
      hook.lastErrorMessage = err instanceof Error && err.name === 'TimeoutError' ? 'Read timeout expired' : 'Connection refused';
    }
    record.durationMs = Date.now() - started;
    this.deliveries.push(record);
    this.state.emit({ type: 'webhook_delivery', delivery: { ...record } });
    return ok;
  }

  private async runWebhookReply(contentType: string, body: string): Promise<void> {
    if (!contentType.toLowerCase().includes('application/json') || body.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method !== 'string') return;
    // Telegram never reports the outcome of a webhook reply; neither does the emulator.
    await this.executeWebhookReply(method, params).catch(() => undefined);
  }
}
