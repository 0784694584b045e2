import { describe, expect, it } from 'vitest';
import { coverage, codesIn, firstNamed } from '../../tools/bench/load/codes.js';
import { percentile, ratio, summarize } from '../../tools/bench/load/stats.js';
import { parseStat } from '../../tools/bench/load/proc.js';

describe('percentiles (nearest rank)', () => {
  it('reports a sample that happened, never an interpolation', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(percentile(samples, 50)).toBe(3);
    expect(percentile(samples, 99)).toBe(5);
    expect(percentile(samples, 20)).toBe(1);
    expect(percentile(samples, 21)).toBe(2);
  });

  it('p99 of 100 samples is the 99th smallest; of 1000, the 990th', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 99)).toBe(99);
    const thousand = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentile(thousand, 99)).toBe(990);
    expect(percentile(thousand, 50)).toBe(500);
  });

  it('has no answer for no samples and ignores non-finite ones', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([Number.NaN, 7], 50)).toBe(7);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(summarize([])).toEqual({ count: 0, p50: null, p90: null, p99: null, max: null });
    expect(summarize([1.04, 2.26])).toEqual({ count: 2, p50: 1, p90: 2.3, p99: 2.3, max: 2.3 });
  });

  it('divides only what can be divided', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(null, 4)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
  });
});

describe('ticket codes in the messages', () => {
  it('finds codes in HTML and expands a written range', () => {
    expect([...codesIn('Phiếu <b>HY-0007</b> và HY-12345')]).toEqual(['HY-0007', 'HY-12345']);
    expect(codesIn('12 kiến nghị mới: <b>HY-0101</b> … <b>HY-0112</b>').size).toBe(12);
    expect(codesIn('HY-0099...HY-0101')).toEqual(new Set(['HY-0099', 'HY-0100', 'HY-0101']));
    expect(codesIn('HY-0001 — quá hạn').size).toBe(1);
    expect(codesIn('AB-0001 … HY-0005').size).toBe(2);
    expect(codesIn(null).size).toBe(0);
  });

  it('knows when a chat had named every wanted code, and when each was first named', () => {
    const msgs = [
      { t: 30, text: 'HY-0003' },
      { t: 10, text: 'Phiếu HY-0001' },
      { t: 20, text: 'HY-0001, HY-0002' },
    ];
    expect(coverage(msgs, new Set(['HY-0001', 'HY-0002']))).toEqual({ completeAt: 20, named: 2 });
    expect(coverage(msgs, new Set(['HY-0001', 'HY-0009']))).toEqual({ completeAt: null, named: 1 });
    expect(firstNamed(msgs).get('HY-0001')).toBe(10);
  });
});

describe('/proc stat lines', () => {
  it('reads CPU fields even when the command name has spaces and parentheses', () => {
    const fields = ['S', '41', ...Array.from({ length: 9 }, () => '0'), '250', '40', '7', '3', '20', '0'];
    const s = parseStat(`1234 (node (main) x) ${fields.join(' ')}`);
    expect(s).toMatchObject({ pid: 1234, ppid: 41, state: 'S', comm: 'node (main) x', utime: 250, stime: 40, cutime: 7, cstime: 3 });
  });
});
