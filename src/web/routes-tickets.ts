import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatTicketCode, parseTicketCode } from '../domain/ticket-code.js';
import { allowedActions, maySee } from '../domain/ticket-workflow.js';
import { PRIORITIES } from '../domain/types.js';
import { SATISFACTIONS } from '../domain/satisfaction.js';
import { storeFile } from '../core/files.js';
import { unitName } from '../core/features/web.js';
import type { AttachmentRef } from '../core/port.js';
import { htmlToPlain } from '../core/presentation/markup.js';
import { performAction, toWorkflowTicket, withRelations, type Origin, type RequestedAction } from '../core/workflow.js';
import type { Db } from '../db/client.js';
import type { Translate } from '../i18n/index.js';
import { actAsViewer, ticketScope, viewerActor, type WebDeps, type WebRuntime } from './context.js';
import { filterWhere, orderBy, PAGE_SIZE, parseFilter } from './filters.js';
import { notFound, runtimeOr503, sendHtml, signedOut, translatorFor, viewerOf } from './respond.js';
import { setFlash, tokensMatch, type Viewer } from './session.js';
import { detectUpload, UploadRefused } from './uploads.js';
import { messagePage, page } from './views/layout.js';
import { listBody } from './views/list.js';
import { ACTION_PATHS, ticketBody, type WebAction } from './views/ticket.js';

/** The most files one answer may carry. */
export const MAX_FILES_PER_ANSWER = 5;

const ACTION_BY_PATH = new Map<string, WebAction>(Object.entries(ACTION_PATHS).map(([action, path]) => [path, action as WebAction]));

/** Reference lists for the filters and the action forms (small, public within the province). */
async function lists(db: Db) {
  const [departments, communes, categories] = await Promise.all([
    db.department.findMany({ where: { active: true }, orderBy: { code: 'asc' }, select: { code: true, name: true } }),
    db.commune.findMany({ orderBy: { name: 'asc' }, select: { code: true, name: true } }),
    db.category.findMany({ orderBy: { sortOrder: 'asc' }, select: { code: true, label: true } }),
  ]);
  return { departments, communes, categories };
}

/** A signed-in request: the runtime and the viewer, or the reply already sent (503, 401). */
async function signedIn(deps: WebDeps, req: FastifyRequest, reply: FastifyReply): Promise<{ rt: WebRuntime; viewer: Viewer; t: Translate } | null> {
  const rt = runtimeOr503(deps, reply);
  if (!rt) return null;
  const viewer = await viewerOf(deps, rt, req);
  if (!viewer) {
    signedOut(reply);
    return null;
  }
  return { rt, viewer, t: translatorFor(viewer) };
}

/** Shows what the last action said once, then forgets it. */
async function takeFlash(db: Db, v: Viewer): Promise<{ text: string; error: boolean } | null> {
  if (!v.flash) return null;
  await setFlash(db, v.sessionHash, null);
  const error = v.flash.startsWith('!');
  return { text: error ? v.flash.slice(1) : v.flash, error };
}

/** The ticket with this code if the viewer may see it; null for a missing one and a foreign one alike. */
async function visibleTicket(deps: WebDeps, db: Db, v: Viewer, rawCode: string) {
  const n = parseTicketCode(rawCode, deps.config.TICKET_PREFIX);
  if (n === null) return null;
  const code = formatTicketCode(deps.config.TICKET_PREFIX, n);
  const ticket = await db.ticket.findFirst({ where: { AND: [{ code }, ticketScope(v)] }, include: withRelations });
  // The query is scoped; the workflow's own rule must agree before anything is shown.
  if (!ticket || !maySee(toWorkflowTicket(ticket, deps.clock()), viewerActor(deps, db, v, deps.clock()))) return null;
  return ticket;
}

const Csrf = z.object({ _csrf: z.string().max(200) });
const reason = z.string().trim().min(1).max(1000);
const BODIES = {
  claim: z.object({}),
  assign: z.object({ so: z.string().trim().regex(/^[A-Za-z0-9_]{1,24}$/) }),
  set_category: z.object({ linhvuc: z.string().trim().regex(/^[a-z0-9_]{1,40}$/) }),
  set_priority: z.object({ mucdo: z.enum(PRIORITIES) }),
  reject: z.object({ lydo: reason }),
  merge: z.object({ phieugoc: z.string().trim().min(1).max(20) }),
  note: z.object({ noidung: z.string().trim().min(1).max(2000) }),
  return_to_support: z.object({ lydo: reason }),
  confirm: z.object({ danhgia: z.enum(SATISFACTIONS).optional() }),
  reopen: z.object({ lydo: reason }),
  rate: z.object({ danhgia: z.enum(SATISFACTIONS) }),
} as const;

/** The core's request for a form that parsed; merge looks its parent up first. */
async function requested(deps: WebDeps, db: Db, v: Viewer, action: Exclude<WebAction, 'answer'>, body: Record<string, string | undefined>, t: Translate): Promise<RequestedAction | string> {
  switch (action) {
    case 'claim':
      return { kind: 'claim' };
    case 'assign':
      return { kind: 'assign', departmentCode: body.so ?? '' };
    case 'set_category':
      return { kind: 'set_category', categoryCode: body.linhvuc ?? '' };
    case 'set_priority':
      return { kind: 'set_priority', priority: body.mucdo as (typeof PRIORITIES)[number] };
    case 'reject':
      return { kind: 'reject', reason: body.lydo ?? '' };
    case 'note':
      return { kind: 'note', text: body.noidung ?? '' };
    case 'return_to_support':
      return { kind: 'return_to_support', reason: body.lydo ?? '' };
    case 'confirm':
      return { kind: 'confirm', satisfaction: (body.danhgia as (typeof SATISFACTIONS)[number] | undefined) ?? null };
    case 'reopen':
      return { kind: 'reopen', reason: body.lydo ?? '' };
    case 'rate':
      return { kind: 'rate', satisfaction: body.danhgia as (typeof SATISFACTIONS)[number] };
    case 'merge': {
      const parent = await visibleTicket(deps, db, v, body.phieugoc ?? '');
      if (!parent) {
        const n = parseTicketCode(body.phieugoc ?? '', deps.config.TICKET_PREFIX);
        return n === null ? t('ticket-code-required', { example: formatTicketCode(deps.config.TICKET_PREFIX, 1) }) : t('ticket-not-found-for-you', { code: formatTicketCode(deps.config.TICKET_PREFIX, n) });
      }
      return { kind: 'merge', parent: { id: parent.id, status: parent.status, parentId: parent.parentId } };
    }
  }
}

/**
 * Runs one action as the viewer through the core (the same decision, event and notices as the
 * chat), keeps what it said for the next page and sends the browser back to the ticket.
 */
async function runAction(deps: WebDeps, rt: WebRuntime, v: Viewer, t: Translate, ticket: { id: number; code: string }, request: RequestedAction, reply: FastifyReply, files: { data: Buffer; fileName: string; mimeType: string; type: 'photo' | 'document' }[] = []) {
  const origin: Extract<Origin, { via: 'web' }> = { via: 'web', notices: [] };
  const ok = await actAsViewer(deps, rt, v, async (scope) => {
    const attachments: AttachmentRef[] = [];
    for (const f of files) {
      const stored = await storeFile(scope.tx, f);
      attachments.push({ type: f.type, platform: null, fileId: null, storedFileId: stored.id, fileName: f.fileName, mimeType: f.mimeType });
    }
    return performAction(scope, ticket.id, request, origin, attachments.length ? { attachments } : {});
  });
  const said = origin.notices.map((n) => htmlToPlain(n)).join('\n');
  await setFlash(rt.prisma, v.sessionHash, ok ? said || t('web-action-done') : `!${said || t('web-action-refused')}`);
  deps.logger.info({ ticket: ticket.code, action: request.kind, ok, via: 'web' }, 'web action');
  return reply.redirect(`/app/phieu/${ticket.code}`, 303);
}

async function refuse(rt: WebRuntime, v: Viewer, text: string, code: string, reply: FastifyReply) {
  await setFlash(rt.prisma, v.sessionHash, `!${text}`);
  return reply.redirect(`/app/phieu/${code}`, 303);
}

/**
 * The answer form: text and files as multipart. The CSRF field comes first in the form, so a
 * request without the right token is refused before any file is read.
 */
async function readAnswer(req: FastifyRequest, v: Viewer, maxBytes: number): Promise<{ text: string; files: { data: Buffer; fileName: string; mimeType: string; type: 'photo' | 'document' }[] } | 'csrf'> {
  let text = '';
  let first = true;
  const files: { data: Buffer; fileName: string; mimeType: string; type: 'photo' | 'document' }[] = [];
  const parts = req.parts();
  const next = () =>
    parts.next().catch((err: { code?: string }) => {
      if (err.code === 'FST_FILES_LIMIT') throw new UploadRefused('web-upload-too-many', { max: MAX_FILES_PER_ANSWER });
      throw err;
    });
  for (let r = await next(); !r.done; r = await next()) {
    const part = r.value;
    if (first) {
      first = false;
      if (part.type !== 'field' || part.fieldname !== '_csrf' || !tokensMatch(part.value, v.csrfToken)) return 'csrf';
      continue;
    }
    if (part.type === 'field') {
      if (part.fieldname === 'noidung' && typeof part.value === 'string') text = part.value;
      continue;
    }
    const file = part as MultipartFile;
    const data = await file.toBuffer().catch((err: { code?: string }) => {
      if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadRefused('web-upload-too-large', { name: file.filename, mb: Math.floor(maxBytes / (1024 * 1024)) });
      throw err;
    });
    // A file input left empty still sends a part, without a name or bytes.
    if (data.byteLength === 0 && !file.filename) continue;
    files.push(detectUpload(data, file.filename, maxBytes));
  }
  if (first) return 'csrf';
  return { text, files };
}

export function registerTicketRoutes(web: FastifyInstance, deps: WebDeps): void {
  web.get('/', async (_req, reply) => reply.redirect('/app/phieu', 302));

  web.get('/phieu', async (req, reply) => {
    const s = await signedIn(deps, req, reply);
    if (!s) return reply;
    const { rt, viewer, t } = s;
    const db = rt.prisma;
    const now = deps.clock();
    const { filter, invalid } = parseFilter(req.query);
    const where = { AND: [ticketScope(viewer), await filterWhere(db, filter, deps.settings, now)] };
    const total = await db.ticket.count({ where });
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    filter.page = Math.min(filter.page, pages);
    const rows = await db.ticket.findMany({
      where,
      select: {
        code: true,
        status: true,
        priority: true,
        text: true,
        createdAt: true,
        dueAt: true,
        commune: { select: { name: true } },
        department: { select: { code: true, shortName: true, name: true } },
        category: { select: { label: true } },
        parent: { select: { code: true } },
      },
      orderBy: orderBy(filter.sort),
      skip: (filter.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
    });
    const flash = await takeFlash(db, viewer);
    const unit = await unitName(db, viewer);
    const body = listBody(t, { viewer, filter, invalid, rows, total, ...(await lists(db)), settings: deps.settings, now });
    return sendHtml(reply, 200, page(t, { title: t('web-list-title'), body, viewer, unit, current: 'list', flash }));
  });

  web.get<{ Params: { code: string } }>('/phieu/:code', async (req, reply) => {
    const s = await signedIn(deps, req, reply);
    if (!s) return reply;
    const { rt, viewer, t } = s;
    const db = rt.prisma;
    const now = deps.clock();
    const found = await visibleTicket(deps, db, viewer, req.params.code);
    if (!found) return notFound(reply, t, viewer);
    const ticket = await db.ticket.findUniqueOrThrow({
      where: { id: found.id },
      include: {
        commune: { select: { name: true } },
        department: { select: { code: true, name: true } },
        category: { select: { label: true } },
        claimedBy: { select: { displayName: true } },
        parent: { select: { code: true } },
        children: { select: { code: true, commune: { select: { name: true } } }, orderBy: { id: 'asc' } },
        events: { orderBy: { id: 'asc' }, include: { attachments: { select: { id: true, type: true, fileName: true, mimeType: true, storedFileId: true } } } },
      },
    });
    const visible = async (code: string) => (await db.ticket.count({ where: { AND: [{ code }, ticketScope(viewer)] } })) > 0;
    const actor = viewerActor(deps, db, viewer, now);
    const allowed = allowedActions(toWorkflowTicket(found, now), actor).filter((a) => a in ACTION_PATHS);
    const flash = await takeFlash(db, viewer);
    const body = ticketBody(t, {
      viewer,
      settings: deps.settings,
      now,
      ticket: {
        ...ticket,
        parent: ticket.parent ? { code: ticket.parent.code, visible: await visible(ticket.parent.code) } : null,
        children: await Promise.all(ticket.children.map(async (c) => ({ code: c.code, communeName: c.commune.name, visible: await visible(c.code) }))),
      },
      allowed,
      ...(await lists(db)),
      maxUploadBytes: deps.config.FILE_MAX_BYTES,
    });
    return sendHtml(reply, 200, page(t, { title: ticket.code, body, viewer, unit: await unitName(db, viewer), current: 'list', flash }));
  });

  web.post<{ Params: { code: string; action: string } }>('/phieu/:code/:action', async (req, reply) => {
    const s = await signedIn(deps, req, reply);
    if (!s) return reply;
    const { rt, viewer, t } = s;
    const db = rt.prisma;
    const action = ACTION_BY_PATH.get(req.params.action);
    const ticket = action ? await visibleTicket(deps, db, viewer, req.params.code) : null;
    if (!action || !ticket) {
      // A multipart body left unread would keep the connection busy; drain it before answering.
      if (req.isMultipart()) for await (const part of req.parts()) if (part.type === 'file') await part.toBuffer().catch(() => undefined);
      return notFound(reply, t, viewer);
    }
    if (action === 'answer') {
      if (!req.isMultipart()) return sendHtml(reply, 400, messagePage(t, { title: t('web-bad-form-title'), message: t('web-bad-form'), viewer }));
      let answer;
      try {
        answer = await readAnswer(req, viewer, deps.config.FILE_MAX_BYTES);
      } catch (err) {
        if (err instanceof UploadRefused) return refuse(rt, viewer, t(err.key, err.args), ticket.code, reply);
        throw err;
      }
      if (answer === 'csrf') return sendHtml(reply, 403, messagePage(t, { title: t('web-csrf-title'), message: t('web-csrf'), viewer }));
      if (answer.files.length > MAX_FILES_PER_ANSWER) return refuse(rt, viewer, t('web-upload-too-many', { max: MAX_FILES_PER_ANSWER }), ticket.code, reply);
      return runAction(deps, rt, viewer, t, ticket, { kind: 'answer', text: answer.text }, reply, answer.files);
    }
    const csrf = Csrf.safeParse(req.body);
    if (!csrf.success || !tokensMatch(csrf.data._csrf, viewer.csrfToken)) return sendHtml(reply, 403, messagePage(t, { title: t('web-csrf-title'), message: t('web-csrf'), viewer }));
    const body = BODIES[action].safeParse(req.body);
    if (!body.success) return refuse(rt, viewer, t('web-bad-form'), ticket.code, reply);
    const request = await requested(deps, db, viewer, action, body.data as Record<string, string | undefined>, t);
    if (typeof request === 'string') return refuse(rt, viewer, htmlToPlain(request), ticket.code, reply);
    return runAction(deps, rt, viewer, t, ticket, request, reply);
  });

  web.get<{ Params: { id: string } }>('/tep/:id/*', async (req, reply) => {
    const s = await signedIn(deps, req, reply);
    if (!s) return reply;
    const { rt, viewer, t } = s;
    const db = rt.prisma;
    const id = z.string().uuid().safeParse(req.params.id);
    const file = id.success ? await db.attachment.findUnique({ where: { id: id.data }, include: { storedFile: true, event: { select: { kind: true } } } }) : null;
    if (!file?.storedFile) return notFound(reply, t, viewer);
    const ticket = await db.ticket.findFirst({ where: { AND: [{ id: file.ticketId }, ticketScope(viewer)] }, select: { code: true } });
    if (!ticket || (file.event?.kind === 'note' && !viewer.internal) || !(await visibleTicket(deps, db, viewer, ticket.code))) return notFound(reply, t, viewer);
    const stored = file.storedFile;
    // Only kinds a browser shows safely are shown in place; anything else is a download.
    const inline = ['application/pdf', 'image/jpeg', 'image/png', 'image/gif', 'image/webp'].includes(stored.mimeType);
    return reply
      .header('content-type', inline ? stored.mimeType : 'application/octet-stream')
      .header('content-length', stored.size)
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(stored.fileName)}`)
      .send(Buffer.from(stored.data));
  });
}

