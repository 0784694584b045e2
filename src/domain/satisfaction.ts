/**
 * The one question a commune is asked when it confirms an answer: was it helpful? Three answers,
 * in the order they are offered (buttons, or numbered choices where a platform has none).
 * Mirrors the Prisma enum `Satisfaction`.
 */
import { foldDiacritics } from './classifier/text.js';

export const SATISFACTIONS = ['hai_long', 'tam_duoc', 'chua_hai_long'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

/**
 * Points of each answer; the satisfaction score of a group is their mean, 0–100. "Tạm được" sits
 * halfway so that a department answered "so-so" by everyone scores neither well nor badly.
 */
export const SATISFACTION_SCORES: Readonly<Record<Satisfaction, number>> = {
  hai_long: 100,
  tam_duoc: 50,
  chua_hai_long: 0,
};

/** Whether a stored value is one of the answers (the database enum and this list must agree). */
export function isSatisfaction(value: unknown): value is Satisfaction {
  return typeof value === 'string' && (SATISFACTIONS as readonly string[]).includes(value);
}

/** The number an answer is offered under: 1 = Hài lòng, 2 = Tạm được, 3 = Chưa hài lòng. */
export function satisfactionChoice(value: Satisfaction): number {
  return SATISFACTIONS.indexOf(value) + 1;
}

/** The locale key of an answer's label (`satisfaction-hai_long` = "Hài lòng"). */
export function satisfactionLabelKey(value: Satisfaction): string {
  return `satisfaction-${value}`;
}

const TYPED: ReadonlyMap<string, Satisfaction> = new Map([
  ['1', 'hai_long'],
  ['2', 'tam_duoc'],
  ['3', 'chua_hai_long'],
  ['hai long', 'hai_long'],
  ['tam duoc', 'tam_duoc'],
  ['chua hai long', 'chua_hai_long'],
  ['khong hai long', 'chua_hai_long'],
]);

/**
 * A typed answer (`/xong HY-0001 2`, a numbered choice on a platform without buttons, or the label
 * itself with or without diacritics: "tạm được", "tam duoc"); null when it is none of them.
 */
export function parseSatisfaction(text: string): Satisfaction | null {
  const key = foldDiacritics(text)
    .replace(/[.!,;:]+$/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
  return TYPED.get(key) ?? null;
}
