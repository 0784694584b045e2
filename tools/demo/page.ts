/**
 * Serves the demo's chat page from the emulator's own HTTP server (its `extraHandler`), so the
 * page and the control API share one origin and the page needs no CORS and no build step.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoChat, DemoPersona } from './scene.js';

/** What the page learns about the scene at `GET /demo/scene.json`. */
export interface DemoSceneInfo {
  bot: { id: number; first_name: string; username?: string };
  /** 'demo': every minute is working time and waits are minutes; 'real': the shipped calendar. */
  calendar: 'demo' | 'real';
  ticketPrefix: string;
  /** The bot's time zone (APP_TIMEZONE): the page shows message times in it. */
  timezone: string;
  personas: DemoPersona[];
  chats: DemoChat[];
}

export const PAGE_FILE = new URL('./page.html', import.meta.url);

/**
 * The page's Content-Security-Policy: only this origin, and only the page's own inline blocks
 * (by hash), so nothing a message contains can load or run anything.
 */
export function contentSecurityPolicy(html: string): string {
  const hashes = (tag: 'script' | 'style') =>
    [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))]
      .map((m) => `'sha256-${createHash('sha256').update(m[1] ?? '', 'utf8').digest('base64')}'`)
      .join(' ');
  return [
    "default-src 'none'",
    `script-src ${hashes('script')}`,
    `style-src ${hashes('style')}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The page with LF line ends: browsers hash inline blocks after the HTML parser turned CRLF into
 * LF, so a CRLF checkout would otherwise fail its own CSP hashes.
 */
export function loadPage(): string {
  return readFileSync(PAGE_FILE, 'utf8').replace(/\r\n?/g, '\n');
}

/** The extraHandler: `/` (the page), `/demo/scene.json`; anything else falls through. */
export function createPageHandler(scene: () => DemoSceneInfo): (req: IncomingMessage, res: ServerResponse) => boolean {
  const html = loadPage();
  const csp = contentSecurityPolicy(html);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://demo.invalid').pathname;
    if (path === '/' || path === '/index.html') {
      const body = Buffer.from(html, 'utf8');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': body.length,
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    if (path === '/demo/scene.json') {
      const body = Buffer.from(JSON.stringify(scene()), 'utf8');
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204, { 'cache-control': 'max-age=86400' });
      res.end();
      return true;
    }
    return false;
  };
}
