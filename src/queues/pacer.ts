import type { Redis } from 'ioredis';

// Reserves the next send slot of one chat atomically, across every process sharing Redis.
const RESERVE = `
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local slot = math.max(now, nextAt)
redis.call('SET', KEYS[1], slot + interval, 'PX', (slot - now) + interval + 60000)
return slot
`;

// Pushes a chat's next slot out (after a 429) without ever pulling it in.
const PUSH_BACK = `
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local target = tonumber(ARGV[1])
if target > nextAt then redis.call('SET', KEYS[1], target, 'PX', tonumber(ARGV[2])) end
return 1
`;

/**
 * Per-chat pacing shared by all workers: Telegram allows about one message per second per chat
 * and twenty per minute per group. Each send reserves a slot; the caller waits until it.
 */
export class ChatPacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly privateIntervalMs: number,
    private readonly groupIntervalMs: number,
  ) {}

  private key(platform: string, chatId: string) {
    return `${this.prefix}:pace:${platform}:${chatId}`;
  }

  /** The gap kept between two messages to one chat. */
  intervalFor(isGroup: boolean): number {
    return isGroup ? this.groupIntervalMs : this.privateIntervalMs;
  }

  /** Reserves a slot; returns the epoch ms at which this message may go. */
  async reserve(platform: string, chatId: string, isGroup: boolean, now = Date.now()): Promise<number> {
    const interval = this.intervalFor(isGroup);
    if (interval <= 0) return now;
    return Number(await this.redis.eval(RESERVE, 1, this.key(platform, chatId), now, interval));
  }

  /** After a 429: nothing goes to this chat before `until`. */
  async pushBack(platform: string, chatId: string, until: number): Promise<void> {
    await this.redis.eval(PUSH_BACK, 1, this.key(platform, chatId), until, Math.max(1, until - Date.now()) + 60_000);
  }
}
