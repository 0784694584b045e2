/**
 * How events leave the Zalo emulator. One queue feeds either long polls (one event per
 * getUpdates, handed out once and then gone) or, while a webhook is set, POSTs to it one at a time
 * in order, retried a few times on a non-2xx answer and then dropped, as the platform does.
 */
import type { WebhookConfig, WebhookDeliveryRecord, ZaloEmulatorEvent, ZaloEventPayload } from './types.js';

export interface DeliveryOptions {
  envelope: 'wrapped' | 'bare';
  retryDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
  now: () => number;
}

interface PollWaiter {
  /** null: the poll ended without an event (timeout, webhook set, emulator closed). */
  resolve(event: ZaloEventPayload | null): void;
}

export class EventDelivery {
  readonly queue: ZaloEventPayload[] = [];
  readonly deliveries: WebhookDeliveryRecord[] = [];
  webhook: WebhookConfig | null = null;
  /** When the webhook last changed (getWebhookInfo's updated_at once it is deleted). */
  webhookChangedAt = 0;
  private readonly waiters: PollWaiter[] = [];
  private webhookRunning = false;
  private readonly closing = new AbortController();

  constructor(
    private readonly options: DeliveryOptions,
    private readonly emit: (event: ZaloEmulatorEvent) => void,
  ) {}

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  close(): void {
    this.closing.abort();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
  }

  enqueue(event: ZaloEventPayload): void {
    this.queue.push(event);
    this.emit({ type: 'event_queued', event: structuredClone(event) });
    this.pump();
  }

  /** Waits up to `timeoutMs` for one event; an aborted request gives up its place without taking one. */
  poll(timeoutMs: number, signal: AbortSignal): Promise<ZaloEventPayload | null> {
    const ready = this.queue.shift();
    if (ready) return Promise.resolve(ready);
    if (timeoutMs <= 0 || this.closed || signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const finish = (event: ZaloEventPayload | null) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(event);
      };
      const waiter: PollWaiter = { resolve: finish };
      const onAbort = () => finish(null);
      const timer = setTimeout(() => finish(null), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  setWebhook(config: WebhookConfig): void {
    this.webhook = config;
    this.webhookChangedAt = config.updatedAt;
    // Polls waiting now would never get an event: they end as if nothing came.
    for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
    this.pump();
  }

  deleteWebhook(at: number): void {
    this.webhook = null;
    this.webhookChangedAt = at;
  }

  /** Drops queued events and the delivery log (the webhook stays). */
  clear(): void {
    this.queue.length = 0;
    this.deliveries.length = 0;
  }

  private pump(): void {
    if (this.closed) return;
    if (this.webhook) {
      if (!this.webhookRunning && this.queue.length > 0) {
        this.webhookRunning = true;
        void this.webhookWorker().finally(() => {
          this.webhookRunning = false;
          if (this.webhook && this.queue.length > 0) this.pump();
        });
      }
      return;
    }
    while (this.waiters.length > 0 && this.queue.length > 0) this.waiters.shift()!.resolve(this.queue.shift()!);
  }

  private async webhookWorker(): Promise<void> {
    for (;;) {
      const hook = this.webhook;
      const event = this.queue[0];
      if (!hook || !event || this.closed) return;
      for (let attempt = 1; ; attempt++) {
        // The webhook changed or the queue was cleared: start over with what is current.
        if (this.webhook !== hook || this.queue[0] !== event || this.closed) break;
        const ok = await this.post(hook, event, attempt);
        if (ok || attempt >= this.options.maxAttempts) {
          if (this.queue[0] === event) this.queue.shift();
          break;
        }
        await this.sleep(this.options.retryDelayMs);
      }
    }
  }

  private async post(hook: WebhookConfig, event: ZaloEventPayload, attempt: number): Promise<boolean> {
    const record: WebhookDeliveryRecord = {
      messageId: event.message.message_id,
      eventName: event.event_name,
      attempt,
      at: this.options.now(),
      status: null,
    };
    const body = this.options.envelope === 'wrapped' ? { ok: true, result: event } : event;
    let ok = false;
    try {
      // Zalo's own requests carry a Java user agent; a firewall rule that blocks it shows up here too.
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': hook.secretToken, 'user-agent': 'Java/17.0.2' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.closing.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
      ok = res.status >= 200 && res.status < 300;
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (!ok && attempt >= this.options.maxAttempts) record.gaveUp = true;
    this.deliveries.push(record);
    this.emit({ type: 'webhook_delivery', delivery: { ...record } });
    return ok;
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
}
