import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { describeFailure } from '../db/errors.js';
import type { Logger } from '../logger.js';
import { storeOrMark, type Inbox } from '../ingress/inbox.js';
import { checkTelegramUpdate } from '../ingress/telegram-update.js';
import type { Metrics } from './metrics.js';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_DRAIN_BYTES = 8 * MAX_BODY_BYTES;
/**
 * Longest a webhook waits for the update to be stored. Past it the answer is 503 and Telegram sends
 * the update again later; a store that still completes makes that resend a harmless duplicate.
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
  /** `inbox` is null while the app is still starting (the webhook answers 503 until then). */
  telegram?: { secret: string; inbox: () => Inbox | null } | undefined;
  ready: () => Promise<Record<string, boolean>>;
  isShuttingDown: () => boolean;
  /** Overrides ACCEPT_DEADLINE_MS. */
  acceptDeadlineMs?: number;
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

class BodyTooLarge extends Error {}

/**
 * Reads the body, refusing more than MAX_BODY_BYTES. An oversized body is still read to its end (up
 * to a bound) so the client hears the 413 instead of a connection reset in mid-upload.
 */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DRAIN_BYTES) throw new BodyTooLarge();
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * HTTP: webhooks, health and metrics. The webhook only validates, stores and enqueues, then
 * answers: Telegram resends anything that did not get a 2xx, so a slow or failed store must
 * answer 5xx fast rather than hang.
 */
export function createHttpServer(deps: HttpDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((err: Error) => {
      deps.logger.error({ err: err.message, url: req.url }, 'http handler failed');
      if (!res.headersSent) send(res, 500, { ok: false, error: 'internal error' });
      else res.end();
    });
  });
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/healthz') {
    send(res, deps.isShuttingDown() ? 503 : 200, { status: deps.isShuttingDown() ? 'stopping' : 'ok' });
    return;
  }
  if (req.method === 'GET' && url.pathname === '/readyz') {
    const checks = await deps.ready();
    // `missing` names what to fix without reading the checks: ["redis"], ["postgres"], ["startup"].
    const missing = Object.keys(checks).filter((name) => !checks[name]);
    const ok = missing.length === 0 && !deps.isShuttingDown();
    send(res, ok ? 200 : 503, { status: ok ? 'ready' : deps.isShuttingDown() ? 'stopping' : 'not ready', missing, checks });
    return;
  }
  if (req.method === 'GET' && url.pathname === '/metrics') {
    send(res, 200, await deps.metrics.registry.metrics(), deps.metrics.registry.contentType);
    return;
  }
  if (url.pathname === '/webhook/telegram') {
    await telegramWebhook(deps, req, res);
    return;
  }
  send(res, 404, { ok: false, error: 'not found' });
}

async function telegramWebhook(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const tg = deps.telegram;
  if (!tg) return send(res, 404, { ok: false, error: 'telegram webhook is not enabled' });
  if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'method not allowed' });
  const given = req.headers['x-telegram-bot-api-secret-token'];
  if (!secretMatches(Array.isArray(given) ? given[0] : given, tg.secret)) {
    deps.metrics.webhookRejected.inc({ reason: 'secret' });
    req.resume();
    return send(res, 401, { ok: false, error: 'unauthorized' });
  }
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) {
      deps.metrics.webhookRejected.inc({ reason: 'too_large' });
      return send(res, 413, { ok: false, error: 'body too large' });
    }
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    deps.metrics.webhookRejected.inc({ reason: 'malformed' });
    return send(res, 400, { ok: false, error: 'malformed JSON' });
  }
  // Checked before storing: what fails the check would fail the same way on every resend.
  const verdict = checkTelegramUpdate(json);
  if (!verdict.ok) {
    deps.metrics.webhookRejected.inc({ reason: 'invalid' });
    deps.logger.info({ updateId: verdict.updateId, reason: verdict.reason }, 'webhook update refused');
    return send(res, 400, { ok: false, error: verdict.updateId === null ? 'not a Telegram update' : `cannot be stored: ${verdict.reason}` });
  }
  const inbox = tg.inbox();
  try {
    if (!inbox) throw new Error('still starting: waiting for PostgreSQL or Redis');
    const result = await withDeadline(storeOrMark(inbox, verdict), deps.acceptDeadlineMs ?? ACCEPT_DEADLINE_MS);
    if (result === 'unstorable') {
      deps.metrics.webhookRejected.inc({ reason: 'unstorable' });
      return send(res, 400, { ok: false, error: 'cannot be stored' });
    }
    deps.metrics.updatesReceived.inc({ platform: 'telegram', result });
    send(res, 200, { ok: true, result });
  } catch (err) {
    // Not stored because the store is unavailable or slow: 5xx, so Telegram delivers it again later.
    deps.logger.warn({ err: describeFailure(err), updateId: verdict.updateId }, 'could not store update; answered 503');
    send(res, 503, { ok: false, error: 'temporarily unavailable' });
  }
}
