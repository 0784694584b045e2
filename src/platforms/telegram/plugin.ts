import { Api } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { retry } from '../../boot.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { PlatformPlugin } from '../plugin.js';
import { TelegramChannel } from './channel.js';
import { chatIdOfUpdate, failureReplyTarget, toInbound } from './inbound.js';
import { ALLOWED_UPDATES, TelegramPoller } from './poller.js';
import { checkTelegramUpdate } from './update.js';

/** The command menu Telegram shows next to the text box. */
const BOT_COMMANDS = [
  { command: 'baocao', description: 'Gửi kiến nghị, khó khăn' },
  { command: 'phieu', description: 'Xem tình trạng phiếu' },
  { command: 'ds', description: 'Các phiếu đang mở của đơn vị' },
  { command: 'nhan', description: 'Tổ công tác nhận xử lý phiếu' },
  { command: 'chuyen', description: 'Chuyển phiếu tới sở' },
  { command: 'traloi', description: 'Sở trả lời phiếu bằng văn bản' },
  { command: 'xong', description: 'Xã đồng ý câu trả lời' },
  { command: 'molai', description: 'Xã chưa đồng ý, đề nghị trả lời lại' },
  { command: 'tonghop', description: 'Báo cáo tổng hợp' },
  { command: 'quahan', description: 'Danh sách phiếu quá hạn' },
  { command: 'xuatexcel', description: 'Xuất Excel' },
  { command: 'web', description: 'Mở trang quản lý phiếu' },
  { command: 'trogiup', description: 'Hướng dẫn sử dụng' },
];

export interface TelegramPluginOptions {
  config: Pick<
    Config,
    'BOT_TOKEN' | 'TELEGRAM_API_ROOT' | 'BOT_MODE' | 'WEBHOOK_URL' | 'WEBHOOK_SECRET' | 'BOT_API_TIMEOUT_SECONDS' | 'SEND_CHAT_INTERVAL_MS' | 'SEND_GROUP_PER_MINUTE' | 'SEND_GLOBAL_PER_SECOND'
  > & { BOT_TOKEN: string };
  logger: Logger;
  /** Known identity (skips getMe). */
  botInfo?: UserFromGetMe;
  signal?: AbortSignal;
}

/**
 * Telegram through the Bot API at TELEGRAM_API_ROOT (grammY's API client and types). Updates come
 * by webhook (`/webhook/telegram`, secret header) or long polling; the worker reads stored updates
 * with `toInbound`; the outbox delivers through the channel.
 */
export function createTelegramPlugin(opts: TelegramPluginOptions): PlatformPlugin {
  const { config, logger } = opts;
  const channel = new TelegramChannel({
    token: config.BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    timeoutSeconds: config.BOT_API_TIMEOUT_SECONDS,
    limits: { chatIntervalMs: config.SEND_CHAT_INTERVAL_MS, groupPerMinute: config.SEND_GROUP_PER_MINUTE, globalPerSecond: config.SEND_GLOBAL_PER_SECOND },
  });
  let me: UserFromGetMe | undefined = opts.botInfo;
  const webhookMode = config.BOT_MODE === 'webhook' && !!config.WEBHOOK_SECRET && !!config.WEBHOOK_URL;
  // The long poll holds the connection 25 s: its client waits longer than the sender's.
  const poller = webhookMode ? undefined : new TelegramPoller(new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: 60 }), logger);

  const username = () => {
    if (!me) throw new Error('Telegram identity unknown: init() must run before updates are read');
    return me.username;
  };

  return {
    platform: 'telegram',
    channel,
    toInbound: (payload) => toInbound(payload as Update, username()),
    chatOf: chatIdOfUpdate,
    failureTarget: failureReplyTarget,
    webhook: webhookMode ? { path: '/webhook/telegram', secretHeader: 'x-telegram-bot-api-secret-token', secret: config.WEBHOOK_SECRET!, check: checkTelegramUpdate } : undefined,
    poller,
    async init() {
      if (!me) me = await retry('Telegram getMe', logger, () => channel.api.getMe(), 10, opts.signal);
    },
    async start() {
      // Servers without the optional methods answer 404: a warning, never a crash.
      channel.api.setMyCommands(BOT_COMMANDS).catch((err: Error) => logger.warn({ err: err.message }, 'setMyCommands failed (optional method); continuing'));
      if (webhookMode) {
        await retry(
          'Telegram setWebhook',
          logger,
          () => channel.api.setWebhook(config.WEBHOOK_URL!, { secret_token: config.WEBHOOK_SECRET!, allowed_updates: [...ALLOWED_UPDATES], max_connections: 40 }),
          10,
          opts.signal,
        );
      } else {
        await channel.api.deleteWebhook().catch((err: Error) => logger.warn({ err: err.message }, 'deleteWebhook failed (optional); continuing'));
      }
    },
    async stop() {
      await poller?.stop();
    },
    describe: () => ({ platform: 'telegram', bot: me?.username ?? null, apiRoot: config.TELEGRAM_API_ROOT, mode: webhookMode ? 'webhook' : 'polling' }),
  };
}
