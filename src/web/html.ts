/**
 * The web desk's templates: a tagged template that escapes every interpolated value unless it is
 * already markup made by these templates. Nothing a person typed can become markup by accident:
 * a value has to be wrapped in `Html` on purpose, and only this file does that.
 */

/** Markup made by the templates, safe to put into a page as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for element content and quoted attribute values. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Value = Html | string | number | bigint | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeText(String(value));
}

/** `html\`<p>${text}</p>\``: interpolations escaped, Html kept, lists joined, null/booleans dropped. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as Value) + (strings[i + 1] ?? '');
  return new Html(out);
}

/**
 * Markup from a trusted producer (an SVG the chart pipeline drew, a message of the locale files
 * whose arguments were escaped by the core). Never for text that came from a person.
 */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** Joins fragments with a separator (itself escaped). */
export function join(items: readonly Value[], separator: string): Html {
  return new Html(items.map(render).join(escapeText(separator)));
}
