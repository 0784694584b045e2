/**
 * What people do in the benchmark, as Telegram webhook deliveries: group messages with a command,
 * posted to the bot's `POST /webhook/telegram` with the secret header over kept-alive connections.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface BenchChat {
  id: number;
  title: string;
}

export interface BenchUser {
  id: number;
  first_name: string;
  username?: string;
}

/** A group message carrying `/command args` (entities as Telegram sends them). */
export function commandUpdate(updateId: number, messageId: number, chat: BenchChat, from: BenchUser, command: string, args: string): object {
  const text = args ? `/${command} ${args}` : `/${command}`;
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chat.id, type: 'group', title: chat.title },
      from: { ...from, is_bot: false, language_code: 'vi' },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: command.length + 1 }],
    },
  };
}

export interface PostResult {
  status: number;
  /** performance.now() when the request was started. */
  startedAt: number;
  ms: number;
}

/** Posts updates to one webhook with a bounded pool of kept-alive connections. */
export class WebhookClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly secret: string,
    maxSockets = 64,
  ) {
    this.target = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** One POST; status 0 when the connection failed or timed out. */
  post(update: object, timeoutMs = 30_000): Promise<PostResult> {
    const body = Buffer.from(JSON.stringify(update));
    const startedAt = performance.now();
    return new Promise((resolve) => {
      const done = (status: number) => resolve({ status, startedAt, ms: performance.now() - startedAt });
      const req = http.request(
        {
          agent: this.agent,
          method: 'POST',
          hostname: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-telegram-bot-api-secret-token': this.secret },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
          res.on('error', () => done(0));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => done(0));
      req.end(body);
    });
  }

  /**
   * Posts like Telegram does: a delivery that did not get a 2xx is sent again (here after
   * `retryDelayMs`, Telegram waits longer), up to `attempts` times. Returns the first attempt's
   * start time and the final status, and how many attempts failed.
   */
  async deliver(update: object, attempts = 5, retryDelayMs = 1000): Promise<PostResult & { failures: number }> {
    let first: PostResult | null = null;
    let failures = 0;
    for (let i = 0; ; i++) {
      const r = await this.post(update);
      first ??= r;
      if (r.status >= 200 && r.status < 300) return { ...r, startedAt: first.startedAt, failures };
      failures++;
      // 4xx other than 429 means the update itself was refused: a resend gets the same answer.
      if (i + 1 >= attempts || (r.status >= 400 && r.status < 500 && r.status !== 429)) return { ...r, startedAt: first.startedAt, failures };
      await new Promise((res) => setTimeout(res, retryDelayMs));
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Runs `task(i)` for i in [0, count) at `perSecond` starts per second (open loop: a slow answer
 * does not slow the schedule), and resolves when every task has finished.
 */
export async function atRate(count: number, perSecond: number, task: (i: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    running.push(task(i));
  }
  await Promise.all(running);
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at a time, as fast as they finish. */
export async function asFastAsPossible(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      await task(i);
    }
  });
  await Promise.all(lanes);
}
