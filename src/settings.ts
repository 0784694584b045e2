/**
 * Operating settings (`SETTINGS_FILE`, docs/contract.md "Settings file"): working calendar, deadlines,
 * reminders, escalation, digest time, auto-routing, auto-close of answered tickets, public page.
 * Every key is optional; a missing key keeps its default (docs/domain.md). Unknown keys are rejected
 * so that a typo ("deadline:") cannot silently leave a default in force. Invalid settings throw one
 * line naming the key, e.g.
 * `SETTINGS_FILE /x.yaml: deadlines.khan: "abc" is not a duration like 90m, 2h or 1d`.
 *
 * Merging rules worth knowing:
 * - Objects merge key by key with the defaults; lists (`workingDays`, `workingHours`, `escalation`)
 *   replace the default list as a whole.
 * - `holidays` and `makeupWorkingDays` are ADDED to the shipped calendar (data/holidays.json), and
 *   a date the file lists as one kind overrides a shipped entry of the other kind (so a shipped
 *   make-up Saturday can be turned into a day off and vice versa). With
 *   `replaceShippedHolidays: true` the shipped calendar is ignored and the file's lists are all.
 *   A date in both of the file's lists is an error.
 * - Durations are working time (`"90m"`, `"2h"`, `"1d"` = one working day, `"1d 2h"`).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import {
  WorkingCalendar,
  isValidTimeZone,
  parseClockTime,
  parseLocalDate,
} from './domain/calendar.js';
import { formatDuration, isZeroDuration, tryParseDuration, type Duration } from './domain/duration.js';
import { shippedHolidays } from './domain/holidays.js';
import { ESCALATION_TARGETS, type EscalationTarget } from './domain/reminder-policy.js';
import type { Priority } from './domain/types.js';

export { ESCALATION_TARGETS, type EscalationTarget };

/** One escalation step: `after` the deadline (working time), tell `notify`. */
export interface EscalationStep {
  after: Duration;
  notify: EscalationTarget;
}

/** The validated operating settings, with defaults filled in and the calendar lists merged. */
export interface Settings {
  timezone: string;
  /** ISO weekdays, sorted, without duplicates. */
  workingDays: number[];
  workingHours: [string, string][];
  /** Effective days off: shipped plus the file's (or only the file's, see replaceShippedHolidays). */
  holidays: string[];
  /** Effective make-up working days, merged like `holidays`. */
  makeupWorkingDays: string[];
  replaceShippedHolidays: boolean;
  /** Time to answer, counted from assignment to a department. */
  deadlines: Record<Priority, Duration>;
  reminders: {
    /** A ticket nobody claimed (or a department returned) for this long nudges the support team. */
    unclaimedAfter: Duration;
    /**
     * A claimed ticket not routed to a department for this long nudges its claimant in the support
     * group; `repeatEvery` later the support lead is named. Defaults to `unclaimedAfter`.
     */
    claimedAfter: Duration;
    /** First department reminder this long after assignment. */
    firstAfter: Record<Priority, Duration>;
    /** Then again every this much working time (> 0). */
    repeatEvery: Duration;
    /** When repeatEvery is whole days, repeats land on working mornings at this local time. */
    repeatAt: string;
    /** "Sắp đến hạn" when the deadline is within this much working time. */
    dueSoonBefore: Duration;
    /** The longest snooze a department may ask for. */
    snoozeMax: Duration;
  };
  /** After the deadline, in order, each once. */
  escalation: EscalationStep[];
  digest: { at: string };
  autoRoute: { enabled: boolean; minConfidence: number };
  /** Beyond this many new-ticket cards a minute, a support group gets one rolling summary instead. */
  supportCards: { perMinute: number };
  /** Answered tickets that no commune confirms or reopens close by themselves (src/domain/auto-close.ts). */
  autoClose: {
    /** Working time after the latest answer at which the ticket closes as resolved (> 0). */
    after: Duration;
    /** The commune is reminded once this much working time before the close; > 0 and shorter than `after`. */
    remindBefore: Duration;
    /** After an auto-close a commune may still reopen the ticket for this long ("0m": not at all). */
    reopenWithin: Duration;
  };
  /** The public results page (`GET /congkhai`). */
  publicPage: { enabled: boolean };
}

/** A settings problem; `issues` has each bad key path and what is wrong with it. */
export class SettingsError extends Error {
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---- field schemas ----------------------------------------------------------------------------

function durationField(options: { positive?: boolean } = {}) {
  return z.unknown().transform((value, ctx): Duration => {
    if (value === undefined) {
      ctx.addIssue('is required: a duration like 90m, 2h or 1d');
      return z.NEVER;
    }
    const d = tryParseDuration(value);
    if (d === null) {
      ctx.addIssue(`${show(value)} is not a duration like 90m, 2h or 1d`);
      return z.NEVER;
    }
    if (options.positive && isZeroDuration(d)) {
      ctx.addIssue(`${show(value)} must be longer than zero`);
      return z.NEVER;
    }
    return d;
  });
}

/** A duration that may be left out (undefined), for keys whose default follows another key. */
function optionalDurationField() {
  return z.unknown().transform((value, ctx): Duration | undefined => {
    if (value === undefined) return undefined;
    const d = tryParseDuration(value);
    if (d === null) {
      ctx.addIssue(`${show(value)} is not a duration like 90m, 2h or 1d`);
      return z.NEVER;
    }
    return d;
  });
}

function clockField(allowEndOfDay = false) {
  return z.unknown().transform((value, ctx): string => {
    if (typeof value !== 'string' || parseClockTime(value, allowEndOfDay) === null) {
      ctx.addIssue(
        allowEndOfDay
          ? `${show(value)} is not a time like 07:30 (00:00–24:00)`
          : `${show(value)} is not a time like 07:30 (00:00–23:59)`,
      );
      return z.NEVER;
    }
    return value;
  });
}

const dateField = z.unknown().transform((value, ctx): string => {
  if (typeof value !== 'string' || parseLocalDate(value) === null) {
    ctx.addIssue(`${show(value)} is not a date like 2026-01-01`);
    return z.NEVER;
  }
  return value;
});

const timezoneField = z.unknown().transform((value, ctx): string => {
  if (typeof value !== 'string' || !isValidTimeZone(value)) {
    ctx.addIssue(`${show(value)} is not a known IANA time zone like Asia/Ho_Chi_Minh`);
    return z.NEVER;
  }
  return value;
});

function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: (iss) => `${show(iss.input)} is not a list of ${what}` });
}

function mapping<S extends z.core.$ZodLooseShape>(shape: S, example: string) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? undefined : `${show(iss.input)} is not a mapping like ${example}`,
  });
}

const workingDaysField = list(
  z.number({ error: (iss) => `${show(iss.input)} is not an ISO weekday 1..7` }).int().min(1).max(7),
  'ISO weekdays',
)
  .min(1, 'needs at least one working day')
  .transform((days) => [...new Set(days)].sort((a, b) => a - b));

const workingHoursField = list(
  z.tuple([clockField(false), clockField(true)], {
    error: (iss) => `${show(iss.input)} is not a pair like ["07:30", "11:30"]`,
  }),
  'time pairs',
)
  .min(1, 'needs at least one interval')
  .superRefine((pairs, ctx) => {
    let prevEnd = -1;
    pairs.forEach(([start, end], i) => {
      const s = parseClockTime(start) ?? 0;
      const e = parseClockTime(end, true) ?? 0;
      if (e <= s) {
        ctx.addIssue({ code: 'custom', path: [i], message: `${start}–${end} ends before it starts` });
      } else if (s < prevEnd) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `${start}–${end} overlaps or comes before the previous interval (list them in order)`,
        });
      }
      prevEnd = Math.max(prevEnd, e);
    });
  });

const perPriority = (khan: string, thuong: string, phuc_tap: string, positive: boolean) =>
  mapping(
    {
      khan: durationField({ positive }).prefault(khan),
      thuong: durationField({ positive }).prefault(thuong),
      phuc_tap: durationField({ positive }).prefault(phuc_tap),
    },
    `{ khan: "${khan}", thuong: "${thuong}", phuc_tap: "${phuc_tap}" }`,
  ).prefault({});

const DEFAULT_ESCALATION: { after: string; notify: EscalationTarget }[] = [
  { after: '0m', notify: 'department_head' },
  { after: '4h', notify: 'support_lead' },
  { after: '1d', notify: 'leaders' },
];

const escalationField = list(
  mapping(
    {
      after: durationField(),
      notify: z.enum(ESCALATION_TARGETS, {
        error: (iss) => `${show(iss.input)} is not one of ${ESCALATION_TARGETS.join(', ')}`,
      }),
    },
    '{ after: "4h", notify: support_lead }',
  ),
  'steps',
);

const settingsSchema = mapping(
  {
    timezone: timezoneField.prefault('Asia/Ho_Chi_Minh'),
    workingDays: workingDaysField.prefault([1, 2, 3, 4, 5]),
    workingHours: workingHoursField.prefault([
      ['07:30', '11:30'],
      ['13:30', '17:00'],
    ]),
    holidays: list(dateField, 'dates').prefault([]),
    makeupWorkingDays: list(dateField, 'dates').prefault([]),
    replaceShippedHolidays: z
      .boolean({ error: (iss) => `${show(iss.input)} is not true or false` })
      .prefault(false),
    deadlines: perPriority('1d', '5d', '10d', true),
    reminders: mapping(
      {
        unclaimedAfter: durationField().prefault('2h'),
        claimedAfter: optionalDurationField().optional(),
        firstAfter: perPriority('2h', '1d', '1d', false),
        repeatEvery: durationField({ positive: true }).prefault('1d'),
        repeatAt: clockField().prefault('08:00'),
        dueSoonBefore: durationField().prefault('1d'),
        snoozeMax: durationField().prefault('1d'),
      },
      '{ unclaimedAfter: "2h", repeatEvery: "1d" }',
    ).prefault({}),
    escalation: escalationField.prefault(() => DEFAULT_ESCALATION.map((step) => ({ ...step }))),
    digest: mapping({ at: clockField().prefault('07:30') }, '{ at: "07:30" }').prefault({}),
    autoRoute: mapping(
      {
        enabled: z.boolean({ error: (iss) => `${show(iss.input)} is not true or false` }).prefault(false),
        minConfidence: z
          .number({ error: (iss) => `${show(iss.input)} is not a number between 0 and 1` })
          .min(0, 'must be between 0 and 1')
          .max(1, 'must be between 0 and 1')
          .prefault(0.85),
      },
      '{ enabled: false, minConfidence: 0.85 }',
    ).prefault({}),
    autoClose: mapping(
      {
        after: durationField({ positive: true }).prefault('5d'),
        remindBefore: durationField({ positive: true }).prefault('1d'),
        reopenWithin: durationField().prefault('10d'),
      },
      '{ after: "5d", remindBefore: "1d", reopenWithin: "10d" }',
    ).prefault({}),
    publicPage: mapping(
      { enabled: z.boolean({ error: (iss) => `${show(iss.input)} is not true or false` }).prefault(false) },
      '{ enabled: false }',
    ).prefault({}),
    supportCards: mapping(
      {
        perMinute: z
          .number({ error: (iss) => `${show(iss.input)} is not a whole number of cards` })
          .int('must be a whole number')
          .min(0, 'must be 0 or more')
          .max(1000, 'must be at most 1000')
          .prefault(5),
      },
      '{ perMinute: 5 }',
    ).prefault({}),
  },
  '{ deadlines: { khan: "1d" } }',
).transform((s, ctx): Settings => {
  // The file's own lists must agree with each other; against the shipped lists, the file wins.
  const userOff = new Set(s.holidays);
  const userOn = new Set(s.makeupWorkingDays);
  s.makeupWorkingDays.forEach((date, i) => {
    if (userOff.has(date)) {
      ctx.addIssue({ code: 'custom', path: ['makeupWorkingDays', i], message: `${date} is also listed in holidays` });
    }
  });
  const shipped = s.replaceShippedHolidays ? { holidays: [], makeupWorkingDays: [] } : shippedHolidays();
  const holidays = new Set([...shipped.holidays.filter((d) => !userOn.has(d)), ...userOff]);
  const makeups = new Set([...shipped.makeupWorkingDays.filter((d) => !userOff.has(d)), ...userOn]);
  // A reminder as long as the wait itself would go out with the answer; compared in working
  // minutes, since "1d" is as long as the working hours of one day.
  const dayMinutes = s.workingHours.reduce((sum, [a, b]) => sum + (parseClockTime(b, true) ?? 0) - (parseClockTime(a) ?? 0), 0);
  const inMinutes = (d: Duration): number => d.days * dayMinutes + d.minutes;
  if (inMinutes(s.autoClose.remindBefore) >= inMinutes(s.autoClose.after)) {
    ctx.addIssue({
      code: 'custom',
      path: ['autoClose', 'remindBefore'],
      message: `${formatDuration(s.autoClose.remindBefore)} must be shorter than autoClose.after (${formatDuration(s.autoClose.after)})`,
    });
  }
  const { claimedAfter, ...reminders } = s.reminders;
  return {
    ...s,
    reminders: { ...reminders, claimedAfter: claimedAfter ?? reminders.unclaimedAfter },
    workingHours: s.workingHours.map(([a, b]) => [a, b] as [string, string]),
    holidays: [...holidays].sort(),
    makeupWorkingDays: [...makeups].sort(),
  };
});

// ---- entry points -----------------------------------------------------------------------------

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...issue.path, key]), message: 'unknown setting' });
      }
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}

function fail(prefix: string, issues: { path: string; message: string }[]): never {
  const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new SettingsError(`${prefix}${text}`.replace(/\s*\n\s*/g, ' '), issues);
}

function parseWithPrefix(input: unknown, prefix: string): Settings {
  const body = input === null || input === undefined ? {} : input;
  const result = settingsSchema.safeParse(body);
  if (!result.success) fail(prefix, issuesOf(result.error));
  return result.data;
}

/** Validates a settings object (already parsed from YAML/JSON) and fills in the defaults. */
export function parseSettings(input: unknown): Settings {
  return parseWithPrefix(input, '');
}

/** The default settings (docs/domain.md) with the shipped holiday calendar. */
export function defaultSettings(): Settings {
  return parseSettings({});
}

/**
 * Reads the settings file (YAML or JSON; `.json` is parsed as JSON, anything else as YAML, which
 * also reads JSON) and validates it; without a path, the defaults. `overrideTimezone` is
 * APP_TIMEZONE: pass it only when the variable is set, and it replaces the file's timezone.
 * Every problem throws a SettingsError with a one-line message naming the file and key.
 */
export function loadSettings(filePath?: string, overrideTimezone?: string): Settings {
  if (overrideTimezone !== undefined && !isValidTimeZone(overrideTimezone)) {
    fail('', [{ path: 'APP_TIMEZONE', message: `${show(overrideTimezone)} is not a known IANA time zone like Asia/Ho_Chi_Minh` }]);
  }
  if (filePath === undefined || filePath === '') {
    return parseSettings(overrideTimezone === undefined ? {} : { timezone: overrideTimezone });
  }
  const prefix = `SETTINGS_FILE ${filePath}: `;
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    fail(prefix, [{ path: '', message: `cannot read the file (${code})` }]);
  }
  let data: unknown;
  const isJson = extname(filePath).toLowerCase() === '.json';
  try {
    data = isJson ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0] ?? '';
    fail(prefix, [{ path: '', message: `not valid ${isJson ? 'JSON' : 'YAML'}: ${first}` }]);
  }
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    fail(prefix, [{ path: '', message: 'the file must hold a mapping of settings (key: value)' }]);
  }
  const body = { ...((data ?? {}) as Record<string, unknown>) };
  if (overrideTimezone !== undefined) body.timezone = overrideTimezone;
  return parseWithPrefix(body, prefix);
}

const calendars = new WeakMap<Settings, WorkingCalendar>();

/** The working calendar the settings describe; one shared instance per settings object. */
export function calendarFrom(settings: Settings): WorkingCalendar {
  let cal = calendars.get(settings);
  if (!cal) {
    cal = new WorkingCalendar(settings);
    calendars.set(settings, cal);
  }
  return cal;
}
