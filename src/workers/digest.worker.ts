import type { Job } from 'bullmq';
import { isUniqueViolation, type Db } from '../db/client.js';
import type { TicketSnapshot } from '../domain/report-types.js';
import { createTranslator, isLocale, type Locale } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { OutboxWriter } from '../core/outbox-writer.js';
import type { ChannelDirectory } from '../core/port.js';
import { composeDigest, DAILY_DIGEST, digestSince, writeDigest, type ChartRenderer } from '../core/reports.js';
import { addressOf } from '../core/scope.js';
import { loadTicketSnapshots } from '../core/snapshots.js';
import { chatsWithRole } from '../core/tickets.js';
import { DigestJob } from '../queues/names.js';
import type { Queues } from '../queues/queues.js';
import { calendarFrom, type Settings } from '../settings.js';

export interface DigestDeps {
  prisma: Db;
  /** What each chat's channel can show (the digest is split at its limit). */
  channels: ChannelDirectory;
  settings: Settings;
  logger: Logger;
  queues: Queues;
  clock?: () => Date;
  /** The chart renderer; the real one unless a test needs it to fail. */
  renderChart?: ChartRenderer;
}

export type DigestOutcome = { status: 'day-off'; localDate: string } | { status: 'done'; localDate: string; sent: number; skipped: number };

/** The cron pattern of the daily digest: every day at `at` ("07:30"); the processor skips days off. */
export function digestCronPattern(at: string): string {
  const [hh = '7', mm = '30'] = at.split(':');
  return `${Number(mm)} ${Number(hh)} * * 1-7`;
}

/**
 * The daily digest for every active leaders' chat, on working days only (weekends, holidays and
 * make-up working days come from the calendar, so the cron fires daily and this decides).
 *
 * Exactly one digest per chat per local date however many replicas run the job, and however
 * often: each chat's DigestRun(chat, date, 'daily') row is inserted in the same transaction as
 * its outbox rows, so the insert that loses the unique key rolls back with its messages.
 */
export function createDigestProcessor(deps: DigestDeps) {
  const clock = deps.clock ?? (() => new Date());
  const cal = calendarFrom(deps.settings);

  return async function sendDailyDigest(job?: Job): Promise<DigestOutcome> {
    if (job) DigestJob.parse(job.data);
    const now = clock();
    const localDate = cal.localDate(now);
    const log = deps.logger.child({ job: job?.id, localDate });
    if (!cal.isWorkingDay(localDate)) {
      log.info('not a working day: no digest');
      return { status: 'day-off', localDate };
    }

    const chats = await chatsWithRole(deps.prisma, 'leaders');
    // Tickets are read once per language of the category labels, not once per chat.
    const snapshots = new Map<Locale, Promise<TicketSnapshot[]>>();
    const ticketsFor = (locale: Locale) => {
      let loaded = snapshots.get(locale);
      if (!loaded) snapshots.set(locale, (loaded = loadTicketSnapshots(deps.prisma, { locale })));
      return loaded;
    };

    let sent = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const chat of chats) {
      try {
        const done = await deps.prisma.digestRun.findUnique({ where: { chatId_localDate_kind: { chatId: chat.id, localDate, kind: DAILY_DIGEST } }, select: { id: true } });
        if (done) {
          skipped += 1;
          continue;
        }
        const locale = isLocale(chat.locale) ? chat.locale : 'vi';
        const since = await digestSince(deps.prisma, chat.id, now);
        const content = await composeDigest(await ticketsFor(locale), {
          settings: deps.settings,
          now,
          since,
          t: createTranslator(locale),
          maxLength: deps.channels.capabilities(chat.platform).maxTextLength,
          logger: log,
          ...(deps.renderChart ? { renderChart: deps.renderChart } : {}),
        });
        const created = await deps.prisma.$transaction(async (tx) => {
          // Another replica's insert of the same key waits for its commit, then fails with P2002.
          await tx.digestRun.create({ data: { chatId: chat.id, localDate, kind: DAILY_DIGEST, createdAt: now } });
          const out = new OutboxWriter(tx, deps.channels, now);
          await writeDigest(out, addressOf(chat), content, { purpose: 'digest' });
          return out.created;
        });
        await deps.queues.enqueueOutbox(created);
        sent += 1;
      } catch (err) {
        if (isUniqueViolation(err)) {
          skipped += 1;
          continue;
        }
        // One chat's failure must not cost the others their digest; the retry skips those done.
        log.error({ chat: chat.id, err: (err as Error).message }, 'daily digest failed for a chat');
        failures.push(`${chat.id}: ${(err as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`daily digest failed for ${failures.length} chat(s): ${failures.join('; ')}`);
    log.info({ sent, skipped }, 'daily digest done');
    return { status: 'done', localDate, sent, skipped };
  };
}
