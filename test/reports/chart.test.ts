import { describe, expect, it } from 'vitest';
import { DEPARTMENTS } from '../../src/domain/catalog.js';
import { renderDepartmentChart } from '../../src/reports/chart.js';
import { FONT_FILES, loadFontMetrics } from '../../src/reports/fonts.js';
import { createTranslator } from '../../src/i18n/index.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const rows = DEPARTMENTS.slice(0, 5).map((d, i) => ({ department: d.name, open: 3 + i * 2, overdue: i }));

describe('renderDepartmentChart', () => {
  it('renders a PNG of the requested size', async () => {
    const png = await renderDepartmentChart(rows, { width: 640, height: 480, title: 'Tổng hợp ngày 27/11/2026' });
    expect(pngSize(png)).toEqual({ width: 640, height: 480 });
    expect(png.length).toBeGreaterThan(5_000);
  });

  it('grows with the number of departments by default', async () => {
    const few = pngSize(await renderDepartmentChart(rows));
    const all = pngSize(
      await renderDepartmentChart(DEPARTMENTS.map((d, i) => ({ department: d.name, open: i + 1, overdue: i % 3 }))),
    );
    expect(few.width).toBe(1000);
    expect(all.width).toBe(1000);
    expect(all.height).toBeGreaterThan(few.height);
  });

  it('draws the same bytes for the same data, whatever fonts the machine has', async () => {
    const a = await renderDepartmentChart(rows, { width: 500, height: 300 });
    const b = await renderDepartmentChart(rows, { width: 500, height: 300 });
    expect(a.equals(b)).toBe(true);
  });

  it('draws a "no data" chart for empty input instead of failing', async () => {
    const empty = await renderDepartmentChart([]);
    expect(pngSize(empty)).toEqual({ width: 1000, height: 320 });
    const withData = await renderDepartmentChart(rows, { width: 1000, height: 320 });
    expect(empty.equals(withData)).toBe(false);
    expect(empty.length).toBeLessThan(withData.length);
  });

  it('draws all-zero rows and English labels', async () => {
    const png = await renderDepartmentChart(
      [{ department: 'Sở Y tế', open: 0, overdue: 0 }],
      { t: createTranslator('en'), width: 400, height: 200 },
    );
    expect(pngSize(png)).toEqual({ width: 400, height: 200 });
  });
});

describe('font metrics', () => {
  const regular = loadFontMetrics(FONT_FILES.regular);

  it('measures Vietnamese text with the real advances of DejaVu Sans', () => {
    const text = 'Sở Nông nghiệp và Môi trường';
    const width = regular.width(text, 10);
    // DejaVu Sans averages about 0.6 em per character; Vega's fallback guesses 0.8.
    expect(width / (text.length * 10)).toBeGreaterThan(0.45);
    expect(width / (text.length * 10)).toBeLessThan(0.7);
    expect(regular.width('ệ', 10)).toBeCloseTo(regular.width('e', 10), 5);
    expect(regular.width('W', 10)).toBeGreaterThan(regular.width('i', 10));
  });

  it('measures bold wider than regular', () => {
    const bold = loadFontMetrics(FONT_FILES.bold);
    expect(bold.width('Kiến nghị', 12)).toBeGreaterThan(regular.width('Kiến nghị', 12));
  });
});
