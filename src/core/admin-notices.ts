import type { Config } from '../config.js';
import type { Tx } from '../db/client.js';
import { createTranslator, type TranslateArgs } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { ChatAddress } from './port.js';
import { formatDateTime } from './presentation/dates.js';
import { escapeHtml, stripBidiControls } from './presentation/markup.js';
import type { OutboxWriter } from './outbox-writer.js';
import { ceilToMinute, lockRateKeys, recordRateEvent, windowFreesAt, windowState } from './rate-events.js';

/**
 * Private notices to the admins ("the bot was added to an unlinked group", "a message could not be
 * delivered"). Anyone can make the bot notice something (add it to a group, remove it, add it
 * again), so every notice goes through notifyAdmins: one notice per subject per period, and at most
 * ADMIN_NOTICES_PER_HOUR notices an hour in all, counted in PostgreSQL so it holds across processes.
 */

const HOUR_MS = 60 * 60_000;
/** A subject is told about once a day unless its caller says otherwise. */
export const DEFAULT_REPEAT_AFTER_MS = 24 * HOUR_MS;
const GLOBAL_KEY = 'admin-notice';
const subjectKey = (subject: string) => `admin-notice:${subject}`;

export interface AdminNotice {
  /** What the notice is about (e.g. "group-added:<platform>:<chat id>"); one notice per subject per period. */
  subject: string;
  /** Message key and arguments; notices are in Vietnamese, the admins' language. Arguments must be safe HTML. */
  key: string;
  args?: TranslateArgs;
  /** How long a second notice about the same subject is held back. */
  repeatAfterMs?: number;
}

export interface NoticeContext {
  tx: Tx;
  out: OutboxWriter;
  config: Pick<Config, 'ADMIN_NOTICES_PER_HOUR'>;
  /** Every admin's private chat, on whichever platform each is an admin. */
  admins: { chats(): ChatAddress[] };
  settings: { timezone: string };
  now: Date;
  logger?: Logger;
}

export type NoticeOutcome = 'sent' | 'repeat' | 'capped' | 'no-admins';

/**
 * Writes one notice to every admin in the caller's transaction, unless the same subject was told
 * within its period or the hourly cap is used up. The notice that reaches the cap says so, and until
 * when later ones are held back.
 */
export async function notifyAdmins(ctx: NoticeContext, notice: AdminNotice): Promise<NoticeOutcome> {
  const { tx, config, now } = ctx;
  const admins = ctx.admins.chats();
  if (admins.length === 0) return 'no-admins';
  await lockRateKeys(tx, GLOBAL_KEY, subjectKey(notice.subject));
  const repeat = await windowState(tx, subjectKey(notice.subject), now, notice.repeatAfterMs ?? DEFAULT_REPEAT_AFTER_MS);
  if (repeat.count > 0) {
    ctx.logger?.debug({ subject: notice.subject }, 'admin notice about this subject already sent; not repeated');
    return 'repeat';
  }
  const limit = config.ADMIN_NOTICES_PER_HOUR;
  const hour = await windowState(tx, GLOBAL_KEY, now, HOUR_MS);
  if (hour.count >= limit) {
    ctx.logger?.warn({ subject: notice.subject, limit }, 'admin notice not sent: hourly cap reached');
    return 'capped';
  }
  await recordRateEvent(tx, GLOBAL_KEY, now);
  await recordRateEvent(tx, subjectKey(notice.subject), now);
  const t = createTranslator('vi');
  let html = t(notice.key, notice.args);
  if (hour.count + 1 >= limit) {
    const until = await windowFreesAt(tx, GLOBAL_KEY, now, HOUR_MS, limit);
    html += `\n\n${t('admin-notices-capped', { limit, until: formatDateTime(ceilToMinute(until), ctx.settings.timezone) })}`;
  }
  // A person's private chat with the bot has their user id; an admin who never opened it gets a 403, recorded by the sender.
  for (const admin of admins) await ctx.out.send(admin, { html }, { purpose: 'admin-notice' });
  return 'sent';
}

// Other control characters (newlines included) would break the notice's lines.
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]+/g;
const TITLE_MAX = 64;

/**
 * A chat title or name chosen by anyone, made safe to show inside a notice line: bidi controls
 * removed (they could reverse the rest of the line), control characters turned into spaces, cut to
 * 64 characters and escaped for HTML.
 */
export function safeTitle(title: string | null | undefined, max = TITLE_MAX): string {
  const clean = stripBidiControls((title ?? '').normalize('NFC')).replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(clean);
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : clean;
  return escapeHtml(cut);
}
