import { GrammyError, HttpError } from 'grammy';
import type { ChannelFailure } from '../types.js';

/** Maps a Bot API failure to what the sender should do about it (reliability.md). */
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
    if (err.error_code >= 500) return { kind: 'transient', description: err.description };
    return { kind: 'bad_request', description: `${err.error_code} ${err.description}` };
  }
  if (err instanceof HttpError) return { kind: 'transient', description: err.message };
  return { kind: 'transient', description: err instanceof Error ? err.message : String(err) };
}
