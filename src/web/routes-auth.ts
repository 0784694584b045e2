import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { newWebSecret } from '../core/features/web.js';
import { formatDateTime } from '../core/presentation/dates.js';
import type { WebDeps } from './context.js';
import { html } from './html.js';
import { isSecure, runtimeOr503, sendHtml, signedOut, translatorFor, VI, viewerOf } from './respond.js';
import {
  endSession,
  inspectLoginToken,
  loginBlockedUntil,
  loginCookieName,
  recordLoginFailure,
  sessionCookieName,
  signIn,
  SESSION_TTL_MS,
  tokensMatch,
  type SignInRefusal,
} from './session.js';
import { messagePage, page } from './views/layout.js';

const TokenQuery = z.object({ t: z.string().min(1).max(200).optional(), tudong: z.string().optional() });
const SignInBody = z.object({ t: z.string().min(1).max(200), _csrf: z.string().max(200) });
const SignOutBody = z.object({ _csrf: z.string().max(200) });

const REFUSAL_KEYS: Record<SignInRefusal, string> = {
  invalid: 'web-login-invalid',
  used: 'web-login-used',
  expired: 'web-login-expired',
  unlinked: 'web-login-unlinked',
};

/**
 * Sign-in and sign-out. Opening a link only shows who it signs in and a button: the link is used
 * by the POST, so a preview or a scanner that fetches the URL cannot spend it. The sign-in form is
 * guarded by a cookie it must repeat (no session exists yet to carry a CSRF token).
 */
export function registerAuthRoutes(web: FastifyInstance, deps: WebDeps): void {
  const secure = isSecure(deps);
  const cookieBase = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };

  const refused = async (reply: FastifyReply, reason: SignInRefusal, ip: string) => {
    const rt = deps.runtime();
    if (rt && reason !== 'unlinked') await recordLoginFailure(rt.prisma, ip, deps.clock());
    return sendHtml(reply, 400, messagePage(VI, { title: VI('web-login-failed-title'), message: VI(REFUSAL_KEYS[reason]) }));
  };

  const blocked = async (reply: FastifyReply, ip: string): Promise<boolean> => {
    const rt = deps.runtime();
    if (!rt) return false;
    const until = await loginBlockedUntil(rt.prisma, ip, deps.clock());
    if (!until) return false;
    sendHtml(reply, 429, messagePage(VI, { title: VI('web-login-failed-title'), message: VI('web-login-blocked', { at: formatDateTime(until, deps.settings.timezone) }) }));
    return true;
  };

  const rateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  web.get('/dangnhap', { config: rateLimit }, async (req, reply) => {
    const rt = runtimeOr503(deps, reply);
    if (!rt) return reply;
    const query = TokenQuery.safeParse(req.query);
    if (!query.success || !query.data.t) return sendHtml(reply, 400, messagePage(VI, { title: VI('web-login-title'), message: VI('web-login-no-token') }));
    if (await blocked(reply, req.ip)) return reply;
    const found = await inspectLoginToken(rt.prisma, query.data.t, deps.clock());
    if (!found.ok) return refused(reply, found.reason, req.ip);
    const guard = newWebSecret();
    void reply.setCookie(loginCookieName(secure), guard, { ...cookieBase, maxAge: 15 * 60 });
    const t = VI;
    const body = html`<div class="card center">
      <h1>${t('web-login-title')}</h1>
      <p>${t('web-login-confirm', { name: found.person.displayName })}</p>
      <form method="post" action="/app/dangnhap" ${query.data.tudong === '1' ? html`data-autosubmit` : ''}>
        <input type="hidden" name="_csrf" value="${guard}">
        <input type="hidden" name="t" value="${query.data.t}">
        <button type="submit">${t('web-login-button')}</button>
      </form>
      <p class="muted">${t('web-login-note', { hours: SESSION_TTL_MS / 3_600_000 })}</p>
    </div>`;
    return sendHtml(reply, 200, page(t, { title: t('web-login-title'), body }));
  });

  web.post('/dangnhap', { config: rateLimit }, async (req, reply) => {
    const rt = runtimeOr503(deps, reply);
    if (!rt) return reply;
    const body = SignInBody.safeParse(req.body);
    if (!body.success || !tokensMatch(body.data._csrf, req.cookies[loginCookieName(secure)] ?? '')) {
      return sendHtml(reply, 403, messagePage(VI, { title: VI('web-csrf-title'), message: VI('web-login-csrf') }));
    }
    if (await blocked(reply, req.ip)) return reply;
    const now = deps.clock();
    const result = await signIn(rt.prisma, body.data.t, now, deps.core.admins);
    if (!result.ok) return refused(reply, result.reason, req.ip);
    // A sign-in replaces whatever session this browser had.
    const previous = await viewerOf(deps, rt, req);
    if (previous) await endSession(rt.prisma, previous.sessionHash, now);
    void reply.clearCookie(loginCookieName(secure), cookieBase);
    void reply.setCookie(sessionCookieName(secure), result.cookie, { ...cookieBase, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
    deps.logger.info({ ip: req.ip }, 'web: signed in');
    return reply.redirect('/app/phieu', 303);
  });

  web.post('/dangxuat', async (req, reply) => {
    const rt = runtimeOr503(deps, reply);
    if (!rt) return reply;
    const viewer = await viewerOf(deps, rt, req);
    if (!viewer) return signedOut(reply);
    const body = SignOutBody.safeParse(req.body);
    const t = translatorFor(viewer);
    if (!body.success || !tokensMatch(body.data._csrf, viewer.csrfToken)) return sendHtml(reply, 403, messagePage(t, { title: t('web-csrf-title'), message: t('web-csrf'), viewer }));
    await endSession(rt.prisma, viewer.sessionHash, deps.clock());
    void reply.clearCookie(sessionCookieName(secure), cookieBase);
    return sendHtml(reply, 200, messagePage(t, { title: t('web-signed-out-done-title'), message: t('web-signed-out-done') }));
  });
}
