import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrl, dropDatabase, withAdminClient } from '../support/pg.js';
import { eventually } from '../support/test-app.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RECORDER = fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url));

/** Packages that must load only when their feature is used (issue 12): charts, Excel, the embedded database, migrations. */
export const HEAVY = ['vega', 'vega-lite', '@resvg/resvg-js', 'exceljs', '@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/schema-engine-wasm'] as const;

/** An empty database (no migrations), dropped by the run's global teardown if a test does not. */
export async function emptyDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `thaogo_k_${process.env.THAOGO_TEST_RUN}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () =>
      withAdminClient((c) => dropDatabase(c, name)),
  };
}

/** The package a module URL belongs to (`@scope/name` or `name`), or null for the project's own files. */
export function packageOf(url: string): string | null {
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return m ? m[1]! : null;
}

export interface RunningProcess {
  proc: ChildProcess;
  logs: Array<Record<string, unknown>>;
  /** Everything written to stderr (and stdout lines that are not JSON). */
  text(): string;
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** URLs of the modules this process (not its children) has loaded so far. */
  loadedModules(): string[];
  /** Packages among them. */
  loadedPackages(): Set<string>;
  stop(): Promise<void>;
}

/**
 * Node running `entry` (src/main.ts under tsx, or dist/src/main.js) in the repository, with a
 * loader hook recording every module it loads. Only the variables given reach it.
 */
export function startNode(opts: { entry: string; tsx?: boolean; env: Record<string, string> }): RunningProcess {
  const dir = mkdtempSync(path.join(tmpdir(), 'thaogo-loads-'));
  const record = path.join(dir, 'loads.txt');
  const args = [...(opts.tsx ? ['--import', 'tsx'] : []), '--import', RECORDER, opts.entry];
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'info', RECORD_LOADS_FILE: record, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let other = '';
  let buffered = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        other += `${line}\n`;
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    other = (other + chunk.toString('utf8')).slice(-8_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const text = () => `${logs.map((l) => JSON.stringify(l)).join('\n')}\n${other}`;
  const loadedModules = () => (existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : []);
  return {
    proc,
    logs,
    text,
    exited,
    loadedModules,
    loadedPackages: () => new Set(loadedModules().flatMap((u) => packageOf(u) ?? [])),
    waitForLog: (msg, timeoutMs = 60_000) =>
      eventually(
        async () => {
          if (proc.exitCode !== null) throw new Error(`the process exited (${proc.exitCode}) before "${String(msg)}":\n${text().slice(-3_000)}`);
          return logs.find((line) => (typeof msg === 'string' ? String(line.msg ?? '').includes(msg) : msg.test(String(line.msg ?? ''))));
        },
        `log "${String(msg)}"`,
        timeoutMs,
      ),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes sure dist/ is an up-to-date build (`npm test` builds before the suite, so this is then
 * instant; a file run alone builds once).
 */
export function ensureBuild(): void {
  const run = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run build failed:\n${run.stdout}${run.stderr}`);
}
