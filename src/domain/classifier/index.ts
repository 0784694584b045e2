import { createClassifier, type Classification, type Classifier, type ClassifierModel } from './classifier.js';
import modelData from './model.json' with { type: 'json' };
import phraseData from './phrases.json' with { type: 'json' };

export {
  createClassifier,
  FALLBACK_CATEGORY,
  type Classification,
  type Classifier,
  type ClassifierModel,
  type ClassifierOptions,
  type Explanation,
} from './classifier.js';
export { bigrams, foldDiacritics, normalizeText, syllables, tokenize } from './text.js';

/** The shipped model: naive Bayes trained by scripts/train-classifier.ts plus the curated phrases. */
export function defaultModel(): ClassifierModel {
  return { nb: modelData as ClassifierModel['nb'], phrases: phraseData };
}

let shared: Classifier | null = null;

/** The classifier built from the shipped model, created on first use. */
export function defaultClassifier(): Classifier {
  shared ??= createClassifier(defaultModel());
  return shared;
}

/** Suggests a category and its default department for a free-text report. */
export function classify(text: string): Classification {
  return defaultClassifier().classify(text);
}
