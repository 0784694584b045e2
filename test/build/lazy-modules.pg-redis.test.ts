import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { REDIS_TEST_URL } from '../support/pg.js';
import { freePort } from '../support/ports.js';
import { ADMIN_ID, deleteRedisPrefix, eventually, TEST_TOKEN } from '../support/test-app.js';
import { emptyDatabase, ensureBuild, HEAVY, startNode, type RunningProcess } from './support.js';

// Issue 12: the bot at rest carries neither the chart renderer (vega, resvg), nor Excel, nor the
// embedded database when DATABASE_URL is set, nor the schema engine that applied the migrations
// (it runs in a short-lived process of its own). Each test boots the real entry point on an
// EMPTY database, so the migrations really run, and reads which modules the app process loaded.

describe('what the running bot has loaded (real process, real PostgreSQL, Redis and Bot API emulator)', { timeout: 240_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  beforeAll(() => ensureBuild(), 240_000);

  async function world(): Promise<{ emu: BotApiEmulator; env: Record<string, string>; port: number }> {
    const emu = await startBotApiEmulator();
    cleanups.push(() => emu.close());
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    const prefix = `k${randomBytes(4).toString('hex')}`;
    cleanups.push(() => deleteRedisPrefix(prefix));
    const port = await freePort();
    const env = {
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: emu.apiRoot,
      ADMIN_TELEGRAM_IDS: String(ADMIN_ID),
      REDIS_URL: REDIS_TEST_URL,
      QUEUE_PREFIX: prefix,
      PORT: String(port),
      SEND_CHAT_INTERVAL_MS: '20',
      SEND_GROUP_PER_MINUTE: '3000',
    };
    return { emu, env, port };
  }

  function start(opts: Parameters<typeof startNode>[0]): RunningProcess {
    const app = startNode(opts);
    cleanups.push(() => app.stop());
    return app;
  }

  /** A commune links its group and reports; the receipt carries the ticket code. */
  async function fileReport(emu: BotApiEmulator): Promise<string> {
    const commune = await emu.createChat({ type: 'group', title: 'UBND phường Phố Hiến' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/lienket xa 11953' });
    await emu.sendUserMessage({ chatId: commune.id, userId: ADMIN_ID, text: '/baocao Đường liên xã bị sạt lở, đề nghị sửa chữa' });
    const receipt = await emu.waitForBotMessage(commune.id, /HY-\d{4}/, 30_000);
    return /HY-\d{4}/.exec(receipt.text ?? '')![0];
  }

  function expectLean(app: RunningProcess, allowed: readonly string[] = []): void {
    const packages = app.loadedPackages();
    // The recorder saw the app's own dependencies: an empty list would prove nothing.
    expect(packages).toContain('grammy');
    expect(packages).toContain('bullmq');
    expect(packages).toContain('@prisma/client');
    const heavy = HEAVY.filter((p) => !allowed.includes(p) && packages.has(p));
    expect(heavy, `loaded by the app process: ${heavy.join(', ')}`).toEqual([]);
  }

  it('src/main.ts under tsx with DATABASE_URL: migrated by a child process, and no vega, resvg, exceljs, PGlite or schema engine in the app', async () => {
    const { emu, env, port } = await world();
    const db = await emptyDatabase();
    cleanups.push(() => db.drop());

    const app = start({ entry: 'src/main.ts', tsx: true, env: { ...env, DATABASE_URL: db.url } });
    const applied = await app.waitForLog('migrations applied');
    expect((applied.applied as string[]).length).toBeGreaterThan(0);
    await app.waitForLog('app started');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    // The importers of the heavy modules are loaded; the heavy modules themselves are not.
    expect(app.loadedModules().some((u) => u.endsWith('/src/core/reports.ts'))).toBe(true);
    expect(app.loadedModules().some((u) => u.endsWith('/src/core/features/leaders.ts'))).toBe(true);
    expectLean(app);
    console.info(`[build] tsx app process: ${app.loadedModules().length} modules from ${app.loadedPackages().size} packages, none of ${HEAVY.join(', ')}`);
  });

  it('the compiled build (node dist/src/main.js) with DATABASE_URL: boots on an empty database, files a report, and stays lean', async () => {
    const { emu, env, port } = await world();
    const db = await emptyDatabase();
    cleanups.push(() => db.drop());

    const app = start({ entry: 'dist/src/main.js', env: { ...env, DATABASE_URL: db.url } });
    await app.waitForLog('migrations applied');
    await app.waitForLog('app started');
    expect(app.loadedModules().every((u) => !u.endsWith('.ts'))).toBe(true);
    expect(app.loadedModules().some((u) => u.includes('/dist/src/app.js'))).toBe(true);
    // The receipt is Fluent text, the commune comes from the seeded communes, the category from the
    // classifier model: every asset the build copies next to the code.
    const code = await fileReport(emu);
    expect(code).toMatch(/^HY-\d{4}$/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expectLean(app);
    console.info(`[build] compiled app process: ${app.loadedModules().length} modules; report filed as ${code}`);
  });

  it('the compiled build with the embedded database: the child migrates before the app opens PGlite; the app has PGlite but no schema engine, charts or Excel', async () => {
    const { emu, env, port } = await world();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'thaogo-embedded-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

    const app = start({ entry: 'dist/src/main.js', env: { ...env, DATA_DIR: dataDir } });
    // Readiness probes from the start: none may open the database files before the child is done.
    const probing = (async () => {
      while (app.proc.exitCode === null && !app.logs.some((l) => l.msg === 'app started')) {
        await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await app.waitForLog('migrations applied', 120_000);
    await app.waitForLog('app started', 60_000);
    await probing;
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, '/readyz 200', 20_000);
    const code = await fileReport(emu);
    expect(code).toMatch(/^HY-\d{4}$/);
    expectLean(app, ['@electric-sql/pglite', 'pglite-prisma-adapter']);
    expect(app.loadedPackages()).toContain('@electric-sql/pglite');
  });
});
