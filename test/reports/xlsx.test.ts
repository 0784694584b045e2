import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { buildExportWorkbook } from '../../src/reports/xlsx.js';
import { createTranslator, type Translate } from '../../src/i18n/index.js';
import type { TicketSnapshot } from '../../src/domain/report-types.js';
import { ctx, fixtureTickets, makeTicket } from './fixtures.js';

const vi = createTranslator('vi');
// Event labels belong to the workflow's locale file; pin one so the test does not depend on it.
const t: Translate = (key, args) => (key === 'event-claimed' ? 'Tổ công tác nhận xử lý' : vi(key, args));

async function load(tickets: TicketSnapshot[], options: Partial<Parameters<typeof buildExportWorkbook>[1]> = {}): Promise<ExcelJS.Workbook> {
  const bytes = await buildExportWorkbook(tickets, { ...ctx, t, ...options });
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

const sheet = (workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet => {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
};

/** Cell values of a row, empty cells as null. */
const rowValues = (ws: ExcelJS.Worksheet, n: number): unknown[] =>
  Array.from({ length: ws.columnCount }, (_, i) => ws.getRow(n).getCell(i + 1).value ?? null);
/** A wall-clock time in Hưng Yên as the spreadsheet holds it. */
const local = (y: number, m: number, d: number, hh: number, mm: number): Date => new Date(Date.UTC(y, m - 1, d, hh, mm));

describe('buildExportWorkbook', () => {
  let workbook: ExcelJS.Workbook;
  beforeAll(async () => {
    workbook = await load(fixtureTickets());
  });

  it('has the four sheets with Vietnamese names', () => {
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Phiếu', 'Diễn biến', 'Tổng hợp', 'Mức độ hài lòng']);
  });

  it('lists every ticket under Vietnamese headers', () => {
    const ws = sheet(workbook, 'Phiếu');
    expect(rowValues(ws, 1)).toEqual([
      'Mã phiếu',
      'Xã/phường',
      'Lĩnh vực',
      'Sở/ngành',
      'Mức độ',
      'Trạng thái',
      'Ngày tiếp nhận',
      'Ngày nhận xử lý',
      'Ngày chuyển sở',
      'Hạn trả lời',
      'Ngày trả lời',
      'Ngày giải quyết',
      'Đúng hạn',
      'Nội dung',
      'Trả lời',
      'Kiến nghị TW',
      'Hài lòng',
      'Ngày xã xác nhận',
      'Ngày tự động đóng',
      'Số lần mở lại',
    ]);
    expect(ws.actualRowCount).toBe(18);
    expect(ws.getCell('A2').value).toBe('HY-0001');
    expect(ws.getCell('A18').value).toBe('HY-0017');
  });

  it('writes a ticket cell by cell, dates in Hưng Yên local time', () => {
    const ws = sheet(workbook, 'Phiếu');
    // HY-0003: created 100 h before Friday 27/11 07:30, i.e. Monday 23/11 03:30; due 27/11 05:30.
    expect(rowValues(ws, 4)).toEqual([
      'HY-0003',
      'Xã Tân Hưng',
      'Biên chế, nhân sự, chế độ cán bộ, đào tạo, quá tải',
      'Sở Nội vụ',
      'Thường',
      'Đã chuyển sở',
      local(2026, 11, 23, 3, 30),
      local(2026, 11, 23, 4, 30),
      local(2026, 11, 23, 5, 30),
      local(2026, 11, 27, 5, 30),
      null,
      null,
      'Không',
      'Kiến nghị số 3 của Xã Tân Hưng',
      null,
      'Không',
      null,
      null,
      null,
      0,
    ]);
    const created = ws.getCell('G4');
    expect(created.value).toBeInstanceOf(Date);
    expect(created.numFmt).toBe('dd/mm/yyyy hh:mm');
  });

  it('says whether each answer was on time', () => {
    const ws = sheet(workbook, 'Phiếu');
    const byCode = new Map<unknown, ExcelJS.Row>();
    ws.eachRow((row, n) => {
      if (n > 1) byCode.set(row.getCell(1).value, row);
    });
    const cell = (code: string, column: number): unknown => byCode.get(code)?.getCell(column).value ?? null;
    expect(cell('HY-0005', 13)).toBe('Có');
    expect(cell('HY-0005', 11)).toEqual(local(2026, 11, 19, 9, 30));
    expect(cell('HY-0005', 15)).toBe('Sở Nội vụ đã bố trí 2 biên chế');
    expect(cell('HY-0004', 13)).toBe('Chưa đến hạn');
    expect(cell('HY-0017', 13)).toBe('Không');
    expect(cell('HY-0001', 13)).toBeNull();
    expect(cell('HY-0012', 6)).toBe('Kiến nghị Trung ương');
    expect(cell('HY-0012', 14)).toBe('Đề nghị sửa Nghị định <b>123</b> & Thông tư 45 về chế độ cán bộ');
    expect(cell('HY-0012', 16)).toBe('Có');
    expect(cell('HY-0006', 12)).toEqual(local(2026, 11, 27, 2, 30));
  });

  it('shows the satisfaction answer, the confirmation, the auto-close and the reopenings of each ticket', async () => {
    const ws = sheet(workbook, 'Phiếu');
    const byCode = new Map<unknown, unknown[]>();
    ws.eachRow((row, n) => {
      if (n > 1) byCode.set(row.getCell(1).value, rowValues(ws, n).slice(16));
    });
    // Confirmed with "Hài lòng" 5 h before Friday 07:30.
    expect(byCode.get('HY-0006')).toEqual(['Hài lòng', local(2026, 11, 27, 2, 30), null, 0]);
    // Nobody confirmed: closed by itself 70 h before.
    expect(byCode.get('HY-0011')).toEqual([null, null, local(2026, 11, 24, 9, 30), 0]);
    expect(byCode.get('HY-0005')).toEqual([null, null, null, 1]);
    expect(byCode.get('HY-0010')).toEqual([null, null, null, 1]);
    expect(byCode.get('HY-0001')).toEqual([null, null, null, 0]);
    expect(ws.getCell('R7').numFmt).toBe('dd/mm/yyyy hh:mm');

    const twice = makeTicket({
      status: 'resolved',
      satisfaction: 'chua_hai_long',
      confirmedAt: ctx.now,
      events: ['reopened', 'answered', 'reopened'].map((kind) => ({ at: ctx.now, kind, actor: null, text: null, fromStatus: null, toStatus: null })),
    });
    expect(rowValues(sheet(await load([twice]), 'Phiếu'), 2).slice(16)).toEqual(['Chưa hài lòng', local(2026, 11, 27, 7, 30), null, 2]);
  });

  it('summarises confirmation, satisfaction, reopening and auto-close per department, then a bold total', () => {
    const ws = sheet(workbook, 'Mức độ hài lòng');
    expect(rowValues(ws, 1)).toEqual([
      'Sở/ngành',
      'Đã trả lời',
      'Xã đã xác nhận',
      'Tỷ lệ xã xác nhận (%)',
      'Số ý kiến đánh giá',
      'Hài lòng',
      'Tạm được',
      'Chưa hài lòng',
      'Hài lòng (%)',
      'Tạm được (%)',
      'Chưa hài lòng (%)',
      'Điểm hài lòng (0–100)',
      'Phiếu bị mở lại',
      'Tỷ lệ mở lại (%)',
      'Đã giải quyết',
      'Tự động đóng',
      'Tỷ lệ tự động đóng (%)',
    ]);
    const rows = Array.from({ length: ws.actualRowCount - 1 }, (_, i) => rowValues(ws, i + 2));
    expect(rows).toEqual([
      ['Sở Khoa học và Công nghệ', 1, 0, 0, 0, 0, 0, 0, null, null, null, null, 0, 0, 0, 0, null],
      ['Sở Nội vụ', 2, 1, 50, 1, 1, 0, 0, 100, 0, 0, 100, 1, 50, 1, 0, 0],
      ['Sở Nông nghiệp và Môi trường', 2, 0, 0, 0, 0, 0, 0, null, null, null, null, 1, 50, 1, 1, 100],
      ['Sở Tài chính', 1, 0, 0, 0, 0, 0, 0, null, null, null, null, 0, 0, 0, 0, null],
      // Nothing answered yet: every share is left empty rather than shown as 0.
      ['Sở Tư pháp', 0, 0, null, 0, 0, 0, 0, null, null, null, null, 0, null, 0, 0, null],
      ['Chưa chuyển sở', 0, 0, null, 0, 0, 0, 0, null, null, null, null, 0, null, 0, 0, null],
      ['Tổng cộng', 6, 1, 16.7, 1, 1, 0, 0, 100, 0, 0, 100, 2, 33.3, 2, 1, 50],
    ]);
    expect(ws.getRow(8).font?.bold).toBe(true);
    expect(ws.getCell('D9').numFmt).toBe('0.0');
  });

  it('puts every event on the timeline, labelled, with raw kinds as a fallback', async () => {
    const ws = sheet(workbook, 'Diễn biến');
    const events = fixtureTickets().reduce((n, tk) => n + tk.events.length, 0);
    expect(ws.actualRowCount).toBe(events + 1);
    expect(rowValues(ws, 1)).toEqual(['Mã phiếu', 'Thời gian', 'Sự kiện', 'Người thực hiện', 'Trạng thái trước', 'Trạng thái sau', 'Nội dung']);
    expect(rowValues(ws, 4)).toEqual([
      'HY-0002',
      local(2026, 11, 26, 3, 30),
      'Tổ công tác nhận xử lý',
      'Tổ công tác',
      'Mới tiếp nhận',
      'Tổ công tác đã nhận',
      null,
    ]);

    const odd = makeTicket({
      events: [{ at: ctx.now, kind: 'some_future_kind', actor: null, text: 'ghi chú', fromStatus: null, toStatus: null }],
    });
    const oddSheet = sheet(await load([odd]), 'Diễn biến');
    expect(rowValues(oddSheet, 2)).toEqual(['HY-0001', local(2026, 11, 27, 7, 30), 'some_future_kind', null, null, null, 'ghi chú']);
  });

  it('summarises per department, then tickets without one, then a bold total', () => {
    const ws = sheet(workbook, 'Tổng hợp');
    expect(rowValues(ws, 1)).toEqual([
      'Sở/ngành',
      'Tổng số',
      'Đang mở',
      'Quá hạn',
      'Đã trả lời',
      'Đúng hạn',
      'Tỷ lệ đúng hạn (%)',
      'Thời gian trả lời trung vị (giờ làm việc)',
    ]);
    const rows = Array.from({ length: ws.actualRowCount - 1 }, (_, i) => rowValues(ws, i + 2));
    expect(rows.map((r) => r[0])).toEqual([
      'Sở Khoa học và Công nghệ',
      'Sở Nội vụ',
      'Sở Nông nghiệp và Môi trường',
      'Sở Tài chính',
      'Sở Tư pháp',
      'Chưa chuyển sở',
      'Tổng cộng',
    ]);
    expect(rows[1]).toEqual(['Sở Nội vụ', 4, 3, 1, 2, 1, 33.3, 13]);
    // Nothing judged yet: the rate and median are left empty rather than shown as 0.
    expect(rows[4]).toEqual(['Sở Tư pháp', 3, 3, 0, 0, 0, null, null]);
    expect(rows[6]).toEqual(['Tổng cộng', 17, 14, 3, 6, 4, 44.4, 14]);
    expect(ws.getRow(8).font?.bold).toBe(true);
  });

  it('has bold, frozen, filterable headers and set column widths on every sheet', () => {
    const columns = { 'Phiếu': 'T', 'Diễn biến': 'G', 'Tổng hợp': 'H', 'Mức độ hài lòng': 'Q' } as const;
    for (const ws of workbook.worksheets) {
      expect(ws.getCell('A1').font?.bold).toBe(true);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.autoFilter).toBe(`A1:${columns[ws.name as keyof typeof columns]}${ws.actualRowCount}`);
      for (let c = 1; c <= ws.columnCount; c++) expect(ws.getColumn(c).width).toBeGreaterThanOrEqual(10);
    }
    expect(sheet(workbook, 'Phiếu').getColumn(14).width).toBe(60);
  });

  it('keeps a file Excel can open when chat text holds control characters', async () => {
    const ws = sheet(await load([makeTicket({ text: 'dòng 1\u0001\u0008\nlỗi \uD800 & <i>' })]), 'Phiếu');
    expect(ws.getCell('N2').value).toBe('dòng 1\nlỗi \uFFFD & <i>');
  });

  it('writes dates in another zone when configured', async () => {
    const ws = sheet(await load([makeTicket()], { timeZone: 'UTC' }), 'Phiếu');
    expect(ws.getCell('G2').value).toEqual(makeTicket().createdAt);
  });

  it('still makes a workbook with no tickets', async () => {
    const empty = await load([]);
    expect(empty.worksheets.map((w) => w.actualRowCount)).toEqual([1, 1, 2, 2]);
    expect(rowValues(sheet(empty, 'Tổng hợp'), 2)).toEqual(['Tổng cộng', 0, 0, 0, 0, 0, null, null]);
    expect(rowValues(sheet(empty, 'Mức độ hài lòng'), 2)).toEqual(['Tổng cộng', 0, 0, null, 0, 0, 0, 0, null, null, null, null, 0, null, 0, 0, null]);
  });
});
