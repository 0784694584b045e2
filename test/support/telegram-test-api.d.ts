declare module 'telegram-test-api' {
  import type { TelegramClient, ClientOptions } from 'telegram-test-api/lib/modules/telegramClient.js';
  export default class TelegramServer {
    constructor(config: { port: number; host?: string; storeTimeout?: number; storage?: 'RAM' });
    config: { apiURL: string };
    storage: { botMessages: unknown[]; userMessages: unknown[] };
    start(): Promise<void>;
    stop(): Promise<boolean>;
    getClient(token: string, options?: Partial<ClientOptions>): TelegramClient;
  }
}
