/**
 * The business clock of the tests. No test may depend on the real date: every test app runs on a
 * clock that starts at TEST_CLOCK (an ISO instant) or, by default, on a working-day morning, and
 * runs at real speed from there (timeouts, pacing and queues still see real time pass).
 * `npm run test:clocks` runs the suite on a weekend, a holiday and a workday.
 */

/** Wednesday 25 November 2026, 08:00 in Hưng Yên: a working day, inside working hours. */
export const DEFAULT_TEST_CLOCK = '2026-11-25T08:00:00+07:00';

function baseInstant(): number {
  const raw = process.env.TEST_CLOCK?.trim() || DEFAULT_TEST_CLOCK;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new Error(`TEST_CLOCK must be an ISO instant such as ${DEFAULT_TEST_CLOCK} (got "${raw}")`);
  return ms;
}

const base = baseInstant();
// One origin per test process: every app of a file (two replicas included) shares one timeline.
const origin = Date.now();

/** Now, on the tests' business timeline. */
export function testNow(): Date {
  return new Date(base + (Date.now() - origin));
}

/** A clock that starts at `start` and runs at real speed (for a test that needs its own instant). */
export function clockFrom(start: Date | string): () => Date {
  const at = typeof start === 'string' ? Date.parse(start) : start.getTime();
  const from = Date.now();
  return () => new Date(at + (Date.now() - from));
}
