/**
 * Makes a parsed JSON body something PostgreSQL's jsonb can hold, without recursion (a body nested
 * thousands of levels deep must not overflow the stack here or anywhere after). Strings lose U+0000
 * (jsonb cannot store it), lone surrogates become U+FFFD (invalid JSON text for jsonb), and text is
 * normalised to NFC so the same Vietnamese word typed on two keyboards compares equal.
 */

/** Deeper than any real update (platforms nest a message at most a few levels). */
export const MAX_JSON_DEPTH = 32;

export type Sanitized = { ok: true; value: unknown } | { ok: false; reason: 'too_deep' | 'not_json' };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const PLAIN_ASCII = /^[\u0001-\u007F]*$/;

/** A string the store can hold: no NUL, well-formed UTF-16, NFC. */
export function storableText(s: string): string {
  if (PLAIN_ASCII.test(s)) return s;
  return s.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD').normalize('NFC');
}

interface Task {
  src: unknown;
  put: (v: unknown) => void;
  depth: number;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // A key named "__proto__" must stay a plain property, as JSON.parse made it.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function sanitizeJson(value: unknown, maxDepth = MAX_JSON_DEPTH): Sanitized {
  let root: unknown;
  const stack: Task[] = [{ src: value, put: (v) => (root = v), depth: 0 }];
  while (stack.length > 0) {
    const { src, put, depth } = stack.pop()!;
    if (typeof src === 'string') put(storableText(src));
    else if (src === null || typeof src === 'boolean') put(src);
    else if (typeof src === 'number') {
      if (!Number.isFinite(src)) return { ok: false, reason: 'not_json' };
      put(src);
    } else if (typeof src !== 'object') return { ok: false, reason: 'not_json' };
    else if (depth >= maxDepth) return { ok: false, reason: 'too_deep' };
    else if (Array.isArray(src)) {
      const out: unknown[] = new Array<unknown>(src.length).fill(null);
      put(out);
      for (let i = 0; i < src.length; i++) stack.push({ src: src[i], put: (v) => (out[i] = v), depth: depth + 1 });
    } else {
      const out: Record<string, unknown> = {};
      put(out);
      for (const [k, item] of Object.entries(src)) {
        const key = storableText(k);
        define(out, key, null);
        stack.push({ src: item, put: (v) => define(out, key, v), depth: depth + 1 });
      }
    }
  }
  return { ok: true, value: root };
}
