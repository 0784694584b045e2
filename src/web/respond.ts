import type { FastifyReply, FastifyRequest } from 'fastify';
import { createTranslator, isLocale, type Translate } from '../i18n/index.js';
import type { WebDeps, WebRuntime } from './context.js';
import { messagePage } from './views/layout.js';
import { loadViewer, sessionCookieName, type Viewer } from './session.js';

/**
 * What every web desk response shares: HTML in UTF-8, a Content-Security-Policy that allows only
 * the desk's own stylesheet and script (and the charts' data: images), a referrer for this site
 * only (a sign-in link must not travel to another site; forms keep their Origin header), and no
 * caching of signed-in pages.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(reply: FastifyReply): void {
  void reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** Whether the desk is served over HTTPS (cookies get Secure and the __Host- prefix). */
export function isSecure(deps: Pick<WebDeps, 'config'>): boolean {
  return deps.config.PUBLIC_URL?.startsWith('https://') ?? false;
}

export function translatorFor(v: Viewer | null): Translate {
  return createTranslator(v && isLocale(v.chat.locale) ? v.chat.locale : 'vi');
}

export const VI = createTranslator('vi');

/** The runtime, or a 503 page while the app still waits for PostgreSQL or Redis. */
export function runtimeOr503(deps: WebDeps, reply: FastifyReply): WebRuntime | null {
  const rt = deps.runtime();
  if (!rt) {
    void reply.header('retry-after', '10');
    sendHtml(reply, 503, messagePage(VI, { title: VI('web-starting-title'), message: VI('web-starting') }));
  }
  return rt;
}

/** The signed-in viewer of a request, or null. */
export function viewerOf(deps: WebDeps, rt: WebRuntime, req: FastifyRequest): Promise<Viewer | null> {
  return loadViewer(rt.prisma, req.cookies[sessionCookieName(isSecure(deps))], deps.clock(), deps.core.admins);
}

/** The page for a request without a (valid) session: how to get a sign-in link. */
export function signedOut(reply: FastifyReply): FastifyReply {
  return sendHtml(reply, 401, messagePage(VI, { title: VI('web-signed-out-title'), message: VI('web-signed-out') }));
}

/**
 * The one answer for a ticket that does not exist and for one outside the viewer's scope, so no
 * URL tells a commune which tickets another commune has.
 */
export function notFound(reply: FastifyReply, t: Translate, viewer: Viewer | null): FastifyReply {
  return sendHtml(reply, 404, messagePage(t, { title: t('web-not-found-title'), message: t('web-not-found'), viewer, link: viewer ? { href: '/app/phieu', label: t('web-back-to-list') } : undefined }));
}
