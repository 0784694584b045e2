import { describe, expect, it } from 'vitest';
import { benchClock, benchReports, syntheticTickets } from '../../tools/bench/reports.js';

describe('benchReports', () => {
  it('reports one positive timing per report', async () => {
    const figures = await benchReports();
    expect(Object.keys(figures).sort()).toEqual(['chartMs', 'digestMsFor1000Tickets', 'xlsxMsFor1000Tickets']);
    for (const value of Object.values(figures)) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
  });

  it('measures the same synthetic data every run', () => {
    const now = new Date('2026-11-27T00:30:00Z');
    const a = syntheticTickets(50, now);
    expect(syntheticTickets(50, now)).toEqual(a);
    expect(new Set(a.map((t) => t.status)).size).toBeGreaterThan(3);
    for (const t of a) for (const e of t.events) expect(e.at.getTime()).toBeLessThanOrEqual(now.getTime());
  });

  it('counts only weekday office hours in Hưng Yên', () => {
    const hour = 3_600_000;
    // Friday 27/11/2026 07:30 → Monday 30/11/2026 07:30 local: one full Friday of 7.5 hours.
    expect(benchClock.workingMsBetween(new Date('2026-11-27T00:30:00Z'), new Date('2026-11-30T00:30:00Z'))).toBe(7.5 * hour);
    // 11:00 → 14:00 on a Monday: 30 minutes before lunch, 30 after.
    expect(benchClock.workingMsBetween(new Date('2026-11-30T04:00:00Z'), new Date('2026-11-30T07:00:00Z'))).toBe(hour);
  });
});
