/** npm run db:migrate — applies pending migrations to DATABASE_URL or the embedded database. */
import { config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrations.js';
import { runScript } from './run-script.js';

await runScript(async () => {
  const cfg = config();
  const db = openDatabase({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    const applied = await db.withMigrationAdapter((a) => applyMigrations(a));
    const where = db.kind === 'embedded' ? `embedded database in ${cfg.DATA_DIR}` : 'DATABASE_URL';
    console.log(applied.length ? `Đã áp dụng ${applied.length} migration vào ${where}: ${applied.join(', ')}` : `Cơ sở dữ liệu (${where}) đã ở phiên bản mới nhất.`);
  } finally {
    await db.close();
  }
});
