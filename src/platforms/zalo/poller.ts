import { describeFailure } from '../../db/errors.js';
import type { Logger } from '../../logger.js';
import type { IngressSink, Poller } from '../plugin.js';
import type { ZaloApi } from './api.js';
import { checkZaloEvent } from './update.js';

/**
 * Long polling of the Zalo Bot API. getUpdates hands out one event per call and forgets it (there
 * is no offset to confirm), so each event is stored before the next call; a 408 means nothing
 * arrived. Failures back off with a few log lines, not one per attempt. Webhook mode is the safer
 * choice in production: an event cut off in transit here is lost by the platform itself.
 */
export class ZaloPoller implements Poller {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly api: ZaloApi,
    private readonly logger: Logger,
    private readonly opts: { timeoutSeconds?: number; idlePauseMs?: number } = {},
  ) {}

  start(sink: IngressSink): void {
    this.running ??= this.loop(sink);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private async loop(sink: IngressSink): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const started = Date.now();
      let results;
      try {
        results = await this.api.getUpdates({ timeoutSeconds: this.opts.timeoutSeconds ?? 30, signal: this.abort.signal });
        if (failures > 0) this.logger.info({ failures }, 'Zalo getUpdates answers again');
        failures = 0;
      } catch (err) {
        if (this.stopped) return;
        failures++;
        const wait = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        if (failures === 1 || failures % 20 === 0) this.logger.warn({ err: (err as Error).message, failures, wait }, 'Zalo getUpdates failed; retrying');
        await this.sleep(wait);
        continue;
      }
      for (const result of results) {
        const verdict = checkZaloEvent(result.ok ? result.event : null, result.ok ? undefined : result);
        if (!verdict.ok) {
          if (!verdict.ignored) this.logger.warn({ reason: verdict.reason }, 'Zalo event that cannot be read skipped');
          continue;
        }
        for (let tries = 0; !this.stopped; tries++) {
          try {
            await sink.store(verdict);
            break;
          } catch (err) {
            // The event exists only in this process now: keep trying while the database is away.
            const wait = Math.min(5_000, 250 * 2 ** tries);
            if (tries === 0 || tries % 10 === 0) this.logger.error({ err: describeFailure(err), wait }, 'could not store Zalo event; retrying');
            await this.sleep(wait);
          }
        }
      }
      if (results.length === 0 && Date.now() - started < 1_000) await this.sleep(this.opts.idlePauseMs ?? 300);
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
