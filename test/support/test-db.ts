import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { openDatabase, type Database } from '../../src/db/client.js';
import { databaseUrl, dropDatabase, withAdminClient } from './pg.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the run's migrated, seeded template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.THAOGO_TEST_TEMPLATE;
  const run = process.env.THAOGO_TEST_RUN;
  if (!template || !run) throw new Error('test template database missing: run the tests through vitest (global setup)');
  const name = `thaogo_t_${run}_${randomBytes(4).toString('hex')}`;
  // Cloning requires no other session on the template; retry briefly if one is still closing.
  for (let i = 0; ; i++) {
    try {
      await withAdminClient((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
      break;
    } catch (err) {
      if (i >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  return {
    name,
    url: databaseUrl(name),
    drop: () =>
      withAdminClient((c) => dropDatabase(c, name)),
  };
}

export interface OpenedTestDatabase {
  db: Database;
  /** Closes the connections and drops the database. */
  close(): Promise<void>;
}

/** A fresh database (createTestDatabase) opened as the bot opens it. */
export async function openTestDatabase(): Promise<OpenedTestDatabase> {
  const tdb = await createTestDatabase();
  const db = openDatabase({ databaseUrl: tdb.url, dataDir: tmpdir() });
  return {
    db,
    close: async () => {
      await db.close();
      await tdb.drop();
    },
  };
}
