import pg from 'pg';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { readyOrError, shownUrl } from './queues/connection.js';

/** Boot was cancelled (SIGTERM) while it waited for PostgreSQL or Redis. */
export class BootCancelled extends Error {
  override name = 'BootCancelled';
}

export interface WaitOptions {
  logger: Logger;
  signal?: AbortSignal | undefined;
  /** First pause between attempts; doubles up to maxDelayMs. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** While it lasts, a reminder line this often (the first failure has said everything else). */
  remindEveryMs?: number;
}

function pause(ms: number, signal: AbortSignal | undefined, wake?: (cb: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      unwake?.();
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
    const unwake = wake?.(finish);
  });
}

/** The first line of an error, without the stack or Prisma's call-site preamble. */
function causeOf(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: Error[] };
  // An AggregateError (IPv4 and IPv6 both refused) has an empty message; its parts say why.
  const text = e?.message || e?.errors?.map((x) => x.message).join('; ') || e?.code || String(err);
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? text;
}

/**
 * Tries `probe` until it succeeds, pausing with backoff in between. The first failure is one line
 * saying what is missing and how to get it (`explain`); then a reminder every `remindEveryMs` at
 * most, and one line when it answers. Hundreds of identical connection errors helped nobody.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<void>,
  explain: (cause: string) => string,
  opts: WaitOptions & { wake?: (cb: () => void) => () => void },
): Promise<void> {
  const { logger, signal } = opts;
  const first = opts.firstDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 5_000;
  const remindEvery = opts.remindEveryMs ?? 60_000;
  let delay = first;
  let since: number | null = null;
  let reminded = 0;
  for (;;) {
    if (signal?.aborted) throw new BootCancelled(`stopped while waiting for ${what}`);
    try {
      await probe();
      if (since !== null) logger.info({ dependency: what, waitedMs: Date.now() - since }, `${what} answers; starting`);
      return;
    } catch (err) {
      if (signal?.aborted) throw new BootCancelled(`stopped while waiting for ${what}`);
      const cause = causeOf(err);
      const now = Date.now();
      if (since === null) {
        since = now;
        reminded = now;
        logger.error({ dependency: what, err: cause }, explain(cause));
      } else if (now - reminded >= remindEvery) {
        reminded = now;
        logger.warn({ dependency: what, err: cause, waitedMs: now - since }, `still waiting for ${what}`);
      }
    }
    await pause(delay, signal, opts.wake);
    delay = Math.min(max, delay * 2);
  }
}

/** The server answers but will not let us in: starting it again would not help, the URL must change. */
const REFUSED_LOGIN = /password|authentication|NOAUTH|WRONGPASS|does not exist|permission denied|no pg_hba\.conf entry/i;

/** Waits until the Redis connection is ready; ioredis keeps reconnecting on its own meanwhile. */
export function waitForRedis(redis: Redis, url: string, opts: WaitOptions): Promise<void> {
  const shown = shownUrl(url);
  return waitFor(
    'Redis',
    () => readyOrError(redis, 3_000),
    (cause) =>
      (REFUSED_LOGIN.test(cause)
        ? `Redis at ${shown} refuses the login (${cause}): fix the user or password in REDIS_URL. `
        : `Redis at ${shown} is not answering (${cause}): start it (redis-server, or \`docker compose up -d redis\`), or set REDIS_URL to a running Redis. `) +
      'The HTTP server is up (/readyz names what is missing); the bot starts by itself once Redis answers.',
    // The connection's own 'ready' cuts a pause short, so the bot starts as soon as Redis is back.
    { ...opts, wake: (cb) => (redis.once('ready', cb), () => redis.off('ready', cb)) },
  );
}

/** Waits until PostgreSQL at `url` accepts a connection and answers a query. */
export function waitForPostgres(url: string, opts: WaitOptions): Promise<void> {
  const shown = shownUrl(url);
  return waitFor(
    'PostgreSQL',
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    (cause) =>
      (REFUSED_LOGIN.test(cause)
        ? `PostgreSQL at ${shown} refuses the connection (${cause}): fix the user, password or database name in DATABASE_URL. `
        : `PostgreSQL at ${shown} is not answering (${cause}): start it (pg_ctlcluster <version> main start, or \`docker compose up -d postgres\`), ` +
          'or fix DATABASE_URL (unset it to use the embedded database under DATA_DIR). ') +
      'The HTTP server is up (/readyz names what is missing); the bot starts by itself once PostgreSQL answers.',
    opts,
  );
}

/** Calls `fn` until it succeeds, at most `attempts` times, with backoff; SIGTERM during boot ends it. */
export async function retry<T>(what: string, logger: Logger, fn: () => Promise<T>, attempts = 10, signal?: AbortSignal): Promise<T> {
  for (let i = 1; ; i++) {
    if (signal?.aborted) throw new BootCancelled(`stopped during ${what}`);
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || signal?.aborted) throw err;
      const wait = Math.min(10_000, 500 * 2 ** i);
      logger.warn({ err: (err as Error).message, attempt: i, wait }, `${what} failed; retrying`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
