import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from 'grammy';
import type { OutboxWriter } from '../../core/outbox-writer.js';
import type { Scope } from '../../core/scope.js';
import type { Tx } from '../../db/client.js';
import type { Inbound } from '../types.js';

/**
 * The unit of work an update is handled in: one database transaction plus the outbox rows it
 * writes. The updates worker opens it and runs `bot.handleUpdate` inside.
 */
export interface UnitOfWork {
  tx: Tx;
  out: OutboxWriter;
  now: Date;
}

export const unitOfWork = new AsyncLocalStorage<UnitOfWork>();

export class BotContext extends Context {
  inbound!: Inbound;
  scope!: Scope;
}
