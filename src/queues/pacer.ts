import type { Redis } from 'ioredis';
import { RedisScript } from './script.js';

/**
 * Reserves the next send slot of one chat atomically, across every process sharing Redis, together
 * with the platform-wide slot, in one script so the two can never disagree:
 *   - at least `interval` after the chat's previous slot (and never before a 429 said);
 *   - for groups, at most `limit` slots in any `window` (a sliding window over reserved slots);
 *   - platform-wide, at most `perSecond` slots in any window of `span` ms (a second plus a margin
 *     for the calls leaving a little after their slots), whatever the chats. Messages that fit go
 *     at once, together: no gap is forced between two messages to different chats.
 * KEYS: chat next-slot, chat window, platform slots. ARGV: now, interval, limit, window, member,
 * perSecond, span.
 */
export const RESERVE_FUNCTION = `
local function reserve(KEYS, ARGV)
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local perSecond = tonumber(ARGV[6])
local span = tonumber(ARGV[7])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
  local n = redis.call('ZCOUNT', KEYS[2], slot - window + 1, '+inf')
  if n >= limit then
    local inwin = redis.call('ZRANGEBYSCORE', KEYS[2], slot - window + 1, '+inf', 'WITHSCORES')
    -- the (n - limit + 1)-th slot of the window must leave it first
    slot = math.max(slot, tonumber(inwin[(n - limit) * 2 + 2]) + window)
  end
end
if perSecond > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - span)
  local raw = redis.call('ZRANGEBYSCORE', KEYS[3], slot - span + 1, '+inf', 'WITHSCORES')
  local xs = {}
  for i = 2, #raw, 2 do xs[#xs + 1] = tonumber(raw[i]) end
  -- Every window [x, x + span) that would hold the new slot, started at a slot x in
  -- (slot - span, slot], must hold fewer than perSecond; a full one pushes the slot past its end.
  for _ = 1, 1000 do
    local push = slot
    local j = 1
    for i = 1, #xs do
      local x = xs[i]
      if x > slot then break end
      if x > slot - span then
        if j < i then j = i end
        while j <= #xs and xs[j] < x + span do j = j + 1 end
        if j - i >= perSecond and x + span > push then push = x + span end
      end
    end
    -- …and the window starting at the slot itself (slots reserved ahead, to chats waiting their turn).
    local ahead, first = 0, nil
    for i = 1, #xs do
      if xs[i] >= slot and xs[i] < slot + span then
        ahead = ahead + 1
        first = first or xs[i]
      end
    end
    if ahead >= perSecond and first + span > push then push = first + span end
    if push == slot then break end
    slot = push
  end
  redis.call('ZADD', KEYS[3], slot, ARGV[5])
  redis.call('PEXPIRE', KEYS[3], math.ceil((slot - now) + span + 1000))
end
if limit > 0 then
  redis.call('ZADD', KEYS[2], slot, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], math.ceil((slot - now) + window + 1000))
end
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil((slot - now) + interval + 60000))
-- A float slot would come back truncated as an integer reply: send it as text.
return tostring(slot)
end
`;
const RESERVE = new RedisScript(`${RESERVE_FUNCTION}\nreturn reserve(KEYS, ARGV)`);

/**
 * The platform-wide window the per-second limit is held over: a second and 150 ms. Calls leave some
 * milliseconds after their slots, unevenly (a busy event loop, a slot up to LATE_SLOT_MS late), and
 * every sliding second must still hold no more than the limit when they arrive.
 */
const GLOBAL_SPAN_MS = 1_150;

/**
 * The window a group's per-minute limit is held over: a minute and a second, for the same reason —
 * the first of a group's twenty may reach the platform some milliseconds after its slot and the
 * twenty-first right on time (the bench saw 21 in one sliding minute once with an exact minute).
 */
const GROUP_SPAN_MS = 61_000;

/**
 * Platform-wide slots of every window only priority messages may take (ticket cards and burst
 * summaries, the support team's and departments' working view): 28 of Telegram's 30 for the rest.
 */
export const PRIORITY_SLOTS = 2;

// Pushes a chat's next slot out (after a 429, or after an answer came back) without pulling it in.
const PUSH_BACK = new RedisScript(`
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local target = tonumber(ARGV[1])
if target > nextAt then redis.call('SET', KEYS[1], tostring(target), 'PX', math.ceil(tonumber(ARGV[2]))) end
return 1
`);

/** The limits one reservation honours: the channel's own (each platform declares them). */
export interface PacingLimits {
  chatIntervalMs: number;
  groupPerMinute: number;
  /** Platform-wide messages per second; 0 or absent: no platform-wide limit. */
  globalPerSecond?: number;
}

/**
 * Send slots shared by all workers: about one message per second per chat, twenty per minute per
 * group, and the platform's per-second limit in every sliding second. Each send reserves its slot
 * and waits until it (handing the job back to Redis when the wait is long); groups may burst (a
 * card, an acknowledgement, a picker) as long as the minute's budget holds.
 */
export class ChatPacer {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly privateIntervalMs: number,
    private readonly groupIntervalMs: number,
    private readonly groupPerWindow = 0,
    private readonly windowMs = GROUP_SPAN_MS,
  ) {}

  /** The key of a chat's next slot (SendLine.finish pushes it out in the same round trip). */
  key(platform: string, chatId: string) {
    return `${this.prefix}:pace:${platform}:${chatId}`;
  }

  /** The gap kept between two messages to one chat. */
  intervalFor(isGroup: boolean): number {
    return isGroup ? this.groupIntervalMs : this.privateIntervalMs;
  }

  /**
   * Reserves a slot; returns the epoch ms at which this message may go. `limits` are the channel's
   * own; without them the pacer's defaults apply (and no platform-wide limit).
   */
  async reserve(platform: string, chatId: string, isGroup: boolean, limitsOrNow?: PacingLimits | number, at?: number, priority = false): Promise<number> {
    const limits = typeof limitsOrNow === 'object' ? limitsOrNow : undefined;
    const now = typeof limitsOrNow === 'number' ? limitsOrNow : (at ?? Date.now());
    const call = this.reservation(platform, chatId, isGroup, limits, now, priority);
    if (!call) return now;
    return Number(await RESERVE.run(this.redis, call.keys, call.args));
  }

  /**
   * The keys and arguments of a reservation (RESERVE_FUNCTION), for a script that reserves as part
   * of a larger step (SendLine.begin); null when nothing limits this chat.
   */
  reservation(platform: string, chatId: string, isGroup: boolean, limits: PacingLimits | undefined, now = Date.now(), priority = false): { keys: string[]; args: (string | number)[] } | null {
    const interval = limits ? limits.chatIntervalMs : this.intervalFor(isGroup);
    const groupLimit = isGroup ? (limits ? limits.groupPerMinute : this.groupPerWindow) : 0;
    const limit = limits?.globalPerSecond ?? 0;
    // Ordinary messages leave PRIORITY_SLOTS of every window free: however many are reserved ahead
    // (a burst's receipts, a minute deep), the team's working view still gets through at once.
    const perSecond = priority || limit <= PRIORITY_SLOTS * 2 ? limit : limit - PRIORITY_SLOTS;
    if (interval <= 0 && groupLimit <= 0 && perSecond <= 0) return null;
    const member = `${now}:${process.pid}:${this.seq++}:${Math.random()}`;
    const key = this.key(platform, chatId);
    return { keys: [key, `${key}:win`, `${this.prefix}:pace-all:${platform}`], args: [now, interval, groupLimit, this.windowMs, member, perSecond, GLOBAL_SPAN_MS] };
  }

  /** Nothing goes to this chat before `until` (after a 429, or the interval counted from an answer). */
  async pushBack(platform: string, chatId: string, until: number): Promise<void> {
    await PUSH_BACK.run(this.redis, [this.key(platform, chatId)], [until, Math.max(1, until - Date.now()) + 60_000]);
  }
}
