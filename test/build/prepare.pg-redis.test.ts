import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabasePrepareError, prepareInChildProcess } from '../../src/db/migrations.js';
import pg from 'pg';
import { REDIS_TEST_URL } from '../support/pg.js';
import { freePort } from '../support/ports.js';
import { deleteRedisPrefix } from '../support/test-app.js';
import { emptyDatabase, repoRoot, startNode } from './support.js';

// Migrations and reference data run at boot in a short-lived process of their own
// (scripts/db-prepare.ts), so the schema engine's memory leaves with it.

const MIGRATIONS = readdirSync(path.join(repoRoot, 'prisma/migrations'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('preparing the database in a process of its own', { timeout: 120_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  it('two replicas booting at once on an empty database: both succeed, every migration applied exactly once, reference data loaded', async () => {
    const db = await emptyDatabase();
    cleanups.push(() => db.drop());
    const env = { databaseUrl: db.url, dataDir: '/nonexistent' };

    const [a, b] = await Promise.all([prepareInChildProcess(env), prepareInChildProcess(env)]);
    // PostgreSQL's migration advisory lock lets one apply while the other waits, then finds nothing.
    expect([...a.applied, ...b.applied].sort()).toEqual(MIGRATIONS);
    expect(a.applied.length === 0 || b.applied.length === 0).toBe(true);
    const rows = await query<{ migration_name: string }>(db.url, `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1`);
    expect(rows.map((r) => r.migration_name)).toEqual(MIGRATIONS);
    expect(a.seeded).toEqual(b.seeded);
    expect(a.seeded.communes).toBe(104);
    const [communes] = await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM "Commune"`);
    expect(Number(communes?.n)).toBe(104);

    // Idempotent: a later boot has nothing to apply.
    expect((await prepareInChildProcess(env)).applied).toEqual([]);
    console.info(`[build] concurrent preparation: ${a.applied.length} + ${b.applied.length} migrations applied of ${MIGRATIONS.length}`);
  });

  it('a database the migrations cannot apply to: the step rejects with what the process said, and `npm start` exits 1 with it instead of starting', async () => {
    const db = await emptyDatabase();
    cleanups.push(() => db.drop());
    // A database that holds something else: the engine refuses to migrate over it.
    await query(db.url, `CREATE TABLE "Commune" ("odd" int)`);

    const err = await prepareInChildProcess({ databaseUrl: db.url, dataDir: '/nonexistent' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatabasePrepareError);
    expect((err as Error).message).toMatch(/^preparing the database \(migrations, reference data\) failed: the process exited with code 1:/);
    expect((err as Error).message).toMatch(/SchemaConnectorError: The database schema is not empty/);

    const port = await freePort();
    cleanups.push(() => deleteRedisPrefix(`kf${port}`));
    const app = startNode({
      entry: 'src/main.ts',
      tsx: true,
      env: { DATABASE_URL: db.url, REDIS_URL: REDIS_TEST_URL, QUEUE_PREFIX: `kf${port}`, PORT: String(port) },
    });
    cleanups.push(() => app.stop());
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    const fatal = app.logs.find((l) => l.msg === 'failed to start');
    expect(fatal?.err).toMatch(/preparing the database .* failed/);
    expect(fatal?.err).toMatch(/SchemaConnectorError: The database schema is not empty/);
    expect(app.logs.some((l) => l.msg === 'app started')).toBe(false);
  });
});
