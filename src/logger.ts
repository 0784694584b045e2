import pino from 'pino';

/**
 * The root logger. JSON lines with update/job/ticket ids; tokens and message text never appear
 * above debug (redaction is a second line of defence, not the first).
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info') {
  return pino({
    level,
    base: { app: 'thao-go' },
    redact: {
      paths: ['token', '*.token', 'botToken', 'config.BOT_TOKEN', 'headers["x-telegram-bot-api-secret-token"]', '*.text', '*.caption'],
      censor: '[redacted]',
    },
  });
}

export type Logger = pino.Logger;

export const logger: Logger = createLogger();
