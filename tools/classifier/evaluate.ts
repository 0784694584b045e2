import type { Classifier } from '../../src/domain/classifier/classifier.js';
import type { LabelledExample } from './corpus.js';

export interface CategoryMetrics {
  category: string;
  precision: number;
  recall: number;
  f1: number;
  /** reports of this category in the evaluated set */
  support: number;
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  categories: string[];
  perCategory: CategoryMetrics[];
  /** confusion[actual][predicted], indexed like `categories` */
  confusion: number[][];
  mistakes: { text: string; expected: string; predicted: string; confidence: number }[];
}

/** Classifies every example and computes accuracy, per-category precision/recall/F1 and the confusion matrix. */
export function evaluateClassifier(classifier: Classifier, examples: readonly LabelledExample[]): Evaluation {
  const categories = [...classifier.categories];
  const index = new Map(categories.map((c, i) => [c, i]));
  const confusion = categories.map(() => categories.map(() => 0));
  const mistakes: Evaluation['mistakes'] = [];
  let correct = 0;
  for (const example of examples) {
    const result = classifier.classify(example.text);
    const actual = index.get(example.category);
    const predicted = index.get(result.category);
    if (actual === undefined || predicted === undefined) {
      throw new Error(`Nhóm không có trong mô hình: ${actual === undefined ? example.category : result.category}`);
    }
    const row = confusion[actual] as number[];
    row[predicted] = (row[predicted] ?? 0) + 1;
    if (actual === predicted) correct++;
    else mistakes.push({ text: example.text, expected: example.category, predicted: result.category, confidence: result.confidence });
  }
  const perCategory = categories.map((category, c) => {
    const tp = confusion[c]?.[c] ?? 0;
    const support = (confusion[c] ?? []).reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + (row[c] ?? 0), 0);
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { category, precision, recall, f1, support };
  });
  const present = perCategory.filter((m) => m.support > 0);
  const macroF1 = present.length === 0 ? 0 : present.reduce((a, m) => a + m.f1, 0) / present.length;
  return {
    total: examples.length,
    correct,
    accuracy: examples.length === 0 ? 0 : correct / examples.length,
    macroF1,
    categories,
    perCategory,
    confusion,
    mistakes,
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fixed = (x: number) => x.toFixed(3);

/** A plain-text report: accuracy, a per-category table and the confusion matrix (rows = actual). */
export function formatEvaluation(title: string, e: Evaluation): string {
  const width = Math.max(...e.categories.map((c) => c.length), 8);
  const lines: string[] = [];
  lines.push(`${title}: ${e.correct}/${e.total} đúng, accuracy ${fixed(e.accuracy)}, macro-F1 ${fixed(e.macroF1)}`);
  lines.push('');
  lines.push(`${pad('category', width)}  precision  recall     f1  support`);
  for (const m of e.perCategory) {
    lines.push(
      `${pad(m.category, width)}  ${padLeft(fixed(m.precision), 9)}  ${padLeft(fixed(m.recall), 6)}  ${padLeft(fixed(m.f1), 5)}  ${padLeft(String(m.support), 7)}`,
    );
  }
  lines.push('');
  // Columns are numbered to keep the matrix narrow; the legend maps numbers back to codes.
  lines.push('confusion matrix (row = actual, column = predicted):');
  lines.push(`${pad('', width + 4)}${e.categories.map((_, i) => padLeft(String(i + 1), 4)).join('')}`);
  e.confusion.forEach((row, i) => {
    const cells = row.map((n, j) => padLeft(n === 0 ? '.' : String(n), 4)).join('');
    lines.push(`${padLeft(String(i + 1), 2)}. ${pad(e.categories[i] ?? '', width)}${cells}`);
  });
  if (e.mistakes.length > 0) {
    lines.push('');
    lines.push('mistakes:');
    for (const m of e.mistakes) {
      lines.push(`  ${m.expected} → ${m.predicted} (${fixed(m.confidence)}): ${m.text}`);
    }
  }
  return lines.join('\n');
}
