import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { runReminderRound } from '../core/reminders.js';
import type { Queues } from '../queues/queues.js';
import type { Settings } from '../settings.js';
import type { ChannelDirectory } from '../core/port.js';

/**
 * A reminder round: sends what is due now, then wakes itself at the next due time. Triggered by
 * delayed jobs (exact times) and by a periodic scheduler (the safety net after Redis loses jobs).
 */
export function createRemindersProcessor(deps: { prisma: Db; config: Config; settings: Settings; logger: Logger; queues: Queues; channels: ChannelDirectory; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  return async function reminderRound(): Promise<string> {
    const result = await runReminderRound(deps.prisma, deps.settings, clock(), { channels: deps.channels });
    await deps.queues.enqueueOutbox(result.outbox);
    if (result.nextAt) await deps.queues.scheduleReminderTicks([result.nextAt]);
    const { nudges, claimantNudges, leadNudges, departmentRounds, escalations, communeReminders, autoClosed } = result.sent;
    if (Object.values(result.sent).some((n) => n > 0)) deps.logger.info(result.sent, 'reminder round sent');
    return `nudges=${nudges} claimants=${claimantNudges} lead=${leadNudges} departments=${departmentRounds} escalations=${escalations} communes=${communeReminders} autoClosed=${autoClosed}`;
  };
}
