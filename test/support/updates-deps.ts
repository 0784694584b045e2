import { adminDirectory } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import { PlatformRegistry, type PlatformPlugin } from '../../src/platforms/plugin.js';
import { TelegramChannel } from '../../src/platforms/telegram/channel.js';
import { chatIdOfUpdate, failureReplyTarget } from '../../src/platforms/telegram/inbound.js';
import type { Queues } from '../../src/queues/queues.js';
import { defaultSettings } from '../../src/settings.js';
import type { UpdatesDeps } from '../../src/workers/updates.worker.js';

/**
 * What the updates worker needs, over a Telegram plug-in that reads stored updates with `toInbound`
 * (scripted by the test) and has no Bot API behind it.
 */
export function updatesDepsReading(toInbound: PlatformPlugin['toInbound'], base: { prisma: Db; logger: Logger; queues: Queues; batchSize?: number }): UpdatesDeps {
  const plugin: PlatformPlugin = {
    platform: 'telegram',
    channel: new TelegramChannel({ token: '1:x', apiRoot: 'http://127.0.0.1:9', limits: { chatIntervalMs: 0, groupPerMinute: 20, globalPerSecond: 30 } }),
    toInbound,
    chatOf: chatIdOfUpdate,
    failureTarget: failureReplyTarget,
    init: async () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
    describe: () => ({}),
  };
  const config = parseConfig({});
  return { ...base, platforms: new PlatformRegistry([plugin]), core: { config, settings: defaultSettings(), logger: base.logger, admins: adminDirectory(config) } };
}
