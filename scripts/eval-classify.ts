/**
 * `npm run eval:classify`: accuracy, per-category precision/recall/F1 and the confusion matrix of the
 * shipped classifier on the test split (and a summary on the hand-written holdout set). The last
 * line is one JSON object with the figures.
 * Usage: npx tsx scripts/eval-classify.ts [--file <labelled.jsonl>]
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultClassifier } from '../src/domain/classifier/index.js';
import { parseLabelledLines } from '../tools/classifier/corpus.js';
import { evaluateClassifier, formatEvaluation, type Evaluation } from '../tools/classifier/evaluate.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const { values } = parseArgs({ options: { file: { type: 'string', default: root('data/classifier/test.jsonl') } } });

function load(path: string) {
  const { examples, errors } = parseLabelledLines(readFileSync(path, 'utf8'));
  if (errors.length > 0) {
    console.error(`${path} có dòng lỗi:\n${errors.join('\n')}`);
    process.exit(1);
  }
  return examples;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const figures = (e: Evaluation) => ({ total: e.total, correct: e.correct, accuracy: round(e.accuracy), macroF1: round(e.macroF1) });

const classifier = defaultClassifier();
const main = evaluateClassifier(classifier, load(values.file));
console.log(formatEvaluation(values.file, main));

const holdoutPath = root('data/classifier/holdout.jsonl');
const holdout = values.file !== holdoutPath && existsSync(holdoutPath) ? evaluateClassifier(classifier, load(holdoutPath)) : null;
if (holdout) {
  console.log('');
  console.log(`holdout (${holdoutPath}): ${holdout.correct}/${holdout.total}, accuracy ${holdout.accuracy.toFixed(3)}`);
  for (const m of holdout.mistakes) console.log(`  ${m.expected} → ${m.predicted}: ${m.text}`);
}

console.log(
  JSON.stringify({
    file: values.file,
    ...figures(main),
    perCategory: Object.fromEntries(
      main.perCategory.map((m) => [m.category, { precision: round(m.precision), recall: round(m.recall), f1: round(m.f1), support: m.support }]),
    ),
    confusion: { categories: main.categories, matrix: main.confusion },
    ...(holdout ? { holdout: figures(holdout) } : {}),
  }),
);
