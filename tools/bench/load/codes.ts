/**
 * Ticket codes in what the bot sent: which codes a message names, and when a group's messages had
 * named every code of a set. A range written "HY-0101 … HY-0112" (an ellipsis, "...", or an en or
 * em dash between two codes of one prefix) names every code in between: a rolling summary may
 * write a run of consecutive tickets that way.
 */

const CODE = /\b([A-Z]{1,6})-(\d{4,})\b/g;
const RANGE = /\b([A-Z]{1,6})-(\d{4,})(?:\s*<[^>]*>)*\s*(?:…|\.\.\.|–|—|&#8230;|&hellip;)\s*(?:<[^>]*>\s*)*([A-Z]{1,6})-(\d{4,})\b/g;
/** A range longer than this is not believed to be a range (it would be a typo or a date). */
const MAX_RANGE = 10_000;

/** The code of ticket number `n` under `prefix`, zero-padded to at least four digits. */
export function ticketCode(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(4, '0')}`;
}

/** Every ticket code `text` names, ranges expanded. */
export function codesIn(text: string | null): Set<string> {
  const out = new Set<string>();
  if (!text) return out;
  for (const m of text.matchAll(CODE)) out.add(`${m[1]}-${m[2]}`);
  for (const m of text.matchAll(RANGE)) {
    const [, p1, a, p2, b] = m;
    if (p1 !== p2) continue;
    const from = Number(a);
    const to = Number(b);
    if (!(to > from) || to - from > MAX_RANGE) continue;
    const width = Math.min(a!.length, b!.length);
    for (let n = from; n <= to; n++) out.add(`${p1}-${String(n).padStart(width, '0')}`);
  }
  return out;
}

/** The first code in `text`, or null. */
export function firstCode(text: string | null): string | null {
  if (!text) return null;
  const m = /\b([A-Z]{1,6})-(\d{4,})\b/.exec(text);
  return m ? `${m[1]}-${m[2]}` : null;
}

/**
 * The time of the message after which every code of `wanted` had been named by `messages`
 * (taken in time order), or null if some code never was. Also how many of them were named.
 */
export function coverage(messages: readonly { t: number; text: string | null }[], wanted: ReadonlySet<string>): { completeAt: number | null; named: number } {
  const missing = new Set(wanted);
  if (missing.size === 0) return { completeAt: null, named: 0 };
  for (const m of [...messages].sort((a, b) => a.t - b.t)) {
    for (const code of codesIn(m.text)) missing.delete(code);
    if (missing.size === 0) return { completeAt: m.t, named: wanted.size };
  }
  return { completeAt: null, named: wanted.size - missing.size };
}

/** For each code, the time of the first message naming it. */
export function firstNamed(messages: readonly { t: number; text: string | null }[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const m of [...messages].sort((a, b) => a.t - b.t)) {
    for (const code of codesIn(m.text)) if (!first.has(code)) first.set(code, m.t);
  }
  return first;
}
