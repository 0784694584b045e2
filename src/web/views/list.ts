import type { Translate } from '../../i18n/index.js';
import { PRIORITIES, type Priority, type TicketStatus } from '../../domain/types.js';
import type { Settings } from '../../settings.js';
import { DUE_FILTERS, filterQuery, isFiltered, PAGE_SIZE, SORTS, STATUS_FILTERS, type TicketFilter } from '../filters.js';
import { html, type Html } from '../html.js';
import type { Viewer } from '../session.js';
import { dueBadge, dueOf, statusBadge, summary, when } from './format.js';

export interface ListRow {
  code: string;
  status: TicketStatus;
  priority: Priority;
  text: string;
  createdAt: Date;
  dueAt: Date | null;
  commune: { name: string };
  department: { code: string; shortName: string | null; name: string } | null;
  category: { label: string } | null;
  parent: { code: string } | null;
}

export interface ListData {
  viewer: Viewer;
  filter: TicketFilter;
  invalid: string[];
  rows: ListRow[];
  total: number;
  departments: { code: string; name: string }[];
  communes: { code: string; name: string }[];
  categories: { code: string; label: string }[];
  settings: Settings;
  now: Date;
}

function options(items: { value: string; label: string }[], selected: string | null, anyLabel: string): Html {
  return html`<option value="">${anyLabel}</option>${items.map((o) => html`<option value="${o.value}" ${o.value === selected ? html`selected` : ''}>${o.label}</option>`)}`;
}

/**
 * The filter form: a GET form, so the filter is the URL and a link can be shared. The search is
 * always shown; the other fields fold away on a phone until asked for (open while any is set).
 */
function filterForm(t: Translate, d: ListData): Html {
  const f = d.filter;
  const v = d.viewer;
  const narrowed = Boolean(f.status || f.department || f.commune || f.category || f.priority || f.due || f.from || f.to || f.sort !== 'moi');
  return html`<form class="card" method="get" action="/app/phieu" data-autofilter role="search">
    <div class="search">
      <label class="filters-q">${t('web-filter-q')}<input type="search" name="q" value="${f.q ?? ''}" placeholder="${t('web-filter-q-hint')}" maxlength="200"></label>
      <button type="submit">${t('web-filter-apply')}</button>
    </div>
    <details class="more" ${narrowed ? html`open` : ''}>
      <summary>${t('web-filter-more')}</summary>
      <div class="filters">
        <label>${t('web-filter-status')}<select name="trangthai">${options(
          STATUS_FILTERS.map((s) => ({ value: s, label: s === 'mo' ? t('web-status-open') : t(`status-${s}`) })),
          f.status,
          t('web-filter-any'),
        )}</select></label>
        ${v.role === 'department' ? '' : html`<label>${t('web-filter-department')}<select name="so">${options(d.departments.map((x) => ({ value: x.code, label: `${x.code} · ${x.name}` })), f.department, t('web-filter-any'))}</select></label>`}
        ${v.role === 'commune' ? '' : html`<label>${t('web-filter-commune')}<select name="xa">${options(d.communes.map((x) => ({ value: x.code, label: x.name })), f.commune, t('web-filter-any'))}</select></label>`}
        <label>${t('web-filter-category')}<select name="linhvuc">${options(d.categories.map((x) => ({ value: x.code, label: x.label })), f.category, t('web-filter-any'))}</select></label>
        <label>${t('web-filter-priority')}<select name="mucdo">${options(PRIORITIES.map((p) => ({ value: p, label: t(`priority-${p}`) })), f.priority, t('web-filter-any'))}</select></label>
        <label>${t('web-filter-due')}<select name="han">${options(DUE_FILTERS.map((x) => ({ value: x, label: t(x === 'qua_han' ? 'due-overdue' : 'due-soon') })), f.due, t('web-filter-any'))}</select></label>
        <label>${t('web-filter-from')}<input type="date" name="tu" value="${f.from ?? ''}"></label>
        <label>${t('web-filter-to')}<input type="date" name="den" value="${f.to ?? ''}"></label>
        <label>${t('web-filter-sort')}<select name="sapxep">${SORTS.map((s) => html`<option value="${s}" ${s === f.sort ? html`selected` : ''}>${t(`web-sort-${s}`)}</option>`)}</select></label>
        <div class="actions-row wide"><button type="submit">${t('web-filter-apply')}</button>${isFiltered(f) ? html`<a class="button secondary" href="/app/phieu">${t('web-filter-clear')}</a>` : ''}</div>
      </div>
    </details>
  </form>`;
}

/** The ticket list: filters, the tickets as a table (cards on a phone), paging, the export link. */
export function listBody(t: Translate, d: ListData): Html {
  const { filter: f, settings, now } = d;
  const pages = Math.max(1, Math.ceil(d.total / PAGE_SIZE));
  const page = Math.min(f.page, pages);
  const invalid = d.invalid.length ? html`<div class="flash error" role="alert">${t('web-filter-invalid', { params: d.invalid.join(', ') })}</div>` : '';
  const rows = d.rows.map((r) => {
    const due = dueOf(r, settings, now);
    return html`<tr>
      <td class="code"><a href="/app/phieu/${r.code}">${r.code}</a></td>
      <td data-label="${t('web-col-status')}">${statusBadge(t, r.status)}${r.parent ? html` <span class="muted">→ ${r.parent.code}</span>` : ''}</td>
      <td data-label="${t('web-col-commune')}">${r.commune.name}</td>
      <td data-label="${t('web-col-department')}">${r.department ? (r.department.shortName ?? r.department.code) : '—'}</td>
      <td data-label="${t('web-col-category')}">${r.category?.label ?? '—'}</td>
      <td data-label="${t('web-col-priority')}">${t(`priority-${r.priority}`)}</td>
      <td data-label="${t('web-col-created')}">${when(r.createdAt, settings)}</td>
      <td data-label="${t('web-col-due')}">${r.dueAt && due ? html`${when(r.dueAt, settings)} ${dueBadge(t, due)}` : '—'}</td>
      <td class="summary">${summary(r.text)}</td>
    </tr>`;
  });
  const table = d.rows.length
    ? html`<table class="tickets">
        <thead><tr><th>${t('web-col-code')}</th><th>${t('web-col-status')}</th><th>${t('web-col-commune')}</th><th>${t('web-col-department')}</th><th>${t('web-col-category')}</th><th>${t('web-col-priority')}</th><th>${t('web-col-created')}</th><th>${t('web-col-due')}</th><th>${t('web-col-text')}</th></tr></thead>
        <tbody>${rows}</tbody>
      </table>`
    : html`<div class="card"><p>${isFiltered(f) ? t('web-list-none-filtered') : t('web-list-none')}</p></div>`;
  const pager =
    pages > 1
      ? html`<nav class="pager" aria-label="${t('web-pager-label')}">
          ${page > 1 ? html`<a class="button secondary" rel="prev" href="/app/phieu${filterQuery(f, { page: page - 1, sort: f.sort })}">${t('web-pager-prev')}</a>` : html`<span></span>`}
          <span>${t('web-pager-position', { page, pages })}</span>
          ${page < pages ? html`<a class="button secondary" rel="next" href="/app/phieu${filterQuery(f, { page: page + 1, sort: f.sort })}">${t('web-pager-next')}</a>` : html`<span></span>`}
        </nav>`
      : '';
  const reports = d.viewer.readsReports
    ? html`<div class="actions-row">
        <a class="button secondary" href="/app/tongquan${filterQuery(f)}">${t('web-list-overview')}</a>
        <a class="button secondary" href="/app/xuatexcel${filterQuery(f)}">${t('web-list-export')}</a>
      </div>`
    : '';
  return html`<h1>${t('web-list-title')}</h1>
    ${invalid}
    ${filterForm(t, d)}
    <p class="muted" role="status">${t('web-list-count', { count: d.total })}</p>
    ${table}
    ${pager}
    ${reports}`;
}
