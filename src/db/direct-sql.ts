import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { isStalePreparedStatement } from './errors.js';

/**
 * Raw SQL straight to `pg`, under Prisma's own transactions.
 *
 * Prisma runs a `$queryRaw` through its query interpreter: about a quarter of a millisecond of CPU
 * per statement over the driver's own, which on the report path (ten statements or so, all raw SQL)
 * was the largest cost per report after the socket writes. On PostgreSQL the client handed out by
 * `openDatabase` therefore sends `$queryRaw` and `$executeRaw` (tagged templates) to the pool itself,
 * and inside an interactive `$transaction` to the connection Prisma opened the transaction on, so
 * both kinds of statement share one transaction. Everything else — model queries, `…Unsafe`, batch
 * transactions — is Prisma's, unchanged.
 *
 * Values go in and come out as Prisma's raw queries give them: timestamps written and read as UTC,
 * int8 as bigint, numeric as Prisma.Decimal, json parsed.
 */

/** The connection of the interactive transaction being opened in this async context. */
const opening = new AsyncLocalStorage<{ client?: pg.PoolClient }>();

/** The driver adapter factory, noting the connection each interactive transaction runs on. */
export class TransactionNotingFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName: string;

  constructor(private readonly inner: PrismaPg) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel): Promise<Transaction> => {
      const tx = await start(isolationLevel);
      const client = (tx as unknown as { client: pg.PoolClient }).client;
      const slot = opening.getStore();
      if (slot && client) slot.client = inTurn(client);
      return tx;
    };
    return adapter;
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.inner.connectToShadowDb();
  }
}

const IN_TURN = Symbol('thaogo.inTurn');

/**
 * The connection with its statements sent one after another. Prisma and this module both send
 * statements of one transaction on it, and code may start two at once (Promise.all); pg queues
 * them, but warns that queueing on a busy client goes away in pg 9. Patched once per pooled client.
 */
function inTurn(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [IN_TURN]?: true };
  if (marked[IN_TURN]) return client;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let tail: Promise<unknown> = Promise.resolve();
  (client as { query: unknown }).query = (...args: unknown[]) => {
    // Callback and submittable forms (streams, cursors) are left as they are.
    const last = args[args.length - 1];
    if (typeof last === 'function' || typeof (args[0] as { submit?: unknown } | null)?.submit === 'function') return query(...args);
    const run = tail.then(() => query(...args));
    tail = run.catch(() => undefined);
    return run;
  };
  marked[IN_TURN] = true;
  return client;
}

const pad = (n: number, z = 2) => String(n).padStart(z, '0');
/** A Date as PostgreSQL reads it for timestamp columns, in UTC (the sessions run with TimeZone=UTC). */
function utcText(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

function toParam(v: unknown): unknown {
  if (v instanceof Date) return utcText(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toParam);
  return v;
}

const textArray = pg.types.getTypeParser(1009 as Parameters<typeof pg.types.getTypeParser>[0]);
const timestampUtc = (v: string) => new Date(`${v.replace(' ', 'T')}Z`);
const PARSERS: Record<number, (v: string) => unknown> = {
  20: (v) => BigInt(v),
  1016: (v) => (textArray(v) as (string | null)[]).map((x) => (x === null ? null : BigInt(x))),
  1114: timestampUtc,
  1115: (v) => (textArray(v) as (string | null)[]).map((x) => (x === null ? null : timestampUtc(x))),
  1082: (v) => new Date(`${v}T00:00:00Z`),
  1700: (v) => new Prisma.Decimal(v),
};
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * Statements sent by name, prepared once per connection: PostgreSQL then parses and plans a hot
 * statement once instead of on every run (measured: about 0.4–0.6 ms of database CPU less per
 * report in a burst). A statement is named by its call site — the tagged template's strings, which
 * JavaScript hands over as the same object on every call — so the number of names is bounded by the
 * code, never by the data. Text built at run time (`Prisma.sql` objects, fragments inside the
 * template) goes unnamed.
 */
let names = new WeakMap<TemplateStringsArray, string>();
/** Bumped when the server dropped what it had prepared under our names (a schema change): new names, new preparations. */
let generation = 0;
let counter = 0;

function nameOf(strings: TemplateStringsArray | Prisma.Sql, values: unknown[]): string | undefined {
  if (strings instanceof Prisma.Sql) return undefined;
  for (const v of values) if (v instanceof Prisma.Sql) return undefined;
  let name = names.get(strings);
  if (!name) names.set(strings, (name = `thaogo_${generation}_${++counter}`));
  return name;
}

function raw(on: () => Queryable, inTransaction: boolean, prepare: boolean) {
  const run = async (strings: TemplateStringsArray | Prisma.Sql, values: unknown[]): Promise<pg.QueryResult> => {
    const sql = strings instanceof Prisma.Sql ? strings : Prisma.sql(strings, ...values);
    const params = sql.values.map(toParam);
    const name = prepare ? nameOf(strings, values) : undefined;
    try {
      return await on().query({ name, text: sql.text, values: params, types });
    } catch (err) {
      if (!name || !isStalePreparedStatement(err)) throw err;
      if (names.get(strings as TemplateStringsArray) === name) {
        names = new WeakMap();
        generation++;
      }
      if (inTransaction) throw err;
      return on().query({ name: nameOf(strings, values), text: sql.text, values: params, types });
    }
  };
  return {
    $queryRaw: async (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(strings, values)).rows,
    $executeRaw: async (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(strings, values)).rowCount ?? 0,
  };
}

/** `target` with `overrides` in front; its own methods stay bound to it. */
function front<T extends object>(target: T, overrides: Record<string | symbol, unknown>): T {
  const bound = new Map<string | symbol, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      if (prop in overrides) return overrides[prop];
      const value = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      let fn = bound.get(prop);
      if (!fn) bound.set(prop, (fn = (value as (...a: unknown[]) => unknown).bind(t)));
      return fn;
    },
  });
}

/**
 * The client with raw SQL sent to `pool` directly, and to the transaction's connection inside one.
 * `prepare: false` sends every statement unnamed (a pooler in transaction mode that cannot keep
 * prepared statements: `?pgbouncer=true` on DATABASE_URL).
 */
export function withDirectSql(prisma: PrismaClient, pool: pg.Pool, opts: { prepare?: boolean } = {}): PrismaClient {
  const prepare = opts.prepare ?? true;
  const outside = raw(() => pool, false, prepare);
  const $transaction = (arg: unknown, options?: unknown): Promise<unknown> => {
    if (typeof arg !== 'function') return (prisma.$transaction as (a: unknown, o?: unknown) => Promise<unknown>)(arg, options);
    const slot: { client?: pg.PoolClient } = {};
    return opening.run(slot, () =>
      (prisma.$transaction as (fn: (tx: unknown) => Promise<unknown>, o?: unknown) => Promise<unknown>)((tx) => {
        // Without a noted connection (an adapter that did not say), raw SQL stays Prisma's.
        const client = slot.client;
        const inside = client ? front(tx as object, raw(() => client, true, prepare)) : tx;
        return (arg as (tx: unknown) => Promise<unknown>)(inside);
      }, options),
    );
  };
  return front(prisma, { ...outside, $transaction });
}
