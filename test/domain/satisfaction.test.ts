import { describe, expect, it } from 'vitest';
import {
  SATISFACTIONS,
  SATISFACTION_SCORES,
  isSatisfaction,
  parseSatisfaction,
  satisfactionChoice,
  satisfactionLabelKey,
} from '../../src/domain/satisfaction.js';
import { createTranslator } from '../../src/i18n/index.js';
import { Satisfaction as PrismaSatisfaction } from '../../src/generated/prisma/enums.js';

describe('the satisfaction question', () => {
  it('offers Hài lòng, Tạm được, Chưa hài lòng as 1, 2, 3, scored 100, 50, 0', () => {
    const t = createTranslator('vi');
    expect(SATISFACTIONS.map((s) => [satisfactionChoice(s), t(satisfactionLabelKey(s)), SATISFACTION_SCORES[s]])).toEqual([
      [1, 'Hài lòng', 100],
      [2, 'Tạm được', 50],
      [3, 'Chưa hài lòng', 0],
    ]);
  });

  it('has the same answers as the database enum', () => {
    expect([...SATISFACTIONS].sort()).toEqual(Object.values(PrismaSatisfaction).sort());
    expect(isSatisfaction('tam_duoc')).toBe(true);
    expect(isSatisfaction('rat_hai_long')).toBe(false);
    expect(isSatisfaction(null)).toBe(false);
  });

  it.each([
    ['1', 'hai_long'],
    [' 2 ', 'tam_duoc'],
    ['3.', 'chua_hai_long'],
    ['Hài lòng', 'hai_long'],
    ['hai long', 'hai_long'],
    ['TẠM ĐƯỢC', 'tam_duoc'],
    ['tam  duoc!', 'tam_duoc'],
    ['chưa hài lòng', 'chua_hai_long'],
    ['khong hai long', 'chua_hai_long'],
  ])('reads the typed answer %j', (text, expected) => {
    expect(parseSatisfaction(text)).toBe(expected);
  });

  it.each(['', '0', '4', '12', 'ok', 'hài', 'rất hài lòng', '1 2'])('refuses %j', (text) => {
    expect(parseSatisfaction(text)).toBeNull();
  });
});
