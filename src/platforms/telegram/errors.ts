import { GrammyError, HttpError } from 'grammy';
import type { ChannelFailure } from '../../core/port.js';

/** Network failures that prove the request never reached the Bot API, so a retry cannot duplicate. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCodes(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const inner = e as { error?: unknown; cause?: unknown };
    e = inner.error ?? inner.cause;
  }
  return codes;
}

function describe(err: HttpError): string {
  const cause = err.error instanceof Error ? err.error : undefined;
  const deeper = cause?.cause instanceof Error ? cause.cause : undefined;
  return [err.message, cause?.message, deeper?.message].filter(Boolean).join(': ');
}

/** Maps a Bot API failure to what the sender should do about it (RELIABILITY.md). */
export function classifyTelegramError(err: unknown): ChannelFailure {
  if (err instanceof GrammyError) {
    const p = err.parameters ?? {};
    if (err.error_code === 429) return { kind: 'rate_limited', retryAfterMs: Math.max(1, p.retry_after ?? 1) * 1000 };
    if (p.migrate_to_chat_id !== undefined) return { kind: 'migrated', newChatId: String(p.migrate_to_chat_id) };
    if (err.error_code === 403) return { kind: 'forbidden', description: err.description };
    if (err.error_code === 400 && /message is not modified/i.test(err.description)) return { kind: 'not_modified' };
    if (err.error_code === 400 && /chat not found|bot was kicked|not enough rights|have no rights/i.test(err.description)) {
      return { kind: 'forbidden', description: err.description };
    }
    // Telegram answered: the message was not sent, so a retry cannot duplicate it.
    if (err.error_code >= 500) return { kind: 'transient', description: `${err.error_code} ${err.description}` };
    return { kind: 'bad_request', description: `${err.error_code} ${err.description}` };
  }
  if (err instanceof HttpError) {
    // A timeout or a connection cut after the request went out: Telegram may have sent the message.
    // An answer that is not JSON (a proxy's error page) is an answer: nothing was sent.
    const neverSent = causeCodes(err).some((c) => NEVER_SENT.has(c)) || err.error instanceof SyntaxError;
    return { kind: 'transient', description: describe(err), ...(neverSent ? {} : { unconfirmed: true }) };
  }
  return { kind: 'transient', description: err instanceof Error ? err.message : String(err) };
}
