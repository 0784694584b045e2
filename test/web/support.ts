import type { BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { eventually } from '../support/test-app.js';

/** The PUBLIC_URL test apps are given; links are rewritten to the app's real address. */
export const TEST_PUBLIC_URL = 'https://desk.thaogo.test';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/**
 * A tiny browser over fetch: keeps cookies (name → value) and never follows redirects, so a test
 * sees every step of a sign-in or a form post.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  /** Set-Cookie headers as received, for checking their attributes. */
  readonly setCookies: string[] = [];

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async send(path: string, init: RequestInit): Promise<HttpResult> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const res = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = (res.headers.get('content-type') ?? '').startsWith('text/') ? await res.text() : '';
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path: string): Promise<HttpResult> {
    return this.send(path, { method: 'GET' });
  }

  async getBytes(path: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const headers = new Headers();
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const res = await fetch(new URL(path, this.base), { headers, redirect: 'manual' });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.send(path, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  postMultipart(path: string, form: FormData): Promise<HttpResult> {
    return this.send(path, { method: 'POST', body: form });
  }
}

/** The value of the first hidden input called `name` in a page. */
export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no field ${name} in page: ${html.slice(0, 500)}`);
  return m[1]!.replace(/&amp;/g, '&');
}

/** The sign-in link the bot sent into a private chat (newest first), rewritten to the app's address. */
export async function waitForSignInLink(emu: BotApiEmulator, privateChatId: number, appBase: string, after = 0): Promise<string> {
  const msg = await eventually(async () => emu.botMessages(privateChatId).slice(after).find((m) => (m.text ?? '').includes('/app/dangnhap?t=')), 'sign-in link in the private chat');
  const url = /(https?:\/\/\S+\/app\/dangnhap\?t=[A-Za-z0-9_-]+)/.exec(msg.text ?? '')![1]!;
  return url.replace(TEST_PUBLIC_URL, appBase);
}

/** Opens a sign-in link and presses "Đăng nhập"; returns the POST's answer. */
export async function signInWith(client: WebClient, link: string): Promise<HttpResult> {
  const url = new URL(link);
  const page = await client.get(url.pathname + url.search);
  if (page.status !== 200) return page;
  return client.post('/app/dangnhap', { _csrf: hiddenField(page.text, '_csrf'), t: hiddenField(page.text, 't') });
}

/**
 * `/web` from a chat, the link from the private chat, and the sign-in: a client with a session
 * carrying that chat's role. The person must have a private chat with the bot already.
 */
export async function signInFrom(emu: BotApiEmulator, appBase: string, chatId: number, userId: number): Promise<WebClient> {
  const before = emu.botMessages(userId).length;
  await emu.sendUserMessage({ chatId, userId, text: '/web' });
  const link = await waitForSignInLink(emu, userId, appBase, before);
  const client = new WebClient(appBase);
  const done = await signInWith(client, link);
  if (done.status !== 303) throw new Error(`sign-in failed: ${done.status} ${done.text.slice(0, 300)}`);
  return client;
}

/** A small but real PDF (one page, "Cong van"), as a department would attach. */
export function samplePdf(): Buffer {
  const body = [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj',
    '4 0 obj << /Length 44 >> stream',
    'BT /F1 18 Tf 40 70 Td (Cong van so 12) Tj ET',
    'endstream endobj',
    '5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
  ].join('\n');
  return Buffer.from(body, 'latin1');
}
