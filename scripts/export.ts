/**
 * npm run export -- --out <file.xlsx> — writes the full ticket export, the same workbook leaders
 * get in chat with /xuatexcel, from the database at DATABASE_URL (or the embedded one).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reportClock } from '../src/core/reports.js';
import { loadTicketSnapshots } from '../src/core/snapshots.js';
import { config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createTranslator } from '../src/i18n/index.js';
import { buildExportWorkbook } from '../src/reports/xlsx.js';
import { loadSettings, SettingsError } from '../src/settings.js';
import { runScript } from './run-script.js';

const USAGE = 'Cách dùng: npm run export -- --out <tệp.xlsx>';

/** A failure the user can fix (arguments, file, database address): printed as one line. */
class ExportError extends Error {}

function outPath(): string {
  let values: { out?: string | undefined };
  try {
    ({ values } = parseArgs({ options: { out: { type: 'string', short: 'o' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ExportError(`${(err as Error).message}\n${USAGE}`);
  }
  const out = values.out?.trim();
  if (!out) throw new ExportError(`Thiếu tham số --out: cần đường dẫn tệp .xlsx để ghi.\n${USAGE}`);
  return path.resolve(out);
}

await runScript(async () => {
  try {
    await exportTickets(outPath());
  } catch (err) {
    // Mistakes a user can fix get one line; anything else goes to runScript with its stack.
    if (!(err instanceof ExportError || err instanceof SettingsError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
});

async function exportTickets(out: string): Promise<void> {
  const cfg = config();
  const settings = loadSettings(cfg.SETTINGS_FILE, process.env.APP_TIMEZONE ? cfg.APP_TIMEZONE : undefined);
  const db = openDatabase({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.DATA_DIR });
  try {
    const now = new Date();
    const tickets = await loadTicketSnapshots(db.prisma).catch((err: Error & { code?: string }) => {
      // P1xxx: the server cannot be reached or refuses the login; Prisma's own text says which.
      if (!err.code?.startsWith('P1')) throw err;
      const reason = err.message.trim().split('\n').at(-1) ?? err.code;
      throw new ExportError(`Không đọc được cơ sở dữ liệu (${err.code}): ${reason}`);
    });
    const data = await buildExportWorkbook(tickets, { ...reportClock(settings, now), t: createTranslator('vi'), timeZone: settings.timezone });
    try {
      await writeFile(out, data);
    } catch (err) {
      throw new ExportError(`Không ghi được tệp ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const events = tickets.reduce((n, t) => n + t.events.length, 0);
    console.log(`Đã xuất ${tickets.length} phiếu, ${events} sự kiện vào ${out} (${Math.ceil(data.length / 1024)} KB).`);
  } finally {
    await db.close();
  }
}
