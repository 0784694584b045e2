import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * Redis connections. Workers block on Redis and must retry forever (`maxRetriesPerRequest: null`);
 * producers fail fast so an outage becomes a quick 5xx instead of a hung webhook.
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
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  redis.on('error', (err) => logger?.warn({ err: err.message, purpose }, 'redis connection error'));
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
