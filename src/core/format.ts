/** Text helpers for the HTML subset the bot speaks (b, i, u, s, code, pre, a). */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes user text so it is shown literally inside an HTML message. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => HTML_ESCAPES[ch]!);
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

/** Removes tags and decodes the four entities: for platforms that show plain text only. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Visible length of an HTML message as Telegram counts it: UTF-16 units, tags excluded. */
export function visibleLength(html: string): number {
  return htmlToPlain(html).length;
}

type Token = { kind: 'open'; name: string; raw: string } | { kind: 'close'; name: string; raw: string } | { kind: 'text'; raw: string; len: number };

function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  const re = /<\/?([a-z]+)[^>]*>|&(?:amp|lt|gt|quot|#\d+|#x[0-9a-f]+);|[\s\S]/giu;
  for (const m of html.matchAll(re)) {
    const raw = m[0];
    if (raw.startsWith('</')) tokens.push({ kind: 'close', name: m[1]!.toLowerCase(), raw });
    else if (raw.startsWith('<') && m[1]) tokens.push({ kind: 'open', name: m[1].toLowerCase(), raw });
    else tokens.push({ kind: 'text', raw, len: raw.length > 1 && raw.startsWith('&') ? 1 : raw.length }); // UTF-16 units, as Telegram counts
  }
  return tokens;
}

/**
 * Splits an HTML message into chunks whose visible length is at most `limit`, preferring line
 * breaks, then spaces; a tag open at a cut is closed and reopened so every chunk parses alone.
 */
export function splitHtml(html: string, limit: number): string[] {
  if (visibleLength(html) <= limit) return [html];
  const tokens = tokenize(html);
  const chunks: string[] = [];
  let i = 0;
  let reopen: Token[] = [];
  while (i < tokens.length) {
    // Find how many tokens fit, and the best place to cut among them.
    let len = 0;
    let j = i;
    let lastNewline = -1;
    let lastSpace = -1;
    const open: Token[] = [...reopen];
    const stackAt: Token[][] = [];
    while (j < tokens.length) {
      const tok = tokens[j]!;
      if (tok.kind === 'text') {
        if (len + tok.len > limit) break;
        len += tok.len;
        if (tok.raw === '\n') lastNewline = j;
        else if (tok.raw === ' ') lastSpace = j;
      } else if (tok.kind === 'open') open.push(tok);
      else {
        const idx = open.map((t) => t.kind === 'open' && t.name).lastIndexOf(tok.name);
        if (idx >= 0) open.splice(idx, 1);
      }
      stackAt[j] = [...open];
      j++;
    }
    let cut = j; // exclusive
    if (j < tokens.length) {
      if (lastNewline > i) cut = lastNewline + 1;
      else if (lastSpace > i) cut = lastSpace + 1;
    }
    if (cut === i) cut = i + 1; // a single token longer than the limit cannot happen for text; guard anyway
    const openAtCut = cut - 1 >= i ? (stackAt[cut - 1] ?? []) : reopen;
    let body = reopen.map((t) => t.raw).join('') + tokens.slice(i, cut).map((t) => t.raw).join('');
    body += [...openAtCut].reverse().map((t) => `</${(t as { name: string }).name}>`).join('');
    const trimmed = body.replace(/\n+$/, '');
    if (htmlToPlain(trimmed).trim().length > 0) chunks.push(trimmed);
    reopen = openAtCut;
    i = cut;
  }
  return chunks;
}

/** Ticket codes: `<prefix>-<number>`, zero-padded to at least four digits (docs/contract.md). */
export function formatTicketCode(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(4, '0')}`;
}

/** Accepts `hy-12`, `HY-0012`, `#HY-0012` or a bare `12`; returns the number or null. */
export function parseTicketCode(input: string, prefix: string): number | null {
  const s = input.trim().replace(/^#/, '');
  const m = new RegExp(`^(?:${prefix}-?)?(\\d{1,9})$`, 'i').exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}

/** dd/mm/yyyy hh:mm in the app's time zone. */
export function formatDateTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

/** Lower case without diacritics (đ → d), for forgiving matches of names typed by people. */
export function foldVietnamese(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}
