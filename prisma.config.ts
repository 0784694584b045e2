import 'dotenv/config';
import { defineConfig } from 'prisma/config';

// The CLI (generate, migrate deploy where the network allows) reads this; the app itself
// connects through src/db/client.ts and applies migrations with scripts/db-migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx scripts/db-seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/thao_go' },
});
