/**
 * npm run bench — the bot under load and the speed of its hot paths, measured in one run on this
 * machine. Prints a table; the LAST line is one JSON object with every figure (docs/contract.md).
 *
 *   npm run bench                      quick mode (about 10 minutes)
 *   npm run bench -- --full            the long series (growth at 1M tickets, 200 reports/s, …)
 *   npm run bench -- --bot-dir ../wt --bot-command "npm start"   measure another checkout
 *   npm run bench -- --bot-env NODE_OPTIONS=--cpu-prof           extra environment for the bot
 *   npm run bench -- --phases ack,burst                          only some phases (link always runs)
 *   npm run bench -- --no-load                                   only the in-process micro benchmarks
 *   npm run bench -- --no-micro                                  only the load benchmark
 *   npm run bench -- --keep                                      keep the bots' logs and every recorded Bot API call
 *
 * The load part needs PostgreSQL (TEST_PG_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
 * and Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379); it creates and removes its own
 * database and keys. BENCHMARKS.md explains every figure.
 */
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../src/core/presentation/markup.js';
import { splitText } from '../src/core/presentation/split.js';
import { benchCalendar } from '../tools/bench/calendar.js';
import { benchClassifier } from '../tools/bench/classifier.js';
import { cleanupAll } from '../tools/bench/load/cleanup.js';
import { DEFAULT_PG_ADMIN_URL } from '../tools/bench/load/database.js';
import { machine, PHASES, runLoadBench, type Phase } from '../tools/bench/load/run.js';
import { benchReports } from '../tools/bench/reports.js';

/** The keys the last line always carries (null when a figure could not be measured). */
const REQUIRED = [
  'ack_p50_ms',
  'ack_p99_ms',
  'store_p99_ms',
  'burst_intake_per_s',
  'raw_bullmq_pg_per_s',
  'intake_vs_raw',
  'burst_lost',
  'burst_dup',
  'cpu_ms_per_report',
  'pg_commits_per_report',
  'pg_tuples_fetched_per_report',
  'outbound_limit_violations',
  'support_messages_in_burst',
  'support_view_complete_s',
  'rss_idle_mb',
  'rss_after_burst_mb',
  'rss_embedded_mb',
  'reminder_lateness_p99_ms',
  'digest_ms_1m',
  'classify_per_s',
  'growth',
] as const;

/** How the table shows a figure: unit, and the goal of issue 12 where it sets one. */
const SHOWN: Record<string, string> = {
  ack_p50_ms: 'ms, report → receipt at 10/s',
  ack_p99_ms: 'ms (goal ≤ 30)',
  store_p50_ms: 'ms, report → ticket committed at 50/s',
  store_p99_ms: 'ms (goal ≤ 50)',
  store_receipts_per_s: 'receipts/s reaching the Bot API at 50 reports/s',
  burst_intake_per_s: 'tickets/s, 2,000 reports from 200 new people',
  raw_bullmq_pg_per_s: 'jobs/s, BullMQ add + one INSERT, concurrency 8',
  intake_vs_raw: '× (goal ≥ 0.3)',
  burst_lost: 'reports without a ticket (goal 0)',
  burst_dup: 'reports with two tickets (goal 0)',
  burst_receipts_s: 's from the first POST to the last receipt',
  burst_receipts: 'burst receipts within 2 min of the last commit',
  cpu_ms_per_report: 'ms bot CPU per report (goal ≤ 3)',
  raw_cpu_ms_per_job: 'ms CPU per raw job',
  pg_commits_per_report: 'commits per report (goal ≤ 3)',
  pg_tuples_fetched_per_report: 'tuples fetched per report',
  outbound_limit_violations: 'messages over a limit, whole run (goal 0)',
  outbound_violations_global: '> 30 in a sliding second',
  outbound_violations_chat: '< 1 s apart in one chat',
  outbound_violations_group: '> 20 in a sliding minute to one group',
  outbound_max_in_any_second: 'most messages in any sliding second',
  support_messages_in_burst: 'support-group sends + edits, burst start → end + 2 min',
  support_view_complete_s: 's after the burst until every code was shown (goal ≤ 120)',
  support_view_coverage: 'share of the burst codes shown in the window',
  rss_idle_mb: 'MB (goal ≤ 150)',
  rss_after_burst_mb: 'MB (goal ≤ 250)',
  rss_embedded_mb: 'MB, PGlite, right after /readyz (goal ≤ 400)',
  reminder_lateness_p50_ms: 'ms, reminder due → listed to the department',
  reminder_lateness_p99_ms: 'ms',
  reminder_listed: 'of the 10,000 due tickets were listed at all',
  reminder_first_round_after_due_ms: 'ms, first department round after the first due time',
  reminder_first_send_wait_ms: 'ms its message waited in the outbox',
  digest_ms_1m: 'ms, digest + KPIs over 1,000,000 tickets',
  classify_per_s: 'classifications/s',
  boot_ready_s: 's from `npm start` to /readyz (migrations included)',
};

interface Args {
  full: boolean;
  load: boolean;
  micro: boolean;
  botDir: string;
  botCommand: string;
  botEnv: Record<string, string>;
  phases: Set<Phase> | null;
  slackMs: number;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    full: false,
    load: true,
    micro: true,
    botDir: fileURLToPath(new URL('..', import.meta.url)),
    botCommand: 'npm start',
    botEnv: {},
    phases: null,
    slackMs: 5,
    keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--full') args.full = true;
    else if (a === '--quick') args.full = false;
    else if (a === '--no-load') args.load = false;
    else if (a === '--no-micro') args.micro = false;
    else if (a === '--bot-dir') args.botDir = value();
    else if (a === '--bot-command') args.botCommand = value();
    else if (a === '--slack-ms') args.slackMs = Number(value());
    else if (a === '--keep') args.keep = true;
    else if (a === '--bot-env') {
      const [k, ...rest] = value().split('=');
      if (!k || rest.length === 0) throw new Error('--bot-env takes KEY=VALUE');
      args.botEnv[k] = rest.join('=');
    } else if (a === '--phases') {
      const list = value().split(',').map((p) => p.trim()).filter(Boolean);
      for (const p of list) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(', ')}`);
      args.phases = new Set(list as Phase[]);
    } else throw new Error(`unknown option ${a}`);
  }
  return args;
}

const splitHtml = (html: string, limit: number) => splitText(html, limit, 'html');

function benchSplit(): { splitsPerSecond: number } {
  const text = escapeHtml('Nội dung <dài> & có emoji 😀, chữ עברית. '.repeat(250));
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1000) {
    splitHtml(`<b>HY-0001</b>\n${text}`, 4096);
    n++;
  }
  return { splitsPerSecond: Math.round((n * 1000) / (performance.now() - started)) };
}

const log = (line: string) => console.error(line);
const args = parseArgs(process.argv.slice(2));
const startedAt = Date.now();
const figures: Record<string, unknown> = {};
const rows: [string, string, string][] = [];
const add = (name: string, value: number, unit: string) => {
  figures[name] = Math.round(value * 100) / 100;
  rows.push([name, value.toLocaleString('en-US', { maximumFractionDigits: 2 }), unit]);
};
let failed = false;

if (args.load) {
  log(`load benchmark (${args.full ? 'full' : 'quick'}): bot in ${args.botDir}, started with \`${args.botCommand}\``);
  try {
    const load = await runLoadBench({
      mode: args.full ? 'full' : 'quick',
      botDir: args.botDir,
      botCommand: args.botCommand,
      botEnv: args.botEnv,
      pgAdminUrl: process.env.TEST_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
      redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      slackMs: args.slackMs,
      keep: args.keep,
      only: args.phases,
      log,
    });
    Object.assign(figures, load);
    if (Array.isArray(load.errors) && load.errors.length > 0) failed = true;
  } catch (err) {
    failed = true;
    figures.errors = [`load: ${(err as Error).message}`];
    log(`load benchmark failed: ${(err as Error).stack ?? (err as Error).message}`);
  } finally {
    await cleanupAll(log);
  }
}

if (args.micro) {
  const cls = benchClassifier();
  add('classificationsPerSecond', cls.classificationsPerSecond, '/s (target ≥ 5000)');
  figures.classify_per_s = cls.classificationsPerSecond;
  add('classifierLoadMs', cls.loadMs, 'ms');
  const cal = benchCalendar();
  add('addWorkingPerSecond', cal.addWorkingPerSecond, '/s');
  add('workingMsBetweenPerSecond', cal.workingMsBetweenPerSecond, '/s');
  const rep = await benchReports();
  add('digestMsFor1000Tickets', rep.digestMsFor1000Tickets, 'ms');
  add('xlsxMsFor1000Tickets', rep.xlsxMsFor1000Tickets, 'ms');
  add('chartMs', rep.chartMs, 'ms');
  add('split10kCharsPerSecond', benchSplit().splitsPerSecond, '/s');
  add('heapUsedMb', process.memoryUsage().heapUsed / 1024 / 1024, 'MB');
  add('rssMb', process.memoryUsage().rss / 1024 / 1024, 'MB');
}

for (const key of REQUIRED) if (!(key in figures)) figures[key] = null;
figures.machine = machine();
figures.mode = args.full ? 'full' : 'quick';
figures.date = new Date().toISOString();
figures.bench_s = Math.round((Date.now() - startedAt) / 1000);

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v));
const table: [string, string, string][] = [];
for (const [key, unit] of Object.entries(SHOWN)) if (key in figures && typeof figures[key] !== 'object') table.push([key, show(figures[key]), unit]);
table.push(...rows);
const width = Math.max(...table.map((r) => r[0].length));
const valueWidth = Math.max(...table.map((r) => r[1].length));
console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(valueWidth)}  unit`);
for (const [name, value, unit] of table) console.log(`${name.padEnd(width)}  ${value.padStart(valueWidth)}  ${unit}`);

const growth = figures.growth as Record<string, Record<string, unknown> | null> | null;
if (growth) {
  console.log('\nhow cost grows');
  console.log(`${'tickets'.padEnd(10)}  ${'digest ms'.padStart(10)}  ${'database MB'.padStart(12)}`);
  for (const n of ['10000', '100000', '1000000']) {
    console.log(`${Number(n).toLocaleString('en-US').padEnd(10)}  ${show(growth.digest_ms?.[n]).padStart(10)}  ${show(growth.db_mb?.[n]).padStart(12)}`);
  }
  console.log(`${'reports/s'.padEnd(10)}  ${'ack p50 ms'.padStart(10)}  ${'ack p99 ms'.padStart(12)}`);
  for (const rate of ['10', '50', '200']) {
    const a = growth.ack?.[rate] as { p50: number | null; p99: number | null } | null | undefined;
    console.log(`${rate.padEnd(10)}  ${show(a?.p50).padStart(10)}  ${show(a?.p99).padStart(12)}`);
  }
}
if (Array.isArray(figures.errors) && figures.errors.length) console.log(`\nerrors: ${(figures.errors as string[]).join('; ')}`);
console.log(JSON.stringify(figures));
process.exitCode = failed ? 1 : 0;
// A connection some library left open must not keep a finished benchmark alive.
setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
