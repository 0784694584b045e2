import { defaultDepartmentFor } from '../catalog.js';
import {
  buildTables,
  naiveBayesModelSchema,
  scoreNaiveBayes,
  type NaiveBayesModel,
  type NaiveBayesTables,
  type Scoring,
} from './naive-bayes.js';
import { compilePhrases, scorePhrases, type PhraseHit, type PhraseKnowledge, type PhraseMatcher } from './phrases.js';
import { clauses, featuresOf } from './text.js';

/** The classifier's suggestion for one report; the support team confirms or changes it. */
export interface Classification {
  category: string;
  department: string | null;
  /** probability-like score of `category`, 0..1 */
  confidence: number;
  runnerUp: { category: string; confidence: number } | null;
}

/** Everything the classifier knows: the trained naive-Bayes model and the curated phrases. */
export interface ClassifierModel {
  nb: NaiveBayesModel;
  phrases: PhraseKnowledge;
}

/** Per-category detail behind a classification, for debugging and for showing why. */
export interface Explanation extends Classification {
  syllables: string[];
  scores: { category: string; probability: number; naiveBayes: number; phrases: number }[];
  phraseHits: { phrase: string; category: string; weight: number }[];
}

export interface Classifier {
  readonly categories: readonly string[];
  classify(text: string): Classification;
  explain(text: string): Explanation;
}

export interface ClassifierOptions {
  /** category → department code; defaults to the catalog's default routing */
  departmentFor?: (category: string) => string | null;
  /** replaces the model's scoring weights (used when tuning) */
  scoring?: Scoring;
}

export const FALLBACK_CATEGORY = 'khac';

// Reports are at most a few thousand characters (Zalo caps at 2000, Telegram at 4096); the cap keeps
// a pasted document from costing more than the opening of it is worth.
const MAX_TEXT_LENGTH = 8000;

// Confidence reported when a text has no known word and no phrase: "khac" by default, not by evidence.
const NO_EVIDENCE_CONFIDENCE = 0.1;

/** Validates a model and precomputes its tables; the returned classifier is pure and reusable. */
export function createClassifier(model: ClassifierModel, options: ClassifierOptions = {}): Classifier {
  const nb = naiveBayesModelSchema.parse(model.nb);
  const categories = nb.categories;
  const categoryIndex = new Map(categories.map((c, i) => [c, i]));
  const tables: NaiveBayesTables = buildTables(nb);
  const matcher: PhraseMatcher = compilePhrases(model.phrases, categoryIndex);
  const scoring = options.scoring ?? nb.scoring;
  const departmentFor = options.departmentFor ?? defaultDepartmentFor;
  const khac = categoryIndex.get(FALLBACK_CATEGORY) ?? -1;
  const k = categories.length;

  // Reused between calls: classification is synchronous, so no two calls share them at once.
  const nbScores = new Float64Array(k);
  const phraseScores = new Float64Array(k);
  const logits = new Float64Array(k);

  function run(text: string, hits?: PhraseHit[]): { sylls: string[]; evidence: boolean } {
    const parts = clauses(text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text);
    const known = scoreNaiveBayes(tables, featuresOf(parts), scoring.lengthExponent, nbScores);
    phraseScores.fill(0);
    const phraseTotal = scorePhrases(matcher, parts, phraseScores, hits);
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const logit =
        scoring.nbWeight * (nbScores[c] as number) +
        scoring.phraseWeight * (phraseScores[c] as number) +
        (c === khac ? scoring.khacBias : 0);
      logits[c] = logit;
      if (logit > max) max = logit;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((logits[c] as number) - max);
      logits[c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) logits[c] = (logits[c] as number) / sum;
    return { sylls: parts.flat(), evidence: known > 0 || phraseTotal > 0 };
  }

  function decide(evidence: boolean): Classification {
    if (!evidence) {
      return {
        category: FALLBACK_CATEGORY,
        department: departmentFor(FALLBACK_CATEGORY),
        confidence: NO_EVIDENCE_CONFIDENCE,
        runnerUp: null,
      };
    }
    let best = 0;
    let second = -1;
    for (let c = 1; c < k; c++) {
      if ((logits[c] as number) > (logits[best] as number)) {
        second = best;
        best = c;
      } else if (second < 0 || (logits[c] as number) > (logits[second] as number)) {
        second = c;
      }
    }
    const category = categories[best] as string;
    return {
      category,
      department: departmentFor(category),
      confidence: logits[best] as number,
      runnerUp: second < 0 ? null : { category: categories[second] as string, confidence: logits[second] as number },
    };
  }

  return {
    categories,
    classify(text: string): Classification {
      return decide(run(text).evidence);
    },
    explain(text: string): Explanation {
      const hits: PhraseHit[] = [];
      const { sylls, evidence } = run(text, hits);
      const decision = decide(evidence);
      const scores = categories
        .map((category, c) => ({
          category,
          probability: logits[c] as number,
          naiveBayes: nbScores[c] as number,
          phrases: phraseScores[c] as number,
        }))
        .sort((a, b) => b.probability - a.probability);
      return {
        ...decision,
        syllables: sylls,
        scores,
        phraseHits: hits.map((h) => ({ phrase: h.phrase, category: categories[h.categoryIndex] as string, weight: h.weight })),
      };
    },
  };
}
