import lexiconData from './lexicon.json' with { type: 'json' };

/**
 * Text normalisation for Vietnamese chat reports. Officials type with and without diacritics, with
 * abbreviations and loose spelling, so every text (reports, phrases, training data) goes through the
 * same folding: NFC → lower case → diacritics and đ removed → split into clauses at punctuation and
 * into syllables at spaces → spelling variants unified → abbreviations expanded. Folding merges some
 * words (đất/đạt, đảng/đang); the phrase table copes with that by preferring multi-syllable phrases.
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

// Compiled once: combining marks (tones, circumflex, breve, horn) after NFD; punctuation that ends a
// clause (phrases and bigrams never span it: "phải chờ, xã đã" must not read as "chợ xã"); and
// anything else that is not a folded letter or digit. Hyphens and slashes do not end a clause
// ("kinh tế - kỹ thuật", "GD&ĐT").
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const CLAUSE_BREAK = /[.,;:!?()[\]{}"“”…\n\r\t|]+/g;
const NON_WORD = /[^a-z0-9|]+/g;
const D_STROKE = /[đð]/g;
const BREAK = '|';

/** Lower-cases and removes Vietnamese diacritics (ư→u, ơ→o, â→a, đ→d) without touching spelling. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFC').toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '').replace(D_STROKE, 'd');
}

/** Folded tokens with "|" where a clause ends. */
function rawTokens(text: string): string[] {
  const spaced = foldDiacritics(text).replace(CLAUSE_BREAK, ' | ').replace(NON_WORD, ' ').trim();
  return spaced === '' ? [] : spaced.split(' ');
}

/** Builds the token replacement map from lexicon data; expansions get the spelling rules too. */
export function compileLexicon(lexicon: Lexicon): CompiledLexicon {
  const replacements = new Map<string, readonly string[]>();
  const spell = (token: string): string[] => {
    const variant = lexicon.spellings[token];
    return variant === undefined ? [token] : rawTokens(variant).filter((t) => t !== BREAK);
  };
  const words = (text: string) => rawTokens(text).filter((t) => t !== BREAK);
  for (const [variant, canonical] of Object.entries(lexicon.spellings)) {
    replacements.set(foldDiacritics(variant), words(canonical));
  }
  for (const [abbreviation, expansion] of Object.entries(lexicon.abbreviations)) {
    replacements.set(foldDiacritics(abbreviation), words(expansion).flatMap(spell));
  }
  return { replacements };
}

const DEFAULT_LEXICON = compileLexicon(lexiconData);

/** Splits text into clauses of folded syllables, abbreviations expanded ("UBND xã, …" → [[uy ban nhan dan xa], …]). */
export function clauses(text: string, lexicon: CompiledLexicon = DEFAULT_LEXICON): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const token of rawTokens(text)) {
    if (token === BREAK) {
      if (current.length > 0) out.push(current);
      current = [];
      continue;
    }
    const replacement = lexicon.replacements.get(token);
    if (replacement === undefined) current.push(token);
    else for (const t of replacement) current.push(t);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Folded syllables of a text with abbreviations expanded ("UBND xã" → uy ban nhan dan xa). */
export function syllables(text: string, lexicon: CompiledLexicon = DEFAULT_LEXICON): string[] {
  return clauses(text, lexicon).flat();
}

/** The canonical form of a text: folded syllables separated by single spaces. */
export function normalizeText(text: string, lexicon: CompiledLexicon = DEFAULT_LEXICON): string {
  return syllables(text, lexicon).join(' ');
}

/** Adjacent-syllable pairs within each clause joined with "_", the unit that carries most Vietnamese word meaning. */
export function bigrams(parts: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const clause of parts) {
    for (let i = 0; i + 1 < clause.length; i++) out.push(`${clause[i]}_${clause[i + 1]}`);
  }
  return out;
}

/** Naive-Bayes features of already split clauses: syllables, then bigrams. */
export function featuresOf(parts: readonly (readonly string[])[]): string[] {
  return parts.flat().concat(bigrams(parts));
}

/** Features of a text: its syllables followed by its syllable bigrams ("giai_ngan"). */
export function tokenize(text: string, lexicon: CompiledLexicon = DEFAULT_LEXICON): string[] {
  return featuresOf(clauses(text, lexicon));
}
