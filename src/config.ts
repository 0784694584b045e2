import 'dotenv/config';
import { z } from 'zod';
import { PLATFORMS, type Platform } from './domain/types.js';

/**
 * Environment configuration (docs/contract.md). Parsed once at boot; a bad or missing value stops
 * the process with one line that names the variable.
 */

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
const url = (what: string) => z.string().trim().refine((v) => URL.canParse(v), { message: `must be a URL (${what})` });

const ConfigSchema = z
  .object({
    BOT_TOKEN: z.preprocess(
      emptyToUndefined,
      z.string().trim().regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC-DEF… (from @BotFather)').optional(),
    ),
    TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, url('Bot API base URL').default('https://api.telegram.org')).transform((v) => v.replace(/\/+$/, '')),
    BOT_MODE: z.preprocess(emptyToUndefined, z.enum(['polling', 'webhook']).default('polling')),
    WEBHOOK_URL: z.preprocess(emptyToUndefined, url('public HTTPS URL of /webhook/telegram').optional()),
    WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A–Z, a–z, 0–9, _ or -').optional(),
    ),
    ZALO_BOT_TOKEN: optionalString,
    ZALO_API_ROOT: z.preprocess(emptyToUndefined, url('Zalo Bot API base URL').default('https://bot-api.zaloplatforms.com')).transform((v) => v.replace(/\/+$/, '')),
    ZALO_MODE: z.preprocess(emptyToUndefined, z.enum(['polling', 'webhook']).default('polling')),
    ZALO_WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[\x21-\x7E]{8,256}$/, 'must be 8–256 visible ASCII characters (Zalo requires 8–256)').optional(),
    ),
    /** Where Zalo delivers events in webhook mode; the bot registers it. Default: PUBLIC_URL + /webhook/zalo. */
    ZALO_WEBHOOK_URL: z.preprocess(emptyToUndefined, url('public HTTPS URL of /webhook/zalo').optional()),
    /** Zalo's sending limits (its own, configurable). */
    ZALO_SEND_CHAT_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(1000)),
    ZALO_SEND_GROUP_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(20)),
    ZALO_SEND_PER_SECOND: z.preprocess(emptyToUndefined, z.coerce.number().positive().default(20)),
    /** The public base URL of the HTTP server: web sign-in links, and files a platform fetches by URL. */
    PUBLIC_URL: z.preprocess(emptyToUndefined, url('public base URL, e.g. https://thaogo.example.gov.vn').transform((v) => v.replace(/\/+$/, '')).optional()),
    /** Largest file the bot fetches from one platform to pass on to another (or keeps from the web). */
    FILE_MAX_BYTES: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().max(50 * 1024 * 1024).default(20 * 1024 * 1024)),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z.string().trim().refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'must be a postgresql:// URL').optional(),
    ),
    REDIS_URL: z.preprocess(
      emptyToUndefined,
      z.string().trim().refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
    ),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    ADMIN_TELEGRAM_IDS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('')
        .transform((v, ctx) => {
          const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
          for (const id of ids) {
            if (!/^-?\d+$/.test(id)) ctx.addIssue({ code: 'custom', message: `"${id}" is not a numeric Telegram user id` });
          }
          return ids;
        }),
    ),
    /** Admins on any platform: `telegram:123,zalo:abc…`; an id never matches across platforms. */
    ADMIN_IDS: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('')
        .transform((v, ctx) => {
          const admins: { platform: Platform; id: string }[] = [];
          for (const item of v.split(',').map((s) => s.trim()).filter(Boolean)) {
            const m = /^([a-z]+):(.+)$/.exec(item);
            const platform = m?.[1] as Platform | undefined;
            const id = m?.[2]?.trim() ?? '';
            if (!m || !platform || !(PLATFORMS as readonly string[]).includes(platform)) {
              ctx.addIssue({ code: 'custom', message: `"${item}" is not <platform>:<user id> with a platform of ${PLATFORMS.join(', ')}` });
            } else if (platform === 'telegram' && !/^-?\d+$/.test(id)) {
              ctx.addIssue({ code: 'custom', message: `"${item}": a Telegram user id is a number` });
            } else if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
              ctx.addIssue({ code: 'custom', message: `"${item}": the user id has characters a ${platform} id never has` });
            } else admins.push({ platform, id });
          }
          return admins;
        }),
    ),
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    ROLE: z.preprocess(emptyToUndefined, z.enum(['all', 'ingress', 'worker']).default('all')),
    APP_TIMEZONE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .default('Asia/Ho_Chi_Minh')
        .refine((tz) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        }, 'must be an IANA time zone such as Asia/Ho_Chi_Minh'),
    ),
    TICKET_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Z]{1,6}$/, 'must be 1–6 capital letters').default('HY')),
    SETTINGS_FILE: optionalString,
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    /** Prefix of every BullMQ key, so several deployments (or tests) can share one Redis. */
    QUEUE_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[\w:-]+$/).default('thaogo')),
    /** Outbound limits (RELIABILITY.md); defaults are Telegram's documented limits. */
    SEND_GLOBAL_PER_SECOND: z.preprocess(emptyToUndefined, z.coerce.number().positive().default(30)),
    SEND_CHAT_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(1000)),
    SEND_GROUP_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(20)),
    REPORT_FLOOD_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(10)),
    /** How long one Bot API call may take before it counts as failed (its outcome then unknown). */
    BOT_API_TIMEOUT_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(600).default(20)),
    /** The sweep re-enqueues stored work Redis lost: how often it runs, and how old a row must be first. */
    SWEEP_EVERY_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(500).default(30_000)),
    SWEEP_GRACE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(20_000)),
    /** A job's lock; a job whose worker died is redone after about this long (stall check every half). */
    JOB_LOCK_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).default(30_000)),
    /** How long a chat's later updates wait behind an earlier one that failed and is being retried. */
    UPDATE_FAILED_HOLD_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(60_000).default(5_000)),
    /** Updates handled in the receiving process itself while it has a run free (ROLE=all only; 0: all through the queue). */
    UPDATE_LOCAL_RUNS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(64).default(4)),
    // Failing messages and abuse limits.
    /** A message still failing this long after its first failure is parked: retried, but no longer ahead of its chat's later messages. */
    SEND_PARK_AFTER_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(60_000)),
    /** Private notices to the admins, in all, per hour (a group added again and again is told once a day anyway). */
    ADMIN_NOTICES_PER_HOUR: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(20)),
    /** Wrong one-time link codes allowed per person, and per chat, in their windows; then even a right code waits. */
    LINK_ATTEMPTS_PER_PERSON: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(5)),
    LINK_ATTEMPTS_PERSON_WINDOW_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().max(7 * 24 * 60 * 60_000).default(15 * 60_000)),
    LINK_ATTEMPTS_PER_CHAT: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(20)),
    LINK_ATTEMPTS_CHAT_WINDOW_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().max(7 * 24 * 60 * 60_000).default(60 * 60_000)),
  })
  .superRefine((c, ctx) => {
    if (c.BOT_MODE === 'webhook' && c.BOT_TOKEN) {
      if (!c.WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when BOT_MODE=webhook' });
      if (!c.WEBHOOK_URL) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'is required when BOT_MODE=webhook' });
    }
    if (c.ZALO_MODE === 'webhook' && c.ZALO_BOT_TOKEN && !c.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['ZALO_WEBHOOK_SECRET'], message: 'is required when ZALO_MODE=webhook' });
    }
  })
  .transform((c) => ({
    ...c,
    ZALO_WEBHOOK_URL: c.ZALO_WEBHOOK_URL ?? (c.PUBLIC_URL ? `${c.PUBLIC_URL}/webhook/zalo` : undefined),
    /** Every admin, per platform: ADMIN_IDS plus ADMIN_TELEGRAM_IDS as its Telegram part. */
    admins: dedupeAdmins([...c.ADMIN_IDS, ...c.ADMIN_TELEGRAM_IDS.map((id) => ({ platform: 'telegram' as Platform, id }))]),
  }));

function dedupeAdmins(list: { platform: Platform; id: string }[]): { platform: Platform; id: string }[] {
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(`${a.platform}:${a.id}`) && !!seen.add(`${a.platform}:${a.id}`));
}

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment; throws ConfigError with one line naming the first bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = ConfigSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const raw = env[name];
  const shown = raw === undefined || name.includes('TOKEN') || name.includes('SECRET') || name === 'DATABASE_URL' ? '' : ` (got "${raw}")`;
  throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${shown}`);
}

let cached: Config | undefined;
/** The process configuration; the only module-level state besides the root logger. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
