import type { ChannelFailure } from '../../core/port.js';
import { ZaloApiError } from './api.js';

/** Zalo's 429 does not always say how long to wait; this is waited then. */
export const ZALO_DEFAULT_RETRY_AFTER_MS = 5_000;

/** Maps a Zalo Bot API failure to what the sender should do about it (RELIABILITY.md). */
export function classifyZaloError(err: unknown): ChannelFailure {
  if (!(err instanceof ZaloApiError)) {
    return { kind: 'transient', description: err instanceof Error ? err.message : String(err), unconfirmed: true };
  }
  const description = `${err.errorCode > 0 ? `${err.errorCode} ` : ''}${err.description}`;
  switch (err.kind) {
    case 'api':
      break;
    case 'network':
    case 'timeout':
    case 'aborted':
    case 'bad_response':
      // No usable answer: only a request that provably never left is safe to send again blindly.
      return { kind: 'transient', description, ...(err.neverSent ? {} : { unconfirmed: true }) };
  }
  const code = err.errorCode;
  if (code === 429) return { kind: 'rate_limited', retryAfterMs: Math.max(1_000, err.retryAfterMs ?? ZALO_DEFAULT_RETRY_AFTER_MS) };
  // The user blocked the bot, or the bot may not write in that chat: trying again will not help.
  if (code === 403) return { kind: 'forbidden', description };
  // The server gave up while handling the call (408, a gateway's 504): it may have been carried out.
  if (code === 408 || code === 504) return { kind: 'transient', description, unconfirmed: true };
  // Zalo answered with a server error: the message was not taken, a retry cannot duplicate it.
  if (code >= 500) return { kind: 'transient', description };
  // 400 (bad parameters, text too long), 401 (token), 404 (method), and refusals without a code.
  return { kind: 'bad_request', description };
}
