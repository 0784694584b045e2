import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';

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
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size per process. */
  poolSize?: number;
}

/**
 * PostgreSQL when DATABASE_URL is set, otherwise embedded PostgreSQL (PGlite) under DATA_DIR.
 * The pool gets connection and statement timeouts: without them an outage hangs requests instead
 * of failing fast (RELIABILITY.md).
 */
export function openDatabase(opts: DatabaseOptions): Database {
  if (opts.databaseUrl) {
    const adapter = new PrismaPg({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 15_000,
      query_timeout: 20_000,
      keepAlive: true,
    });
    const prisma = new PrismaClient({ adapter, transactionOptions: { maxWait: 5_000, timeout: 20_000 } });
    const url = opts.databaseUrl;
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
      close: () => prisma.$disconnect(),
    };
  }
  const dir = path.resolve(opts.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const pglite = new PGlite(dir);
  const adapter = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 20_000 } });
  return {
    prisma,
    kind: 'embedded',
    withMigrationAdapter: (fn) => fn(adapter),
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
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
