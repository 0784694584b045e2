import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrations.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { databaseUrl, dropDatabase, withAdminClient } from './pg.js';

/**
 * Builds one migrated and seeded template database per run; every test file clones it
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds and isolates tests completely.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const template = `thaogo_tpl_${run}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE ${template}`));
  const pool = new pg.Pool({ connectionString: databaseUrl(template) });
  await applyMigrations(new PrismaPg(pool));
  // Ending the pool ends the engine's session and releases its advisory lock.
  await pool.end();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl(template) }) });
  await seedReferenceData(prisma);
  await prisma.$disconnect();
  process.env.THAOGO_TEST_TEMPLATE = template;
  process.env.THAOGO_TEST_RUN = run;

  return async () => {
    await withAdminClient(async (c) => {
      const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`thaogo_%${run}%`]);
      for (const { datname } of rows) {
        await dropDatabase(c, datname);
      }
    });
  };
}
