import type { ActionKind } from '../../domain/ticket-workflow.js';
import { PRIORITIES, type Priority, type TicketStatus } from '../../domain/types.js';
import { SATISFACTIONS, satisfactionLabelKey } from '../../domain/satisfaction.js';
import type { Translate } from '../../i18n/index.js';
import type { Settings } from '../../settings.js';
import { html, type Html } from '../html.js';
import type { Viewer } from '../session.js';
import { dueBadge, dueOf, statusBadge, when } from './format.js';

export interface TicketFile {
  id: string;
  type: string;
  fileName: string | null;
  mimeType: string | null;
  storedFileId: string | null;
}

export interface TicketPageData {
  viewer: Viewer;
  settings: Settings;
  now: Date;
  ticket: {
    id: number;
    code: string;
    status: TicketStatus;
    priority: Priority;
    text: string;
    createdAt: Date;
    dueAt: Date | null;
    flaggedCentral: boolean;
    extensionPending: boolean;
    commune: { name: string };
    department: { code: string; name: string } | null;
    category: { label: string } | null;
    claimedBy: { displayName: string } | null;
    parent: { code: string; visible: boolean } | null;
    children: { code: string; communeName: string; visible: boolean }[];
    events: { id: bigint; kind: string; actorLabel: string | null; text: string | null; createdAt: Date; attachments: TicketFile[] }[];
  };
  /** What the viewer may do now, as the workflow decides (`allowedActions`). */
  allowed: readonly ActionKind[];
  departments: { code: string; name: string }[];
  categories: { code: string; label: string }[];
  /** Largest upload, in bytes. */
  maxUploadBytes: number;
}

/** The web desk's action paths, one per workflow action the page offers. */
export const ACTION_PATHS = {
  claim: 'nhan',
  assign: 'chuyen',
  set_category: 'linhvuc',
  set_priority: 'mucdo',
  reject: 'tuchoi',
  merge: 'gop',
  note: 'ghichu',
  answer: 'traloi',
  return_to_support: 'tralai',
  confirm: 'xong',
  reopen: 'molai',
  rate: 'danhgia',
} as const satisfies Partial<Record<ActionKind, string>>;
export type WebAction = keyof typeof ACTION_PATHS;

function fileLinks(t: Translate, files: readonly TicketFile[]): Html | '' {
  if (!files.length) return '';
  return html`<ul class="files">${files.map((f) => {
    const name = f.fileName ?? t(f.type === 'photo' ? 'web-file-photo' : 'web-file-document');
    return f.storedFileId
      ? html`<li><a href="/app/tep/${f.id}/${encodeURIComponent(name.replace(/[\\/]/g, '_'))}">${name}</a></li>`
      : html`<li>${name} <span class="muted">(${t('web-file-in-chat')})</span></li>`;
  })}</ul>`;
}

function csrf(v: Viewer): Html {
  return html`<input type="hidden" name="_csrf" value="${v.csrfToken}">`;
}

/** One form per action the viewer may take; the workflow decides again when it is sent. */
function actionForms(t: Translate, d: TicketPageData): Html {
  const { viewer: v, ticket: tk, allowed } = d;
  const to = (a: WebAction) => `/app/phieu/${tk.code}/${ACTION_PATHS[a]}`;
  const may = (a: ActionKind) => allowed.includes(a);
  const forms: Html[] = [];
  if (may('claim')) forms.push(html`<form class="action" method="post" action="${to('claim')}">${csrf(v)}<button type="submit">${t('web-act-claim')}</button></form>`);
  if (may('assign')) {
    forms.push(html`<form class="action" method="post" action="${to('assign')}">${csrf(v)}
      <label for="f-dept">${t('web-act-assign-label')}</label>
      <div class="row"><select id="f-dept" name="so" required><option value="">${t('web-act-assign-pick')}</option>${d.departments.map((x) => html`<option value="${x.code}" ${x.code === tk.department?.code ? html`disabled` : ''}>${x.code} · ${x.name}</option>`)}</select>
      <button type="submit">${t(tk.department ? 'web-act-transfer' : 'web-act-assign')}</button></div></form>`);
  }
  if (may('set_category')) {
    forms.push(html`<form class="action" method="post" action="${to('set_category')}">${csrf(v)}
      <label for="f-cat">${t('web-act-category-label')}</label>
      <div class="row"><select id="f-cat" name="linhvuc" required><option value="">${t('web-act-category-pick')}</option>${d.categories.map((x) => html`<option value="${x.code}">${x.label}</option>`)}</select>
      <button type="submit" class="secondary">${t('web-act-category')}</button></div></form>`);
  }
  if (may('set_priority')) {
    forms.push(html`<form class="action" method="post" action="${to('set_priority')}">${csrf(v)}
      <label for="f-prio">${t('web-act-priority-label')}</label>
      <div class="row"><select id="f-prio" name="mucdo">${PRIORITIES.map((p) => html`<option value="${p}" ${p === tk.priority ? html`selected` : ''}>${t(`priority-${p}`)}</option>`)}</select>
      <button type="submit" class="secondary">${t('web-act-priority')}</button></div></form>`);
  }
  if (may('answer')) {
    const mb = Math.floor(d.maxUploadBytes / (1024 * 1024));
    forms.push(html`<form class="action" method="post" action="${to('answer')}" enctype="multipart/form-data">${csrf(v)}
      <label for="f-answer">${t('web-act-answer-label')}</label>
      <textarea id="f-answer" name="noidung" required maxlength="4000"></textarea>
      <label for="f-files">${t('web-act-answer-files', { mb })}</label>
      <input id="f-files" type="file" name="tep" multiple accept=".pdf,.docx,.doc,.jpg,.jpeg,.png,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/msword,image/jpeg,image/png">
      <p><button type="submit">${t('web-act-answer')}</button></p></form>`);
  }
  if (may('return_to_support')) {
    forms.push(html`<form class="action" method="post" action="${to('return_to_support')}" data-confirm="${t('web-act-return-confirm')}">${csrf(v)}
      <label for="f-return">${t('web-act-return-label')}</label>
      <div class="row"><input id="f-return" name="lydo" required maxlength="1000"><button type="submit" class="secondary">${t('web-act-return')}</button></div></form>`);
  }
  if (may('confirm')) {
    forms.push(html`<form class="action" method="post" action="${to('confirm')}">${csrf(v)}
      <label>${t('web-act-confirm-question')}</label>
      <div class="choices">${SATISFACTIONS.map((s) => html`<label><input type="radio" name="danhgia" value="${s}"> ${t(satisfactionLabelKey(s))}</label>`)}</div>
      <button type="submit">${t('web-act-confirm')}</button></form>`);
  }
  if (may('reopen')) {
    forms.push(html`<form class="action" method="post" action="${to('reopen')}">${csrf(v)}
      <label for="f-reopen">${t('web-act-reopen-label')}</label>
      <div class="row"><input id="f-reopen" name="lydo" required maxlength="1000"><button type="submit" class="secondary">${t('web-act-reopen')}</button></div></form>`);
  }
  if (may('rate')) {
    forms.push(html`<form class="action" method="post" action="${to('rate')}">${csrf(v)}
      <label>${t('web-act-confirm-question')}</label>
      <div class="choices">${SATISFACTIONS.map((s) => html`<label><input type="radio" name="danhgia" value="${s}" required> ${t(satisfactionLabelKey(s))}</label>`)}</div>
      <button type="submit" class="secondary">${t('web-act-rate')}</button></form>`);
  }
  if (may('reject')) {
    forms.push(html`<form class="action" method="post" action="${to('reject')}" data-confirm="${t('web-act-reject-confirm')}">${csrf(v)}
      <label for="f-reject">${t('web-act-reject-label')}</label>
      <div class="row"><input id="f-reject" name="lydo" required maxlength="1000"><button type="submit" class="danger">${t('web-act-reject')}</button></div></form>`);
  }
  if (may('merge')) {
    forms.push(html`<form class="action" method="post" action="${to('merge')}" data-confirm="${t('web-act-merge-confirm')}">${csrf(v)}
      <label for="f-merge">${t('web-act-merge-label')}</label>
      <div class="row"><input id="f-merge" name="phieugoc" required maxlength="20" placeholder="${t('web-act-merge-hint')}"><button type="submit" class="secondary">${t('web-act-merge')}</button></div></form>`);
  }
  if (may('note')) {
    forms.push(html`<form class="action" method="post" action="${to('note')}">${csrf(v)}
      <label for="f-note">${t('web-act-note-label')}</label>
      <div class="row"><input id="f-note" name="noidung" required maxlength="2000"><button type="submit" class="secondary">${t('web-act-note')}</button></div></form>`);
  }
  if (!forms.length) return html`<p class="muted">${t('web-act-none')}</p>`;
  return html`${forms}`;
}

/** A ticket: the report, its files, deadline and due state, merged tickets, actions, the whole timeline. */
export function ticketBody(t: Translate, d: TicketPageData): Html {
  const { ticket: tk, settings, viewer: v } = d;
  const due = dueOf(tk, settings, d.now);
  const created = tk.events.find((e) => e.kind === 'created');
  const timeline = tk.events
    .filter((e) => v.internal || e.kind !== 'note')
    .map((e) => {
      const label = t(`event-${e.kind}`);
      const text = e.text && e.kind !== 'created' ? e.text : null;
      return html`<li>
        <div class="when">${when(e.createdAt, settings)}${v.internal && e.actorLabel ? html` · ${e.actorLabel}` : ''}</div>
        <div><b>${label === `event-${e.kind}` ? e.kind : label}</b></div>
        ${text ? html`<div class="text">${text}</div>` : ''}
        ${fileLinks(t, e.attachments)}
      </li>`;
    });
  const meta = html`<dl class="meta">
      <dt>${t('web-col-status')}</dt><dd>${statusBadge(t, tk.status)}</dd>
      <dt>${t('web-col-commune')}</dt><dd>${tk.commune.name}</dd>
      <dt>${t('web-col-department')}</dt><dd>${tk.department?.name ?? '—'}</dd>
      <dt>${t('web-col-category')}</dt><dd>${tk.category?.label ?? '—'}</dd>
      <dt>${t('web-col-priority')}</dt><dd>${t(`priority-${tk.priority}`)}</dd>
      <dt>${t('web-col-created')}</dt><dd>${when(tk.createdAt, settings)}</dd>
      <dt>${t('web-col-due')}</dt><dd>${tk.dueAt && due ? html`${when(tk.dueAt, settings)} ${dueBadge(t, due)}` : tk.dueAt ? when(tk.dueAt, settings) : '—'}${tk.extensionPending ? html` <span class="badge">${t('web-extension-pending')}</span>` : ''}</dd>
      ${v.internal && tk.claimedBy ? html`<dt>${t('web-claimant')}</dt><dd>${tk.claimedBy.displayName}</dd>` : ''}
      ${tk.flaggedCentral ? html`<dt>${t('web-central')}</dt><dd>${t('web-central-yes')}</dd>` : ''}
      ${tk.parent ? html`<dt>${t('web-parent')}</dt><dd>${tk.parent.visible ? html`<a href="/app/phieu/${tk.parent.code}">${tk.parent.code}</a>` : tk.parent.code}</dd>` : ''}
      ${tk.children.length ? html`<dt>${t('web-children')}</dt><dd>${tk.children.map((c, i) => html`${i ? ', ' : ''}${c.visible ? html`<a href="/app/phieu/${c.code}">${c.code}</a>` : c.code} <span class="muted">(${c.communeName})</span>`)}</dd>` : ''}
    </dl>`;
  return html`<p><a href="/app/phieu">← ${t('web-back-to-list')}</a></p>
    <h1>${t('web-ticket-title', { code: tk.code })}</h1>
    <div class="ticket-layout">
      <section class="card area-report" aria-labelledby="h-report"><h2 id="h-report">${t('web-ticket-report')}</h2>
        <div class="report">${tk.text}</div>
        ${created ? fileLinks(t, created.attachments) : ''}
      </section>
      <section class="card area-details" aria-labelledby="h-meta"><h2 id="h-meta">${t('web-ticket-details')}</h2>${meta}</section>
      <section class="card area-actions" aria-labelledby="h-actions"><h2 id="h-actions">${t('web-ticket-actions')}</h2>${actionForms(t, d)}</section>
      <section class="card area-timeline" aria-labelledby="h-timeline"><h2 id="h-timeline">${t('web-ticket-timeline')}</h2><ol class="timeline">${timeline}</ol></section>
    </div>`;
}
