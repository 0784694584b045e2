import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shippedHolidays } from '../../src/domain/holidays.js';
import {
  SettingsError,
  calendarFrom,
  defaultSettings,
  loadSettings,
  parseSettings,
} from '../../src/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'thao-go-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, 'utf8');
  return path;
}

/** The message parseSettings throws for an input (fails the test if it does not throw). */
function errorOf(input: unknown): string {
  try {
    parseSettings(input);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

const d = (days: number, minutes = 0) => ({ days, minutes });

describe('defaults (docs/domain.md)', () => {
  const s = defaultSettings();

  it('has the Hưng Yên working calendar with the shipped holidays', () => {
    expect(s.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(s.workingDays).toEqual([1, 2, 3, 4, 5]);
    expect(s.workingHours).toEqual([
      ['07:30', '11:30'],
      ['13:30', '17:00'],
    ]);
    expect(s.holidays).toEqual(shippedHolidays().holidays);
    expect(s.makeupWorkingDays).toEqual(['2025-04-26', '2026-01-10', '2026-08-22']);
    expect(s.replaceShippedHolidays).toBe(false);
  });

  it('has the default deadlines, reminders, escalation chain, digest and auto-routing', () => {
    expect(s.deadlines).toEqual({ khan: d(1), thuong: d(5), phuc_tap: d(10) });
    expect(s.reminders).toEqual({
      unclaimedAfter: d(0, 120),
      claimedAfter: d(0, 120),
      firstAfter: { khan: d(0, 120), thuong: d(1), phuc_tap: d(1) },
      repeatEvery: d(1),
      repeatAt: '08:00',
      dueSoonBefore: d(1),
      snoozeMax: d(1),
    });
    expect(s.escalation).toEqual([
      { after: d(0), notify: 'department_head' },
      { after: d(0, 240), notify: 'support_lead' },
      { after: d(1), notify: 'leaders' },
    ]);
    expect(s.digest).toEqual({ at: '07:30' });
    expect(s.autoRoute).toEqual({ enabled: false, minConfidence: 0.85 });
  });

  it('closes answered tickets after 5 working days, reminding 1 day before, reopenable for 10; no public page', () => {
    expect(s.autoClose).toEqual({ after: d(5), remindBefore: d(1), reopenWithin: d(10) });
    expect(s.publicPage).toEqual({ enabled: false });
  });

  it('treats null, undefined and {} alike', () => {
    expect(parseSettings(null)).toEqual(s);
    expect(parseSettings(undefined)).toEqual(s);
    expect(loadSettings()).toEqual(s);
  });

  it('contains the shipped holiday runs', () => {
    const cal = calendarFrom(s);
    for (const date of ['2026-02-16', '2026-02-20', '2026-01-02', '2026-04-27', '2026-08-31', '2025-05-02']) {
      expect(cal.isWorkingDay(date), date).toBe(false);
    }
    for (const date of ['2026-01-10', '2026-08-22', '2025-04-26', '2026-02-23']) {
      expect(cal.isWorkingDay(date), date).toBe(true);
    }
  });
});

describe('partial overrides', () => {
  it('changes one nested key and keeps its siblings', () => {
    const s = parseSettings({ deadlines: { khan: '4h' }, reminders: { firstAfter: { thuong: '2d' } } });
    expect(s.deadlines).toEqual({ khan: d(0, 240), thuong: d(5), phuc_tap: d(10) });
    expect(s.reminders.firstAfter).toEqual({ khan: d(0, 120), thuong: d(2), phuc_tap: d(1) });
    expect(s.reminders.repeatEvery).toEqual(d(1));
    expect(s.escalation).toHaveLength(3);
  });

  it('reminds about claimed tickets after claimedAfter, which follows unclaimedAfter unless set', () => {
    expect(parseSettings({ reminders: { unclaimedAfter: '3m' } }).reminders.claimedAfter).toEqual(d(0, 3));
    const s = parseSettings({ reminders: { unclaimedAfter: '3m', claimedAfter: '1d' } });
    expect([s.reminders.unclaimedAfter, s.reminders.claimedAfter]).toEqual([d(0, 3), d(1)]);
    expect(parseSettings({ reminders: { claimedAfter: '0m' } }).reminders.claimedAfter).toEqual(d(0));
  });

  it('changes one auto-close key and keeps the others; turns the public page on', () => {
    const s = parseSettings({ autoClose: { after: '3d' }, publicPage: { enabled: true } });
    expect(s.autoClose).toEqual({ after: d(3), remindBefore: d(1), reopenWithin: d(10) });
    expect(s.publicPage).toEqual({ enabled: true });
    expect(parseSettings({ autoClose: { remindBefore: '4h', reopenWithin: '0m' } }).autoClose).toEqual({
      after: d(5),
      remindBefore: d(0, 240),
      reopenWithin: d(0),
    });
  });

  it('compares the reminder with the wait in working time: 7h 29m is shorter than a working day, 7h 30m is not', () => {
    expect(parseSettings({ autoClose: { after: '1d', remindBefore: '7h 29m' } }).autoClose.remindBefore).toEqual(d(0, 449));
    expect(errorOf({ autoClose: { after: '1d', remindBefore: '7h 30m' } })).toBe(
      'autoClose.remindBefore: 7h 30m must be shorter than autoClose.after (1d)',
    );
    // With longer working hours, a day is longer too.
    const long = { workingHours: [['07:00', '17:00']], autoClose: { after: '1d', remindBefore: '9h' } };
    expect(parseSettings(long).autoClose.remindBefore).toEqual(d(0, 540));
  });

  it('replaces lists as a whole', () => {
    const s = parseSettings({ escalation: [{ after: '1h', notify: 'leaders' }], workingDays: [6, 1, 1, 2] });
    expect(s.escalation).toEqual([{ after: d(0, 60), notify: 'leaders' }]);
    expect(s.workingDays).toEqual([1, 2, 6]);
  });

  it('adds the file’s holidays to the shipped ones', () => {
    const s = parseSettings({ holidays: ['2026-11-24'], makeupWorkingDays: ['2026-11-28'] });
    expect(s.holidays).toContain('2026-11-24');
    expect(s.holidays).toContain('2026-02-17');
    expect(s.makeupWorkingDays).toEqual(['2025-04-26', '2026-01-10', '2026-08-22', '2026-11-28']);
    const cal = calendarFrom(s);
    expect(cal.isWorkingDay('2026-11-24')).toBe(false);
    expect(cal.isWorkingDay('2026-11-28')).toBe(true);
  });

  it('lets the file turn a shipped day off into a working day and back', () => {
    const s = parseSettings({ holidays: ['2026-01-10'], makeupWorkingDays: ['2026-08-31'] });
    expect(s.holidays).toContain('2026-01-10');
    expect(s.makeupWorkingDays).not.toContain('2026-01-10');
    expect(s.makeupWorkingDays).toContain('2026-08-31');
    expect(s.holidays).not.toContain('2026-08-31');
    const cal = calendarFrom(s);
    expect(cal.isWorkingDay('2026-01-10')).toBe(false);
    expect(cal.isWorkingDay('2026-08-31')).toBe(true);
  });

  it('drops the shipped calendar with replaceShippedHolidays', () => {
    const s = parseSettings({ replaceShippedHolidays: true, holidays: ['2026-03-03'] });
    expect(s.holidays).toEqual(['2026-03-03']);
    expect(s.makeupWorkingDays).toEqual([]);
    expect(calendarFrom(s).isWorkingDay('2026-02-17')).toBe(true);
  });

  it('accepts a calendar where every minute is working time', () => {
    const s = parseSettings({
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      workingHours: [['00:00', '24:00']],
      deadlines: { khan: '2m', thuong: '2m', phuc_tap: '2m' },
      reminders: { unclaimedAfter: '1m', firstAfter: { khan: '1m', thuong: '1m', phuc_tap: '1m' }, repeatEvery: '1m' },
      escalation: [
        { after: '0m', notify: 'department_head' },
        { after: '1m', notify: 'support_lead' },
      ],
    });
    const cal = calendarFrom(s);
    const saturdayNight = new Date('2025-11-15T23:59:00+07:00');
    expect(cal.isWorkingTime(saturdayNight)).toBe(true);
    expect(cal.addWorking(saturdayNight, s.reminders.unclaimedAfter).toISOString()).toBe(
      new Date('2025-11-16T00:00:00+07:00').toISOString(),
    );
  });

  it('builds one calendar per settings object', () => {
    const s = defaultSettings();
    expect(calendarFrom(s)).toBe(calendarFrom(s));
    expect(calendarFrom(defaultSettings())).not.toBe(calendarFrom(s));
  });
});

describe('bad values name the key', () => {
  it.each([
    [{ deadlines: { khan: 'abc' } }, 'deadlines.khan: "abc" is not a duration like 90m, 2h or 1d'],
    [{ deadlines: { thuong: 5 } }, 'deadlines.thuong: 5 is not a duration like 90m, 2h or 1d'],
    [{ deadlines: { phuc_tap: '0m' } }, 'deadlines.phuc_tap: "0m" must be longer than zero'],
    [{ deadlines: '1d' }, 'deadlines: "1d" is not a mapping'],
    [{ reminders: { unclaimedAfter: '2 hours' } }, 'reminders.unclaimedAfter: "2 hours" is not a duration'],
    [{ reminders: { claimedAfter: 'soon' } }, 'reminders.claimedAfter: "soon" is not a duration'],
    [{ reminders: { claimedAfter: null } }, 'reminders.claimedAfter: null is not a duration'],
    [{ reminders: { firstAfter: { khan: '1.5h' } } }, 'reminders.firstAfter.khan: "1.5h" is not a duration'],
    [{ reminders: { repeatEvery: '0m' } }, 'reminders.repeatEvery: "0m" must be longer than zero'],
    [{ reminders: { repeatAt: '8:00' } }, 'reminders.repeatAt: "8:00" is not a time like 07:30'],
    [{ reminders: { repeatAt: '24:00' } }, 'reminders.repeatAt: "24:00" is not a time'],
    [{ reminders: { snoozeMax: '' } }, 'reminders.snoozeMax: "" is not a duration'],
    [{ digest: { at: '25:00' } }, 'digest.at: "25:00" is not a time like 07:30'],
    [{ timezone: 'Asia/Hanoi_Typo' }, 'timezone: "Asia/Hanoi_Typo" is not a known IANA time zone'],
    [{ workingDays: [0, 5] }, 'workingDays[0]: 0 is not an ISO weekday 1..7'],
    [{ workingDays: [] }, 'workingDays: needs at least one working day'],
    [{ workingDays: 'mon-fri' }, 'workingDays: "mon-fri" is not a list of ISO weekdays'],
    [{ workingHours: [['07:30', '24:30']] }, 'workingHours[0][1]: "24:30" is not a time'],
    [{ workingHours: [['24:00', '24:00']] }, 'workingHours[0][0]: "24:00" is not a time'],
    [{ workingHours: [['17:00', '07:30']] }, 'workingHours[0]: 17:00–07:30 ends before it starts'],
    [{ workingHours: [['07:30', '12:00'], ['11:00', '17:00']] }, 'workingHours[1]: 11:00–17:00 overlaps'],
    [{ workingHours: [['13:30', '17:00'], ['07:30', '11:30']] }, 'workingHours[1]: 07:30–11:30 overlaps or comes before'],
    [{ workingHours: [['07:30']] }, 'workingHours[0]: ["07:30"] is not a pair'],
    [{ workingHours: [] }, 'workingHours: needs at least one interval'],
    [{ holidays: ['2026-02-30'] }, 'holidays[0]: "2026-02-30" is not a date like 2026-01-01'],
    [{ makeupWorkingDays: ['10/01/2026'] }, 'makeupWorkingDays[0]: "10/01/2026" is not a date'],
    [{ holidays: ['2026-03-03'], makeupWorkingDays: ['2026-03-03'] }, 'makeupWorkingDays[0]: 2026-03-03 is also listed in holidays'],
    [{ replaceShippedHolidays: 'yes' }, 'replaceShippedHolidays: "yes" is not true or false'],
    [{ escalation: [{ after: '1h', notify: 'boss' }] }, 'escalation[0].notify: "boss" is not one of department_head, support_lead, leaders'],
    [{ escalation: [{ notify: 'leaders' }] }, 'escalation[0].after: is required'],
    [{ escalation: [{ after: '1h', notify: 'leaders', extra: 1 }] }, 'escalation[0].extra: unknown setting'],
    [{ autoRoute: { minConfidence: 1.5 } }, 'autoRoute.minConfidence: must be between 0 and 1'],
    [{ autoRoute: { enabled: 1 } }, 'autoRoute.enabled: 1 is not true or false'],
    [{ autoClose: { after: 'soon' } }, 'autoClose.after: "soon" is not a duration like 90m, 2h or 1d'],
    [{ autoClose: { after: '0m' } }, 'autoClose.after: "0m" must be longer than zero'],
    [{ autoClose: { remindBefore: '0m' } }, 'autoClose.remindBefore: "0m" must be longer than zero'],
    [{ autoClose: { remindBefore: '5d' } }, 'autoClose.remindBefore: 5d must be shorter than autoClose.after (5d)'],
    [{ autoClose: { after: '2d', remindBefore: '3d' } }, 'autoClose.remindBefore: 3d must be shorter than autoClose.after (2d)'],
    [{ autoClose: { reopenWithin: '-1d' } }, 'autoClose.reopenWithin: "-1d" is not a duration'],
    [{ autoClose: { reopenAfter: '1d' } }, 'autoClose.reopenAfter: unknown setting'],
    [{ autoClose: '5d' }, 'autoClose: "5d" is not a mapping like { after: "5d", remindBefore: "1d", reopenWithin: "10d" }'],
    [{ publicPage: { enabled: 'true' } }, 'publicPage.enabled: "true" is not true or false'],
    [{ publicPage: true }, 'publicPage: true is not a mapping like { enabled: false }'],
    [{ publicPage: { enable: true } }, 'publicPage.enable: unknown setting'],
    [{ deadline: { khan: '1d' } }, 'deadline: unknown setting'],
    [{ reminders: { repeatEvry: '1d' } }, 'reminders.repeatEvry: unknown setting'],
    [['timezone'], 'is not a mapping'],
  ])('%j', (input, message) => {
    expect(errorOf(input)).toContain(message);
  });

  it('reports every problem on one line', () => {
    const message = errorOf({ deadlines: { khan: 'x' }, digest: { at: 'noon' } });
    expect(message).toBe(
      'deadlines.khan: "x" is not a duration like 90m, 2h or 1d; digest.at: "noon" is not a time like 07:30 (00:00–23:59)',
    );
    expect(message).not.toContain('\n');
  });
});

describe('loadSettings', () => {
  it('reads YAML', () => {
    const path = file(
      'settings.yaml',
      [
        '# operating settings',
        'timezone: Asia/Ho_Chi_Minh',
        'holidays: ["2026-11-24"]',
        'deadlines: { khan: "4h" }',
        'reminders:',
        '  repeatEvery: "1d"',
        '  repeatAt: "08:30"',
        'escalation:',
        '  - { after: "0m", notify: department_head }',
        '  - { after: 2h, notify: leaders }',
        'autoRoute: { enabled: true }',
        'autoClose: { after: "3d", remindBefore: "4h", reopenWithin: "5d" }',
        'publicPage: { enabled: true }',
        '',
      ].join('\n'),
    );
    const s = loadSettings(path);
    expect(s.deadlines.khan).toEqual(d(0, 240));
    expect(s.reminders.repeatAt).toBe('08:30');
    expect(s.escalation).toEqual([
      { after: d(0), notify: 'department_head' },
      { after: d(0, 120), notify: 'leaders' },
    ]);
    expect(s.holidays).toContain('2026-11-24');
    expect(s.autoRoute).toEqual({ enabled: true, minConfidence: 0.85 });
    expect(s.autoClose).toEqual({ after: d(3), remindBefore: d(0, 240), reopenWithin: d(5) });
    expect(s.publicPage).toEqual({ enabled: true });
  });

  it('reads JSON, by extension or through the YAML parser', () => {
    const json = JSON.stringify({ deadlines: { thuong: '3d' }, workingDays: [1, 2, 3, 4, 5, 6] });
    for (const name of ['settings.json', 'settings.conf']) {
      const s = loadSettings(file(name, json));
      expect(s.deadlines.thuong).toEqual(d(3));
      expect(s.workingDays).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('treats an empty file as all defaults', () => {
    expect(loadSettings(file('empty.yml', '# nothing yet\n'))).toEqual(defaultSettings());
  });

  it('names the file and the key in one line', () => {
    const path = file('bad.yaml', 'deadlines:\n  khan: abc\n');
    expect(() => loadSettings(path)).toThrow(
      `SETTINGS_FILE ${path}: deadlines.khan: "abc" is not a duration like 90m, 2h or 1d`,
    );
  });

  it.each([
    ['missing.yaml', null, 'cannot read the file (ENOENT)'],
    ['broken.yaml', 'deadlines: { khan: "1d"\n', 'not valid YAML'],
    ['broken.json', '{ "deadlines": ', 'not valid JSON'],
    ['list.yaml', '- 1\n- 2\n', 'the file must hold a mapping of settings'],
    ['scalar.yaml', 'hello\n', 'the file must hold a mapping of settings'],
  ])('reports %s', (name, text, message) => {
    const path = text === null ? join(dir, name) : file(name, text);
    let caught: unknown;
    try {
      loadSettings(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SettingsError);
    const msg = (caught as Error).message;
    expect(msg.startsWith(`SETTINGS_FILE ${path}: `)).toBe(true);
    expect(msg).toContain(message);
    expect(msg).not.toContain('\n');
  });

  it('lets APP_TIMEZONE override the file', () => {
    const path = file('tz.yaml', 'timezone: Asia/Ho_Chi_Minh\n');
    expect(loadSettings(path, 'Asia/Bangkok').timezone).toBe('Asia/Bangkok');
    expect(loadSettings(undefined, 'Asia/Bangkok').timezone).toBe('Asia/Bangkok');
    expect(() => loadSettings(path, 'Nowhere/City')).toThrow(
      'APP_TIMEZONE: "Nowhere/City" is not a known IANA time zone',
    );
  });
});
