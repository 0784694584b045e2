import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance } from 'fastify';
import { CSS, CSS_PATH, JS, JS_PATH } from './assets.js';
import type { WebDeps } from './context.js';
import { securityHeaders, sendHtml, VI } from './respond.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerPublicPage, registerReportRoutes } from './routes-reports.js';
import { MAX_FILES_PER_ANSWER, registerTicketRoutes } from './routes-tickets.js';
import { messagePage } from './views/layout.js';

export type { WebDeps, WebRuntime } from './context.js';

/** The host of an Origin header ("null" and malformed ones have none). */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * The web desk and the public results page, on the bot's own HTTP server: server-rendered pages
 * under /app (sign-in from a /web link, the ticket list, a ticket, the overview and the export)
 * and /congkhai. Every query is scoped to the viewer's role on the server, and every action goes
 * through the same core as the chat commands.
 */
export async function registerWebDesk(app: FastifyInstance, deps: WebDeps): Promise<void> {
  // Whatever goes wrong in a page is answered as a page, in Vietnamese, never as a stack.
  const pageErrors = (scope: FastifyInstance) =>
    scope.setErrorHandler((err: FastifyError, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status >= 500) deps.logger.error({ err: err.message, url: req.url.split('?')[0] }, 'web: page failed');
      const key = status === 413 ? 'web-too-large' : status === 429 ? 'web-rate-limited' : status === 415 || status === 400 ? 'web-bad-form' : status >= 500 ? 'web-error' : 'web-bad-form';
      securityHeaders(reply);
      return sendHtml(reply, status, messagePage(VI, { title: VI('web-error-title'), message: VI(key, { mb: Math.floor(deps.config.FILE_MAX_BYTES / (1024 * 1024)) }) }));
    });

  await app.register(async (web) => {
    // The server parses only JSON for its webhooks; the desk's forms are URL-encoded or multipart.
    web.removeAllContentTypeParsers();
    await web.register(cookie);
    await web.register(formbody, { bodyLimit: 64 * 1024 });
    await web.register(multipart, { limits: { fileSize: deps.config.FILE_MAX_BYTES, files: MAX_FILES_PER_ANSWER, fields: 20, fieldSize: 64 * 1024, parts: 40 } });
    // A flood guard per address in each process; failed sign-ins are also counted in PostgreSQL (session.ts).
    await web.register(rateLimit, { max: 600, timeWindow: '1 minute' });
    web.addHook('onRequest', async (req, reply) => {
      securityHeaders(reply);
      void reply.header('cache-control', 'no-store');
      // A form posted from another site is refused before anything else (the CSRF token checks it
      // too). "null" says nothing about the sender (a privacy setting): the token alone decides then.
      if (req.method === 'POST') {
        const origin = req.headers.origin;
        if (origin && origin !== 'null' && hostOf(origin) !== req.headers.host) {
          return sendHtml(reply, 403, messagePage(VI, { title: VI('web-csrf-title'), message: VI('web-csrf') }));
        }
      }
    });
    pageErrors(web);
    web.setNotFoundHandler((_req, reply) => sendHtml(reply, 404, messagePage(VI, { title: VI('web-not-found-title'), message: VI('web-page-not-found'), link: { href: '/app/phieu', label: VI('web-back-to-list') } })));

    web.get(CSS_PATH.slice('/app'.length), async (_req, reply) => reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/css; charset=utf-8').send(CSS));
    web.get(JS_PATH.slice('/app'.length), async (_req, reply) => reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/javascript; charset=utf-8').send(JS));

    registerAuthRoutes(web, deps);
    registerTicketRoutes(web, deps);
    registerReportRoutes(web, deps);
  }, { prefix: '/app' });

  await app.register(async (pub) => {
    await pub.register(rateLimit, { max: 600, timeWindow: '1 minute' });
    pub.addHook('onRequest', async (_req, reply) => securityHeaders(reply));
    pageErrors(pub);
    registerPublicPage(pub, deps);
  });
}
