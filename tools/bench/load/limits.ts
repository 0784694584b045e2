/**
 * Telegram's outbound limits checked over what the Bot API server received, in SLIDING windows:
 * - overall: at most 30 messages in any 1-second window;
 * - per chat: at least 1 second between two messages to one chat;
 * - per group (negative chat id): at most 20 messages in any 60-second window.
 *
 * Times are the server's receive times, which trail the bot's decision to send by a variable HTTP
 * and event-loop delay; `slackMs` forgives that much (two messages count as one window apart when
 * their gap is at least window − slack). A violation is counted per offending message: the message
 * that is the 31st in its second, the second of two messages to one chat too close together, the
 * 21st in its group's minute.
 */

export interface SentMessage {
  /** Receive time in milliseconds (any origin, the same for all). */
  t: number;
  chatId: string;
}

export interface OutboundLimits {
  globalPerSecond: number;
  chatIntervalMs: number;
  groupPerMinute: number;
  slackMs: number;
}

export const TELEGRAM_LIMITS: OutboundLimits = { globalPerSecond: 30, chatIntervalMs: 1000, groupPerMinute: 20, slackMs: 5 };

export interface LimitReport {
  total: number;
  global: number;
  perChat: number;
  perGroup: number;
  /** The most messages seen in any sliding second, the most to one group in any sliding minute. */
  maxInAnySecond: number;
  maxGroupInAnyMinute: number;
  /** The shortest gap between two messages to one chat (null with no chat receiving two). */
  minChatGapMs: number | null;
  messages: number;
}

/** Counts messages whose sliding window (gap < windowMs − slack) already held `limit` others. */
function slidingExcess(times: readonly number[], windowMs: number, limit: number): { excess: number; max: number } {
  let excess = 0;
  let max = 0;
  let start = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i]! - times[start]! >= windowMs) start++;
    const inWindow = i - start + 1;
    if (inWindow > limit) excess++;
    if (inWindow > max) max = inWindow;
  }
  return { excess, max };
}

export function isGroupChat(chatId: string): boolean {
  return chatId.startsWith('-');
}

/** Checks every message against the three limits. */
export function countLimitViolations(messages: readonly SentMessage[], limits: OutboundLimits = TELEGRAM_LIMITS): LimitReport {
  const sorted = [...messages].sort((a, b) => a.t - b.t);
  const all = slidingExcess(
    sorted.map((m) => m.t),
    1000 - limits.slackMs,
    limits.globalPerSecond,
  );
  const byChat = new Map<string, number[]>();
  for (const m of sorted) {
    let list = byChat.get(m.chatId);
    if (!list) byChat.set(m.chatId, (list = []));
    list.push(m.t);
  }
  let perChat = 0;
  let perGroup = 0;
  let maxGroup = 0;
  let minGap: number | null = null;
  for (const [chatId, times] of byChat) {
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      if (minGap === null || gap < minGap) minGap = gap;
      if (gap < limits.chatIntervalMs - limits.slackMs) perChat++;
    }
    if (isGroupChat(chatId)) {
      const g = slidingExcess(times, 60_000 - limits.slackMs, limits.groupPerMinute);
      perGroup += g.excess;
      maxGroup = Math.max(maxGroup, g.max);
    }
  }
  return {
    total: all.excess + perChat + perGroup,
    global: all.excess,
    perChat,
    perGroup,
    maxInAnySecond: all.max,
    maxGroupInAnyMinute: maxGroup,
    minChatGapMs: minGap === null ? null : Math.round(minGap * 10) / 10,
    messages: sorted.length,
  };
}
