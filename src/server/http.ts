import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Db } from '../db/client.js';
import { describeFailure } from '../db/errors.js';
import type { FileLinks } from '../core/files.js';
import { storeOrMark, type Inbox } from '../ingress/inbox.js';
import type { Logger } from '../logger.js';
import type { PlatformPlugin } from '../platforms/plugin.js';
import type { Metrics } from './metrics.js';

const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Longest a webhook waits for the update to be stored. Past it the answer is 503 and the platform
 * sends the update again later; a store that still completes makes that resend a harmless duplicate.
 */
const ACCEPT_DEADLINE_MS = 4_500;

/** Compares secrets in constant time (hashing first makes the lengths equal). */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface HttpDeps {
  logger: Logger;
  metrics: Metrics;
  /** The platforms whose webhooks are mounted (those configured for webhook mode). */
  platforms: readonly PlatformPlugin[];
  /** The inbox of a platform; null while the app is still starting (webhooks answer 503 until then). */
  inbox: (platform: PlatformPlugin['platform']) => Inbox | null;
  ready: () => Promise<Record<string, boolean>>;
  isShuttingDown: () => boolean;
  /** Stored files by signed URL (for platforms that take files by URL only); null until the database is up. */
  files?: () => { links: FileLinks; prisma: Db } | null;
  /** Overrides ACCEPT_DEADLINE_MS. */
  acceptDeadlineMs?: number;
  /** More routes on the same server (the web desk). */
  extend?: (app: FastifyInstance) => Promise<void> | void;
}

class Deadline extends Error {}

/** Settles like `work`, or rejects with Deadline after `ms`; a late failure of `work` is dropped. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deadline(`not stored within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A JSON body that did not parse: the client's fault, answered 400. */
class MalformedBody extends Error {
  statusCode = 400;
}

/**
 * HTTP on Fastify: the webhooks of every configured platform (from one table), health, readiness,
 * metrics, stored files by signed URL, and whatever `extend` mounts (the web desk). A webhook only
 * validates, stores and enqueues, then answers: platforms resend anything that did not get a 2xx,
 * so a slow or failed store answers 5xx fast rather than hang.
 */
export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, trustProxy: true, return503OnClosing: false, forceCloseConnections: true });

  // Bodies are parsed here, never by a library that recurses: a deeply nested body is refused by
  // the platform's check (which never recurses either), not by a stack overflow.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/plain', '*'] as never, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new MalformedBody('malformed JSON'), undefined);
    }
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 413) deps.metrics.webhookRejected.inc({ reason: 'too_large' });
    else if (status === 400) deps.metrics.webhookRejected.inc({ reason: 'malformed' });
    if (status >= 500) deps.logger.error({ err: err.message, url: req.url }, 'http handler failed');
    void reply.code(status).send({ ok: false, error: status === 413 ? 'body too large' : status === 400 ? err.message || 'bad request' : status >= 500 ? 'internal error' : err.message });
  });
  app.setNotFoundHandler((_req, reply) => void reply.code(404).send({ ok: false, error: 'not found' }));

  app.get('/healthz', async (_req, reply) => reply.code(deps.isShuttingDown() ? 503 : 200).send({ status: deps.isShuttingDown() ? 'stopping' : 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const checks = await deps.ready();
    // `missing` names what to fix without reading the checks: ["redis"], ["postgres"], ["startup"].
    const missing = Object.keys(checks).filter((name) => !checks[name]);
    const ok = missing.length === 0 && !deps.isShuttingDown();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : deps.isShuttingDown() ? 'stopping' : 'not ready', missing, checks });
  });

  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));

  for (const plugin of deps.platforms) {
    const route = plugin.webhook;
    if (!route) continue;
    app.route({
      method: ['POST'],
      url: route.path,
      // The secret is checked before the body is read: a stranger's request costs nothing.
      onRequest: async (req, reply) => {
        const given = req.headers[route.secretHeader];
        if (!secretMatches(Array.isArray(given) ? given[0] : given, route.secret)) {
          deps.metrics.webhookRejected.inc({ reason: 'secret' });
          return reply.code(401).send({ ok: false, error: 'unauthorized' });
        }
      },
      handler: async (req, reply) => {
        // Checked before storing: what fails the check would fail the same way on every resend.
        const verdict = route.check(req.body);
        if (!verdict.ok) {
          if (verdict.ignored) return reply.code(200).send({ ok: true, result: 'ignored' });
          deps.metrics.webhookRejected.inc({ reason: 'invalid' });
          deps.logger.info({ platform: plugin.platform, updateId: verdict.updateId, reason: verdict.reason }, 'webhook update refused');
          return reply.code(400).send({ ok: false, error: verdict.updateId === null ? `not a ${plugin.platform} update: ${verdict.reason}` : `cannot be stored: ${verdict.reason}` });
        }
        const inbox = deps.inbox(plugin.platform);
        try {
          if (!inbox) throw new Error('still starting: waiting for PostgreSQL or Redis');
          const result = await withDeadline(storeOrMark(inbox, verdict), deps.acceptDeadlineMs ?? ACCEPT_DEADLINE_MS);
          if (result === 'unstorable') {
            deps.metrics.webhookRejected.inc({ reason: 'unstorable' });
            return reply.code(400).send({ ok: false, error: 'cannot be stored' });
          }
          deps.metrics.updatesReceived.inc({ platform: plugin.platform, result });
          return reply.code(200).send({ ok: true, result });
        } catch (err) {
          // Not stored because the store is unavailable or slow: 5xx, so the platform delivers it again later.
          deps.logger.warn({ err: describeFailure(err), platform: plugin.platform, updateId: verdict.updateId }, 'could not store update; answered 503');
          return reply.code(503).send({ ok: false, error: 'temporarily unavailable' });
        }
      },
    });
  }
  app.get<{ Params: { id: string; sig: string } }>('/files/:id/:sig/*', async (req, reply) => {
    const files = deps.files?.();
    if (!files || !files.links.verify(req.params.id, req.params.sig)) return reply.code(404).send({ ok: false, error: 'not found' });
    const file = await files.prisma.storedFile.findUnique({ where: { id: req.params.id } }).catch(() => null);
    if (!file) return reply.code(404).send({ ok: false, error: 'not found' });
    return reply
      .header('content-type', file.mimeType)
      .header('content-length', file.size)
      .header('cache-control', 'private, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .send(Buffer.from(file.data));
  });

  await deps.extend?.(app);
  return app;
}
