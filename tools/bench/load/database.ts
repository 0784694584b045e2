/**
 * The benchmark's PostgreSQL side: a fresh database per run (dropped at the end), a trigger that
 * announces every committed ticket (NOTIFY is delivered at commit, so the arrival of the
 * notification is the commit time, measured without polling), the server's per-database counters,
 * and direct inserts of tickets for the reminder and growth measurements.
 */
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { onCleanup } from './cleanup.js';

export const DEFAULT_PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop: () => Promise<void>;
}

/** Creates an empty database (the bot migrates and seeds it at boot); dropped by cleanup. */
export async function createDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const drop = onCleanup(`drop database ${name}`, () =>
    withClient(adminUrl, async (c) => {
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
    }),
  );
  return { name, url: databaseUrl(adminUrl, name), drop };
}

export const TICKET_CHANNEL = 'bench_ticket';

/**
 * After every ticket insert, NOTIFY the benchmark with the ticket's source chat, source message and
 * code. The row is read through to_jsonb so a renamed column yields nulls instead of failing the
 * bot's insert.
 */
export async function installTicketTrigger(url: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`
      CREATE OR REPLACE FUNCTION bench_ticket_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE r jsonb := to_jsonb(NEW);
      BEGIN
        PERFORM pg_notify('${TICKET_CHANNEL}', json_build_object('chat', r->>'sourceChatId', 'msg', r->>'sourceMessageId', 'code', r->>'code')::text);
        RETURN NULL;
      END $$`);
    await c.query(`DROP TRIGGER IF EXISTS bench_ticket_notify ON "Ticket"`);
    await c.query(`CREATE TRIGGER bench_ticket_notify AFTER INSERT ON "Ticket" FOR EACH ROW EXECUTE FUNCTION bench_ticket_notify()`);
  });
}

export interface CommittedTicket {
  /** The Chat row id (not the platform's chat id). */
  chatRowId: string | null;
  messageId: string | null;
  code: string | null;
  /** performance.now() when the commit's notification arrived. */
  t: number;
}

/** LISTENs for committed tickets. */
export class TicketListener {
  readonly tickets: CommittedTicket[] = [];
  private readonly listeners = new Set<(t: CommittedTicket) => void>();

  private constructor(private readonly client: pg.Client) {}

  static async start(url: string): Promise<TicketListener> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const listener = new TicketListener(client);
    client.on('notification', (n) => {
      const t = performance.now();
      if (n.channel !== TICKET_CHANNEL || !n.payload) return;
      const p = JSON.parse(n.payload) as { chat: string | null; msg: string | null; code: string | null };
      const row: CommittedTicket = { chatRowId: p.chat, messageId: p.msg, code: p.code, t };
      listener.tickets.push(row);
      for (const fn of listener.listeners) fn(row);
    });
    client.on('error', () => undefined);
    await client.query(`LISTEN ${TICKET_CHANNEL}`);
    listener.stopCleanup = onCleanup('close ticket listener', () => listener.client.end().catch(() => undefined));
    return listener;
  }

  private stopCleanup: () => Promise<void> = async () => undefined;

  onTicket(fn: (t: CommittedTicket) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  close(): Promise<void> {
    return this.stopCleanup();
  }
}

export interface DbCounters {
  xactCommit: number;
  xactRollback: number;
  tupFetched: number;
  tupReturned: number;
  tupInserted: number;
  tupUpdated: number;
}

/**
 * The server's counters for one database, read from another database's session (so reading them
 * adds no transaction to the figures). Backends flush their counters at most once a second, so
 * callers wait a moment after the work before reading the end value.
 */
export async function readCounters(adminClient: pg.Client, dbName: string): Promise<DbCounters> {
  await adminClient.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await adminClient.query<Record<string, string>>(
    `SELECT xact_commit, xact_rollback, tup_fetched, tup_returned, tup_inserted, tup_updated FROM pg_stat_database WHERE datname = $1`,
    [dbName],
  );
  const r = rows[0];
  if (!r) throw new Error(`no statistics for database ${dbName}`);
  return {
    xactCommit: Number(r.xact_commit),
    xactRollback: Number(r.xact_rollback),
    tupFetched: Number(r.tup_fetched),
    tupReturned: Number(r.tup_returned),
    tupInserted: Number(r.tup_inserted),
    tupUpdated: Number(r.tup_updated),
  };
}

/** Waits for the backends' pending statistics to reach the shared counters, then reads them. */
export async function settledCounters(adminClient: pg.Client, dbName: string, waitMs = 2500): Promise<DbCounters> {
  await adminClient.query('SELECT pg_stat_force_next_flush()');
  await new Promise((r) => setTimeout(r, waitMs));
  return readCounters(adminClient, dbName);
}

export function counterDelta(a: DbCounters, b: DbCounters): DbCounters {
  return {
    xactCommit: b.xactCommit - a.xactCommit,
    xactRollback: b.xactRollback - a.xactRollback,
    tupFetched: b.tupFetched - a.tupFetched,
    tupReturned: b.tupReturned - a.tupReturned,
    tupInserted: b.tupInserted - a.tupInserted,
    tupUpdated: b.tupUpdated - a.tupUpdated,
  };
}

/** Chat row id → the platform's chat id, for every chat the bot knows. */
export async function chatIds(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ id: string; externalId: string }>(`SELECT id::text AS id, "externalId" FROM "Chat"`);
  return new Map(rows.map((r) => [r.id, r.externalId]));
}

/** How many tickets each (platform chat id, message id) made. */
export async function ticketsBySource(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ chat: string; msg: string; n: string }>(
    `SELECT c."externalId" AS chat, t."sourceMessageId" AS msg, count(*) AS n
       FROM "Ticket" t JOIN "Chat" c ON c.id = t."sourceChatId"
      WHERE t."sourceMessageId" IS NOT NULL
      GROUP BY 1, 2`,
  );
  return new Map(rows.map((r) => [`${r.chat}:${r.msg}`, Number(r.n)]));
}

/**
 * Inserts `count` tickets assigned to `department`, their reminders due one after another from
 * `firstDueMs` over `spanMs` (epoch ms), with deadlines a day after and the assignment
 * `firstAfterMs` before (so the reminder policy plans exactly the stored time). Codes are
 * `<prefix>-<base + i>`; returns the codes with their due times.
 */
export async function insertReminderTickets(
  client: pg.Client,
  opts: { count: number; prefix: string; base: number; department: string; communeCode: string; firstDueMs: number; spanMs: number; firstAfterMs: number },
): Promise<Map<string, number>> {
  const step = opts.spanMs / Math.max(1, opts.count - 1);
  await client.query(
    `INSERT INTO "Ticket" ("code", "communeCode", "text", "status", "priority", "departmentCode", "claimedAt", "assignedAt", "dueAt", "nextReminderAt", "createdAt", "updatedAt")
     SELECT $1 || '-' || ($2::int + i)::text, $3, 'Phiếu đo thời gian nhắc việc số ' || i, 'assigned', 'thuong', $4,
            ts - make_interval(secs => $7::float8 / 1000) - interval '1 hour',
            ts - make_interval(secs => $7::float8 / 1000),
            ts + interval '1 day', ts, ts - make_interval(secs => $7::float8 / 1000) - interval '2 hours', now()
       FROM (SELECT i, (to_timestamp(($5::float8 + i * $6::float8) / 1000.0) AT TIME ZONE 'UTC') AS ts
               FROM generate_series(0, $8::int - 1) AS i) AS s`,
    [opts.prefix, opts.base, opts.communeCode, opts.department, opts.firstDueMs, step, opts.firstAfterMs, opts.count],
  );
  const due = new Map<string, number>();
  for (let i = 0; i < opts.count; i++) {
    // timestamp(3): the stored instant is rounded to the millisecond.
    due.set(`${opts.prefix}-${opts.base + i}`, Math.round(opts.firstDueMs + i * step));
  }
  return due;
}

/**
 * Adds `count` synthetic tickets with a three-event timeline each (created, claimed, assigned)
 * and returns the database size in bytes afterwards. Used to see how storage grows.
 */
export async function insertSyntheticTickets(client: pg.Client, opts: { count: number; prefix: string; base: number; communeCodes: string[]; departments: string[] }): Promise<number> {
  const batch = 100_000;
  for (let done = 0; done < opts.count; done += batch) {
    const n = Math.min(batch, opts.count - done);
    await client.query('BEGIN');
    const { rows } = await client.query<{ min: number; max: number }>(
      `WITH ins AS (
         INSERT INTO "Ticket" ("code", "communeCode", "text", "status", "priority", "departmentCode", "claimedAt", "assignedAt", "dueAt", "createdAt", "updatedAt")
         SELECT $1 || '-' || ($2::int + i)::text,
                ($3::text[])[1 + i % cardinality($3::text[])],
                'Phản ánh ' || i || ': xã còn thiếu cán bộ, thiết bị và kinh phí; đề nghị tỉnh hướng dẫn, hỗ trợ sớm và cụ thể.',
                'assigned', 'thuong', ($4::text[])[1 + i % cardinality($4::text[])],
                now() - interval '9 days', now() - interval '8 days', now() + interval '1 day', now() - interval '10 days', now()
           FROM generate_series($5::int, $5::int + $6::int - 1) AS i
         RETURNING id)
       SELECT min(id) AS min, max(id) AS max FROM ins`,
      [opts.prefix, opts.base, opts.communeCodes, opts.departments, done, n],
    );
    const { min, max } = rows[0]!;
    await client.query(
      `INSERT INTO "TicketEvent" ("ticketId", "actorLabel", "kind", "fromStatus", "toStatus", "text", "createdAt")
       SELECT t.id, 'Cán bộ', k.kind, k.f::"TicketStatus", k.s::"TicketStatus", k.txt, t."createdAt" + k.off
         FROM "Ticket" t
         CROSS JOIN (VALUES ('created', NULL, 'new', NULL, interval '0'),
                            ('claimed', 'new', 'claimed', NULL, interval '1 day'),
                            ('assigned', 'claimed', 'assigned', 'Chuyển sở phụ trách', interval '2 days')) AS k(kind, f, s, txt, off)
        WHERE t.id BETWEEN $1 AND $2`,
      [min, max],
    );
    await client.query('COMMIT');
  }
  return databaseSize(client);
}

export async function databaseSize(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ size: string }>(`SELECT pg_database_size(current_database()) AS size`);
  return Number(rows[0]!.size);
}
