import type { TopLevelSpec } from 'vega-lite';
import type { Digest } from '../domain/digest.js';
import type { TicketSnapshot } from '../domain/report-types.js';
import type { Translate } from '../i18n/index.js';
import type { WorkingCalendar } from '../domain/calendar.js';

/**
 * The overview's four charts, drawn on the server as SVG by the digest's Vega-Lite pipeline
 * (src/reports/chart.ts). Vega is heavy, so it is loaded the first time a chart is drawn, not when
 * the web desk starts.
 */

export interface OverviewCharts {
  departments: string;
  weekly: string;
  onTime: string;
  communes: string;
}

const WEEKS = 12;
const DAY_MS = 86_400_000;
// Drawn for a phone-width column; on a desktop the SVG scales up without blur.
const WIDTH = 460;

/** Monday ("YYYY-MM-DD") of the local week an instant falls in. */
function weekOf(at: Date, cal: WorkingCalendar): string {
  const day = new Date(`${cal.localDate(at)}T00:00:00Z`);
  const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
  return monday.toISOString().slice(0, 10);
}

/** New reports and first answers per local week, the last WEEKS weeks up to `now`. */
export function weeklyCounts(tickets: readonly TicketSnapshot[], now: Date, cal: WorkingCalendar): { week: string; created: number; answered: number }[] {
  const last = new Date(`${weekOf(now, cal)}T00:00:00Z`).getTime();
  const weeks = Array.from({ length: WEEKS }, (_, i) => new Date(last - (WEEKS - 1 - i) * 7 * DAY_MS).toISOString().slice(0, 10));
  const rows = new Map(weeks.map((w) => [w, { week: w, created: 0, answered: 0 }]));
  for (const t of tickets) {
    const c = rows.get(weekOf(t.createdAt, cal));
    if (c) c.created += 1;
    if (t.firstAnsweredAt) {
      const a = rows.get(weekOf(t.firstAnsweredAt, cal));
      if (a) a.answered += 1;
    }
  }
  return [...rows.values()];
}

const label = (week: string) => `${week.slice(8, 10)}/${week.slice(5, 7)}`;

function horizontalBars(values: { name: string; value: number }[], title: string, axisTitle: string, max: number | null, color: string, base: ReturnType<typeof import('../reports/chart.js').baseConfig>, format: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...base,
    title,
    data: { values },
    encoding: {
      y: { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: Math.round(WIDTH * 0.4), ticks: false, labelPadding: 8 } },
      x: {
        field: 'value',
        type: 'quantitative',
        title: axisTitle,
        scale: { domain: [0, max ?? Math.max(1, ...values.map((v) => v.value)) * 1.1], nice: false },
        axis: { tickMinStep: 1, format: 'd', grid: true, gridColor: '#e6e6e6' },
      },
    },
    layer: [
      { mark: { type: 'bar', color, cornerRadiusEnd: 2 } },
      { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 12 }, encoding: { text: { field: 'value', type: 'quantitative', format } } },
    ],
  };
}

/** The four charts of the overview, from the digest of the tickets shown and their snapshots. */
export async function overviewCharts(digest: Digest, tickets: readonly TicketSnapshot[], cal: WorkingCalendar, t: Translate): Promise<OverviewCharts> {
  const chart = await import('../reports/chart.js');
  const { departmentChartRows } = await import('../domain/digest.js');
  const height = (n: number) => Math.max(240, 110 + n * 34);
  const noData = t('digest-chart-no-data');

  const departments = await chart.renderDepartmentChartSvg(departmentChartRows(digest), { t, width: WIDTH, title: t('web-chart-departments') });

  const weekly = weeklyCounts(tickets, digest.now, cal);
  const newLabel = t('web-chart-weekly-new');
  const answeredLabel = t('web-chart-weekly-answered');
  const weeklySpec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...chart.baseConfig(WIDTH, 300),
    title: t('web-chart-weekly'),
    data: { values: weekly.flatMap((w) => [{ week: label(w.week), series: newLabel, value: w.created }, { week: label(w.week), series: answeredLabel, value: w.answered }]) },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'week', type: 'ordinal', sort: null, title: t('web-chart-week'), axis: { labelAngle: -45 } },
      y: { field: 'value', type: 'quantitative', title: t('digest-chart-count'), axis: { tickMinStep: 1, format: 'd', gridColor: '#e6e6e6' } },
      color: { field: 'series', type: 'nominal', scale: { domain: [newLabel, answeredLabel], range: ['#4c78a8', '#54a24b'] }, legend: { orient: 'top', title: null, direction: 'horizontal' } },
    },
  };

  const rated = digest.departments.filter((d) => d.onTimeRate !== null);
  const onTimeTitle = t('web-chart-on-time');
  const onTimeSpec =
    rated.length === 0
      ? chart.emptySpec(onTimeTitle, noData, WIDTH, 240)
      : horizontalBars(
          rated.map((d) => ({ name: d.name, value: Math.round((d.onTimeRate ?? 0) * 100) })),
          onTimeTitle,
          t('web-chart-percent'),
          100,
          '#54a24b',
          chart.baseConfig(WIDTH, height(rated.length)),
          'd',
        );

  const communeTitle = t('web-chart-communes');
  const communesSpec =
    digest.communes.length === 0
      ? chart.emptySpec(communeTitle, noData, WIDTH, 240)
      : horizontalBars(digest.communes.map((c) => ({ name: c.name, value: c.open })), communeTitle, t('web-chart-open-count'), null, '#4c78a8', chart.baseConfig(WIDTH, height(digest.communes.length)), 'd');

  const [weeklySvg, onTimeSvg, communesSvg] = await Promise.all([chart.renderSpecSvg(weeklySpec), chart.renderSpecSvg(onTimeSpec), chart.renderSpecSvg(communesSpec)]);
  return { departments, weekly: weeklySvg, onTime: onTimeSvg, communes: communesSvg };
}
