import { retry } from '../../boot.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { PlatformPlugin } from '../plugin.js';
import { ZaloApi, type ZaloBotInfo } from './api.js';
import { ZaloChannel } from './channel.js';
import { zaloChatOf, zaloFailureTarget, zaloToInbound } from './inbound.js';
import { ZaloPoller } from './poller.js';
import { checkZaloEvent } from './update.js';

export interface ZaloPluginOptions {
  config: Pick<
    Config,
    'ZALO_API_ROOT' | 'ZALO_MODE' | 'ZALO_WEBHOOK_SECRET' | 'ZALO_WEBHOOK_URL' | 'BOT_API_TIMEOUT_SECONDS' | 'ZALO_SEND_CHAT_INTERVAL_MS' | 'ZALO_SEND_GROUP_PER_MINUTE' | 'ZALO_SEND_PER_SECOND'
  > & { ZALO_BOT_TOKEN: string };
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * The Zalo Bot Platform (https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>): events by webhook
 * (`/webhook/zalo`, header X-Bot-Api-Secret-Token) or long polling, messages through the outbox
 * with Zalo's own limits. Officials reach the bot in private chats; groups see only @mentions.
 */
export function createZaloPlugin(opts: ZaloPluginOptions): PlatformPlugin {
  const { config, logger } = opts;
  const timeoutMs = config.BOT_API_TIMEOUT_SECONDS * 1000;
  const api = new ZaloApi({ token: opts.config.ZALO_BOT_TOKEN, apiRoot: config.ZALO_API_ROOT, timeoutMs });
  const channel = new ZaloChannel(api, { chatIntervalMs: config.ZALO_SEND_CHAT_INTERVAL_MS, groupPerMinute: config.ZALO_SEND_GROUP_PER_MINUTE, globalPerSecond: config.ZALO_SEND_PER_SECOND });
  const webhookMode = config.ZALO_MODE === 'webhook' && !!config.ZALO_WEBHOOK_SECRET;
  let me: ZaloBotInfo | undefined;
  const names = () => [me?.accountName ?? ''].filter(Boolean);

  return {
    platform: 'zalo',
    channel,
    toInbound: (payload) => zaloToInbound(payload, names()),
    chatOf: zaloChatOf,
    failureTarget: zaloFailureTarget,
    webhook: webhookMode ? { path: '/webhook/zalo', secretHeader: 'x-bot-api-secret-token', secret: config.ZALO_WEBHOOK_SECRET!, check: (body) => checkZaloEvent(body) } : undefined,
    poller: webhookMode ? undefined : new ZaloPoller(api, logger),
    async init() {
      me ??= await retry('Zalo getMe', logger, () => api.getMe(), 10, opts.signal);
    },
    async start() {
      if (webhookMode) {
        if (config.ZALO_WEBHOOK_URL) {
          await retry('Zalo setWebhook', logger, () => api.setWebhook(config.ZALO_WEBHOOK_URL!, config.ZALO_WEBHOOK_SECRET!), 10, opts.signal);
        } else {
          logger.warn('ZALO_MODE=webhook without ZALO_WEBHOOK_URL (or PUBLIC_URL): register the webhook yourself (README, "Connecting to Zalo")');
        }
      } else {
        // getUpdates does not work while a webhook is set.
        await api.deleteWebhook().catch((err: Error) => logger.warn({ err: err.message }, 'Zalo deleteWebhook failed; continuing'));
      }
    },
    async stop() {
      // The poller is stopped by the ingress that started it.
    },
    describe: () => ({ platform: 'zalo', bot: me?.accountName ?? null, apiRoot: config.ZALO_API_ROOT, mode: webhookMode ? 'webhook' : 'polling' }),
  };
}
