/**
 * The load benchmark: the real bot as a child process (`npm start` in webhook mode) on a fresh
 * PostgreSQL database and Redis prefix, driven through its webhook the way people would use it,
 * and measured at its edges: the webhook POST, the ticket row's commit (a trigger's NOTIFY), the
 * Bot API calls it makes (an in-process recording server), /proc and PostgreSQL's counters.
 *
 * Phases, in order (BENCHMARKS.md describes each figure): link the chats; idle; receipts at
 * 10 reports/s; commits at 50 reports/s; [200 reports/s, full mode]; the raw BullMQ + INSERT
 * reference; a burst of 2,000 reports from 200 new people; 10,000 reminders due within a minute;
 * then, with the bot stopped, database growth, a second bot on embedded PGlite, and the digest
 * over a million tickets.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BotProcess, freePort } from './bot-process.js';
import { onCleanup, trackProcessGroup } from './cleanup.js';
import { coverage, firstNamed } from './codes.js';
import {
  chatIds,
  counterDelta,
  createDatabase,
  databaseSize,
  insertReminderTickets,
  insertSyntheticTickets,
  installTicketTrigger,
  settledCounters,
  TicketListener,
  ticketsBySource,
  type BenchDatabase,
  type DbCounters,
} from './database.js';
import type { DigestScaleRow } from './digest-scale-process.js';
import { countLimitViolations, TELEGRAM_LIMITS } from './limits.js';
import { cpuMs, rssMb } from './proc.js';
import { runRawReference } from './raw-reference.js';
import { MESSAGE_METHODS, RecordingBotApi, VISIBLE_METHODS } from './recording-api.js';
import { deleteRedisPrefix } from './redis.js';
import { ratio, round1, round2, summarize } from './stats.js';
import { ReportTracker, sleep, waitUntil, type TrackedReport } from './tracker.js';
import { asFastAsPossible, atRate, commandUpdate, WebhookClient, type BenchChat, type BenchUser } from './webhook.js';

export type Mode = 'quick' | 'full';

export const PHASES = ['link', 'idle', 'ack', 'store', 'ack200', 'raw', 'burst', 'reminders', 'growth', 'embedded', 'digest'] as const;
export type Phase = (typeof PHASES)[number];

export interface LoadBenchOptions {
  mode: Mode;
  /** The bot's directory and the shell command that starts it there. */
  botDir: string;
  botCommand: string;
  /** Extra environment for the bot (e.g. NODE_OPTIONS for a profile). */
  botEnv: Record<string, string>;
  pgAdminUrl: string;
  redisUrl: string;
  /** Timer slack forgiven when checking the outbound limits. */
  slackMs: number;
  /** Keep the temporary folder (the bots' logs, every recorded Bot API call) even after a clean run. */
  keep: boolean;
  /** Run only these phases (link always runs when any bot phase does). */
  only: ReadonlySet<Phase> | null;
  log: (line: string) => void;
}

interface Profile {
  ackSeconds: number;
  /** How long a phase waits for its receipts before the next one starts. */
  receiptCapS: number;
  storeSeconds: number;
  ack200Seconds: number | null;
  burstReports: number;
  burstPeople: number;
  burstConcurrency: number;
  /** How long after the burst's last commit the support group is watched (the goal is 120 s). */
  supportWindowS: number;
  /** In full mode, how much longer to wait for the support group's view to become complete. */
  supportCompleteCapS: number;
  rawJobs: number;
  reminders: number;
  growthTickets: number[];
  digestTickets: number[];
}

const PROFILES: Record<Mode, Profile> = {
  quick: {
    ackSeconds: 30,
    receiptCapS: 90,
    storeSeconds: 20,
    ack200Seconds: null,
    burstReports: 2000,
    burstPeople: 200,
    burstConcurrency: 64,
    supportWindowS: 120,
    supportCompleteCapS: 120,
    rawJobs: 3000,
    reminders: 10_000,
    growthTickets: [10_000, 100_000],
    digestTickets: [10_000, 100_000, 1_000_000],
  },
  full: {
    ackSeconds: 60,
    receiptCapS: 300,
    storeSeconds: 60,
    ack200Seconds: 10,
    burstReports: 2000,
    burstPeople: 200,
    burstConcurrency: 64,
    supportWindowS: 120,
    supportCompleteCapS: 600,
    rawJobs: 5000,
    reminders: 10_000,
    growthTickets: [10_000, 100_000, 1_000_000],
    digestTickets: [10_000, 100_000, 1_000_000],
  },
};

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const BOT_TOKEN = '7000000001:BENCH-token-for-the-load-benchmark';
const ADMIN: BenchUser = { id: 9001, first_name: 'Quản trị' };
const SUPPORT: BenchChat = { id: -1_000_001, title: 'Tổ công tác (đo tải)' };
const DEPARTMENT: BenchChat = { id: -1_000_002, title: 'Sở Nội vụ (đo tải)' };
const DEPARTMENT_CODE = 'SNV';
const COMMUNE_GROUPS = 200;
const TICKET_PREFIX = 'HY';
/** The settings' first department reminder, so inserted tickets can be made due at exact times. */
const FIRST_REMINDER_MS = 2 * 3_600_000;

const REPORT_TEXTS = [
  'Xã thiếu 3 công chức địa chính, đề nghị Sở Nội vụ hướng dẫn tuyển dụng bổ sung',
  'Máy chủ Trung tâm phục vụ hành chính công hỏng, không ký số được hồ sơ',
  'Rác thải sinh hoạt tồn đọng 2 tuần chưa được thu gom tại thôn Đông',
  'Dự án đường liên xã chậm giải ngân vốn đầu tư công, nhà thầu dừng thi công',
  'Trường mầm non thiếu giáo viên, lớp học xuống cấp cần sửa chữa',
  'Trạm y tế chưa có bác sĩ, người dân phải lên tuyến trên khám',
  'Chưa có hướng dẫn về kinh phí hoạt động sau sắp xếp, trụ sở cũ chưa bàn giao',
  'Phần mềm dịch vụ công trực tuyến thường xuyên lỗi, không nộp được hồ sơ',
  'Vướng mắc giải phóng mặt bằng dự án khu dân cư, người dân chưa đồng ý giá đền bù',
  'Đề nghị hỗ trợ doanh nghiệp trên địa bàn tiếp cận vốn vay sản xuất',
];

function communeCodes(botDir: string): string[] {
  const candidates = [join(botDir, 'data/hung-yen-communes.json'), join(REPO, 'data/hung-yen-communes.json')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error('data/hung-yen-communes.json not found');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { units: { code: string }[] };
  return data.units.map((u) => u.code);
}

/** Environment variables of the bot's contract: inherited values are dropped, the benchmark sets its own. */
const BOT_VARIABLES = /^(BOT_|TELEGRAM_|WEBHOOK_|ZALO_|DATABASE_URL|REDIS_URL|DATA_DIR|ADMIN_|PUBLIC_URL|PORT$|ROLE$|APP_TIMEZONE|TICKET_PREFIX|SETTINGS_FILE|LOG_LEVEL|QUEUE_PREFIX|SEND_|REPORT_FLOOD|SWEEP_|JOB_LOCK|UPDATE_FAILED|LINK_ATTEMPTS)/;

function botEnvironment(vars: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !BOT_VARIABLES.test(k)) env[k] = v;
  // Present but empty: dotenv then leaves them unset even if the bot's directory has a .env.
  for (const k of ['ZALO_BOT_TOKEN', 'ADMIN_IDS', 'PUBLIC_URL', 'DATABASE_URL']) env[k] = '';
  return { ...env, ...vars, ...extra };
}

function gitCommit(dir: string): string | null {
  try {
    const sha = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no', '--', 'src'], { encoding: 'utf8' }).trim();
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return null;
  }
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? null,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    load_avg_1m: round2(os.loadavg()[0] ?? null),
  };
}

function runDigestScale(sizes: number[]): Promise<DigestScaleRow[]> {
  const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=12288', '--import', 'tsx', fileURLToPath(new URL('./digest-scale-process.ts', import.meta.url)), JSON.stringify(sizes)], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const untrack = trackProcessGroup(child.pid!);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      untrack();
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('[')) reject(new Error(`digest process failed (exit ${code}): ${err.trim().slice(-600)}`));
      else resolve(JSON.parse(last) as DigestScaleRow[]);
    });
  });
}

interface Running {
  db: BenchDatabase;
  bot: BotProcess;
  listener: TicketListener;
  client: pg.Client;
  closeClient: () => Promise<void>;
  hook: WebhookClient;
}

/** Warning and error lines (pino levels 40 and 50+) in a bot's log file. */
function logLevels(file: string): { warnings: number; errors: number } {
  let warnings = 0;
  let errors = 0;
  if (!existsSync(file)) return { warnings, errors };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /"level":(\d+)/.exec(line);
    if (!m) continue;
    if (Number(m[1]) >= 50) errors++;
    else if (Number(m[1]) === 40) warnings++;
  }
  return { warnings, errors };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Runs the load benchmark; returns its figures (missing ones are null, with the reason in `errors`). */
export async function runLoadBench(opts: LoadBenchOptions): Promise<Record<string, unknown>> {
  const { log } = opts;
  const profile = PROFILES[opts.mode];
  const wants = (p: Phase) => opts.only === null || opts.only.has(p);
  const f: Record<string, unknown> = {};
  const growth: { ack: Record<string, Record<string, unknown> | null>; db_mb: Record<string, number>; digest_ms: Record<string, number> } = { ack: {}, db_mb: {}, digest_ms: {} };
  const errors: string[] = [];
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbName = `thaogo_bench_${runId}`;
  const prefix = `thaogobench_${runId}`;
  const tmp = mkdtempSync(join(os.tmpdir(), 'thaogo-bench-'));
  const removeTmp = onCleanup('remove temporary files', async () => {
    if (errors.length === 0 && !opts.keep) rmSync(tmp, { recursive: true, force: true });
    else log(`the bots' logs and the recorded Bot API calls (calls.jsonl) are kept in ${tmp}`);
  });
  f.bot_commit = gitCommit(opts.botDir);
  f.load_avg_at_start = round2(os.loadavg()[0] ?? null);
  f.bot_dir = opts.botDir;
  f.bot_command = opts.botCommand;

  /** Phases that measure the linked bot: pointless once linking failed. */
  const needLink: ReadonlySet<Phase> = new Set(['idle', 'ack', 'store', 'ack200', 'burst', 'reminders']);
  let linkFailed = false;
  const phase = async (name: Phase | 'boot', fn: () => Promise<void>) => {
    if (name !== 'boot' && name !== 'link' && !wants(name)) return;
    if (linkFailed && needLink.has(name as Phase)) return;
    const started = performance.now();
    log(`▸ ${name}`);
    try {
      await fn();
    } catch (err) {
      const message = (err as Error).message;
      errors.push(`${name}: ${message.split('\n')[0]}`);
      log(`  ${name} failed: ${message}`);
      if (name === 'link') linkFailed = true;
    }
    log(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };

  const api = await RecordingBotApi.start();
  const closeApi = onCleanup('close the recording Bot API', () => api.close());
  const settingsFile = join(tmp, 'settings.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: [['00:00', '24:00']],
      replaceShippedHolidays: true,
      holidays: [],
      reminders: { firstAfter: { khan: '2h', thuong: '2h', phuc_tap: '2h' } },
    }),
  );
  const secret = randomBytes(24).toString('base64url');
  const needsBot = PHASES.some((p) => p !== 'raw' && p !== 'embedded' && p !== 'digest' && wants(p));

  const adminClient = new pg.Client({ connectionString: opts.pgAdminUrl });
  await adminClient.connect();
  const closeAdmin = onCleanup('close admin connection', () => adminClient.end());

  const communes = communeCodes(opts.botDir);
  const groups: BenchChat[] = Array.from({ length: COMMUNE_GROUPS }, (_, i) => ({ id: -1_100_001 - i, title: `Xã ${i + 1} (đo tải)` }));
  const reporters: BenchUser[] = groups.map((_, i) => ({ id: 20_001 + i, first_name: `Cán bộ xã ${i + 1}` }));
  let updateId = 1;
  const lastMessage = new Map<number, number>();
  const nextMessageId = (chat: BenchChat) => {
    const n = (lastMessage.get(chat.id) ?? 0) + 1;
    lastMessage.set(chat.id, n);
    return n;
  };

  // ---- raw: the machine's reference, BullMQ add + one INSERT per job (the bot idles meanwhile) ----
  // Run before and after the burst: the machine is shared, and the mean of the two brackets the
  // conditions the burst itself met.
  const rawRuns: number[] = [];
  const rawPhase = (when: string) =>
    phase('raw', async () => {
      const raw = await runRawReference({ adminUrl: opts.pgAdminUrl, redisUrl: opts.redisUrl, name: `${dbName}_raw`, jobs: profile.rawJobs });
      rawRuns.push(raw.jobsPerSecond);
      f.raw_runs_per_s = [...rawRuns];
      f.raw_bullmq_pg_per_s = Math.round(rawRuns.reduce((a, b) => a + b, 0) / rawRuns.length);
      f.raw_cpu_ms_per_job = raw.cpuMsPerJob;
      log(`  raw reference ${when}: ${raw.jobsPerSecond} jobs/s, ${raw.cpuMsPerJob} ms CPU per job`);
    });

  let main: Running | null = null;
  if (needsBot) {
    log('▸ boot');
    try {
      main = await startMainBot();
      log(`  bot ready after ${f.boot_ready_s} s (pid ${main.bot.botPid ?? '?'}, ${round1(main.bot.botPid ? rssMb(main.bot.botPid) : null) ?? '?'} MB)`);
    } catch (err) {
      errors.push(`boot: ${(err as Error).message.split('\n')[0]}`);
      log(`  boot failed: ${(err as Error).message}`);
    }
  }

  async function startMainBot(): Promise<Running> {
    const db = await createDatabase(opts.pgAdminUrl, dbName);
    onCleanup(`delete Redis keys ${prefix}:*`, async () => void (await deleteRedisPrefix(opts.redisUrl, prefix)));
    const port = await freePort();
    const env = botEnvironment(
      {
        BOT_TOKEN,
        TELEGRAM_API_ROOT: api.url,
        BOT_MODE: 'webhook',
        WEBHOOK_URL: `http://127.0.0.1:${port}/webhook/telegram`,
        WEBHOOK_SECRET: secret,
        DATABASE_URL: db.url,
        REDIS_URL: opts.redisUrl,
        QUEUE_PREFIX: prefix,
        ADMIN_TELEGRAM_IDS: String(ADMIN.id),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        SETTINGS_FILE: settingsFile,
        DATA_DIR: join(tmp, 'data'),
        REPORT_FLOOD_LIMIT: '1000000',
        ROLE: 'all',
      },
      opts.botEnv,
    );
    mkdirSync(join(tmp, 'data'), { recursive: true });
    const started = performance.now();
    const bot = BotProcess.start({ name: 'bot', dir: opts.botDir, command: opts.botCommand, env, port, logFile: join(tmp, 'bot.log') });
    await bot.waitReady(240_000);
    f.boot_ready_s = round1((performance.now() - started) / 1000);
    if (bot.botPid === null) throw new Error(`no node process found below pid ${bot.pid}`);
    await installTicketTrigger(db.url);
    const listener = await TicketListener.start(db.url);
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined);
    await client.connect();
    const closeClient = onCleanup('close database connection', () => client.end());
    const hook = new WebhookClient(`${bot.baseUrl}/webhook/telegram`, secret, 64);
    return { db, bot, listener, client, closeClient, hook };
  }

  if (main) {
    const { bot: theBot, client: pgc, hook, listener } = main;
    const botPid = theBot.botPid!;
    const botRss = () => round1(rssMb(botPid));
    let tracker: ReportTracker | null = null;
    const post = async (chat: BenchChat, from: BenchUser, command: string, args: string) => {
      const messageId = nextMessageId(chat);
      return { messageId, result: await hook.deliver(commandUpdate(updateId++, messageId, chat, from, command, args)) };
    };
    const report = async (phaseName: string, chat: BenchChat, from: BenchUser, i: number): Promise<TrackedReport> => {
      const messageId = nextMessageId(chat);
      const r = tracker!.add(phaseName, String(chat.id), messageId);
      const res = await hook.deliver(commandUpdate(updateId++, messageId, chat, from, 'baocao', `${REPORT_TEXTS[i % REPORT_TEXTS.length]} (${phaseName} ${i + 1})`));
      r.status = res.status;
      r.failures = res.failures;
      return r;
    };
    // ---- link: the admin links 200 commune groups, the support group and a department group ----
    // Always runs: every other phase needs the linked chats.
    await phase('link', async () => {
      const targets: { chat: BenchChat; args: string }[] = [
        { chat: SUPPORT, args: 'tocongtac' },
        { chat: DEPARTMENT, args: `so ${DEPARTMENT_CODE}` },
        ...groups.map((chat, i) => ({ chat, args: `xa ${communes[i % communes.length]}` })),
      ];
      const started = performance.now();
      // As fast as 16 connections go: 202 replies at once test the global limit in sliding seconds.
      await asFastAsPossible(targets.length, 16, async (i) => {
        const { chat, args } = targets[i]!;
        const { result } = await post(chat, ADMIN, 'lienket', args);
        if (result.status !== 200) throw new Error(`/lienket in ${chat.id} answered ${result.status}`);
      });
      const replied = await waitUntil(() => targets.every(({ chat }) => api.calls.some((c) => c.method === 'sendMessage' && c.chatId === String(chat.id))), 180_000);
      f.link_s = round1((performance.now() - started) / 1000);
      const { rows } = await pgc.query<{ role: string; n: string }>(`SELECT role::text AS role, count(*) AS n FROM "Chat" GROUP BY 1`);
      const roles = Object.fromEntries(rows.map((r) => [r.role, Number(r.n)]));
      if ((roles.commune ?? 0) < COMMUNE_GROUPS || !roles.support || !roles.department) {
        throw new Error(`linking incomplete (replies ${replied ? 'all' : 'missing'}): ${JSON.stringify(roles)}`);
      }
      log(`  ${targets.length} chats linked in ${f.link_s} s`);
    });
    const tr = new ReportTracker(await chatIds(pgc));
    tracker = tr;
    api.onCall((call) => tr.onCall(call));
    listener.onTicket((t) => tr.onTicket(t));

    // ---- idle: memory and background work of a linked, idle bot ----
    await phase('idle', async () => {
      const c0 = await settledCounters(adminClient, dbName);
      const cpu0 = cpuMs(botPid);
      const t0 = performance.now();
      await sleep(10_000);
      f.rss_idle_mb = botRss();
      const cpu1 = cpuMs(botPid);
      const c1 = await settledCounters(adminClient, dbName, 1500);
      const seconds = (performance.now() - t0) / 1000;
      f.idle_cpu_ms_per_s = cpu0 !== null && cpu1 !== null ? round1((cpu1 - cpu0) / seconds) : null;
      f.pg_idle_commits_per_s = round1(counterDelta(c0, c1).xactCommit / seconds);
      log(`  idle RSS ${f.rss_idle_mb} MB, ${f.idle_cpu_ms_per_s} ms CPU/s, ${f.pg_idle_commits_per_s} commits/s`);
    });

    const firstGroups = (n: number) => groups.slice(0, n);
    const settleReports = async (list: TrackedReport[], capMs: number, what: 'committedAt' | 'ackAt') =>
      waitUntil(() => list.every((r) => r[what] !== null || (r.status !== null && r.status >= 400 && r.status < 500)), capMs);
    /** Receipts per second from the first POST to the last receipt. */
    const receiptRate = (list: TrackedReport[]) => {
      const acks = list.flatMap((r) => (r.ackAt !== null ? [r.ackAt] : []));
      if (acks.length === 0) return null;
      return round1(acks.length / ((Math.max(...acks) - Math.min(...list.map((r) => r.postedAt))) / 1000));
    };
    const latency = (list: TrackedReport[], what: 'committedAt' | 'ackAt') => summarize(list.flatMap((r) => (r[what] !== null ? [r[what]! - r.postedAt] : [])));

    // ---- ack: 10 reports/s from 50 groups; report → receipt with the code at the Bot API ----
    await phase('ack', async () => {
      const chats = firstGroups(50);
      await atRate(profile.ackSeconds * 10, 10, async (i) => void (await report('ack', chats[i % chats.length]!, reporters[i % chats.length]!, i)));
      const list = tr.of('ack');
      await settleReports(list, profile.receiptCapS * 1000, 'ackAt');
      const s = latency(list, 'ackAt');
      f.ack_p50_ms = s.p50;
      f.ack_p99_ms = s.p99;
      f.ack_reports = list.length;
      f.ack_missing = list.length - s.count;
      growth.ack['10'] = { p50: s.p50, p99: s.p99, max: s.max };
      const stored = latency(list, 'committedAt');
      f.ack_store_p50_ms = stored.p50;
      f.ack_store_p99_ms = stored.p99;
      log(`  receipts: p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (${s.count}/${list.length}); committed p50 ${stored.p50} ms, p99 ${stored.p99} ms`);
    });

    // ---- store: 50 reports/s from 100 groups; report → ticket row committed ----
    await phase('store', async () => {
      const chats = firstGroups(100);
      await atRate(profile.storeSeconds * 50, 50, async (i) => void (await report('store', chats[i % chats.length]!, reporters[i % chats.length]!, i)));
      const list = tr.of('store');
      await settleReports(list, 60_000, 'committedAt');
      const s = latency(list, 'committedAt');
      f.store_p50_ms = s.p50;
      f.store_p99_ms = s.p99;
      f.store_reports = list.length;
      f.store_missing = list.length - s.count;
      await settleReports(list, profile.receiptCapS * 1000, 'ackAt');
      const a = latency(list, 'ackAt');
      growth.ack['50'] = { p50: a.p50, p99: a.p99, max: a.max };
      f.store_receipts_per_s = receiptRate(list);
      log(`  commits: p50 ${s.p50} ms, p99 ${s.p99} ms (${s.count}/${list.length}); receipts p50 ${a.p50} ms, p99 ${a.p99} ms (${a.count})`);
    });

    // ---- ack200 (full): receipts at 200 reports/s from 200 groups ----
    if (profile.ack200Seconds !== null) {
      await phase('ack200', async () => {
        await atRate(profile.ack200Seconds! * 200, 200, async (i) => void (await report('ack200', groups[i % groups.length]!, reporters[i % groups.length]!, i)));
        const list = tr.of('ack200');
        await settleReports(list, profile.receiptCapS * 1000, 'ackAt');
        const a = latency(list, 'ackAt');
        const s = latency(list, 'committedAt');
        growth.ack['200'] = { p50: a.p50, p99: a.p99, max: a.max, store_p99: s.p99 };
        log(`  receipts at 200/s: p50 ${a.p50} ms, p99 ${a.p99} ms (${a.count}/${list.length})`);
      });
    } else {
      growth.ack['200'] = null;
    }

    await rawPhase('before the burst');

    // ---- burst: 2,000 reports from 200 new people in 200 groups, 64 connections ----
    await phase('burst', async () => {
      const people: BenchUser[] = Array.from({ length: profile.burstPeople }, (_, i) => ({ id: 50_001 + i, first_name: `Người mới ${i + 1}` }));
      const c0 = await settledCounters(adminClient, dbName);
      const cpu0 = cpuMs(botPid);
      const started = performance.now();
      await asFastAsPossible(profile.burstReports, profile.burstConcurrency, async (i) => {
        const g = i % profile.burstPeople;
        await report('burst', groups[g % groups.length]!, people[g]!, i);
      });
      const posted = performance.now();
      const list = tr.of('burst');
      const firstPost = Math.min(...list.map((r) => r.postedAt));
      await settleReports(list, 300_000, 'committedAt');
      const cpuIntake = cpuMs(botPid);
      const commits = list.flatMap((r) => (r.committedAt !== null ? [r.committedAt] : [])).sort((a, b) => a - b);
      const end = commits.length ? commits[commits.length - 1]! : performance.now();
      f.burst_reports = list.length;
      f.burst_post_s = round1((posted - firstPost) / 1000);
      f.burst_intake_s = round1((end - firstPost) / 1000);
      f.burst_intake_per_s = round1(commits.length / ((end - firstPost) / 1000));
      f.burst_webhook_failures = list.reduce((n, r) => n + r.failures, 0);
      f.burst_webhook_refused = list.filter((r) => r.status !== 200).length;
      log(`  ${commits.length}/${list.length} tickets committed in ${f.burst_intake_s} s: ${f.burst_intake_per_s}/s`);

      // The cost of a report is its intake and its receipt: measured until the last receipt went out.
      const windowEnd = end + profile.supportWindowS * 1000;
      const allAcked = await waitUntil(() => list.every((r) => r.ackAt !== null), Math.max(0, windowEnd - performance.now()));
      const cpu1 = cpuMs(botPid);
      f.rss_after_burst_mb = botRss();
      const acks = list.flatMap((r) => (r.ackAt !== null ? [r.ackAt] : []));
      f.burst_receipts = acks.length;
      f.burst_receipts_per_s = receiptRate(list);
      f.burst_receipts_s = round1(((acks.length ? Math.max(...acks) : performance.now()) - firstPost) / 1000);
      f.burst_cost_window_s = round1((performance.now() - started) / 1000);
      const c1 = await settledCounters(adminClient, dbName);
      const d: DbCounters = counterDelta(c0, c1);
      f.cpu_ms_per_report = cpu0 !== null && cpu1 !== null ? round2((cpu1 - cpu0) / list.length) : null;
      // Its two parts: until the last ticket committed (intake), and the receipts' tail after it.
      f.cpu_ms_per_report_intake = cpu0 !== null && cpuIntake !== null ? round2((cpuIntake - cpu0) / list.length) : null;
      f.pg_commits_per_report = round2(d.xactCommit / list.length);
      f.pg_rollbacks_per_report = round2(d.xactRollback / list.length);
      f.pg_tuples_fetched_per_report = round1(d.tupFetched / list.length);
      f.pg_tuples_returned_per_report = round1(d.tupReturned / list.length);
      log(`  receipts ${allAcked ? 'all' : `${acks.length}/${list.length}`} after ${f.burst_receipts_s} s; ${f.cpu_ms_per_report} ms CPU (intake ${f.cpu_ms_per_report_intake}), ${f.pg_commits_per_report} commits, ${f.pg_tuples_fetched_per_report} tuples fetched per report`);

      // The support group: what it got from the burst's start until 2 minutes after its end.
      await sleep(Math.max(0, windowEnd - performance.now()));
      const support = () => api.calls.filter((c) => c.chatId === String(SUPPORT.id) && VISIBLE_METHODS.has(c.method) && c.t >= started);
      f.support_messages_in_burst = support().filter((c) => c.t <= windowEnd).length;
      tr.updateChats(await chatIds(pgc));
      const codes = new Set(list.flatMap((r) => (r.code ? [r.code] : [])));
      let view = coverage(support(), codes);
      if (view.completeAt === null && profile.supportCompleteCapS > profile.supportWindowS) {
        await waitUntil(() => coverage(support(), codes).completeAt !== null, (profile.supportCompleteCapS - profile.supportWindowS) * 1000);
        view = coverage(support(), codes);
      }
      f.burst_receipts_by_end = list.filter((r) => r.ackAt !== null).length;
      f.support_view_complete_s = view.completeAt === null ? null : round1(Math.max(0, view.completeAt - end) / 1000);
      f.support_view_coverage = codes.size ? round2(view.named / codes.size) : null;
      log(`  support group: ${f.support_messages_in_burst} messages; ${view.named}/${codes.size} codes named${view.completeAt === null ? '' : ` (complete ${f.support_view_complete_s} s after the burst)`}`);

      const counts = await ticketsBySource(pgc);
      f.burst_lost = list.filter((r) => !counts.get(`${r.chatId}:${r.messageId}`)).length;
      f.burst_dup = list.filter((r) => (counts.get(`${r.chatId}:${r.messageId}`) ?? 0) > 1).length;
      log(`  lost ${f.burst_lost}, doubled ${f.burst_dup}`);
    });

    if (wants('burst')) await rawPhase('after the burst');

    // ---- reminders: 10,000 assigned tickets due within one minute ----
    await phase('reminders', async () => {
      const firstDue = Date.now() + 3_000;
      const span = 60_000;
      const inserted = performance.now();
      const due = await insertReminderTickets(pgc, {
        count: profile.reminders,
        prefix: TICKET_PREFIX,
        base: 800_000,
        department: DEPARTMENT_CODE,
        communeCode: communes[0]!,
        firstDueMs: firstDue,
        spanMs: span,
        firstAfterMs: FIRST_REMINDER_MS,
      });
      const lastDue = firstDue + span;
      const departmentCalls = () => api.calls.filter((c) => c.chatId === String(DEPARTMENT.id) && VISIBLE_METHODS.has(c.method) && c.t >= inserted);
      // Rounds run every minute and at the next due time: wait a minute past the last, then for quiet.
      await sleep(Math.max(0, lastDue + 50_000 - Date.now()));
      let seen = departmentCalls().length;
      while (Date.now() < lastDue + 110_000) {
        await sleep(10_000);
        const now = departmentCalls().length;
        if (now === seen) break;
        seen = now;
      }
      const firsts = firstNamed(departmentCalls());
      const lateness: number[] = [];
      for (const [code, at] of due) {
        const t = firsts.get(code);
        if (t !== undefined) lateness.push(performance.timeOrigin + t - at);
      }
      const s = summarize(lateness);
      f.reminder_tickets = due.size;
      f.reminder_listed = s.count;
      f.reminder_messages = departmentCalls().length;
      f.reminder_lateness_p50_ms = s.p50;
      f.reminder_lateness_p99_ms = s.p99;
      const { rows } = await pgc.query<{ left: string }>(`SELECT count(*) AS left FROM "Ticket" WHERE code LIKE $1 AND "nextReminderAt" <= now()`, [`${TICKET_PREFIX}-8%`]);
      f.reminder_still_due = Number(rows[0]!.left);
      // Where the lateness comes from: the round itself, or the wait of its message in the outbox.
      const epoch = (sql: string, params: unknown[]) =>
        pgc.query<{ ms: string | null }>(sql, params).then(
          (r) => (r.rows[0]?.ms == null ? null : Number(r.rows[0].ms)),
          () => null,
        );
      const since = new Date(performance.timeOrigin + inserted).toISOString();
      const roundAt = await epoch(
        `SELECT extract(epoch FROM min("createdAt") AT TIME ZONE 'UTC') * 1000 AS ms FROM "ReminderRound" WHERE kind = 'remind_department' AND "createdAt" >= ($1::timestamptz AT TIME ZONE 'UTC')`,
        [since],
      );
      const queuedAt = await epoch(
        `SELECT extract(epoch FROM min("createdAt") AT TIME ZONE 'UTC') * 1000 AS ms FROM "OutboundMessage" WHERE purpose = 'reminder:department' AND "createdAt" >= ($1::timestamptz AT TIME ZONE 'UTC')`,
        [since],
      );
      const firstSent = departmentCalls()[0];
      f.reminder_first_round_after_due_ms = roundAt === null ? null : Math.round(roundAt - firstDue);
      f.reminder_first_send_wait_ms = queuedAt === null || !firstSent ? null : Math.round(performance.timeOrigin + firstSent.t - queuedAt);
      log(`  ${s.count} of ${due.size} tickets listed in ${f.reminder_messages} messages; lateness p50 ${s.p50} ms, p99 ${s.p99} ms; still due: ${f.reminder_still_due}`);
      log(`  first department round ${f.reminder_first_round_after_due_ms} ms after the first due time; its message waited ${f.reminder_first_send_wait_ms} ms to be sent`);
    });

    await theBot.stop();
    await listener.close();
    hook.close();
    const levels = logLevels(join(tmp, 'bot.log'));
    f.bot_log_warnings = levels.warnings;
    f.bot_log_errors = levels.errors;

    // ---- growth: database size with N synthetic tickets (three events each), the bot stopped ----
    await phase('growth', async () => {
      const base = await databaseSize(pgc);
      const departments = (await pgc.query<{ code: string }>(`SELECT code FROM "Department"`)).rows.map((r) => r.code);
      growth.db_mb.before = mb(base);
      let have = 0;
      for (const target of profile.growthTickets) {
        const size = await insertSyntheticTickets(pgc, { count: target - have, prefix: 'GR', base: 1_000_000 + have, communeCodes: communes, departments });
        have = target;
        growth.db_mb[String(target)] = mb(size);
        log(`  ${target.toLocaleString('en-US')} synthetic tickets: database ${mb(size)} MB`);
      }
    });
    await main.closeClient();
    await main.db.drop();
  } else {
    await rawPhase('with no bot running');
  }

  // ---- embedded: a second bot without DATABASE_URL (PGlite), RSS right after /readyz ----
  await phase('embedded', async () => {
    const port = await freePort();
    const ePrefix = `${prefix}e`;
    onCleanup(`delete Redis keys ${ePrefix}:*`, async () => void (await deleteRedisPrefix(opts.redisUrl, ePrefix)));
    const dataDir = join(tmp, 'embedded');
    mkdirSync(dataDir, { recursive: true });
    const env = botEnvironment(
      {
        BOT_TOKEN,
        TELEGRAM_API_ROOT: api.url,
        BOT_MODE: 'webhook',
        WEBHOOK_URL: `http://127.0.0.1:${port}/webhook/telegram`,
        WEBHOOK_SECRET: secret,
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        REDIS_URL: opts.redisUrl,
        QUEUE_PREFIX: ePrefix,
        ADMIN_TELEGRAM_IDS: String(ADMIN.id),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        SETTINGS_FILE: settingsFile,
        ROLE: 'all',
      },
      opts.botEnv,
    );
    const started = performance.now();
    const embedded = BotProcess.start({ name: 'embedded bot', dir: opts.botDir, command: opts.botCommand, env, port, logFile: join(tmp, 'embedded.log') });
    try {
      await embedded.waitReady(300_000);
      f.embedded_ready_s = round1((performance.now() - started) / 1000);
      f.rss_embedded_mb = embedded.botPid ? round1(rssMb(embedded.botPid)) : null;
      log(`  embedded bot ready after ${f.embedded_ready_s} s, RSS ${f.rss_embedded_mb} MB`);
    } finally {
      await embedded.stop();
    }
  });

  // ---- digest: digest and KPIs over up to a million synthetic tickets, in a process of its own ----
  await phase('digest', async () => {
    const rows = await runDigestScale(profile.digestTickets);
    for (const r of rows) growth.digest_ms[String(r.tickets)] = r.digestMs;
    f.digest_ms_1m = rows.find((r) => r.tickets === 1_000_000)?.digestMs ?? null;
    log(`  digest: ${rows.map((r) => `${r.tickets.toLocaleString('en-US')} → ${r.digestMs} ms`).join(', ')}`);
  });

  // Every call, one JSON line each, for looking into a figure afterwards (kept with --keep or on errors).
  writeFileSync(join(tmp, 'calls.jsonl'), api.calls.map((c) => JSON.stringify(c)).join('\n'));

  // ---- outbound limits over every message the Bot API received in the whole run ----
  const messages = api.calls.filter((c) => MESSAGE_METHODS.has(c.method) && c.chatId !== null).map((c) => ({ t: c.t, chatId: c.chatId! }));
  const limits = countLimitViolations(messages, { ...TELEGRAM_LIMITS, slackMs: opts.slackMs });
  f.outbound_limit_violations = limits.total;
  f.outbound_violations_global = limits.global;
  f.outbound_violations_chat = limits.perChat;
  f.outbound_violations_group = limits.perGroup;
  f.outbound_max_in_any_second = limits.maxInAnySecond;
  f.outbound_max_group_in_any_minute = limits.maxGroupInAnyMinute;
  f.outbound_min_chat_gap_ms = limits.minChatGapMs;
  f.outbound_messages = limits.messages;
  f.outbound_slack_ms = opts.slackMs;
  f.intake_vs_raw = round2(ratio(f.burst_intake_per_s as number | null, f.raw_bullmq_pg_per_s as number | null));
  f.growth = growth;
  f.errors = errors;

  await closeAdmin();
  await closeApi();
  await removeTmp();
  return f;
}
