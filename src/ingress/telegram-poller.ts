import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../logger.js';
import type { AcceptResult } from './inbox.js';

export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/**
 * Long polling that stores before it confirms: the offset moves past an update only after it
 * was accepted into the inbox, so a crash at any point loses nothing (Telegram redelivers).
 * Some test servers answer getUpdates at once; an idle pause keeps that from spinning.
 */
export class TelegramPoller {
  private offset: number | undefined;
  private abort = new AbortController();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly api: Api,
    private readonly accept: (updateId: string, payload: Update) => Promise<AcceptResult>,
    private readonly logger: Logger,
    private readonly opts: { timeoutSeconds?: number; idlePauseMs?: number } = {},
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const started = Date.now();
      let updates: Update[];
      try {
        updates = await this.api.getUpdates(
          { ...(this.offset !== undefined ? { offset: this.offset } : {}), timeout: this.opts.timeoutSeconds ?? 25, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types the signal with its polyfill's AbortSignal; Node's is compatible at run time.
          this.abort.signal as never,
        );
        failures = 0;
      } catch (err) {
        if (this.stopped) return;
        failures++;
        const wait = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        this.logger.warn({ err: (err as Error).message, wait }, 'getUpdates failed; retrying');
        await this.sleep(wait);
        continue;
      }
      for (const update of updates) {
        // Stored before confirmed; a failure here stops the batch and retries it from this update.
        let stored = false;
        while (!stored && !this.stopped) {
          try {
            await this.accept(String(update.update_id), update);
            stored = true;
          } catch (err) {
            this.logger.error({ err: (err as Error).message, updateId: update.update_id }, 'could not store update; retrying');
            await this.sleep(1_000);
          }
        }
        if (!stored) return;
        this.offset = update.update_id + 1;
      }
      if (updates.length === 0 && Date.now() - started < 1_000) await this.sleep(this.opts.idlePauseMs ?? 300);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
