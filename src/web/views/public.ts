import type { Translate } from '../../i18n/index.js';
import { html, type Html } from '../html.js';
import { duration, percent } from './format.js';

/** What the public page publishes: figures per department and the answered reports, never a person. */
export interface PublicData {
  generatedAt: string;
  departments: { name: string; received: number; answered: number; onTime: number; onTimeRate: number | null; medianAnswerMs: number | null }[];
  answers: { code: string; commune: string; category: string | null; department: string | null; question: string; answer: string; answeredAt: string }[];
  page: number;
  pages: number;
  workingDayMs: number;
}

export const PUBLIC_PAGE_SIZE = 20;

/** The public results page (/congkhai): like the provincial feedback portals publish. */
export function publicBody(t: Translate, d: PublicData): Html {
  const rows = d.departments.map(
    (x) => html`<tr><td>${x.name}</td><td class="n">${x.received}</td><td class="n">${x.answered}</td><td class="n">${x.onTime} (${percent(x.onTimeRate)})</td><td class="n">${duration(t, x.medianAnswerMs, d.workingDayMs)}</td></tr>`,
  );
  const answers = d.answers.map(
    (a) => html`<article class="card">
      <h3>${a.code} · ${a.commune}</h3>
      <p class="muted">${a.category ?? t('web-public-no-category')}${a.department ? html` · ${a.department}` : ''} · ${t('web-public-answered-at', { at: a.answeredAt })}</p>
      <h4>${t('web-public-question')}</h4><div class="report">${a.question}</div>
      <h4>${t('web-public-answer')}</h4><div class="report">${a.answer}</div>
    </article>`,
  );
  const pager =
    d.pages > 1
      ? html`<nav class="pager" aria-label="${t('web-pager-label')}">
          ${d.page > 1 ? html`<a class="button secondary" rel="prev" href="/congkhai?trang=${d.page - 1}">${t('web-pager-prev')}</a>` : html`<span></span>`}
          <span>${t('web-pager-position', { page: d.page, pages: d.pages })}</span>
          ${d.page < d.pages ? html`<a class="button secondary" rel="next" href="/congkhai?trang=${d.page + 1}">${t('web-pager-next')}</a>` : html`<span></span>`}
        </nav>`
      : '';
  return html`<h1>${t('web-public-title')}</h1>
    <p class="muted">${t('web-public-intro', { at: d.generatedAt })}</p>
    <h2>${t('web-public-departments')}</h2>
    <div class="card scroll"><table class="plain">
      <thead><tr><th>${t('web-col-department')}</th><th class="n">${t('web-public-received')}</th><th class="n">${t('web-kpi-answered-all')}</th><th class="n">${t('web-public-on-time')}</th><th class="n">${t('web-kpi-median-answer')}</th></tr></thead>
      <tbody>${rows.length ? rows : html`<tr><td colspan="5" class="muted">${t('digest-chart-no-data')}</td></tr>`}</tbody>
    </table></div>
    <h2>${t('web-public-answers')}</h2>
    ${answers.length ? answers : html`<p class="muted">${t('web-public-no-answers')}</p>`}
    ${pager}`;
}
