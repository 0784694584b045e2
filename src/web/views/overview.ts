import type { Digest } from '../../domain/digest.js';
import type { Translate } from '../../i18n/index.js';
import { filterQuery, isFiltered, type TicketFilter } from '../filters.js';
import { html, type Html } from '../html.js';
import type { OverviewCharts } from '../charts.js';
import { duration, percent } from './format.js';

export interface OverviewData {
  digest: Digest;
  charts: OverviewCharts | null;
  filter: TicketFilter;
  invalid: string[];
  /** How the period reads ("7 ngày qua", "từ 01/11/2026"). */
  period: string;
  workingDayMs: number;
}

/** An SVG drawn on the server, as an image: the browser runs nothing inside it. */
function chartImage(svg: string, alt: string): Html {
  return html`<figure class="card chart"><img alt="${alt}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}"></figure>`;
}

function kpi(n: string | number, label: string): Html {
  return html`<div class="kpi"><div class="n">${n}</div><div class="l">${label}</div></div>`;
}

const hoursToMs = (h: number | null) => (h === null ? null : h * 3_600_000);

/** The leaders' overview: the digest's figures, four charts and the tables behind them. */
export function overviewBody(t: Translate, d: OverviewData): Html {
  const { digest: g, filter: f } = d;
  const tot = g.totals;
  const invalid = d.invalid.length ? html`<div class="flash error" role="alert">${t('web-filter-invalid', { params: d.invalid.join(', ') })}</div>` : '';
  const closure = g.closure.overall;
  const charts = d.charts
    ? html`<div class="charts">
        ${chartImage(d.charts.departments, t('web-chart-departments'))}
        ${chartImage(d.charts.weekly, t('web-chart-weekly'))}
        ${chartImage(d.charts.onTime, t('web-chart-on-time'))}
        ${chartImage(d.charts.communes, t('web-chart-communes'))}
      </div>`
    : html`<div class="flash error">${t('web-chart-failed')}</div>`;
  const deptRows = g.departments.map(
    (x) => html`<tr><td>${x.name}</td><td class="n">${x.total}</td><td class="n">${x.open}</td><td class="n">${x.dueSoon}</td><td class="n">${x.overdue}</td><td class="n">${x.answered}</td><td class="n">${percent(x.onTimeRate)}</td><td class="n">${duration(t, hoursToMs(x.medianAnswerHours), d.workingDayMs)}</td></tr>`,
  );
  const communeRows = g.communes.map((c) => html`<tr><td>${c.name}</td><td class="n">${c.open}</td><td class="n">${c.overdue}</td></tr>`);
  return html`<h1>${t('web-overview-title')}</h1>
    ${invalid}
    <p class="muted">${isFiltered(f) ? t('web-overview-filtered') : t('web-overview-all')} · ${t('web-overview-period', { period: d.period })}</p>
    <div class="actions-row">
      <a class="button secondary" href="/app/phieu${filterQuery(f)}">${t('web-overview-edit-filter')}</a>
      <a class="button" href="/app/xuatexcel${filterQuery(f)}">${t('web-list-export')}</a>
    </div>
    <h2>${t('web-overview-figures')}</h2>
    <div class="kpis">
      ${kpi(tot.total, t('web-kpi-total'))}
      ${kpi(tot.open, t('web-kpi-open'))}
      ${kpi(tot.dueSoon, t('due-soon'))}
      ${kpi(tot.overdue, t('due-overdue'))}
      ${kpi(tot.newSince, t('web-kpi-new'))}
      ${kpi(tot.answeredSince, t('web-kpi-answered'))}
      ${kpi(percent(tot.onTimeRate), t('web-kpi-on-time'))}
      ${kpi(duration(t, hoursToMs(tot.medianAnswerHours), d.workingDayMs), t('web-kpi-median-answer'))}
      ${kpi(percent(closure.confirmedShare), t('web-kpi-confirmed'))}
      ${kpi(closure.satisfactionScore === null ? '—' : Math.round(closure.satisfactionScore), t('web-kpi-satisfaction'))}
      ${kpi(percent(closure.reopenRate), t('web-kpi-reopened'))}
      ${kpi(percent(closure.autoClosedShare), t('web-kpi-auto-closed'))}
    </div>
    ${charts}
    <h2>${t('web-overview-departments')}</h2>
    <div class="card scroll"><table class="plain">
      <thead><tr><th>${t('web-col-department')}</th><th class="n">${t('web-kpi-total')}</th><th class="n">${t('web-kpi-open')}</th><th class="n">${t('due-soon')}</th><th class="n">${t('due-overdue')}</th><th class="n">${t('web-kpi-answered-all')}</th><th class="n">${t('web-kpi-on-time')}</th><th class="n">${t('web-kpi-median-answer')}</th></tr></thead>
      <tbody>${deptRows.length ? deptRows : html`<tr><td colspan="8" class="muted">${t('digest-chart-no-data')}</td></tr>`}</tbody>
    </table></div>
    <h2>${t('web-chart-communes')}</h2>
    <div class="card scroll"><table class="plain">
      <thead><tr><th>${t('web-col-commune')}</th><th class="n">${t('web-kpi-open')}</th><th class="n">${t('due-overdue')}</th></tr></thead>
      <tbody>${communeRows.length ? communeRows : html`<tr><td colspan="3" class="muted">${t('digest-chart-no-data')}</td></tr>`}</tbody>
    </table></div>`;
}

