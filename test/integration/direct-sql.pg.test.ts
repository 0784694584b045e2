import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, withoutPoolerFlag, type Database } from '../../src/db/client.js';
import { classifyFailure } from '../../src/db/errors.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { databaseUrl, dropDatabase, withAdminClient } from '../support/pg.js';

const name = `thaogo_direct_${process.env.THAOGO_TEST_RUN}`;

/**
 * Raw SQL on PostgreSQL goes to pg directly (db/direct-sql.ts). What it returns must be what
 * Prisma's own raw queries return, and inside an interactive transaction it must run on that
 * transaction's connection.
 */
describe('raw SQL sent directly to PostgreSQL', () => {
  let db: Database;
  const tz = process.env.TZ;

  beforeAll(async () => {
    await withAdminClient((c) => c.query(`CREATE DATABASE ${name}`));
    db = openDatabase({ databaseUrl: databaseUrl(name), dataDir: tmpdir() });
    await db.prisma.$executeRawUnsafe(`CREATE TABLE "t" ("id" bigserial PRIMARY KEY, "at" timestamp(3), "atz" timestamptz, "n" int)`);
    await db.prisma.$executeRawUnsafe(`CREATE TABLE "Counter" ("name" text PRIMARY KEY, "value" int NOT NULL DEFAULT 0)`);
  });
  afterAll(async () => {
    process.env.TZ = tz;
    await db.close();
    await withAdminClient((c) => dropDatabase(c, name));
  });

  it("returns what Prisma's raw query returns, for every kind of column", async () => {
    const sql = `SELECT 9007199254740993::int8 AS "big", 7::int4 AS "int", 1.25::float8 AS "float", 12.345::numeric AS "num",
      '2026-11-29 07:30:00.123'::timestamp(3) AS "ts", '2026-11-29 07:30:00+07'::timestamptz AS "tstz", '2026-02-17'::date AS "day",
      '{"a":[1,"hai"]}'::jsonb AS "doc", ARRAY[1,2]::int4[] AS "ints", ARRAY[3,4]::int8[] AS "bigs", ARRAY['x','ý']::text[] AS "texts",
      true AS "yes", NULL::text AS "none", 'HY'::text AS "text"`;
    const viaPrisma = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql);
    const direct = await db.prisma.$queryRaw<Record<string, unknown>[]>`${(await import('../../src/generated/prisma/client.js')).Prisma.raw(sql)}`;
    const plain = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, num: String(r.num) }));
    expect(plain(direct)).toEqual(plain(viaPrisma));
    expect(direct[0]!.big).toBe(9007199254740993n);
    expect((direct[0]!.ts as Date).toISOString()).toBe('2026-11-29T07:30:00.123Z');
    expect((direct[0]!.tstz as Date).toISOString()).toBe('2026-11-29T00:30:00.000Z');
  });

  it('writes and compares timestamps in UTC whatever the process time zone', async () => {
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    const at = new Date('2026-11-29T23:45:06.789Z');
    const [row] = await db.prisma.$queryRaw<{ id: bigint }[]>`INSERT INTO "t" ("at", "atz") VALUES (${at}, ${at}) RETURNING "id"`;
    const read = await db.prisma.$queryRawUnsafe<{ at: Date; atz: Date; text: string }[]>(`SELECT "at", "atz", "at"::text AS "text" FROM "t" WHERE "id" = $1`, row!.id);
    expect(read[0]!.at.toISOString()).toBe(at.toISOString());
    expect(read[0]!.atz.toISOString()).toBe(at.toISOString());
    expect(read[0]!.text).toBe('2026-11-29 23:45:06.789');
    const found = await db.prisma.$queryRaw<{ id: bigint }[]>`SELECT "id" FROM "t" WHERE "at" = ${at} AND "atz" = ${at} AND "id" = ${row!.id}`;
    expect(found).toHaveLength(1);
    process.env.TZ = tz;
  });

  it('runs on the transaction it is written in: rolled back with it, unseen by others until commit', async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO "t" ("n") VALUES (1001)`;
        await tx.counter.create({ data: { name: 'direct-sql-test', value: 1 } });
        expect(await tx.$queryRaw<{ n: number }[]>`SELECT "n" FROM "t" WHERE "n" = 1001`).toHaveLength(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await db.prisma.$queryRaw`SELECT 1 FROM "t" WHERE "n" = 1001`).toEqual([]);
    expect(await db.prisma.counter.findUnique({ where: { name: 'direct-sql-test' } })).toBeNull();

    // Two transactions at once, each on its own connection: each sees its own row only.
    let release!: () => void;
    const bothWrote = new Promise<void>((r) => (release = r));
    let wrote = 0;
    const run = (n: number) =>
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO "t" ("n") VALUES (${n})`;
        if (++wrote === 2) release();
        await bothWrote;
        const seen = await tx.$queryRaw<{ n: number }[]>`SELECT "n" FROM "t" WHERE "n" IN (2001, 2002) ORDER BY "n"`;
        const pids = await tx.$queryRawUnsafe<{ pid: number }[]>(`SELECT pg_backend_pid() AS pid`);
        const direct = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
        return { seen: seen.map((r) => r.n), same: pids[0]!.pid === direct[0]!.pid };
      });
    const [a, b] = await Promise.all([run(2001), run(2002)]);
    expect(a).toEqual({ seen: [2001], same: true });
    expect(b).toEqual({ seen: [2002], same: true });
    expect(await db.prisma.$executeRaw`UPDATE "t" SET "n" = "n" + 1 WHERE "n" IN (2001, 2002)`).toBe(2);
  });

  it('statements started together in a transaction go one after another, without pg queueing them on a busy client', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const seen = await db.prisma.$transaction(async (tx) =>
        Promise.all([
          ...[1, 2, 3, 4, 5].map((n) => tx.$queryRaw<{ n: number }[]>`SELECT ${n}::int AS "n", pg_sleep(0.01)`.then((r) => r[0]!.n)),
          tx.counter.count().then(() => 0),
          tx.$executeRaw`INSERT INTO "t" ("n") VALUES (3001)`.then(() => 6),
        ]),
      );
      expect(seen).toEqual([1, 2, 3, 4, 5, 0, 6]);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((m) => /already executing a query/.test(m))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('is the driver that answers, outside and inside a transaction (not Prisma with another error shape)', async () => {
    const shape = (err: unknown) => ({ name: (err as Error).constructor.name, code: (err as { code?: string }).code });
    const outside = await db.prisma.$queryRaw`SELECT 1 / 0`.then(() => null, shape);
    const inside = await db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1 / 0`).then(() => null, shape);
    expect(outside).toEqual({ name: 'DatabaseError', code: '22012' });
    expect(inside).toEqual({ name: 'DatabaseError', code: '22012' });
  });

  describe('prepared statements', () => {
    type Prepared = { name: string; statement: string };
    /** What the connection of a transaction has prepared, of statements whose text names `marker`. */
    const preparedOn = (tx: Pick<Database['prisma'], '$queryRawUnsafe'>, marker: string) =>
      tx.$queryRawUnsafe<Prepared[]>(`SELECT "name", "statement" FROM pg_prepared_statements WHERE "statement" LIKE '%' || $1 || '%'`, marker);

    it('a statement written in the code is prepared once per connection and run by name after', async () => {
      const select = (n: number) => db.prisma.$queryRaw<{ n: number }[]>`SELECT ${n}::int AS "n", 'prep-marker-1' AS "m"`;
      const fragment = Prisma.sql`'prep-marker-2'`;
      const seen = await db.prisma.$transaction(async (tx) => {
        const got: number[] = [];
        for (const n of [1, 2, 3]) got.push((await tx.$queryRaw<{ n: number }[]>`SELECT ${n}::int AS "n", 'prep-marker-1' AS "m"`)[0]!.n);
        // Text put together at run time is never named: it could be different every time.
        await tx.$queryRaw`SELECT 1 AS "x", ${fragment} AS "m"`;
        await tx.$queryRaw(Prisma.sql`SELECT 2 AS "x", 'prep-marker-3' AS "m"`);
        return { got, one: await preparedOn(tx, 'prep-marker-1'), two: await preparedOn(tx, 'prep-marker-2'), three: await preparedOn(tx, 'prep-marker-3') };
      });
      expect(seen.got).toEqual([1, 2, 3]);
      expect(seen.one).toHaveLength(1);
      expect(seen.one[0]!.name).toMatch(/^thaogo_\d+_\d+$/);
      expect(seen.two).toEqual([]);
      expect(seen.three).toEqual([]);
      // The same call site outside a transaction, on any pooled connection: the same name.
      expect((await select(4))[0]!.n).toBe(4);
    });

    it('a statement prepared before a migration changed its columns is prepared again (outside a transaction at once, inside at its retry)', async () => {
      await db.prisma.$executeRawUnsafe(`CREATE TABLE "reshaped" ("id" int PRIMARY KEY, "a" text)`);
      await db.prisma.$executeRawUnsafe(`INSERT INTO "reshaped" VALUES (1, 'x')`);
      const inTx = () => db.prisma.$transaction((tx) => tx.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "reshaped" WHERE "id" = 1`);
      const outside = () => db.prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "reshaped" WHERE "id" = ${1}`;
      // Prepared on every pooled connection the pool may hand out.
      const held = await Promise.all(Array.from({ length: 10 }, () => Promise.all([inTx(), outside()])));
      expect(held[0]).toEqual([[{ id: 1, a: 'x' }], [{ id: 1, a: 'x' }]]);

      await db.prisma.$executeRawUnsafe(`ALTER TABLE "reshaped" ADD COLUMN "b" int DEFAULT 7`);
      expect(await outside()).toEqual([{ id: 1, a: 'x', b: 7 }]);
      // Inside a transaction the refusal aborts it: the failure is one retrying fixes, and the retry does.
      let failure: unknown = null;
      let rows: Record<string, unknown>[] | null = null;
      for (let attempt = 0; attempt < 3 && rows === null; attempt++) {
        rows = await inTx().catch((err: unknown) => {
          failure = err;
          return null;
        });
      }
      expect(rows).toEqual([{ id: 1, a: 'x', b: 7 }]);
      if (failure) expect(classifyFailure(failure)).toBe('retryable');
    });

    it('behind a pooler (?pgbouncer=true) nothing is prepared, and the flag is not passed on', async () => {
      expect(withoutPoolerFlag('postgresql://u@h:5432/db?pgbouncer=true&sslmode=disable')).toEqual({ url: 'postgresql://u@h:5432/db?sslmode=disable', pooler: true });
      expect(withoutPoolerFlag('postgresql://u@h:5432/db?pgbouncer=false')).toEqual({ url: 'postgresql://u@h:5432/db', pooler: false });
      expect(withoutPoolerFlag('postgresql://u@h:5432/db')).toEqual({ url: 'postgresql://u@h:5432/db', pooler: false });
      const pooled = openDatabase({ databaseUrl: `${databaseUrl(name)}?pgbouncer=true`, dataDir: tmpdir() });
      try {
        const seen = await pooled.prisma.$transaction(async (tx) => {
          for (const n of [1, 2]) await tx.$queryRaw`SELECT ${n}::int AS "n", 'prep-marker-4' AS "m"`;
          return preparedOn(tx, 'prep-marker-4');
        });
        expect(seen).toEqual([]);
      } finally {
        await pooled.close();
      }
    });
  });
});
