/**
 * Creates a new migration from the difference between prisma/migrations and schema.prisma,
 * offline (the schema engine runs as WebAssembly). Usage: npm run db:migration -- <name>
 */
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { createMigration } from '../src/db/migrations.js';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:migration -- <name>');
  process.exit(2);
}
// The diff is computed from files alone; a throwaway in-memory database satisfies the engine.
const pglite = new PGlite();
const folder = await createMigration(new PrismaPGlite(pglite), name);
await pglite.close();
console.log(folder ? `created prisma/migrations/${folder}/migration.sql` : 'schema.prisma matches the migrations: nothing to do');
