import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has the defaults of docs/contract.md', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      TELEGRAM_API_ROOT: 'https://api.telegram.org',
      BOT_MODE: 'polling',
      ZALO_API_ROOT: 'https://bot-api.zaloplatforms.com',
      ZALO_MODE: 'polling',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATA_DIR: './data',
      PORT: 3000,
      ROLE: 'all',
      APP_TIMEZONE: 'Asia/Ho_Chi_Minh',
      TICKET_PREFIX: 'HY',
      ADMIN_TELEGRAM_IDS: [],
    });
    expect(c.BOT_TOKEN).toBeUndefined();
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('parses admin ids and trims the API root', () => {
    const c = parseConfig({ ADMIN_TELEGRAM_IDS: ' 1, 22 ,333', TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/' });
    expect(c.ADMIN_TELEGRAM_IDS).toEqual(['1', '22', '333']);
    expect(c.TELEGRAM_API_ROOT).toBe('http://127.0.0.1:9000');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ ROLE: 'boss' }, 'ROLE'],
    [{ BOT_MODE: 'push' }, 'BOT_MODE'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ ADMIN_TELEGRAM_IDS: '12,abc' }, 'ADMIN_TELEGRAM_IDS'],
    [{ APP_TIMEZONE: 'Mars/Olympus' }, 'APP_TIMEZONE'],
    [{ TICKET_PREFIX: 'hy-' }, 'TICKET_PREFIX'],
    [{ BOT_TOKEN: 'not-a-token' }, 'BOT_TOKEN'],
    [{ BOT_TOKEN: '123:ABCDEFGHIJKLMNOPQRSTUVWXYZ', BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.example/webhook/telegram' }, 'WEBHOOK_SECRET'],
  ])('stops on a bad value with one line naming it (%o)', (env, name) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(name);
  });

  it('never echoes a token or secret in the error', () => {
    expect(() => parseConfig({ BOT_TOKEN: 'secret-looking-value' })).toThrow(/^Invalid configuration: BOT_TOKEN must look like/);
    expect(() => parseConfig({ BOT_TOKEN: 'secret-looking-value' })).not.toThrow(/secret-looking-value/);
  });
});
