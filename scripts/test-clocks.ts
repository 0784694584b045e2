/**
 * `npm run test:clocks`: the tests that build an app (integration and end to end) once per business
 * clock — a Sunday, a public holiday and a working day — so that no test can depend on the date
 * it runs on. Each run sets TEST_CLOCK (test/support/clock.ts); `npm test` itself runs on the
 * default working-day morning. Extra arguments go to vitest (e.g. a single file); TEST_CLOCKS
 * picks some of the clocks by id.
 *
 * Prints one line per clock and exits non-zero if any run failed.
 */
import { spawnSync } from 'node:child_process';

const CLOCKS = [
  { id: 'weekend', name: 'weekend (Sunday 29/11/2026)', at: '2026-11-29T09:00:00+07:00' },
  { id: 'holiday', name: 'holiday (Quốc khánh 2/9/2026, a Wednesday)', at: '2026-09-02T09:00:00+07:00' },
  { id: 'workday', name: 'workday (Monday 30/11/2026, afternoon)', at: '2026-11-30T14:00:00+07:00' },
];

/**
 * Files under those folders whose outcome no business clock can change: the real process and the
 * export CLI run on the machine's clock by design; migrations, numbering and pacing have no date.
 */
const UNAFFECTED = ['test/integration/boot.pg-redis.test.ts', 'test/integration/export-cli.pg.test.ts', 'test/integration/database.pg.test.ts', 'test/integration/pacer.redis.test.ts'];

const args = process.argv.slice(2);
const targets = args.length > 0 ? args : ['test/integration', 'test/e2e', ...UNAFFECTED.flatMap((f) => ['--exclude', f])];
const results: { name: string; at: string; ok: boolean; seconds: number }[] = [];

// TEST_CLOCKS=weekend,holiday runs some of them (CI runs the whole suite on the workday clock first).
const only = process.env.TEST_CLOCKS?.split(',').map((x) => x.trim()).filter(Boolean);
const unknown = only?.filter((id) => !CLOCKS.some((c) => c.id === id)) ?? [];
if (unknown.length) {
  console.error(`TEST_CLOCKS: unknown ${unknown.join(', ')} (known: ${CLOCKS.map((c) => c.id).join(', ')})`);
  process.exit(2);
}

for (const clock of CLOCKS.filter((c) => !only?.length || only.includes(c.id))) {
  console.log(`\n[test:clocks] TEST_CLOCK=${clock.at} — ${clock.name}`);
  const started = Date.now();
  const run = spawnSync('npx', ['vitest', 'run', ...targets], { stdio: 'inherit', env: { ...process.env, TEST_CLOCK: clock.at } });
  results.push({ ...clock, ok: run.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log('\n[test:clocks] summary');
for (const r of results) console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.at}  ${r.name}  (${r.seconds} s)`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
