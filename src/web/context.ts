import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Actor } from '../domain/ticket-workflow.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CoreDeps } from '../core/inbound.js';
import { scopeFor } from '../core/inbound.js';
import { OutboxWriter } from '../core/outbox-writer.js';
import type { ChannelDirectory, InboundWeb } from '../core/port.js';
import type { Scope } from '../core/scope.js';
import { actorFor } from '../core/workflow.js';
import type { Logger } from '../logger.js';
import type { Settings } from '../settings.js';
import type { Viewer } from './session.js';

/** What the web desk needs once the database and the queues are up. */
export interface WebRuntime {
  prisma: Db;
  queues: {
    enqueueOutbox(ids: readonly bigint[]): Promise<void>;
    scheduleReminderTicks(times: readonly Date[]): Promise<void>;
  };
}

export interface WebDeps {
  config: Config;
  settings: Settings;
  logger: Logger;
  /** What the core needs to build a scope (admins, settings): the same a chat event gets. */
  core: CoreDeps;
  /** What each platform's channel can do, for the messages an action causes. */
  channels: ChannelDirectory;
  /** The business clock (sessions, links, deadlines, due states). */
  clock: () => Date;
  /** Null while the app is still waiting for PostgreSQL or Redis: pages answer 503 until then. */
  runtime: () => WebRuntime | null;
}

/** The viewer as an event of the core: the chat their link came from, themselves as the sender. */
export function webInbound(v: Pick<Viewer, 'chat' | 'person'>): InboundWeb {
  const { chat, person } = v;
  return {
    kind: 'web',
    platform: chat.platform,
    chat: { platform: chat.platform, externalId: chat.externalId, kind: chat.kind, title: chat.title },
    sender: { platform: person.platform, externalUserId: person.externalUserId, displayName: person.displayName, username: person.username },
  };
}

/**
 * The workflow actor of a viewer, decided by the core's own rule (`actorFor`) on a scope built as a
 * chat event's would be; this scope only reads, so its outbox writer is never used.
 */
export function viewerActor(deps: WebDeps, db: Db, v: Viewer, now: Date): Actor {
  const scope = scopeFor(deps.core, { tx: db, out: new OutboxWriter(db, deps.channels, now), now }, v.chat, v.person, webInbound(v));
  return actorFor(scope);
}

/**
 * Runs `work` as the viewer in one transaction, exactly as a chat event runs: the core decides,
 * the ticket, its audit trail and every message it causes commit together; the messages and
 * reminder wake-ups are enqueued after commit (a lost enqueue is found again by the sweep).
 */
export async function actAsViewer<T>(deps: WebDeps, rt: WebRuntime, v: Viewer, work: (scope: Scope) => Promise<T>): Promise<T> {
  const now = deps.clock();
  let created: bigint[] = [];
  let wakeups: Date[] = [];
  const result = await rt.prisma.$transaction(async (tx) => {
    const out = new OutboxWriter(tx, deps.channels, now);
    const scope = scopeFor(deps.core, { tx, out, now }, v.chat, v.person, webInbound(v), { via: 'web' });
    const value = await work(scope);
    created = out.created;
    wakeups = out.wakeups;
    return value;
  });
  await rt.queues.enqueueOutbox(created).catch((err: Error) => deps.logger.warn({ err: err.message }, 'web: enqueue failed; the sweep will send the messages'));
  await rt.queues.scheduleReminderTicks(wakeups).catch((err: Error) => deps.logger.warn({ err: err.message }, 'web: reminder wake-up not scheduled; the sweep will'));
  return result;
}

/**
 * Which tickets a viewer may see, as a database condition, so every list, count, figure and export
 * is scoped on the server: a commune its own reports and the tickets they were merged into, a
 * department the tickets routed to it, the province-wide roles everything. The same rule as the
 * workflow's `maySee`, which the ticket page checks as well.
 */
export function ticketScope(v: Pick<Viewer, 'role' | 'communeCode' | 'departmentCode'>): Prisma.TicketWhereInput {
  switch (v.role) {
    case 'commune': {
      const code = v.communeCode ?? '\u0000';
      return { OR: [{ communeCode: code }, { children: { some: { communeCode: code } } }] };
    }
    case 'department':
      return { departmentCode: v.departmentCode ?? '\u0000' };
    default:
      return {};
  }
}
