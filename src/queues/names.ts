import { z } from 'zod';

/** Every queue, job and scheduler name, in one place. */
export const QUEUE = {
  updates: 'updates',
  outbox: 'outbox',
  reminders: 'reminders',
  digest: 'digest',
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export const JOB = {
  processUpdate: 'process-update',
  send: 'send',
  sweep: 'sweep',
  dailyDigest: 'daily-digest',
  reminderTick: 'reminder-tick',
} as const;

export const SCHEDULER = {
  sweep: 'sweep-every-30s',
  dailyDigest: 'digest-daily',
  reminderSweep: 'reminder-sweep',
} as const;

/** Jobs carry ids, never content: processors re-read the database, so running twice is harmless. */
export const UpdateJob = z.object({ inboundId: z.string().regex(/^\d+$/) });
export type UpdateJob = z.infer<typeof UpdateJob>;

export const OutboxJob = z.object({ outboxId: z.string().regex(/^\d+$/) });
export type OutboxJob = z.infer<typeof OutboxJob>;

export const SweepJob = z.object({}).passthrough();

/** The daily digest job names no chat or date: the processor works them out from the clock and the database. */
export const DigestJob = z.object({}).passthrough();

/**
 * Job ids carry the database's identity as well as the row id: a database restored or recreated
 * behind the same Redis restarts its row ids, and an old job with the same id would swallow the new one.
 */
export const updateJobId = (database: number, inboundId: bigint | string) => `in-${database}-${inboundId}`;
export const outboxJobId = (database: number, outboxId: bigint | string) => `out-${database}-${outboxId}`;

/** The outbox purpose of the reply that gives a new report its ticket code (core/receipts.ts). */
export const RECEIPT_PURPOSE = 'report-receipt';
