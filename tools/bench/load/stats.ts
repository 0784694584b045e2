/**
 * Summary statistics of the load benchmark. Percentiles use the nearest-rank definition (the
 * smallest sample with at least p% of the samples at or below it), so every reported figure is a
 * latency that really happened, never an interpolation between two.
 */

/** The p-th percentile (0 < p ≤ 100) of the samples by nearest rank; null for no samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const values = samples.filter((v) => Number.isFinite(v));
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Count, p50, p90, p99 and max of latencies in milliseconds, rounded to 0.1 ms. */
export function summarize(samples: readonly number[]): LatencySummary {
  const values = samples.filter((v) => Number.isFinite(v));
  return {
    count: values.length,
    p50: round1(percentile(values, 50)),
    p90: round1(percentile(values, 90)),
    p99: round1(percentile(values, 99)),
    max: round1(values.length ? Math.max(...values) : null),
  };
}

export function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

export function round2(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}

/** a / b, or null when either is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}
