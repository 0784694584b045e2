/**
 * Serves the demo's chat page from the emulator's own HTTP server (its `extraHandler`), so the
 * page and the control API share one origin and the page needs no CORS and no build step. The Zalo
 * emulator's control API and images are mounted on the same origin (`/__zalo/…`,
 * `/demo/zalo-file/<id>`): the page's CSP allows nothing else.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZaloEmulator } from '../zalo-emulator/index.js';
import type { DemoChat, DemoPersona, DemoZaloChat, DemoZaloPerson } from './scene.js';

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
  /** One official's Zalo private chat; absent when the demo runs without Zalo. */
  zalo?: { bot: { display_name: string }; chat: DemoZaloChat; official: DemoZaloPerson };
}

/** What the page handler needs of the Zalo emulator (same process, other port). */
export type DemoZaloBackend = Pick<ZaloEmulator, 'control' | 'file'>;

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

/** A Zalo emulator file for an <img>: images as themselves, anything else only as a download. */
function serveZaloFile(zalo: DemoZaloBackend, id: string, res: ServerResponse, head: boolean): void {
  const file = zalo.file(id);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(head ? undefined : 'not found');
    return;
  }
  const image = /^image\/(png|jpeg|gif|webp)$/i.test(file.mime);
  res.writeHead(200, {
    'content-type': image ? file.mime : 'application/octet-stream',
    'content-length': file.bytes.length,
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'max-age=3600',
    ...(image ? {} : { 'content-disposition': 'attachment' }),
  });
  res.end(head ? undefined : file.bytes);
}

/**
 * The extraHandler: `/` (the page), `/demo/scene.json`, and with `zalo` the Zalo emulator's
 * control API (`/__zalo/…`) and files (`/demo/zalo-file/<id>`); anything else falls through.
 */
export function createPageHandler(scene: () => DemoSceneInfo, zalo?: DemoZaloBackend): (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean> {
  const html = loadPage();
  const csp = contentSecurityPolicy(html);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const path = url.pathname;
    const zaloControl = zalo?.control;
    if (zaloControl && (path === '/__zalo' || path.startsWith('/__zalo/'))) return zaloControl(req, res, url).then(() => true);
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const zaloFile = /^\/demo\/zalo-file\/([A-Za-z0-9]{1,64})$/.exec(path);
    if (zalo && zaloFile) {
      serveZaloFile(zalo, zaloFile[1]!, res, req.method === 'HEAD');
      return true;
    }
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
