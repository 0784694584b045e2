import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { seedReportTickets } from '../support/report-tickets.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `npx tsx scripts/export.ts <args>` as a user would, against the given database. */
function runExport(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/export.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, SETTINGS_FILE: '', APP_TIMEZONE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run export (PostgreSQL)', { timeout: 60_000 }, () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const conn = openDatabase({ databaseUrl: db.url, dataDir: tmpdir() });
    try {
      // The CLI reads the real clock, as a user runs it; the seed's ages count back from the same
      // clock, and the figures asserted (5 tickets, 1 overdue) hold on any day of the week.
      await seedReportTickets(conn.prisma, Date.now());
    } finally {
      await conn.close();
    }
    dir = mkdtempSync(path.join(tmpdir(), 'thaogo-export-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same workbook leaders get in chat and says what it wrote in one line', async () => {
    const out = path.join(dir, 'bao-cao.xlsx');
    const run = await runExport(['--out', out], { DATABASE_URL: db.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^Đã xuất 5 phiếu, 14 sự kiện vào .*bao-cao\.xlsx \(\d+ KB\)\.$/)]);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Phiếu', 'Diễn biến', 'Tổng hợp', 'Mức độ hài lòng']);
    const tickets = workbook.getWorksheet('Phiếu')!;
    expect(tickets.getRow(1).getCell(1).value).toBe('Mã phiếu');
    expect(tickets.getColumn(1).values.slice(2)).toEqual(['HY-0001', 'HY-0002', 'HY-0003', 'HY-0004', 'HY-0005']);
    expect(tickets.getRow(2).getCell(2).value).toBe('Phường Phố Hiến');
    expect(tickets.getRow(2).getCell(4).value).toBe('Sở Nội vụ');
    expect(tickets.getRow(2).getCell(13).value).toBe('Không');
    expect(tickets.getRow(3).getCell(15).value).toBe('Bổ sung: giải ngân trong tháng 12');
    expect(tickets.getRow(5).getCell(16).value).toBe('Có');
    expect(tickets.getRow(2).getCell(7).value).toBeInstanceOf(Date);
    expect(workbook.getWorksheet('Diễn biến')!.rowCount).toBe(1 + 14);
    const summary = workbook.getWorksheet('Tổng hợp')!;
    const total = summary.getRow(summary.rowCount);
    expect(total.getCell(1).value).toBe('Tổng cộng');
    expect(total.getCell(2).value).toBe(5);
    expect(total.getCell(4).value).toBe(1);
  });

  it('explains a missing --out and exits 1 without touching the database', async () => {
    const run = await runExport([], { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Thiếu tham số --out');
    expect(run.stderr).toContain('npm run export -- --out');
    expect(run.stdout).toBe('');
  });

  it('exits 1 and writes nothing when the database cannot be reached', async () => {
    const out = path.join(dir, 'khong-co.xlsx');
    const run = await runExport(['--out', out], { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe("Không đọc được cơ sở dữ liệu (P1001): Can't reach database server at 127.0.0.1:1");
    expect(existsSync(out)).toBe(false);
  });

  it('says which file it could not write and exits 1', async () => {
    const out = path.join(dir, 'khong-co-thu-muc', 'bao-cao.xlsx');
    const run = await runExport(['--out', out], { DATABASE_URL: db.url });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`Không ghi được tệp ${out}: ENOENT`);
  });
});
