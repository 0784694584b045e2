import lexiconData from './lexicon.json' with { type: 'json' };

/**
 * Text normalisation for Vietnamese chat reports. Officials type with and without diacritics, with
 * abbreviations and loose spelling, so every text (reports, phrases, training data) goes through the
 * same folding: NFC → lower case → diacritics and đ removed → punctuation to spaces → spelling variants
 * unified → abbreviations expanded. Folding merges some words (đất/đạt, đảng/đang); the phrase table
 * copes with that by preferring multi-syllable phrases.
 */

export interface Lexicon {
  /** folded token → expansion written normally (folded on load) */
  abbreviations: Readonly<Record<string, string>>;
  /** folded token → folded replacement (i/y variants, frequent typos) */
  spellings: Readonly<Record<string, string>>;
}

export interface CompiledLexicon {
  /** folded token → the tokens it becomes */
  readonly replacements: ReadonlyMap<string, readonly string[]>;
}

// Compiled once: combining marks (tones, circumflex, breve, horn) after NFD, and anything that is
// not a folded letter or digit.
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_WORD = /[^a-z0-9]+/g;
const D_STROKE = /[đð]/g;

/** Lower-cases and removes Vietnamese diacritics (ư→u, ơ→o, â→a, đ→d) without touching spelling. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFC').toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '').replace(D_STROKE, 'd');
}

function rawTokens(text: string): string[] {
  const spaced = foldDiacritics(text).replace(NON_WORD, ' ').trim();
  return spaced === '' ? [] : spaced.split(' ');
}

/** Builds the token replacement map from lexicon data; expansions get the spelling rules too. */
export function compileLexicon(lexicon: Lexicon): CompiledLexicon {
  const replacements = new Map<string, readonly string[]>();
  const spell = (token: string): string[] => {
    const variant = lexicon.spellings[token];
    return variant === undefined ? [token] : rawTokens(variant);
  };
  for (const [variant, canonical] of Object.entries(lexicon.spellings)) {
    replacements.set(foldDiacritics(variant), rawTokens(canonical));
  }
  for (const [abbreviation, expansion] of Object.entries(lexicon.abbreviations)) {
    replacements.set(foldDiacritics(abbreviation), rawTokens(expansion).flatMap(spell));
  }
  return { replacements };
}

const DEFAULT_LEXICON = compileLexicon(lexiconData);

/** Splits text into folded syllables with abbreviations expanded ("UBND xã" → uy ban nhan dan xa). */
export function syllables(text: string, lexicon: CompiledLexicon = DEFAULT_LEXICON): string[] {
  const out: string[] = [];
  for (const token of rawTokens(text)) {
    const replacement = lexicon.replacements.get(token);
    if (replacement === undefined) out.push(token);
    else for (const t of replacement) out.push(t);
  }
  return out;
}

/** The canonical form of a text: folded syllables separated by single spaces. */
export function normalizeText(text: string, lexicon: CompiledLexicon = DEFAULT_LEXICON): string {
  return syllables(text, lexicon).join(' ');
}

/** Adjacent-syllable pairs joined with "_", the unit that carries most Vietnamese word meaning. */
export function bigrams(sylls: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < sylls.length; i++) out.push(`${sylls[i]}_${sylls[i + 1]}`);
  return out;
}

/** Features of a text: its syllables followed by its syllable bigrams ("giai_ngan"). */
export function tokenize(text: string, lexicon: CompiledLexicon = DEFAULT_LEXICON): string[] {
  const sylls = syllables(text, lexicon);
  return [...sylls, ...bigrams(sylls)];
}
