import { createHash } from 'node:crypto';

/**
 * The web desk's stylesheet and its little script, served from /app/static with a content hash in
 * the URL so they can be cached for good. Mobile first: one column with cards on a phone, a table
 * and side-by-side panels from 900 px. Pages work without the script; it only adds conveniences.
 */

export const CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{--bg:#f4f6f9;--card:#fff;--ink:#1f2328;--muted:#5b6472;--line:#d9dee5;--accent:#0b5cad;--accent-ink:#fff;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--radius:8px}
html{font-size:16px;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;background:var(--bg);color:var(--ink);line-height:1.45}
a{color:var(--accent)}
.top{background:#0b3d6e;color:#fff;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem}
.top a{color:#fff;text-decoration:none}
.brand{font-weight:700;font-size:1.1rem;margin-right:auto}
.top nav{display:flex;gap:.25rem}
.top nav a{padding:.35rem .6rem;border-radius:6px}
.top nav a[aria-current=page]{background:rgba(255,255,255,.18)}
.who{display:flex;align-items:center;gap:.5rem;font-size:.9rem;width:100%;justify-content:space-between}
.who form{margin:0}
.who button{background:transparent;border:1px solid rgba(255,255,255,.6);color:#fff;border-radius:6px;padding:.25rem .6rem;font:inherit;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 1rem}
h2{font-size:1.1rem;margin:1.2rem 0 .6rem}
.card>h2:first-child{margin-top:0}
figure{margin:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1rem;margin-bottom:1rem}
.flash{background:#eef6ff;border:1px solid #b6d4f5;border-radius:var(--radius);padding:.75rem 1rem;margin-bottom:1rem;white-space:pre-line}
.flash.error{background:#fff1f0;border-color:#f5c2c0}
.muted{color:var(--muted)}
.filters{display:grid;grid-template-columns:1fr 1fr;gap:.6rem}
.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted);gap:.2rem;min-width:0}
.more{grid-column:1/-1}
.more summary{cursor:pointer;color:var(--accent);padding:.3rem 0}
.more .filters{margin-top:.5rem}
.search{display:flex;gap:.5rem;align-items:flex-end}
.search label{flex:1}
.filters .wide{grid-column:1/-1}
input,select,textarea{max-width:100%;font:inherit;font-size:1rem;padding:.5rem;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--ink);width:100%;min-height:2.6rem}
textarea{min-height:6rem;resize:vertical}
button,.button{font:inherit;display:inline-flex;align-items:center;justify-content:center;min-height:2.6rem;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-ink);cursor:pointer;text-decoration:none}
.button.secondary,button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
.actions-row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.tickets{width:100%;border-collapse:collapse}
.tickets thead{display:none}
.tickets tr{display:block;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:.6rem .8rem;margin-bottom:.6rem}
.tickets td{display:block;padding:.1rem 0}
.tickets td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.85rem}
.tickets .code a{font-weight:700;font-size:1.05rem;white-space:nowrap}
.tickets + .actions-row,.pager + .actions-row{margin-top:1rem}
.summary{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.badge{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.8rem;border:1px solid var(--line);background:#f6f8fa;white-space:nowrap}
.badge.overdue{background:#ffebe9;border-color:#ffb3ad;color:var(--bad)}
.badge.due_soon{background:#fff8c5;border-color:#eac54f;color:var(--warn)}
.badge.ok{background:#dafbe1;border-color:#aceebb;color:var(--ok)}
.badge.status-resolved{background:#dafbe1;border-color:#aceebb}
.badge.status-answered{background:#ddf4ff;border-color:#a8d8f5}
.badge.status-rejected{background:#eaeef2}
.pager{display:flex;justify-content:space-between;align-items:center;gap:.5rem;margin:1rem 0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.3rem .8rem;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0}
.report{white-space:pre-wrap;overflow-wrap:anywhere}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{border-left:3px solid var(--line);padding:.2rem 0 .8rem .8rem;margin-left:.3rem}
.timeline .when{color:var(--muted);font-size:.85rem}
.timeline .text{white-space:pre-wrap;overflow-wrap:anywhere}
.files{margin:.3rem 0 0;padding-left:1.2rem}
.action{border-top:1px solid var(--line);padding-top:.8rem;margin-top:.8rem}
.action:first-of-type{border-top:0;margin-top:0;padding-top:0}
.action label{display:block;font-size:.9rem;color:var(--muted);margin-bottom:.25rem}
.action .row{display:flex;flex-direction:column;gap:.5rem}
.choices{display:flex;flex-wrap:wrap;gap:.4rem 1rem;margin:.3rem 0 .6rem}
.choices label{display:flex;align-items:center;gap:.3rem;color:var(--ink)}
.choices input{width:auto;min-height:auto}
.kpis{display:grid;grid-template-columns:repeat(2,1fr);gap:.6rem;margin-bottom:1rem}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:.7rem}
.kpi .n{font-size:1.5rem;font-weight:700}
.kpi .l{color:var(--muted);font-size:.85rem}
.charts{display:grid;grid-template-columns:1fr;gap:1rem}
.chart img{width:100%;height:auto;display:block}
table.plain{width:100%;border-collapse:collapse;font-size:.95rem}
table.plain th,table.plain td{text-align:left;padding:.4rem;border-bottom:1px solid var(--line);vertical-align:top}
table.plain td.n,table.plain th.n{text-align:right;white-space:nowrap}
.scroll{overflow-x:auto}
.center{max-width:34rem;margin:3rem auto}
footer{color:var(--muted);font-size:.8rem;text-align:center;padding:1.5rem 1rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (min-width:900px){
  .who{width:auto}
  .filters{grid-template-columns:repeat(6,1fr)}
  .filters .wide{grid-column:span 2}
  .tickets thead{display:table-header-group}
  .tickets tr{display:table-row;border:0;padding:0;margin:0;border-bottom:1px solid var(--line)}
  .tickets td,.tickets th{display:table-cell;padding:.5rem;text-align:left;vertical-align:top}
  .tickets tbody tr:hover{background:#f6f8fa}
  .tickets td[data-label]::before{content:none}
  .tickets{background:var(--card);border:1px solid var(--line);border-radius:var(--radius)}
  .tickets th{font-size:.85rem;color:var(--muted);border-bottom:1px solid var(--line)}
  .ticket-layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);grid-template-areas:"report details" "timeline actions";column-gap:1rem;align-items:start}
  .area-report{grid-area:report}.area-details{grid-area:details}.area-actions{grid-area:actions}.area-timeline{grid-area:timeline}
  .kpis{grid-template-columns:repeat(4,1fr)}
  .charts{grid-template-columns:1fr 1fr}
  .action .row{flex-direction:row;align-items:flex-end}
  .action .row > *:first-child{flex:1}
}
`;

export const JS = `
(function () {
  // A sign-in page opened from the demo submits itself; everywhere else the person presses the button.
  var auto = document.querySelector('form[data-autosubmit]');
  if (auto) auto.submit();
  // Lists refresh as soon as a filter changes; the "Lọc" button stays for typing a search.
  document.querySelectorAll('form[data-autofilter] select').forEach(function (s) {
    s.addEventListener('change', function () { s.form.submit(); });
  });
  // Steps that cannot be undone ask once more.
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) { if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });
  });
  // A form sent once shows it, so a slow upload is not sent twice.
  document.querySelectorAll('form[method=post]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      setTimeout(function () { if (!e.defaultPrevented) f.querySelectorAll('button').forEach(function (b) { b.disabled = true; }); }, 0);
    });
  });
})();
`;

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
export const CSS_PATH = `/app/static/web-${hash(CSS)}.css`;
export const JS_PATH = `/app/static/web-${hash(JS)}.js`;
