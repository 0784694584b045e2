import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

/** A connection URL fit for a log line: the password, if any, is masked. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection is closed|connect ETIMEDOUT|Stream isn't writeable|Socket closed unexpectedly/i;

/** True for errors that say the server cannot be reached (as opposed to a command that failed). */
export function isConnectionError(err: Error): boolean {
  return CONNECTION_ERROR.test(err.message) || CONNECTION_ERROR.test((err as { code?: string }).code ?? '');
}

/**
 * One outage, a few lines. ioredis and BullMQ emit 'error' on every reconnect attempt (hundreds a
 * minute during an outage, which buried the one line that mattered): the first failure is logged,
 * then at most one reminder every `everyMs` with how many were left out, then "back" when told so.
 * Without a recovery signal an outage ends after `quietMs` without failures.
 */
export class OutageLog {
  private downSince: number | null = null;
  private lastFailure = 0;
  private lastLogged = 0;
  private leftOut = 0;

  private readonly fields: Record<string, unknown>;
  private readonly everyMs: number;
  private readonly quietMs: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    opts: { fields?: Record<string, unknown>; everyMs?: number; quietMs?: number; now?: () => number } = {},
  ) {
    this.fields = opts.fields ?? {};
    this.everyMs = opts.everyMs ?? 60_000;
    this.quietMs = opts.quietMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  failed(err: Error): void {
    const now = this.now();
    if (this.downSince !== null && now - this.lastFailure > this.quietMs) this.downSince = null;
    this.lastFailure = now;
    if (this.downSince === null) {
      this.downSince = now;
      this.lastLogged = now;
      this.leftOut = 0;
      this.logger.warn({ ...this.fields, err: err.message }, `${this.what}: connection error; retrying (repeats are logged once a minute)`);
      return;
    }
    this.leftOut += 1;
    if (now - this.lastLogged >= this.everyMs) {
      this.logger.warn({ ...this.fields, err: err.message, failures: this.leftOut, downForMs: now - this.downSince }, `${this.what}: still unreachable; retrying`);
      this.lastLogged = now;
      this.leftOut = 0;
    }
  }

  recovered(): void {
    if (this.downSince === null) return;
    this.logger.info({ ...this.fields, downForMs: this.now() - this.downSince }, `${this.what}: connection back`);
    this.downSince = null;
  }
}

/**
 * Redis connections. Workers block on Redis and must retry forever (`maxRetriesPerRequest: null`);
 * producers fail fast so an outage becomes a quick 5xx instead of a hung webhook.
 *
 * Failures before the connection was first ready are not logged here: whoever waits for Redis at
 * boot (waitForRedis) says once, clearly, what is missing.
 */
export function createRedis(url: string, purpose: 'worker' | 'producer', logger?: Logger): Redis {
  const base: RedisOptions = {
    connectTimeout: 3_000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(200 * times, 5_000),
  };
  const opts: RedisOptions =
    purpose === 'worker'
      ? { ...base, maxRetriesPerRequest: null, enableReadyCheck: true }
      : { ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 3_000 };
  const redis = new Redis(url, opts);
  const outage = logger ? new OutageLog(logger, `Redis (${purpose})`, { fields: { purpose } }) : null;
  let everReady = false;
  redis.on('ready', () => {
    everReady = true;
    outage?.recovered();
  });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  redis.on('error', (err: Error) => {
    if (everReady) outage?.failed(err);
  });
  return redis;
}

/** BullMQ needs `noeviction`: an evicted job key is a lost report or reminder. */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<string | null> {
  try {
    await waitReady(redis, 5_000);
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1] ?? null;
    if (policy !== 'noeviction') {
      logger.warn({ policy }, `Redis maxmemory-policy is "${policy}", BullMQ requires "noeviction": jobs may be evicted and lost`);
    }
    return policy;
  } catch (err) {
    // Managed Redis often forbids CONFIG; say so instead of guessing.
    logger.warn({ err: (err as Error).message }, 'could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction');
    return null;
  }
}

/** Resolves once the connection is ready (a fail-fast connection refuses commands before). */
export function waitReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/**
 * Resolves when the connection is ready; rejects with the connection's own error (ECONNREFUSED,
 * ENOTFOUND, NOAUTH…) as soon as one comes, or after `timeoutMs` without an answer.
 */
export function readyOrError(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    const onReady = () => {
      done();
      resolve();
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}
