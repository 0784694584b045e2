import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './support.js';

// scripts/run.mjs behind `npm run db:migrate`, `db:seed`, `export`, `classify`, `corpus:export`:
// the compiled script when the build is up to date, the source under tsx when the sources changed
// and tsx is there (a development checkout), the build when tsx is not (a production install, the
// Docker image). Checked in a copy of the launcher with a script of each kind that says which ran.

describe('npm run <production script> picks the compiled build or the source', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const HOUR = 3600;
  function project(opts: { tsx: boolean; build: 'fresh' | 'stale' | 'none' }): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'thaogo-run-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'scripts'));
    mkdirSync(path.join(dir, 'src'));
    cpSync(path.join(repoRoot, 'scripts/run.mjs'), path.join(dir, 'scripts/run.mjs'));
    cpSync(path.join(repoRoot, 'scripts/build.mjs'), path.join(dir, 'scripts/build.mjs'));
    const say = (what: string) => `console.log(JSON.stringify({ ran: '${what}', args: process.argv.slice(2) }));\n`;
    writeFileSync(path.join(dir, 'scripts/hello.ts'), `const kind: string = 'source';\n${say('source')}`);
    writeFileSync(path.join(dir, 'src/main.ts'), 'export {};\n');
    writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
    if (opts.tsx) {
      mkdirSync(path.join(dir, 'node_modules'));
      symlinkSync(path.join(repoRoot, 'node_modules/tsx'), path.join(dir, 'node_modules/tsx'));
    }
    const now = Date.now() / 1000;
    for (const f of ['package.json', 'scripts/run.mjs', 'scripts/build.mjs', 'scripts/hello.ts', 'src/main.ts']) utimesSync(path.join(dir, f), now - 2 * HOUR, now - 2 * HOUR);
    if (opts.build !== 'none') {
      mkdirSync(path.join(dir, 'dist/scripts'), { recursive: true });
      writeFileSync(path.join(dir, 'dist/scripts/hello.js'), say('compiled'));
      writeFileSync(path.join(dir, 'dist/BUILD_STAMP'), 'x\n');
      const built = opts.build === 'fresh' ? now - HOUR : now - 3 * HOUR;
      utimesSync(path.join(dir, 'dist/BUILD_STAMP'), built, built);
    }
    return dir;
  }

  function run(dir: string, ...args: string[]): { status: number | null; out: { ran: string; args: string[] } | null; stderr: string } {
    const r = spawnSync(process.execPath, ['scripts/run.mjs', 'hello', ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    const line = r.stdout.trim().split('\n').at(-1);
    return { status: r.status, out: line ? (JSON.parse(line) as { ran: string; args: string[] }) : null, stderr: r.stderr };
  }

  it('runs the compiled script when the build is newer than the sources, with the arguments after the name', () => {
    const r = run(project({ tsx: true, build: 'fresh' }), '--out', 'x.xlsx');
    expect(r.out).toEqual({ ran: 'compiled', args: ['--out', 'x.xlsx'] });
    expect(r.status).toBe(0);
  });

  it('runs the source under tsx when a source changed since the build', () => {
    expect(run(project({ tsx: true, build: 'stale' }), '--out', 'y').out).toEqual({ ran: 'source', args: ['--out', 'y'] });
    expect(run(project({ tsx: true, build: 'none' })).out?.ran).toBe('source');
  });

  it('runs the build it has where tsx is not installed (a production install, the image)', () => {
    const r = run(project({ tsx: false, build: 'stale' }));
    expect(r.out?.ran).toBe('compiled');
    expect(r.stderr).toBe('');
  });

  it('says what to do when there is neither a build nor tsx, and an unknown name is refused', () => {
    const dir = project({ tsx: false, build: 'none' });
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no build at dist/scripts/hello.js and no tsx to run the source; run `npm ci && npm run build` first');
    const unknown = spawnSync(process.execPath, ['scripts/run.mjs', 'nope'], { cwd: dir, encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no script named nope/);
  });
});
