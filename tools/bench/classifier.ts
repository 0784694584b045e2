import { readFileSync } from 'node:fs';
import { createClassifier, type ClassifierModel } from '../../src/domain/classifier/classifier.js';
import { parseLabelledLines } from '../classifier/corpus.js';

// Files are read at call time, never at import: the benchmark measures the cold load itself.
const MODEL_URL = new URL('../../src/domain/classifier/model.json', import.meta.url);
const PHRASES_URL = new URL('../../src/domain/classifier/phrases.json', import.meta.url);
const CORPUS_URLS = ['train.jsonl', 'test.jsonl'].map((f) => new URL(`../../data/classifier/${f}`, import.meta.url));

/** Measures the classifier: cold load (parse model files, build tables) and classifications per second on the corpus. */
export function benchClassifier(options: { durationMs?: number } = {}): { classificationsPerSecond: number; loadMs: number } {
  const durationMs = options.durationMs ?? 1500;
  const loadStart = performance.now();
  const model: ClassifierModel = {
    nb: JSON.parse(readFileSync(MODEL_URL, 'utf8')) as ClassifierModel['nb'],
    phrases: JSON.parse(readFileSync(PHRASES_URL, 'utf8')) as ClassifierModel['phrases'],
  };
  const classifier = createClassifier(model);
  const loadMs = performance.now() - loadStart;

  const texts = CORPUS_URLS.flatMap((url) => parseLabelledLines(readFileSync(url, 'utf8')).examples.map((e) => e.text));
  if (texts.length === 0) throw new Error('Không có câu nào trong kho ngữ liệu để đo');
  for (let i = 0; i < 500; i++) classifier.classify(texts[i % texts.length] as string);

  let count = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 256; i++) {
      sink += classifier.classify(texts[count % texts.length] as string).confidence;
      count++;
    }
    elapsed = performance.now() - start;
  }
  // Reading the sum keeps the loop from being optimised away.
  if (Number.isNaN(sink)) throw new Error('Độ tin cậy không hợp lệ');
  return { classificationsPerSecond: Math.round((count / elapsed) * 1000), loadMs: Math.round(loadMs * 10) / 10 };
}
