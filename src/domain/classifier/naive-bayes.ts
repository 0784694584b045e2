import { z } from 'zod';

/**
 * A small multinomial naive-Bayes model over syllables and syllable bigrams. Features are counted
 * once per report (binarised), which suits short texts where a repeated word says little more.
 * The JSON keeps raw counts rather than probabilities so the model stays readable and the
 * smoothing can be changed without retraining.
 */

/** How naive-Bayes evidence, phrase scores and the "khac" default are combined into one score. */
export const scoringSchema = z.object({
  /** weight of the length-normalised naive-Bayes log-likelihood */
  nbWeight: z.number().min(0),
  /** weight of the summed phrase weights */
  phraseWeight: z.number().min(0),
  /** the naive-Bayes sum is divided by (known features)^lengthExponent */
  lengthExponent: z.number().min(0).max(1),
  /** constant added to "khac" so that weak evidence falls back to "other" */
  khacBias: z.number(),
});
export type Scoring = z.infer<typeof scoringSchema>;

export const naiveBayesModelSchema = z
  .object({
    version: z.literal(1),
    categories: z.array(z.string()).min(2),
    /** Laplace smoothing added to every feature count */
    alpha: z.number().positive(),
    /** training reports per category */
    docCounts: z.array(z.number().int().nonnegative()),
    /** sum of feature counts per category */
    featureTotals: z.array(z.number().nonnegative()),
    features: z.array(z.string()),
    /** per feature: flat pairs [categoryIndex, count, categoryIndex, count, …] */
    counts: z.array(z.array(z.number().int().nonnegative())),
    scoring: scoringSchema,
  })
  .refine((m) => m.docCounts.length === m.categories.length && m.featureTotals.length === m.categories.length, {
    message: 'docCounts and featureTotals must have one entry per category',
  })
  .refine((m) => m.counts.length === m.features.length, { message: 'counts must have one row per feature' });
export type NaiveBayesModel = z.infer<typeof naiveBayesModelSchema>;

/** Log-probability tables ready for scoring. */
export interface NaiveBayesTables {
  readonly logPrior: Float64Array;
  /** feature → log P(feature | category) for every category */
  readonly logLikelihood: ReadonlyMap<string, Float64Array>;
}

export interface TrainingDocument {
  features: readonly string[];
  category: string;
}

/** Counts features per category; features seen in only one training report are kept (the corpus is small). */
export function trainNaiveBayes(
  documents: readonly TrainingDocument[],
  categories: readonly string[],
  alpha: number,
  scoring: Scoring,
): NaiveBayesModel {
  const index = new Map(categories.map((c, i) => [c, i]));
  const docCounts = categories.map(() => 0);
  const featureTotals = categories.map(() => 0);
  const perFeature = new Map<string, number[]>();
  for (const doc of documents) {
    const c = index.get(doc.category);
    if (c === undefined) throw new Error(`Nhóm không có trong danh mục: ${doc.category}`);
    docCounts[c] = (docCounts[c] ?? 0) + 1;
    for (const feature of new Set(doc.features)) {
      let row = perFeature.get(feature);
      if (row === undefined) {
        row = categories.map(() => 0);
        perFeature.set(feature, row);
      }
      row[c] = (row[c] ?? 0) + 1;
      featureTotals[c] = (featureTotals[c] ?? 0) + 1;
    }
  }
  const features = [...perFeature.keys()].sort();
  const counts = features.map((f) => {
    const row = perFeature.get(f) ?? [];
    const pairs: number[] = [];
    row.forEach((n, c) => {
      if (n > 0) pairs.push(c, n);
    });
    return pairs;
  });
  return { version: 1, categories: [...categories], alpha, docCounts, featureTotals, features, counts, scoring };
}

/** Turns counts into smoothed log-probabilities; `alpha` overrides the model's smoothing. */
export function buildTables(model: NaiveBayesModel, alpha: number = model.alpha): NaiveBayesTables {
  const k = model.categories.length;
  const vocabulary = Math.max(model.features.length, 1);
  const totalDocs = model.docCounts.reduce((a, b) => a + b, 0);
  const logPrior = new Float64Array(k);
  const logUnseen = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    // Priors are smoothed too, so a category with no training reports is unlikely but possible.
    logPrior[c] = Math.log(((model.docCounts[c] ?? 0) + 1) / (totalDocs + k));
    logUnseen[c] = Math.log(alpha / ((model.featureTotals[c] ?? 0) + alpha * vocabulary));
  }
  const logLikelihood = new Map<string, Float64Array>();
  model.features.forEach((feature, i) => {
    const row = Float64Array.from(logUnseen);
    const pairs = model.counts[i] ?? [];
    for (let p = 0; p + 1 < pairs.length; p += 2) {
      const c = pairs[p] as number;
      const n = pairs[p + 1] as number;
      row[c] = Math.log((n + alpha) / ((model.featureTotals[c] ?? 0) + alpha * vocabulary));
    }
    logLikelihood.set(feature, row);
  });
  return { logPrior, logLikelihood };
}

/**
 * Writes each category's length-normalised log-likelihood, relative to the best category, into
 * `out` (so the best is 0, the others negative) and returns how many features were known.
 */
export function scoreNaiveBayes(
  tables: NaiveBayesTables,
  features: readonly string[],
  lengthExponent: number,
  out: Float64Array,
): number {
  out.set(tables.logPrior);
  let known = 0;
  const seen = new Set<string>();
  for (const feature of features) {
    if (seen.has(feature)) continue;
    seen.add(feature);
    const row = tables.logLikelihood.get(feature);
    if (row === undefined) continue;
    known++;
    for (let c = 0; c < out.length; c++) out[c] = (out[c] as number) + (row[c] as number);
  }
  if (known === 0) {
    out.fill(0);
    return 0;
  }
  let max = -Infinity;
  for (let c = 0; c < out.length; c++) max = Math.max(max, out[c] as number);
  const norm = Math.pow(known, lengthExponent);
  for (let c = 0; c < out.length; c++) out[c] = ((out[c] as number) - max) / norm;
  return known;
}
