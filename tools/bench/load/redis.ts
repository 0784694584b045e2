/** Redis housekeeping for the benchmark: every run uses its own key prefix, deleted at the end. */
import { Redis } from 'ioredis';

/** Deletes every key under `prefix:` (never FLUSHALL: the Redis is shared). Returns how many. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<number> {
  if (!/^[\w-]+$/.test(prefix)) throw new Error(`unsafe Redis prefix ${prefix}`);
  const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
