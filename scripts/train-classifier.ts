/**
 * Trains the report classifier: reads data/classifier/train.jsonl, chooses the scoring weights by
 * cross-validation on that file, and writes src/domain/classifier/model.json.
 * Usage: npx tsx scripts/train-classifier.ts [--train <file.jsonl>] [--out <model.json>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CATEGORY_CODES } from '../src/domain/catalog.js';
import { parseLabelledLines } from '../tools/classifier/corpus.js';
import type { NaiveBayesModel } from '../src/domain/classifier/naive-bayes.js';
import phrases from '../src/domain/classifier/phrases.json' with { type: 'json' };
import { trainClassifierModel } from '../tools/classifier/train.js';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

const { values } = parseArgs({
  options: {
    train: { type: 'string', default: root('data/classifier/train.jsonl') },
    out: { type: 'string', default: root('src/domain/classifier/model.json') },
  },
});

// One feature per line keeps the model file diffable when the corpus grows.
function serialize(model: NaiveBayesModel): string {
  const { features, counts, ...head } = model;
  const headJson = Object.entries(head)
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(',\n');
  const list = (items: unknown[]) => items.map((item) => `    ${JSON.stringify(item)}`).join(',\n');
  return `{\n${headJson},\n  "features": [\n${list(features)}\n  ],\n  "counts": [\n${list(counts)}\n  ]\n}\n`;
}

const { examples, errors } = parseLabelledLines(readFileSync(values.train, 'utf8'));
if (errors.length > 0) {
  console.error(`Tệp huấn luyện có dòng lỗi:\n${errors.join('\n')}`);
  process.exit(1);
}
const started = performance.now();
const result = trainClassifierModel(examples, CATEGORY_CODES, phrases);
writeFileSync(values.out, serialize(result.model));

const perCategory = CATEGORY_CODES.map((c) => `${c}=${examples.filter((e) => e.category === c).length}`).join(' ');
console.log(`training reports: ${examples.length} (${perCategory})`);
console.log(`features: ${result.model.features.length}, alpha: ${result.model.alpha}`);
console.log(`scoring: ${JSON.stringify(result.model.scoring)}`);
console.log(
  `${result.crossValidation.folds}-fold cross-validation on the training split: accuracy ${result.crossValidation.accuracy.toFixed(3)}, log-loss ${result.crossValidation.logLoss.toFixed(3)}`,
);
console.log(
  `baselines (same folds): naive Bayes alone ${result.baselines.naiveBayesOnly.toFixed(3)}, phrases alone ${result.baselines.phrasesOnly.toFixed(3)}`,
);
console.log(`wrote ${values.out} in ${Math.round(performance.now() - started)} ms`);
