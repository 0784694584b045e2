import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { buildDigest } from '../domain/digest.js';
import { departmentKpis } from '../domain/kpi.js';
import type { TicketSnapshot } from '../domain/report-types.js';
import { unitName } from '../core/features/web.js';
import { formatDate, formatDateTime } from '../core/presentation/dates.js';
import { exportFileName, reportClock, workingDayMs, XLSX_MIME } from '../core/reports.js';
import { loadTicketSnapshots } from '../core/snapshots.js';
import type { Db } from '../db/client.js';
import { calendarFrom } from '../settings.js';
import { ticketScope, type WebDeps, type WebRuntime } from './context.js';
import { filterWhere, parseFilter, type TicketFilter } from './filters.js';
import { overviewCharts } from './charts.js';
import { runtimeOr503, sendHtml, signedOut, translatorFor, VI, viewerOf } from './respond.js';
import type { Viewer } from './session.js';
import { messagePage, page } from './views/layout.js';
import { overviewBody } from './views/overview.js';
import { publicBody, PUBLIC_PAGE_SIZE, type PublicData } from './views/public.js';

const DAY_MS = 86_400_000;
/** The overview's period when the filter names no start date. */
const DEFAULT_PERIOD_DAYS = 7;
/** How long the public page is kept before it is computed again. */
export const PUBLIC_CACHE_MS = 5 * 60_000;

/** The snapshots of the tickets a viewer may see that match the filter (reports take snapshots). */
async function filteredSnapshots(deps: WebDeps, db: Db, v: Viewer, filter: TicketFilter, now: Date): Promise<TicketSnapshot[]> {
  const where = { AND: [ticketScope(v), await filterWhere(db, filter, deps.settings, now)] };
  const ids = new Set((await db.ticket.findMany({ where, select: { id: true } })).map((r) => r.id));
  const all = await loadTicketSnapshots(db, { locale: 'vi' });
  return all.filter((s) => ids.has(s.id));
}

/** The overview and the export read every ticket, so they are for the roles the chat reports are for. */
async function reader(deps: WebDeps, req: FastifyRequest, reply: FastifyReply): Promise<{ rt: WebRuntime; viewer: Viewer } | null> {
  const rt = runtimeOr503(deps, reply);
  if (!rt) return null;
  const viewer = await viewerOf(deps, rt, req);
  if (!viewer) {
    signedOut(reply);
    return null;
  }
  if (!viewer.readsReports) {
    const t = translatorFor(viewer);
    sendHtml(reply, 403, messagePage(t, { title: t('web-reports-only-title'), message: t('web-reports-only'), viewer, link: { href: '/app/phieu', label: t('web-back-to-list') } }));
    return null;
  }
  return { rt, viewer };
}

export function registerReportRoutes(web: FastifyInstance, deps: WebDeps): void {
  web.get('/tongquan', async (req, reply) => {
    const r = await reader(deps, req, reply);
    if (!r) return reply;
    const { rt, viewer } = r;
    const t = translatorFor(viewer);
    const now = deps.clock();
    const { filter, invalid } = parseFilter(req.query);
    const tickets = await filteredSnapshots(deps, rt.prisma, viewer, filter, now);
    const cal = calendarFrom(deps.settings);
    const since = filter.from ? cal.atLocal(filter.from, '00:00') : new Date(now.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
    const dayMs = workingDayMs(deps.settings);
    const digest = buildDigest(tickets, { ...reportClock(deps.settings, now), since, workingDayMs: dayMs });
    let charts = null;
    try {
      charts = await overviewCharts(digest, tickets, cal, t);
    } catch (err) {
      // The figures matter more than the pictures: a chart that fails to draw never holds the page back.
      deps.logger.warn({ err: (err as Error).message }, 'web: overview charts could not be drawn');
    }
    const period = filter.from ? t('web-period-from', { date: formatDate(since, deps.settings.timezone) }) : t('web-period-days', { days: DEFAULT_PERIOD_DAYS });
    const body = overviewBody(t, { digest, charts, filter, invalid, period, workingDayMs: dayMs });
    return sendHtml(reply, 200, page(t, { title: t('web-overview-title'), body, viewer, unit: await unitName(rt.prisma, viewer), current: 'overview' }));
  });

  web.get('/xuatexcel', async (req, reply) => {
    const r = await reader(deps, req, reply);
    if (!r) return reply;
    const { rt, viewer } = r;
    const t = translatorFor(viewer);
    const now = deps.clock();
    const { filter } = parseFilter(req.query);
    const tickets = await filteredSnapshots(deps, rt.prisma, viewer, filter, now);
    const { buildExportWorkbook } = await import('../reports/xlsx.js');
    const data = await buildExportWorkbook(tickets, { ...reportClock(deps.settings, now), t, timeZone: deps.settings.timezone });
    deps.logger.info({ tickets: tickets.length }, 'web: export downloaded');
    return reply
      .header('content-type', XLSX_MIME)
      .header('content-disposition', `attachment; filename="${exportFileName(deps.settings, now)}"`)
      .header('cache-control', 'private, no-store')
      .send(data);
  });
}

/**
 * The public results page, computed at most every PUBLIC_CACHE_MS per process: it is read by
 * anyone, so a crowd of readers costs one computation, not one each.
 */
export function registerPublicPage(app: FastifyInstance, deps: WebDeps): void {
  let cached: { at: number; data: Omit<PublicData, 'page' | 'pages' | 'answers'> & { answers: PublicData['answers'] } } | null = null;
  const Query = z.object({ trang: z.coerce.number().int().min(1).max(10_000).optional() });

  async function compute(db: Db) {
    const now = deps.clock();
    const tickets = await loadTicketSnapshots(db, { locale: 'vi' });
    const ctx = reportClock(deps.settings, now);
    const departments = departmentKpis(tickets, ctx)
      .map((d) => ({ name: d.departmentName, received: d.count, answered: d.answered, onTime: d.onTime, onTimeRate: d.onTimeRate, medianAnswerMs: d.medianAnswerMs }))
      .sort((a, b) => b.received - a.received || a.name.localeCompare(b.name, 'vi'));
    // Only what the province answered, once per issue (a merged duplicate is its parent's), and
    // only the report and the department's answer: no person, no internal note, no timeline.
    const answers = tickets
      .filter((s) => s.answerText && s.answeredAt && !s.parentCode && (s.status === 'answered' || s.status === 'resolved'))
      .sort((a, b) => b.answeredAt!.getTime() - a.answeredAt!.getTime() || b.id - a.id)
      .map((s) => ({
        code: s.code,
        commune: s.communeName,
        category: s.categoryLabel,
        department: s.departmentName,
        question: s.text,
        answer: s.answerText!,
        answeredAt: formatDate(s.answeredAt!, deps.settings.timezone),
      }));
    return { generatedAt: formatDateTime(now, deps.settings.timezone), departments, answers, workingDayMs: workingDayMs(deps.settings) };
  }

  app.get('/congkhai', { config: { rateLimit: { max: 120, timeWindow: '1 minute' } } }, async (req, reply) => {
    const t = VI;
    if (!deps.settings.publicPage.enabled) return sendHtml(reply, 404, messagePage(t, { title: t('web-not-found-title'), message: t('web-public-off') }));
    const rt = runtimeOr503(deps, reply);
    if (!rt) return reply;
    const query = Query.safeParse(req.query);
    const wanted = query.success ? (query.data.trang ?? 1) : 1;
    if (!cached || Date.now() - cached.at > PUBLIC_CACHE_MS) cached = { at: Date.now(), data: await compute(rt.prisma) };
    const { data } = cached;
    const pages = Math.max(1, Math.ceil(data.answers.length / PUBLIC_PAGE_SIZE));
    const pageNo = Math.min(wanted, pages);
    const body = publicBody(t, { ...data, answers: data.answers.slice((pageNo - 1) * PUBLIC_PAGE_SIZE, pageNo * PUBLIC_PAGE_SIZE), page: pageNo, pages });
    void reply.header('cache-control', `public, max-age=${PUBLIC_CACHE_MS / 1000}`);
    return sendHtml(reply, 200, page(t, { title: t('web-public-title'), body }));
  });
}
