import { describe, expect, it } from 'vitest';
import { countLimitViolations, TELEGRAM_LIMITS, type SentMessage } from '../../tools/bench/load/limits.js';

const strict = { ...TELEGRAM_LIMITS, slackMs: 0 };
const at = (t: number, chatId: string): SentMessage => ({ t, chatId });

describe('outbound limit violations (sliding windows)', () => {
  it('counts the 31st message of any sliding second, even across a fixed-window boundary', () => {
    // 30 messages in [900, 990] and 30 in [1000, 1090]: each fixed second holds 30, but the sliding
    // second starting at 900 holds 60 — what a fixed-window limiter lets through.
    const msgs: SentMessage[] = [];
    for (let i = 0; i < 30; i++) msgs.push(at(900 + i * 3, `${i + 1}`));
    for (let i = 0; i < 30; i++) msgs.push(at(1000 + i * 3, `${i + 100}`));
    const r = countLimitViolations(msgs, strict);
    expect(r.global).toBe(30);
    expect(r.maxInAnySecond).toBe(60);
    expect(r.perChat).toBe(0);
  });

  it('accepts exactly 30 messages per second, sustained', () => {
    const msgs = Array.from({ length: 300 }, (_, i) => at(Math.round((i * 1000) / 30), `${i}`));
    const r = countLimitViolations(msgs, strict);
    expect(r.global).toBe(0);
    expect(r.maxInAnySecond).toBe(30);
  });

  it('counts two messages to one chat less than a second apart, forgiving the timer slack', () => {
    const msgs = [at(0, '5'), at(998, '5'), at(1994, '5'), at(1000, '6'), at(1500, '6')];
    expect(countLimitViolations(msgs, strict).perChat).toBe(3);
    // With 5 ms of slack, 998 and 996 ms gaps are timer jitter; 500 ms is not.
    const loose = countLimitViolations(msgs, { ...TELEGRAM_LIMITS, slackMs: 5 });
    expect(loose.perChat).toBe(1);
    expect(loose.minChatGapMs).toBe(500);
  });

  it('counts the 21st message to a group in any sliding minute, and never for private chats', () => {
    // One message every 2.5 s to a group: 24 messages within 57.5 s.
    const group = Array.from({ length: 24 }, (_, i) => at(i * 2500, '-100'));
    const privateChat = Array.from({ length: 24 }, (_, i) => at(i * 2500 + 1, '100'));
    const r = countLimitViolations([...group, ...privateChat], strict);
    expect(r.perGroup).toBe(4);
    expect(r.maxGroupInAnyMinute).toBe(24);
    expect(r.perChat).toBe(0);
    expect(r.total).toBe(r.global + r.perChat + r.perGroup);
  });

  it('lets a group have 20 a minute for ever', () => {
    const group = Array.from({ length: 200 }, (_, i) => at(i * 3000, '-7'));
    expect(countLimitViolations(group, strict).perGroup).toBe(0);
  });

  it('does not depend on the order the messages are given in', () => {
    const msgs = [at(10, '-1'), at(0, '-1'), at(5, '2')];
    expect(countLimitViolations(msgs, strict)).toEqual(countLimitViolations([...msgs].reverse(), strict));
  });
});
