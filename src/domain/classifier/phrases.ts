import { syllables, type CompiledLexicon } from './text.js';

/** Hand-curated domain knowledge: category → phrase → weight, plus neutral phrases. */
export interface PhraseKnowledge {
  categories: Readonly<Record<string, Readonly<Record<string, number>>>>;
  neutral?: readonly string[];
}

interface PhraseEntry {
  /** folded phrase, syllables joined by spaces */
  readonly text: string;
  readonly syllables: readonly string[];
  /** category indexes and weights; empty for neutral phrases */
  readonly categories: readonly number[];
  readonly weights: readonly number[];
}

/** A phrase table indexed by first syllable, so matching costs one map lookup per syllable. */
export interface PhraseMatcher {
  readonly byFirst: ReadonlyMap<string, readonly PhraseEntry[]>;
}

/** One phrase that counted towards a category, for explaining a suggestion. */
export interface PhraseHit {
  phrase: string;
  categoryIndex: number;
  weight: number;
}

interface Match {
  start: number;
  end: number;
  entry: PhraseEntry;
}

/** Folds every phrase and indexes it; unknown categories or bad weights are rejected. */
export function compilePhrases(
  knowledge: PhraseKnowledge,
  categoryIndex: ReadonlyMap<string, number>,
  lexicon?: CompiledLexicon,
): PhraseMatcher {
  const merged = new Map<string, { text: string; syllables: string[]; categories: number[]; weights: number[] }>();
  const entryFor = (phrase: string) => {
    const sylls = syllables(phrase, lexicon);
    if (sylls.length === 0) throw new Error(`Cụm từ rỗng sau khi chuẩn hóa: "${phrase}"`);
    const key = sylls.join(' ');
    let entry = merged.get(key);
    if (entry === undefined) {
      entry = { text: key, syllables: sylls, categories: [], weights: [] };
      merged.set(key, entry);
    }
    return entry;
  };
  for (const [category, phrases] of Object.entries(knowledge.categories)) {
    const index = categoryIndex.get(category);
    if (index === undefined) throw new Error(`Nhóm không tồn tại trong bảng cụm từ: ${category}`);
    for (const [phrase, weight] of Object.entries(phrases)) {
      if (!Number.isFinite(weight) || weight < 0) throw new Error(`Trọng số không hợp lệ cho "${phrase}": ${weight}`);
      const entry = entryFor(phrase);
      const at = entry.categories.indexOf(index);
      // The same folded phrase listed twice under one category keeps the larger weight.
      if (at >= 0) entry.weights[at] = Math.max(entry.weights[at] ?? 0, weight);
      else {
        entry.categories.push(index);
        entry.weights.push(weight);
      }
    }
  }
  for (const phrase of knowledge.neutral ?? []) entryFor(phrase);

  const byFirst = new Map<string, PhraseEntry[]>();
  for (const entry of merged.values()) {
    const first = entry.syllables[0] as string;
    const list = byFirst.get(first);
    if (list === undefined) byFirst.set(first, [entry]);
    else list.push(entry);
  }
  return { byFirst };
}

function findMatches(matcher: PhraseMatcher, parts: readonly (readonly string[])[]): Match[] {
  const matches: Match[] = [];
  let offset = 0;
  for (const clause of parts) {
    for (let i = 0; i < clause.length; i++) {
      const candidates = matcher.byFirst.get(clause[i] as string);
      if (candidates === undefined) continue;
      for (const entry of candidates) {
        const len = entry.syllables.length;
        if (i + len > clause.length) continue;
        let ok = true;
        for (let k = 1; k < len; k++) {
          if (entry.syllables[k] !== clause[i + k]) {
            ok = false;
            break;
          }
        }
        if (ok) matches.push({ start: offset + i, end: offset + i + len, entry });
      }
    }
    offset += clause.length;
  }
  return matches;
}

function insideLonger(matches: readonly Match[], m: Match): boolean {
  const len = m.end - m.start;
  for (const other of matches) {
    if (other.end - other.start > len && other.start <= m.start && other.end >= m.end) return true;
  }
  return false;
}

/**
 * Adds each matched phrase's weight to its categories' scores and returns the total added; fills
 * `hits` when given. Only the longest reading counts: a phrase inside a longer matched phrase (of
 * any category, or neutral) is ignored, so "luật đất đai" is policy, not land, and one mention of
 * "trung tâm phục vụ hành chính công" counts once. Each phrase counts once per text.
 */
export function scorePhrases(
  matcher: PhraseMatcher,
  parts: readonly (readonly string[])[],
  scores: Float64Array,
  hits?: PhraseHit[],
): number {
  const matches = findMatches(matcher, parts);
  if (matches.length === 0) return 0;
  const counted = new Set<PhraseEntry>();
  let total = 0;
  for (const m of matches) {
    if (counted.has(m.entry) || insideLonger(matches, m)) continue;
    counted.add(m.entry);
    const { categories, weights } = m.entry;
    for (let j = 0; j < categories.length; j++) {
      const category = categories[j] as number;
      const weight = weights[j] as number;
      scores[category] = (scores[category] ?? 0) + weight;
      total += weight;
      hits?.push({ phrase: m.entry.text, categoryIndex: category, weight });
    }
  }
  return total;
}
