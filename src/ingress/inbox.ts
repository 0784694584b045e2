import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/client.js';
import type { Platform } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Queues } from '../queues/queues.js';

export type AcceptResult = 'accepted' | 'duplicate';

/**
 * The one door every update comes through (polling or webhook). The update is stored first, so
 * once this returns it cannot be lost; (platform, update id) is unique, so a resend is harmless.
 * Enqueueing is best effort: the sweep picks up stored updates that never reached Redis.
 */
export async function acceptUpdate(
  deps: { prisma: Db; queues: Queues; logger: Logger },
  platform: Platform,
  updateId: string,
  payload: object,
): Promise<AcceptResult> {
  let inboundId: bigint;
  let result: AcceptResult = 'accepted';
  try {
    const row = await deps.prisma.inboundUpdate.create({ data: { platform, updateId, payload }, select: { id: true } });
    inboundId = row.id;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await deps.prisma.inboundUpdate.findUnique({ where: { platform_updateId: { platform, updateId } }, select: { id: true, processedAt: true } });
    if (!existing || existing.processedAt) return 'duplicate';
    inboundId = existing.id;
    result = 'duplicate';
  }
  try {
    await deps.queues.enqueueUpdate(inboundId);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, platform, updateId }, 'update stored but not enqueued; the sweep will enqueue it');
  }
  return result;
}
