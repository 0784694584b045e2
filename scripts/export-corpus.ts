/**
 * npm run corpus:export -- [--out file.jsonl]
 * Writes the support team's confirmed categories as labelled examples (JSON Lines), so the
 * classifier's corpus grows from real reports: review, then append to data/classifier/train.jsonl
 * and run `npx tsx scripts/train-classifier.ts`.
 */
import { createWriteStream } from 'node:fs';
import { config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { runScript } from './run-script.js';

await runScript(async () => {
  const outIdx = process.argv.indexOf('--out');
  const out = outIdx > 0 ? createWriteStream(process.argv[outIdx + 1]!) : process.stdout;
  const cfg = config();
  const db = openDatabase({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    const rows = await db.prisma.ticket.findMany({ where: { categoryCode: { not: null } }, select: { code: true, text: true, categoryCode: true, suggestedCategory: true }, orderBy: { id: 'asc' } });
    let corrected = 0;
    for (const r of rows) {
      if (r.suggestedCategory !== r.categoryCode) corrected++;
      out.write(`${JSON.stringify({ text: r.text, category: r.categoryCode, suggested: r.suggestedCategory, ticket: r.code })}\n`);
    }
    console.error(`${rows.length} phiếu có lĩnh vực đã xác nhận, trong đó ${corrected} phiếu tổ công tác sửa gợi ý.`);
  } finally {
    await db.close();
    if (out !== process.stdout) (out as NodeJS.WritableStream).end();
  }
});
