import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../tools/demo/demo.js';
import { loadPage } from '../../tools/demo/page.js';
import { CHATS, PERSONAS } from '../../tools/demo/scene.js';
import { createLogger } from '../../src/logger.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { deleteRedisPrefix } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { hiddenField, WebClient } from './support.js';

/** The demo page opens the web desk as each demo person, signed in with the role of the chat. */
describe('demo: open the web desk as a demo person', () => {
  let db: TestDatabase;
  let dataDir: string;
  const queuePrefix = `tdemoweb${randomBytes(4).toString('hex')}`;
  let demo: RunningDemo | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'thaogo-demo-web-'));
    demo = await startDemo({ port: 0, appPort: 0, dataDir, queuePrefix, env: { DATABASE_URL: db.url, REDIS_URL: REDIS_TEST_URL }, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  }, 120_000);
  afterAll(async () => {
    await demo?.stop();
    await deleteRedisPrefix(queuePrefix);
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every chat pane of the page has the link', () => {
    expect(loadPage()).toContain("'/demo/web?persona=' + S.persona[chat.id] + '&chat=' + chat.id");
  });

  it.each([
    ['the official in the commune group', PERSONAS.official.id, CHATS.commune.id, 'commune'],
    ['the supporter in the support group', PERSONAS.supporter.id, CHATS.support.id, 'support'],
    ['the department contact in its group', PERSONAS.deptContact.id, CHATS.department.id, 'department'],
    ['the leader in the leaders group', PERSONAS.leader.id, CHATS.leaders.id, 'leaders'],
    ['the admin in a private chat', PERSONAS.admin.id, CHATS.adminPrivate.id, 'admin'],
  ])('%s lands on the web desk signed in, with the chat role', async (_who, persona, chat, role) => {
    const res = await fetch(`${demo!.url}demo/web?persona=${persona}&chat=${chat}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const link = new URL(res.headers.get('location')!);
    expect(link.origin).toBe(`http://127.0.0.1:${demo!.appPort}`);
    expect(link.searchParams.get('tudong')).toBe('1');
    // The page sends itself (data-autosubmit); a test client presses the button instead.
    const client = new WebClient(link.origin);
    const page = await client.get(link.pathname + link.search);
    expect(page.text).toContain('data-autosubmit');
    const done = await client.post('/app/dangnhap', { _csrf: hiddenField(page.text, '_csrf'), t: hiddenField(page.text, 't') });
    expect(done.status).toBe(303);
    expect((await client.get('/app/phieu')).status).toBe(200);
    const session = await demo!.app.db.prisma.webSession.findFirstOrThrow({ where: { person: { externalUserId: String(persona) } }, orderBy: { createdAt: 'desc' } });
    expect(session.role).toBe(role);
  });

  it('a person with no role in the chat is not signed in', async () => {
    const res = await fetch(`${demo!.url}demo/web?persona=${PERSONAS.official.id}&chat=${CHATS.adminPrivate.id}`, { redirect: 'manual' });
    expect(res.status).toBe(409);
  });
});
