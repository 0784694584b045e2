/**
 * The demo's shortcut to the web desk: `GET /demo/web?persona=<id>&chat=<id>` on the demo page's
 * server mints the sign-in link /web would send that person from that chat and redirects the
 * browser to it, so each demo person opens the desk already signed in with the chat's role. It
 * exists only in the demo: the real bot hands links out in private chats alone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminDirectory, type App } from '../../src/app.js';
import { mintWebLoginToken, webRoleOf, webSignInUrl } from '../../src/core/features/web.js';
import { demoChats, demoPersonas } from './scene.js';

function answer(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
  return true;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** The emulator's extraHandler with /demo/web in front of `next` (the page's own handler). */
export function withWebSignIn(next: Handler, app: () => App | undefined): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    if (url.pathname !== '/demo/web' || req.method !== 'GET') return next(req, res);
    let running: App | undefined;
    try {
      running = app();
    } catch {
      // Asked before the demo has even started the app.
      running = undefined;
    }
    return open(running, url, res);
  };
}

async function open(app: App | undefined, url: URL, res: ServerResponse): Promise<boolean> {
  if (!app?.config.PUBLIC_URL) return answer(res, 503, 'Ứng dụng đang khởi động, thử lại sau ít giây. / The app is still starting.');
  const persona = demoPersonas().find((p) => String(p.id) === url.searchParams.get('persona'));
  const chat = demoChats().find((c) => String(c.id) === url.searchParams.get('chat'));
  if (!persona || !chat) return answer(res, 404, 'Không có người hoặc nhóm này trong bản demo. / No such demo person or chat.');
  const prisma = app.db.prisma;
  const chatRow = await prisma.chat.findUnique({ where: { platform_externalId: { platform: 'telegram', externalId: String(chat.id) } } });
  if (!chatRow) return answer(res, 409, 'Nhóm này chưa được liên kết; chờ bot khởi động xong. / This chat is not linked yet.');
  // The person may not have written anything yet: the bot would know them from their first message.
  const person = await prisma.person.upsert({
    where: { platform_externalUserId: { platform: 'telegram', externalUserId: String(persona.id) } },
    create: { platform: 'telegram', externalUserId: String(persona.id), displayName: persona.first_name, username: persona.username },
    update: {},
  });
  if (!webRoleOf(chatRow, person, adminDirectory(app.config).isAdmin('telegram', String(persona.id)))) {
    return answer(res, 409, `${persona.name} không có vai trò nào trong "${chat.title}". / No role in this chat.`);
  }
  const secret = await mintWebLoginToken(prisma, person, chatRow, app.clock());
  res.writeHead(303, { location: `${webSignInUrl(app.config.PUBLIC_URL, secret)}&tudong=1`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
  return true;
}
