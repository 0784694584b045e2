import { decodeEntities, visibleLength, type TextFormat } from './markup.js';

/**
 * The one splitter: cuts a message into pieces whose visible length is at most `limit` (UTF-16
 * units, as the platforms count), preferring a blank line, then a line break, then a space. In
 * markup, tags and entities are never cut, and tags open at a cut are closed at the end of one
 * piece and reopened at the start of the next, so each piece is valid on its own. Surrogate pairs
 * stay whole.
 */
export function splitText(text: string, limit: number, format: TextFormat = 'html'): string[] {
  if (limit < 2) throw new RangeError('limit too small');
  if (visibleLength(text, format) <= limit) return text.length ? [text] : [];
  const tokens = tokenize(text, format);
  const pieces: string[] = [];
  let open: Tag[] = [];
  let i = 0;
  while (i < tokens.length) {
    // Skip the separators a piece would otherwise start with.
    while (i < tokens.length && (tokens[i]!.raw === ' ' || tokens[i]!.raw === '\n')) i += 1;
    if (i >= tokens.length) break;
    let len = 0;
    let stack = open;
    const cuts: { paragraph: Cut | null; line: Cut | null; space: Cut | null } = { paragraph: null, line: null, space: null };
    let j = i;
    for (; j < tokens.length; j++) {
      const tok = tokens[j]!;
      if (tok.tag) {
        stack = applyTag(stack, tok);
        continue;
      }
      if (len + tok.len > limit) break;
      len += tok.len;
      if (tok.raw === '\n') {
        const cut = { end: j, stack, len };
        if (j > i && tokens[j - 1]!.raw === '\n') cuts.paragraph = cut;
        cuts.line = cut;
      } else if (tok.raw === ' ') cuts.space = { end: j, stack, len };
    }
    let end = j;
    let endStack = stack;
    if (j < tokens.length) {
      const worth = (c: Cut | null) => c !== null && c.len > limit / 3;
      const chosen = worth(cuts.paragraph) ? cuts.paragraph : worth(cuts.line) ? cuts.line : worth(cuts.space) ? cuts.space : null;
      if (chosen) {
        end = chosen.end;
        endStack = chosen.stack;
      }
      if (end === i) {
        // Nothing fits (cannot happen with limit ≥ 2); take one token rather than loop forever.
        end = i + 1;
        endStack = tokens[i]!.tag ? applyTag(open, tokens[i]!) : open;
      }
    }
    const body = open.map((t) => t.raw).join('') + tokens.slice(i, end).map((t) => t.raw).join('');
    const piece = dropEmptyTags(body.replace(/[ \n]+$/, '') + closers(endStack));
    if (piece.length) pieces.push(piece);
    open = endStack;
    i = end;
  }
  return pieces.filter((p) => (format === 'html' ? decodeEntities(p.replace(/<[^>]*>/g, '')) : p).trim().length > 0);
}

interface Token {
  raw: string;
  /** Visible UTF-16 units. */
  len: number;
  tag: { name: string; closing: boolean } | null;
}
interface Tag {
  name: string;
  raw: string;
}
interface Cut {
  end: number;
  stack: Tag[];
  len: number;
}

function tokenize(text: string, format: TextFormat): Token[] {
  const pattern = format === 'html' ? /<\/?([A-Za-z][A-Za-z0-9-]*)[^>]*>|&(?:#x[0-9a-f]+|#\d+|[a-z]+);|[\s\S]/giu : /[\s\S]/gu;
  const tokens: Token[] = [];
  for (const m of text.matchAll(pattern)) {
    const raw = m[0];
    if (format === 'html' && raw.length > 1 && raw[0] === '<' && m[1]) {
      tokens.push({ raw, len: 0, tag: raw.endsWith('/>') ? null : { name: m[1].toLowerCase(), closing: raw[1] === '/' } });
    } else if (format === 'html' && raw.length > 1 && raw[0] === '&') {
      tokens.push({ raw, len: decodeEntities(raw).length, tag: null });
    } else tokens.push({ raw, len: raw.length, tag: null });
  }
  return tokens;
}

function applyTag(stack: Tag[], tok: Token): Tag[] {
  if (!tok.tag) return stack;
  if (tok.tag.closing) {
    const at = stack.map((s) => s.name).lastIndexOf(tok.tag.name);
    return at < 0 ? stack : stack.slice(0, at);
  }
  return [...stack, { name: tok.tag.name, raw: tok.raw }];
}

const closers = (stack: Tag[]): string => stack.map((s) => `</${s.name}>`).reverse().join('');
const dropEmptyTags = (html: string): string => html.replace(/<([A-Za-z][A-Za-z0-9-]*)(?:\s[^>]*)?>\s*<\/\1>/g, '');
