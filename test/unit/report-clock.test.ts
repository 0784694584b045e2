import { describe, expect, it } from 'vitest';
import { exportFileName, reportClock, workingDayMs } from '../../src/core/reports.js';
import { DEFAULT_WORKING_DAY_MS } from '../../src/domain/report-types.js';
import { defaultSettings, parseSettings } from '../../src/settings.js';
import { digestCronPattern } from '../../src/workers/digest.worker.js';

const HOUR = 3_600_000;

describe('the reports’ clock from the settings', () => {
  it('measures a working day by the configured hours', () => {
    expect(workingDayMs(defaultSettings())).toBe(DEFAULT_WORKING_DAY_MS);
    expect(workingDayMs(parseSettings({ workingHours: [['08:00', '12:00'], ['13:00', '17:00']] }))).toBe(8 * HOUR);
    expect(workingDayMs(parseSettings({ workingHours: [['22:00', '24:00']] }))).toBe(2 * HOUR);
  });

  it('counts working time and judges deadlines by the working calendar', () => {
    // Friday 27/11/2026 16:00 in Hưng Yên.
    const friday = new Date('2026-11-27T09:00:00Z');
    const { clock, dueState } = reportClock(defaultSettings(), friday);
    // Friday 16:00 → Monday 08:30 is one hour of Friday and one of Monday.
    expect(clock.workingMsBetween(friday, new Date('2026-11-30T01:30:00Z'))).toBe(2 * HOUR);
    // Due Monday 16:00: within one working day of Friday 16:00, so "sắp đến hạn".
    expect(dueState(new Date('2026-11-30T09:00:00Z'), friday)).toBe('due_soon');
    expect(dueState(new Date('2026-12-02T09:00:00Z'), friday)).toBe('ok');
    expect(dueState(new Date('2026-11-27T08:59:00Z'), friday)).toBe('overdue');
  });

  it('dates the export file by the local day', () => {
    // 23:30 UTC on the 29th is already the 30th in Hưng Yên.
    expect(exportFileName(defaultSettings(), new Date('2026-11-29T23:30:00Z'))).toBe('thao-go-2026-11-30.xlsx');
  });

  it('schedules the digest every day at the configured minute', () => {
    expect(digestCronPattern('07:30')).toBe('30 7 * * 1-7');
    expect(digestCronPattern('18:05')).toBe('5 18 * * 1-7');
  });
});
