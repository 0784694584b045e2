import type { LabelledExample } from './corpus.js';
import {
  buildTables,
  scoreNaiveBayes,
  trainNaiveBayes,
  type NaiveBayesModel,
  type Scoring,
  type TrainingDocument,
} from '../../src/domain/classifier/naive-bayes.js';
import { compilePhrases, scorePhrases, type PhraseKnowledge } from '../../src/domain/classifier/phrases.js';
import { clauses, featuresOf } from '../../src/domain/classifier/text.js';

/**
 * Training: count the naive-Bayes features of the training split, then choose the smoothing and the
 * weights that mix naive Bayes with the phrase knowledge by k-fold cross-validation on the training
 * split only. The test split never influences the model.
 *
 * Reports written by other people are often terser than the corpus and hit fewer phrases, so every
 * training report is also scored on its first half (out of fold): weights that only work when a
 * report is rich in keywords (for instance a large "khac" default) lose on those.
 */

export interface TuningGrid {
  alpha: readonly number[];
  lengthExponent: readonly number[];
  nbWeight: readonly number[];
  phraseWeight: readonly number[];
  khacBias: readonly number[];
}

export const DEFAULT_GRID: TuningGrid = {
  alpha: [0.1, 0.3, 1],
  lengthExponent: [0.5, 1],
  nbWeight: [0, 0.5, 1, 2, 4, 8],
  phraseWeight: [0.25, 0.5, 1, 1.5],
  khacBias: [0, 1, 2, 3, 4],
};

/** Accuracies are out of fold, over full reports and their first halves together. */
export interface TrainingResult {
  model: NaiveBayesModel;
  crossValidation: { folds: number; accuracy: number; logLoss: number };
  /** cross-validated accuracy of naive Bayes alone and of phrases alone, for comparison */
  baselines: { naiveBayesOnly: number; phrasesOnly: number };
}

interface Candidate {
  alpha: number;
  scoring: Scoring;
  correct: number;
  logLoss: number;
}

const FALLBACK = 'khac';
const MIN_SYLLABLES_TO_SHORTEN = 8;

/** The clauses holding the first half of a report's syllables (short reports are kept whole). */
function firstHalf(parts: string[][]): string[][] {
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total < MIN_SYLLABLES_TO_SHORTEN) return parts;
  let budget = Math.ceil(total / 2);
  const out: string[][] = [];
  for (const part of parts) {
    if (budget <= 0) break;
    out.push(part.slice(0, budget));
    budget -= part.length;
  }
  return out;
}

/** Trains the naive-Bayes model and tunes the scoring weights by cross-validation. */
export function trainClassifierModel(
  examples: readonly LabelledExample[],
  categories: readonly string[],
  phrases: PhraseKnowledge,
  options: { folds?: number; grid?: TuningGrid } = {},
): TrainingResult {
  const folds = options.folds ?? 5;
  const grid = options.grid ?? DEFAULT_GRID;
  const k = categories.length;
  const index = new Map(categories.map((c, i) => [c, i]));
  const khac = index.get(FALLBACK) ?? -1;
  const matcher = compilePhrases(phrases, index);

  const docs = examples.map((e) => {
    const parts = clauses(e.text);
    const phraseScores = new Float64Array(k);
    scorePhrases(matcher, parts, phraseScores);
    const label = index.get(e.category);
    if (label === undefined) throw new Error(`Nhóm không có trong danh mục: ${e.category}`);
    return { features: featuresOf(parts), category: e.category, label, phraseScores };
  });
  const heads = docs.map((doc, i) => {
    const head = firstHalf(clauses(examples[i]!.text));
    const phraseScores = new Float64Array(k);
    scorePhrases(matcher, head, phraseScores);
    return { features: featuresOf(head), label: doc.label, phraseScores };
  });
  // Round-robin folds: the corpus files are grouped by category, so every fold gets every category.
  // A report's first half sits in the same fold as the report.
  const foldOf = (i: number) => i % folds;
  const variants = [...docs, ...heads];
  const foldOfVariant = (v: number) => foldOf(v % docs.length);

  // nbByConfig[alpha][exponent][variant] = out-of-fold naive-Bayes scores.
  const placeholder: Scoring = { nbWeight: 1, phraseWeight: 1, lengthExponent: 1, khacBias: 0 };
  const nbByConfig = grid.alpha.map(() => grid.lengthExponent.map(() => variants.map(() => new Float64Array(k))));
  for (let f = 0; f < folds; f++) {
    const trainDocs: TrainingDocument[] = docs.filter((_, i) => foldOf(i) !== f);
    const counts = trainNaiveBayes(trainDocs, categories, 1, placeholder);
    grid.alpha.forEach((alpha, a) => {
      const tables = buildTables(counts, alpha);
      grid.lengthExponent.forEach((exponent, x) => {
        variants.forEach((v, i) => {
          if (foldOfVariant(i) === f) scoreNaiveBayes(tables, v.features, exponent, nbByConfig[a]![x]![i]!);
        });
      });
    });
  }

  const logits = new Float64Array(k);
  const evaluate = (nb: Float64Array[], scoring: Scoring) => {
    let correct = 0;
    let logLoss = 0;
    variants.forEach((doc, i) => {
      const nbScores = nb[i]!;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        const v = scoring.nbWeight * nbScores[c]! + scoring.phraseWeight * doc.phraseScores[c]! + (c === khac ? scoring.khacBias : 0);
        logits[c] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      let best = 0;
      for (let c = 0; c < k; c++) {
        sum += Math.exp(logits[c]! - max);
        if (logits[c]! > logits[best]!) best = c;
      }
      if (best === doc.label) correct++;
      logLoss -= logits[doc.label]! - max - Math.log(sum);
    });
    return { correct, logLoss: logLoss / variants.length };
  };

  let best: Candidate | null = null;
  let nbOnly = 0;
  let phrasesOnly = 0;
  grid.alpha.forEach((alpha, a) => {
    grid.lengthExponent.forEach((lengthExponent, x) => {
      const nb = nbByConfig[a]![x]!;
      nbOnly = Math.max(nbOnly, evaluate(nb, { nbWeight: 1, phraseWeight: 0, lengthExponent, khacBias: 0 }).correct);
      for (const khacBias of grid.khacBias) {
        phrasesOnly = Math.max(phrasesOnly, evaluate(nb, { nbWeight: 0, phraseWeight: 1, lengthExponent, khacBias }).correct);
        for (const nbWeight of grid.nbWeight) {
          for (const phraseWeight of grid.phraseWeight) {
            const scoring: Scoring = { nbWeight, phraseWeight, lengthExponent, khacBias };
            const { correct, logLoss } = evaluate(nb, scoring);
            // More correct reports wins; among equals, the better-calibrated probabilities.
            if (best === null || correct > best.correct || (correct === best.correct && logLoss < best.logLoss - 1e-9)) {
              best = { alpha, scoring, correct, logLoss };
            }
          }
        }
      }
    });
  });
  const chosen = best as Candidate | null;
  if (chosen === null) throw new Error('Lưới tham số rỗng');

  const model = trainNaiveBayes(docs, categories, chosen.alpha, chosen.scoring);
  return {
    model,
    crossValidation: { folds, accuracy: chosen.correct / variants.length, logLoss: chosen.logLoss },
    baselines: { naiveBayesOnly: nbOnly / variants.length, phrasesOnly: phrasesOnly / variants.length },
  };
}
