import type { Redis } from 'ioredis';

// Reserves the next send slot of one chat atomically, across every process sharing Redis: at least
// `interval` after the previous slot and, for groups, at most `limit` slots in any `window`.
const RESERVE = `
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local slot = math.max(now, nextAt)
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', slot - window)
  local n = redis.call('ZCARD', KEYS[2])
  if n >= limit then
    local oldest = redis.call('ZRANGE', KEYS[2], n - limit, n - limit, 'WITHSCORES')
    slot = math.max(slot, tonumber(oldest[2]) + window)
  end
  redis.call('ZADD', KEYS[2], slot, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], (slot - now) + window + 1000)
end
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
 * and twenty per minute per group. Each send reserves a slot; the caller waits until it. Groups
 * may burst (a card, an acknowledgement, a picker) as long as the minute's budget holds.
 */
export class ChatPacer {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly privateIntervalMs: number,
    private readonly groupIntervalMs: number,
    private readonly groupPerWindow = 0,
    private readonly windowMs = 60_000,
  ) {}

  private key(platform: string, chatId: string) {
    return `${this.prefix}:pace:${platform}:${chatId}`;
  }

  /** The gap kept between two messages to one chat. */
  intervalFor(isGroup: boolean): number {
    return isGroup ? this.groupIntervalMs : this.privateIntervalMs;
  }

  /**
   * Reserves a slot; returns the epoch ms at which this message may go. `limits` are the channel's
   * own (each platform has its own); without them the pacer's defaults apply.
   */
  async reserve(platform: string, chatId: string, isGroup: boolean, limitsOrNow?: { chatIntervalMs: number; groupPerMinute: number } | number, at?: number): Promise<number> {
    const limits = typeof limitsOrNow === 'object' ? limitsOrNow : undefined;
    const now = typeof limitsOrNow === 'number' ? limitsOrNow : (at ?? Date.now());
    const interval = limits ? limits.chatIntervalMs : this.intervalFor(isGroup);
    const groupLimit = limits ? limits.groupPerMinute : this.groupPerWindow;
    if (interval <= 0 && !(isGroup && groupLimit > 0)) return now;
    const limit = isGroup ? groupLimit : 0;
    const member = `${now}:${process.pid}:${this.seq++}:${Math.random()}`;
    const key = this.key(platform, chatId);
    return Number(await this.redis.eval(RESERVE, 2, key, `${key}:win`, now, interval, limit, this.windowMs, member));
  }

  /** After a 429: nothing goes to this chat before `until`. */
  async pushBack(platform: string, chatId: string, until: number): Promise<void> {
    await this.redis.eval(PUSH_BACK, 1, this.key(platform, chatId), until, Math.max(1, until - Date.now()) + 60_000);
  }
}
