/**
 * Telegram's `parse_mode: "HTML"`, parsed the way the Bot API server does it (tdlib's HTML
 * parser): the supported tags become entities, the four named entities and numeric character
 * references are decoded, and anything else is the same 400 Telegram answers. The point is that a
 * bot which forgets to escape user text fails here exactly as it would in production.
 */
import type { TgMessageEntity } from './types.js';

export class EntityParseError extends Error {
  constructor(detail: string) {
    super(`Bad Request: can't parse entities: ${detail}`);
    this.name = 'EntityParseError';
  }
}

export interface ParsedText {
  text: string;
  entities: TgMessageEntity[];
}

const SUPPORTED_TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 's', 'strike', 'del', 'u', 'ins',
  'tg-spoiler', 'tg-emoji', 'span', 'pre', 'code', 'blockquote',
]);

const NAMED_ENTITIES: Record<string, number> = { lt: 60, gt: 62, amp: 38, quot: 34 };

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v';
}

function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && /^[A-Za-z0-9]$/.test(ch);
}

/** Decodes `&...;` at `pos`; returns the code point and the index after `;`, or null (a literal `&`). */
function decodeEntity(s: string, pos: number): { codePoint: number; end: number } | null {
  let i = pos + 1;
  let codePoint = 0;
  if (s[i] === '#') {
    i++;
    let radix = 10;
    if (s[i] === 'x' || s[i] === 'X') {
      radix = 16;
      i++;
    }
    const start = i;
    const digit = radix === 16 ? /^[0-9a-fA-F]$/ : /^[0-9]$/;
    while (i < s.length && digit.test(s[i]!)) {
      codePoint = codePoint * radix + Number.parseInt(s[i]!, radix);
      if (codePoint > 0x10ffff) return null;
      i++;
    }
    if (i === start) return null;
  } else {
    const start = i;
    while (i < s.length && /^[A-Za-z]$/.test(s[i]!)) i++;
    const named = NAMED_ENTITIES[s.slice(start, i)];
    if (named === undefined) return null;
    codePoint = named;
  }
  if (s[i] !== ';') return null;
  if (codePoint === 0 || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return null;
  return { codePoint, end: i + 1 };
}

function decodeAttribute(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '&') {
      const decoded = decodeEntity(value, i);
      if (decoded) {
        out += String.fromCodePoint(decoded.codePoint);
        i = decoded.end - 1;
        continue;
      }
    }
    out += value[i];
  }
  return out;
}

interface OpenTag {
  name: string;
  argument: string;
  offset: number;
}

function entityFor(tag: OpenTag, length: number, insidePre: boolean): TgMessageEntity | null {
  const base = { offset: tag.offset, length };
  switch (tag.name) {
    case 'b':
    case 'strong':
      return { type: 'bold', ...base };
    case 'i':
    case 'em':
      return { type: 'italic', ...base };
    case 'u':
    case 'ins':
      return { type: 'underline', ...base };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', ...base };
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', ...base };
    case 'code':
      return insidePre ? null : { type: 'code', ...base };
    case 'pre':
      return tag.argument ? { type: 'pre', ...base, language: tag.argument } : { type: 'pre', ...base };
    case 'blockquote':
      return { type: tag.argument === 'expandable' ? 'expandable_blockquote' : 'blockquote', ...base };
    case 'tg-emoji':
      return tag.argument ? { type: 'custom_emoji', ...base, custom_emoji_id: tag.argument } : null;
    case 'a': {
      if (!tag.argument) return null;
      const mention = /^tg:\/\/user\?id=(\d+)$/.exec(tag.argument);
      if (mention) return { type: 'text_mention', ...base, user: { id: Number(mention[1]), is_bot: false, first_name: '' } };
      return { type: 'text_link', ...base, url: tag.argument };
    }
    default:
      return null;
  }
}

/**
 * Parses Telegram HTML into plain text plus entities (offsets in UTF-16 code units, like the Bot
 * API). Throws `EntityParseError` with Telegram's wording for what Telegram rejects.
 */
export function parseTelegramHtml(html: string): ParsedText {
  const byteOffset = (index: number) => Buffer.byteLength(html.slice(0, index), 'utf8');
  let text = '';
  const entities: TgMessageEntity[] = [];
  const open: OpenTag[] = [];

  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '&') {
      const decoded = decodeEntity(html, i);
      if (decoded) {
        text += String.fromCodePoint(decoded.codePoint);
        i = decoded.end;
        continue;
      }
    }
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }

    const beginPos = i;
    i++;
    if (html[i] !== '/') {
      while (i < html.length && !isSpace(html[i]) && html[i] !== '>') i++;
      if (i >= html.length) throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(beginPos)}`);
      const tagName = html.slice(beginPos + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tagName)) {
        throw new EntityParseError(`Unsupported start tag "${tagName}" at byte offset ${byteOffset(beginPos)}`);
      }
      let argument = '';
      while (html[i] !== '>') {
        while (i < html.length && isSpace(html[i])) i++;
        if (i >= html.length) throw new EntityParseError(`Unclosed start tag "${tagName}" at byte offset ${byteOffset(beginPos)}`);
        if (html[i] === '>') break;
        const attrStart = i;
        while (i < html.length && !isSpace(html[i]) && html[i] !== '=' && html[i] !== '>') i++;
        const attrName = html.slice(attrStart, i).toLowerCase();
        if (attrName === '') {
          throw new EntityParseError(`Empty attribute name in the tag "${tagName}" at byte offset ${byteOffset(beginPos)}`);
        }
        while (i < html.length && isSpace(html[i])) i++;
        let value = '';
        if (html[i] === '=') {
          i++;
          while (i < html.length && isSpace(html[i])) i++;
          if (i >= html.length) throw new EntityParseError(`Unclosed start tag "${tagName}" at byte offset ${byteOffset(beginPos)}`);
          const quote = html[i];
          if (quote === '"' || quote === "'") {
            const valueStart = i + 1;
            const valueEnd = html.indexOf(quote, valueStart);
            if (valueEnd === -1) throw new EntityParseError(`Unclosed end of attribute value at byte offset ${byteOffset(valueStart)}`);
            value = decodeAttribute(html.slice(valueStart, valueEnd));
            i = valueEnd + 1;
          } else {
            const tokenStart = i;
            while (isAlnum(html[i]) || html[i] === '.' || html[i] === '-') i++;
            value = html.slice(tokenStart, i).toLowerCase();
            if (!isSpace(html[i]) && html[i] !== '>') {
              throw new EntityParseError(`Unexpected end of name token at byte offset ${byteOffset(tokenStart)}`);
            }
          }
        } else if (!(tagName === 'blockquote' && attrName === 'expandable')) {
          throw new EntityParseError(
            `Expected equal sign in declaration of an attribute of the tag "${tagName}" at byte offset ${byteOffset(beginPos)}`,
          );
        }
        if (tagName === 'a' && attrName === 'href') argument = value;
        else if (tagName === 'code' && attrName === 'class' && value.startsWith('language-')) argument = value.slice(9);
        else if (tagName === 'span' && attrName === 'class' && value.startsWith('tg-')) argument = value.slice(3);
        else if (tagName === 'tg-emoji' && attrName === 'emoji-id') argument = value;
        else if (tagName === 'blockquote' && attrName === 'expandable') argument = 'expandable';
      }
      if (tagName === 'span' && argument !== 'spoiler') {
        throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(beginPos)}`);
      }
      open.push({ name: tagName, argument, offset: text.length });
      i++; // past '>'
      continue;
    }

    // An end tag.
    if (open.length === 0) throw new EntityParseError(`Unexpected end tag at byte offset ${byteOffset(beginPos)}`);
    i++; // past '/'
    const nameStart = i;
    while (i < html.length && !isSpace(html[i]) && html[i] !== '>') i++;
    const endTagName = html.slice(nameStart, i).toLowerCase();
    while (i < html.length && isSpace(html[i])) i++;
    if (html[i] !== '>') throw new EntityParseError(`Unclosed end tag at byte offset ${byteOffset(beginPos)}`);
    i++;
    const tag = open.pop()!;
    if (endTagName !== '' && endTagName !== tag.name) {
      throw new EntityParseError(
        `Unmatched end tag at byte offset ${byteOffset(beginPos)}, expected "</${tag.name}>", found "</${endTagName}>"`,
      );
    }
    const length = text.length - tag.offset;
    if (length === 0) continue;
    const parent = open[open.length - 1];
    if (tag.name === 'code' && parent?.name === 'pre' && tag.argument && !parent.argument) {
      // <pre><code class="language-x"> gives the pre entity its language.
      parent.argument = tag.argument;
    }
    const entity = entityFor(tag, length, parent?.name === 'pre');
    if (entity) entities.push(entity);
  }
  if (open.length > 0) {
    throw new EntityParseError(`Can't find end tag corresponding to start tag "${open[open.length - 1]!.name}"`);
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

/** `bot_command` entities where Telegram puts them: a `/word` (optionally `@botname`) at the start or after whitespace. */
export function botCommandEntities(text: string): TgMessageEntity[] {
  const entities: TgMessageEntity[] = [];
  const re = /(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?)(?=$|[\s.,;:!?)\]])/g;
  for (const m of text.matchAll(re)) {
    const offset = (m.index ?? 0) + (m[1]?.length ?? 0);
    entities.push({ type: 'bot_command', offset, length: m[2]!.length });
  }
  return entities;
}
