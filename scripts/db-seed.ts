/** npm run db:seed — loads communes, departments, categories and the holiday calendar (idempotent). */
import { config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { seedReferenceData } from '../src/db/seed.js';
import { runScript } from './run-script.js';

await runScript(async () => {
  const cfg = config();
  const db = openDatabase({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    const n = await seedReferenceData(db.prisma);
    console.log(`Đã nạp ${n.communes} xã/phường, ${n.departments} sở/ngành, ${n.categories} lĩnh vực, ${n.calendarDays} ngày lễ/làm bù.`);
  } finally {
    await db.close();
  }
});
