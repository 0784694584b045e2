import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { classifyFailure, describeFailure } from '../../db/errors.js';
import type { Logger } from '../../logger.js';
import type { IngressSink, Poller } from '../plugin.js';
import { checkTelegramUpdate } from './update.js';

/** Also the webhook's allowed_updates: an edited report gets an answer asking for a new message. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/**
 * Long polling that stores before it confirms: the offset moves past an update only after it
 * was accepted into the inbox, or recorded as one that can never be stored, so a crash at any
 * point loses nothing (Telegram redelivers) and one poisonous update cannot stop the line.
 * Some test servers answer getUpdates at once; an idle pause keeps that from spinning.
 */
export class TelegramPoller implements Poller {
  private offset: number | undefined;
  private abort = new AbortController();
  private running: Promise<void> | undefined;
  private stopped = false;

  private sink: IngressSink | undefined;

  constructor(
    private readonly api: Api,
    private readonly logger: Logger,
    private readonly opts: { timeoutSeconds?: number; idlePauseMs?: number } = {},
  ) {}

  start(sink: IngressSink): void {
    this.sink = sink;
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
        if (!(await this.store(update))) return;
        if (Number.isSafeInteger(update.update_id)) this.offset = update.update_id + 1;
      }
      if (updates.length === 0 && Date.now() - started < 1_000) await this.sleep(this.opts.idlePauseMs ?? 300);
    }
  }

  /**
   * Stores one update, or a marker when it can never be stored. Only an unavailable database makes
   * it wait and try again (the offset stays, so later updates wait too: they could not be stored
   * either). False when stopped first.
   */
  private async store(update: Update): Promise<boolean> {
    const verdict = checkTelegramUpdate(update);
    for (let failures = 0; !this.stopped; ) {
      try {
        if (verdict.ok) await this.sink!.store(verdict);
        else if (verdict.updateId !== null) await this.sink!.refuse(verdict.updateId, verdict.reason);
        else this.logger.warn({ reason: verdict.reason }, 'update without a usable update_id skipped');
        return true;
      } catch (err) {
        // store throws only when even the marker could not be written: treat it as an outage.
        failures++;
        const wait = Math.min(5_000, 250 * 2 ** failures);
        const level = failures === 1 || failures % 10 === 0 ? 'error' : 'debug';
        this.logger[level]({ err: describeFailure(err), kind: classifyFailure(err), updateId: update.update_id, failures, wait }, 'could not store update; retrying');
        await this.sleep(wait);
      }
    }
    return false;
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
