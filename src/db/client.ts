import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client.js';
import { TransactionNotingFactory, withDirectSql } from './direct-sql.js';

export type Db = PrismaClient;
/** A transaction client: what repositories receive so a caller can group writes atomically. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface Database {
  prisma: PrismaClient;
  kind: 'postgres' | 'embedded';
  /**
   * Runs `fn` with an adapter for the schema engine. On PostgreSQL it gets its own pool, closed
   * afterwards: the engine's advisory lock lives as long as its session, and a pooled session
   * would keep other replicas' migrations waiting.
   */
  withMigrationAdapter<T>(fn: (adapter: SqlMigrationAwareDriverAdapterFactory) => Promise<T>): Promise<T>;
  /**
   * Embedded only: runs `fn` while this process keeps the database files closed (its queries wait
   * until `fn` settles), so another process may use them meanwhile. Undefined when this process
   * has opened them already.
   */
  whileClosed?<T>(fn: () => Promise<T>): Promise<T> | undefined;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size per process. */
  poolSize?: number;
  /**
   * Embedded only: this process's queries wait until `whileClosed` has run once (the boot's
   * preparation step, in a process of its own), so nothing early, such as a readiness probe, opens
   * the files first.
   */
  waitForPrepare?: boolean;
}

/**
 * `?pgbouncer=true` on DATABASE_URL (the flag Prisma's own docs use) says a pooler in transaction
 * mode stands between the bot and PostgreSQL, where a statement prepared on one server connection
 * is not there on the next: statements then go unnamed. The flag is not passed on to the driver.
 */
export function withoutPoolerFlag(databaseUrl: string): { url: string; pooler: boolean } {
  const u = new URL(databaseUrl);
  const flag = u.searchParams.get('pgbouncer');
  if (flag === null) return { url: databaseUrl, pooler: false };
  u.searchParams.delete('pgbouncer');
  return { url: u.toString(), pooler: flag !== 'false' && flag !== '0' };
}

/**
 * PostgreSQL when DATABASE_URL is set, otherwise embedded PostgreSQL (PGlite) under DATA_DIR.
 * The pool gets connection and statement timeouts: without them an outage hangs requests instead
 * of failing fast (RELIABILITY.md).
 */
export function openDatabase(opts: DatabaseOptions): Database {
  if (opts.databaseUrl) {
    const { url: connectionString, pooler } = withoutPoolerFlag(opts.databaseUrl);
    const pool = new pg.Pool({
      connectionString,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 15_000,
      query_timeout: 20_000,
      keepAlive: true,
      // Prisma writes timestamps in UTC; SQL that compares them with now() must see UTC too,
      // whatever time zone the server is set to.
      options: '-c TimeZone=UTC',
    });
    // An idle connection that drops (a server restart) must not crash the process; the next
    // query reconnects.
    pool.on('error', () => undefined);
    const adapter = new TransactionNotingFactory(new PrismaPg(pool));
    const prisma = withDirectSql(new PrismaClient({ adapter, transactionOptions: { maxWait: 5_000, timeout: 20_000 } }), pool, { prepare: !pooler });
    const url = connectionString;
    return {
      prisma,
      kind: 'postgres',
      async withMigrationAdapter(fn) {
        const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
        try {
          return await fn(new PrismaPg(pool));
        } finally {
          await pool.end();
        }
      },
      close: async () => {
        await prisma.$disconnect();
        await pool.end().catch(() => undefined);
      },
    };
  }
  const dir = path.resolve(opts.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const adapter = new LazyPGliteFactory(dir, opts.waitForPrepare ?? false);
  const prisma = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 20_000 } });
  return {
    prisma,
    kind: 'embedded',
    withMigrationAdapter: (fn) => fn(adapter),
    whileClosed: (fn) => adapter.whileClosed(fn),
    close: async () => {
      await prisma.$disconnect();
      await adapter.close();
    },
  };
}

/**
 * The embedded database's adapter, loaded on first use: PGlite and its WebAssembly PostgreSQL cost
 * tens of megabytes, which a process on DATABASE_URL (or one that never queries) should not carry.
 * Until a query comes, this process holds no file under DATA_DIR/pglite, so another process (the
 * migration step at boot) may open it meanwhile.
 */
class LazyPGliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = 'pglite-prisma-adapter';
  private loaded: Promise<{ pglite: PGlite; factory: SqlMigrationAwareDriverAdapterFactory }> | undefined;
  /** Set once this process has opened the files (or is about to): no other process may then. */
  private opened = false;
  /** Opening waits for this; replaced while another process has the files. */
  private gate: Promise<unknown>;
  private releaseHold: () => void = () => undefined;

  constructor(
    private readonly dir: string,
    hold: boolean,
  ) {
    this.gate = hold ? new Promise<void>((resolve) => (this.releaseHold = resolve)) : Promise.resolve();
  }

  whileClosed<T>(fn: () => Promise<T>): Promise<T> | undefined {
    if (this.opened) return undefined;
    const run = fn();
    this.gate = Promise.allSettled([this.gate, run]);
    this.releaseHold();
    return run;
  }

  private load() {
    this.loaded ??= (async () => {
      // The gate may be replaced while waiting (the hold gives way to the preparation step).
      for (let gate = this.gate; ; gate = this.gate) {
        await gate;
        if (gate === this.gate) break;
      }
      this.opened = true;
      const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
      const pglite = new PGlite(this.dir);
      return { pglite, factory: new PrismaPGlite(pglite) };
    })();
    return this.loaded;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return (await this.load()).factory.connect();
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return (await this.load()).factory.connectToShadowDb();
  }

  async close(): Promise<void> {
    // A hold nobody released (boot stopped before preparing) must not keep close() waiting.
    this.releaseHold();
    const opened = await this.loaded?.catch(() => undefined);
    if (opened && !opened.pglite.closed) await opened.pglite.close();
  }
}

/** Prisma's unique-constraint violation; `meta.target` is not reliable across adapters. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}

/**
 * A number that identifies this database for as long as it lives (created on first use). Queue job
 * ids include it, so a recreated database behind the same Redis cannot collide with old jobs.
 */
export async function databaseIdentity(prisma: PrismaClient): Promise<number> {
  await prisma.$executeRaw`INSERT INTO "Counter" ("name", "value") VALUES ('database-identity', floor(random() * 2147483646)::int + 1) ON CONFLICT ("name") DO NOTHING`;
  const rows = await prisma.$queryRaw<{ value: number }[]>`SELECT "value" FROM "Counter" WHERE "name" = 'database-identity'`;
  return Number(rows[0]!.value);
}
