import type { Translate } from '../../i18n/index.js';
import { CSS_PATH, JS_PATH } from '../assets.js';
import { html, type Html } from '../html.js';
import type { Viewer } from '../session.js';

export interface PageOptions {
  title: string;
  body: Html;
  viewer?: Viewer | null;
  /** The unit the viewer speaks for ("" for province-wide roles), shown beside their name. */
  unit?: string;
  current?: 'list' | 'overview';
  /** What the last action said, shown once at the top. */
  flash?: { text: string; error?: boolean } | null;
}

/** A whole page: the header with the viewer and sign-out, the flash, the body. */
export function page(t: Translate, opts: PageOptions): string {
  const v = opts.viewer;
  const nav = v
    ? html`<nav aria-label="${t('web-nav-label')}">
        <a href="/app/phieu" ${opts.current === 'list' ? html`aria-current="page"` : ''}>${t('web-nav-tickets')}</a>
        ${v.readsReports ? html`<a href="/app/tongquan" ${opts.current === 'overview' ? html`aria-current="page"` : ''}>${t('web-nav-overview')}</a>` : ''}
      </nav>
      <div class="who">
        <span>${v.person.displayName} · ${t(`web-role-${v.role}`)}${opts.unit ? html` · ${opts.unit}` : ''}</span>
        <form method="post" action="/app/dangxuat"><input type="hidden" name="_csrf" value="${v.csrfToken}"><button type="submit">${t('web-sign-out')}</button></form>
      </div>`
    : '';
  const flash = opts.flash ? html`<div class="flash${opts.flash.error ? ' error' : ''}" role="status">${opts.flash.text}</div>` : '';
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${opts.title} · Tháo gỡ</title>
<link rel="stylesheet" href="${CSS_PATH}">
<script src="${JS_PATH}" defer></script>
</head>
<body>
<header class="top"><a class="brand" href="${v ? '/app/phieu' : '/congkhai'}">Tháo gỡ</a>${nav}</header>
<main>
${flash}
${opts.body}
</main>
<footer>${t('web-footer')}</footer>
</body>
</html>`.value;
}

/** A page with one message and a way on (sign in again, back to the list). */
export function messagePage(t: Translate, opts: { title: string; message: string; viewer?: Viewer | null; link?: { href: string; label: string } }): string {
  return page(t, {
    title: opts.title,
    viewer: opts.viewer ?? null,
    body: html`<div class="card center"><h1>${opts.title}</h1><p>${opts.message}</p>${opts.link ? html`<p><a class="button" href="${opts.link.href}">${opts.link.label}</a></p>` : ''}</div>`,
  });
}
