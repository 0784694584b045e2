import { sanitizeJson } from '../../ingress/sanitize.js';
import type { UpdateVerdict } from '../plugin.js';
import { parseZaloEvent, zaloChatKey, zaloEventKey, type ZaloEvent, type ZaloEventParse } from './events.js';

/**
 * The ingress check of a Zalo event (webhook body or polled): parsed and validated (events.ts),
 * cleaned for the store, keyed by its message (Zalo events carry no update id: the event name and
 * message id are unique) and by its chat. A well-formed event the bot has no use for is `ignored`
 * (answered 200 so Zalo does not resend it).
 */
export function checkZaloEvent(body: unknown, already?: Extract<ZaloEventParse, { ok: false }>): UpdateVerdict {
  const parsed: ZaloEventParse = already ?? parseZaloEvent(body);
  if (!parsed.ok) return { ok: false, updateId: null, reason: parsed.reason, ...(parsed.code === 'ignored' ? { ignored: true } : {}) };
  const clean = sanitizeJson(parsed.event);
  if (!clean.ok) return { ok: false, updateId: null, reason: clean.reason === 'too_deep' ? 'nested too deeply' : 'not JSON data' };
  const event = clean.value as ZaloEvent;
  return { ok: true, updateId: zaloEventKey(event), payload: event as unknown as Record<string, unknown>, chatKey: zaloChatKey(event) };
}
