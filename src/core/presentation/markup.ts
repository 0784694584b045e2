/**
 * The bot's text markup: a small HTML subset (b, i, u, s, code, pre, a) that every channel either
 * shows or strips (plain-text channels), as its capabilities say. Text people typed enters markup
 * only through `userText`, which escapes it and isolates its direction.
 */

export type TextFormat = 'html' | 'plain';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text so it is shown literally inside markup: the one escape every message uses. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => ESCAPES[ch]!);
}

/**
 * Bidirectional-text controls: the embeddings and overrides LRE, RLE, PDF, LRO, RLO
 * (U+202A–U+202E) and the isolates LRI, RLI, FSI, PDI (U+2066–U+2069). An unpaired override in a
 * name or a report ("Nguyễn \u202EVăn A") turns the rest of the bot's line around. Names also
 * lose the marks LRM, RLM, ALM, which have no business in a name either.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const FSI = '\u2068';
const PDI = '\u2069';
const PDF = '\u202C';
/** What the Unicode bidi algorithm treats as the end of a paragraph: every control ends there. */
const PARAGRAPH_BREAK = /(\r\n|[\n\r\u001C-\u001E\u0085\u2029])/;

/** Removes every bidi control: for names and titles, which are stored and shown without them. */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** Keeps only the bidi controls that are closed within the line; the rest are dropped. */
function balancedBidi(line: string): string {
  const chars = [...line];
  const keep = new Array<boolean>(chars.length).fill(true);
  const open: { index: number; isolate: boolean }[] = [];
  chars.forEach((ch, i) => {
    if (!/[\u202A-\u202E\u2066-\u2069]/.test(ch)) return;
    keep[i] = false;
    if (ch === PDF) {
      // A PDF closes the latest embedding, never one outside the isolate it sits in.
      if (open.at(-1)?.isolate === false) keep[open.pop()!.index] = keep[i] = true;
    } else if (ch === PDI) {
      // A PDI closes the latest isolate and, with it, any embedding opened inside it.
      const at = open.map((o) => o.isolate).lastIndexOf(true);
      if (at >= 0) {
        keep[open[at]!.index] = keep[i] = true;
        for (const inner of open.splice(at)) if (!inner.isolate) keep[inner.index] = false;
      }
    } else {
      open.push({ index: i, isolate: ch >= '\u2066' });
    }
  });
  // Openers never closed are dropped too (keep[] stays false for them).
  return chars.filter((_, i) => keep[i]).join('');
}

/**
 * Plain user text ready to sit inside a line of the bot's own text: each line is wrapped in FIRST
 * STRONG ISOLATE … POP DIRECTIONAL ISOLATE, and bidi controls that are not closed within their own
 * line are dropped, so nothing typed can reorder the bot's words around it. Isolates end at a
 * paragraph break, hence one per line.
 */
export function isolateUserText(text: string): string {
  return text
    .split(PARAGRAPH_BREAK)
    .map((part, i) => (i % 2 === 1 || part === '' ? part : `${FSI}${balancedBidi(part)}${PDI}`))
    .join('');
}

/** User text (a report, a reason, an answer, a note, a typed code) for an HTML message: escaped and isolated. */
export function userText(text: string): string {
  return escapeHtml(isolateUserText(text));
}

/** A person's name or a chat title for an HTML message: escaped, without bidi controls. */
export function nameText(name: string): string {
  return escapeHtml(stripBidiControls(name));
}

/** The start of a text on one line, at most `chars` characters, an ellipsis where it was cut. */
export function excerpt(text: string, chars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > chars ? `${flat.slice(0, chars - 1)}…` : flat;
}

/**
 * The first of `shapes` (fullest first) whose lines for every item fit in `budget` visible
 * characters — markup tags do not count, `perLine` is each line's frame (its break, a bullet) — or
 * the last, shortest one.
 */
export function shapeThatFits<T>(items: readonly T[], shapes: readonly ((item: T) => string)[], budget: number, perLine: number): (item: T) => string {
  const visible = (line: string) => line.replace(/<[^>]+>/g, '').length + perLine;
  return shapes.find((shape) => items.reduce((n, item) => n + visible(shape(item)), 0) <= budget) ?? shapes.at(-1)!;
}


const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the entities markup may contain. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

/** Markup as plain text: tags removed, entities decoded (for channels that show text only). */
export function htmlToPlain(markup: string): string {
  return decodeEntities(markup.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''));
}

/**
 * Visible length of markup the way the platforms count it: UTF-16 code units of the text after
 * tags are removed and entities decoded (how platforms count; counting "characters" the same
 * way can only overestimate).
 */
export function visibleLength(markup: string, format: TextFormat = 'html'): number {
  return format === 'html' ? htmlToPlain(markup).length : markup.length;
}
