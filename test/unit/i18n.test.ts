import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator, messageKeys } from '../../src/i18n/index.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'generated' || name === 'emulator' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('locales', () => {
  it('Vietnamese and English have the same messages', () => {
    const vi = new Set(messageKeys('vi'));
    const en = new Set(messageKeys('en'));
    expect([...vi].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !vi.has(k))).toEqual([]);
  });

  it('every literal key the code asks for exists', () => {
    const keys = new Set(messageKeys('vi'));
    const missing: string[] = [];
    for (const file of sourceFiles(path.resolve('src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt[r]?\('([a-z][a-z0-9_-]*[a-z0-9_])'/g)) if (!keys.has(m[1]!)) missing.push(`${path.relative('.', file)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('status and priority labels are Vietnamese with diacritics', () => {
    const t = createTranslator('vi');
    expect(t('status-assigned')).toBe('Đã chuyển sở');
    expect(t('status-escalated_central')).toBe('Kiến nghị Trung ương');
    expect(t('priority-phuc_tap')).toBe('Phức tạp');
    expect(createTranslator('en')('status-resolved')).toBe('Resolved');
  });
});
