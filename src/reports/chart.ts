import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { createTranslator, type Translate } from '../i18n/index.js';
import { FONT_FAMILY, FONT_FILES, loadFontMetrics, type FontMetrics } from './fonts.js';

/**
 * The digest's chart: open and overdue tickets per department as a PNG, made without a browser
 * (Vega-Lite → Vega SVG → resvg). Fonts are loaded from the bundled DejaVu files only, so the
 * image is the same on every server and Vietnamese labels never fall back to boxes.
 */

export interface DepartmentChartRow {
  department: string;
  open: number;
  overdue: number;
}

export interface DepartmentChartOptions {
  title?: string;
  /** Pixels; the PNG has exactly this size. */
  width?: number;
  height?: number;
  /** Legend, axis and "no data" texts; Vietnamese when absent. */
  t?: Translate;
}

const COLORS = { open: '#4c78a8', overdue: '#e45756' } as const;

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

/**
 * Without a canvas Vega guesses text width as 0.8 em per character, which is far too wide for
 * DejaVu Sans and squeezes the bars; measuring with the font's own advances keeps layout honest.
 * The result is capped at the item's limit because Vega then truncates the label to fit it.
 */
function useFontMetrics(): void {
  if (metrics) return;
  metrics = { regular: loadFontMetrics(FONT_FILES.regular), bold: loadFontMetrics(FONT_FILES.bold) };
  const fonts = metrics;
  // textMetrics is exported by vega (from vega-scenegraph) but missing from its typings.
  const { textMetrics } = vega as unknown as { textMetrics: { width: (item: Record<string, unknown>, text?: unknown) => number } };
  textMetrics.width = (item, text) => {
    const value = String(text ?? item.text ?? '').trim();
    const size = typeof item.fontSize === 'number' ? item.fontSize : 11;
    const weight = item.fontWeight;
    const bold = weight === 'bold' || (typeof weight === 'number' && weight >= 600);
    const width = (bold ? fonts.bold : fonts.regular).width(value, size);
    const limit = typeof item.limit === 'number' ? item.limit : 0;
    return limit > 0 ? Math.min(width, limit) : width;
  };
}

/** A PNG bar chart of open and overdue tickets per department, in the given order. */
export async function renderDepartmentChart(rows: readonly DepartmentChartRow[], opts: DepartmentChartOptions = {}): Promise<Buffer> {
  useFontMetrics();
  const t = opts.t ?? createTranslator('vi');
  const title = opts.title ?? t('digest-chart-title');
  const width = Math.round(opts.width ?? 1000);
  const height = Math.round(opts.height ?? Math.max(320, 120 + rows.length * 46));

  const spec = rows.length === 0 ? emptySpec(title, t('digest-chart-no-data'), width, height) : barSpec(rows, title, t, width, height);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      font: { fontFiles: [FONT_FILES.regular, FONT_FILES.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
      background: 'white',
    })
      .render()
      .asPng();
    return Buffer.from(png);
  } finally {
    view.finalize();
  }
}

/**
 * Any Vega-Lite spec drawn as SVG markup, with the same fonts and text metrics as the PNG: the web
 * desk puts it in the page and the browser draws it, so no PNG step is needed there.
 */
export async function renderSpecSvg(spec: TopLevelSpec): Promise<string> {
  useFontMetrics();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The digest's department chart as SVG (the web desk's overview). */
export async function renderDepartmentChartSvg(rows: readonly DepartmentChartRow[], opts: DepartmentChartOptions = {}): Promise<string> {
  const t = opts.t ?? createTranslator('vi');
  const title = opts.title ?? t('digest-chart-title');
  const width = Math.round(opts.width ?? 640);
  const height = Math.round(opts.height ?? Math.max(260, 110 + rows.length * 40));
  return renderSpecSvg(rows.length === 0 ? emptySpec(title, t('digest-chart-no-data'), width, height) : barSpec(rows, title, t, width, height));
}

/** Layout, fonts and colours every chart shares (so the web's charts look like the digest's). */
export function baseConfig(width: number, height: number) {
  return {
    width,
    height,
    // "fit" with contains=padding makes the whole image, legend and titles included, exactly width×height.
    autosize: { type: 'fit', contains: 'padding' },
    padding: 16,
    background: 'white',
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      title: { fontSize: 18, fontWeight: 'bold', anchor: 'start', offset: 14, color: '#222' },
      axis: { labelFontSize: 13, titleFontSize: 13, labelColor: '#333', titleColor: '#333' },
      legend: { labelFontSize: 13, symbolType: 'square' },
    },
  } as const;
}

function barSpec(rows: readonly DepartmentChartRow[], title: string, t: Translate, width: number, height: number): TopLevelSpec {
  const open = t('digest-chart-open');
  const overdue = t('digest-chart-overdue');
  const values = rows.flatMap((r) => [
    { department: r.department, series: open, value: r.open },
    { department: r.department, series: overdue, value: r.overdue },
  ]);
  const max = Math.max(1, ...rows.map((r) => Math.max(r.open, r.overdue)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...baseConfig(width, height),
    title,
    data: { values },
    encoding: {
      y: {
        field: 'department',
        type: 'nominal',
        sort: null,
        title: null,
        axis: { labelLimit: Math.round(width * 0.4), ticks: false, labelPadding: 8 },
      },
      yOffset: { field: 'series', type: 'nominal', sort: [open, overdue] },
      x: {
        field: 'value',
        type: 'quantitative',
        title: t('digest-chart-count'),
        // Room after the longest bar for its number.
        scale: { domain: [0, Math.ceil(max * 1.08)], nice: false },
        axis: { tickMinStep: 1, format: 'd', grid: true, gridColor: '#e6e6e6' },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: [open, overdue], range: [COLORS.open, COLORS.overdue] },
        legend: { orient: 'top', title: null, direction: 'horizontal' },
      },
    },
    layer: [
      { mark: { type: 'bar', cornerRadiusEnd: 2 } },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 12 },
        encoding: { text: { field: 'value', type: 'quantitative' } },
      },
    ],
  };
}

/** A chart with nothing to show: its title and a message where the bars would be. */
export function emptySpec(title: string, message: string, width: number, height: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...baseConfig(width, height),
    title,
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 22, color: '#666', align: 'center', baseline: 'middle' },
    encoding: {
      text: { field: 'message', type: 'nominal' },
      x: { value: { expr: 'width / 2' } },
      y: { value: { expr: 'height / 2' } },
    },
  };
}
