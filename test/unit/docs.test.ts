import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/core/router.js';

// The project's documents stand alone: what the code cites is in the repository, and the contract
// names every variable, script and chat command the code has.

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const CONTRACT = 'docs/contract.md';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (name === 'node_modules' || name === 'generated') continue;
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...filesUnder(rel));
    else if (/\.(ts|mjs|js|ftl|yml|yaml)$/.test(name)) out.push(rel);
  }
  return out;
}

/** The rows of the markdown table under `## <heading>`, first cell of each. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`no section "${heading}" in ${CONTRACT}`);
  const end = text.indexOf('\n## ', start + 3);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('the interface contract (docs/contract.md)', () => {
  it('is in the repository, and every citation of it in code, scripts, tests and .env.example points there', () => {
    expect(existsSync(path.join(ROOT, CONTRACT))).toBe(true);
    const files = [...filesUnder('src'), ...filesUnder('scripts'), ...filesUnder('tools'), ...filesUnder('test'), '.env.example', 'Dockerfile', 'docker-compose.yml'];
    const wrong = files.filter((f) => existsSync(path.join(ROOT, f)) && /(?<!docs\/)contract\.md/.test(read(f)));
    expect(wrong).toEqual([]);
  });

  it('names every environment variable the configuration reads, and every one .env.example lists', () => {
    const env = section(read(CONTRACT), 'Environment');
    const configured = [...read('src/config.ts').matchAll(/^ {4}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);
    expect(configured.length).toBeGreaterThan(20);
    const example = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    const missing = [...new Set([...configured, ...example])].filter((name) => !env.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('lists only scripts package.json has, and the ones CI runs', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const commands = section(read(CONTRACT), 'Commands');
    const named = [...commands.matchAll(/`npm (?:run )?([\w:]+)/g)].map((m) => m[1]!).filter((n) => n !== 'ci');
    expect(named.filter((n) => !scripts.includes(n))).toEqual([]);
    for (const script of ['start', 'test', 'test:chaos', 'test:clocks', 'db:migrate', 'db:seed', 'classify', 'bench', 'export', 'demo']) expect(named).toContain(script);
  });

  it('documents every chat command the bot dispatches', () => {
    const chat = section(read(CONTRACT), 'Chat commands');
    const missing = Object.keys(COMMANDS).filter((word) => !chat.includes(`/${word}`));
    expect(missing).toEqual([]);
  });
});

describe('running the tests on another machine', () => {
  it('the README says how the tests log in to PostgreSQL and Redis, and how to change it', () => {
    const readme = read('README.md');
    for (const needed of ['TEST_PG_ADMIN_URL', 'TEST_REDIS_URL', 'TEST_CLOCK', 'postgres', 'without a password', 'npm run test:clocks']) expect(readme).toContain(needed);
  });

  it('.ci/run creates a role of its own where the default login is refused, and never edits pg_hba.conf', () => {
    const ci = read('.ci/run');
    const code = ci.split('\n').filter((l) => !l.trim().startsWith('#') && !/\blog "/.test(l)).join('\n');
    expect(code).not.toMatch(/pg_hba/);
    expect(code).toMatch(/CREATE ROLE thaogo_test WITH LOGIN CREATEDB PASSWORD/);
    expect(code).toMatch(/export TEST_PG_ADMIN_URL=/);
    expect(code).toMatch(/npm run test:clocks/);
  });
});
