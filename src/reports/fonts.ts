import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The chart font. DejaVu Sans covers every Vietnamese letter with its diacritics, and shipping it
 * as a package (instead of relying on system fonts) makes the PNG identical on every machine.
 */

const require = createRequire(import.meta.url);

export const FONT_FAMILY = 'DejaVu Sans';
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

/** Horizontal advances of one TrueType font, read from its `cmap`, `hmtx`, `hhea` and `head` tables. */
export interface FontMetrics {
  /** Width of `text` at `fontSize` pixels, without kerning. */
  width(text: string, fontSize: number): number;
}

/** Reads the advance widths of a TrueType font file. */
export function loadFontMetrics(file: string): FontMetrics {
  const font = readFileSync(file);
  const tables = new Map<string, number>();
  const numTables = font.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(font.toString('latin1', rec, rec + 4), font.readUInt32BE(rec + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font ${file}: no ${tag} table`);
    return at;
  };
  const unitsPerEm = font.readUInt16BE(table('head') + 18);
  const numberOfHMetrics = font.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number): number => font.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapLookup(font, table('cmap'));

  const cache = new Map<number, number>();
  const advance = (codePoint: number): number => {
    let a = cache.get(codePoint);
    if (a === undefined) {
      a = advanceOf(glyphOf(codePoint));
      cache.set(codePoint, a);
    }
    return a;
  };
  return {
    width(text, fontSize) {
      let units = 0;
      for (const ch of text) units += advance(ch.codePointAt(0) as number);
      return (units * fontSize) / unitsPerEm;
    },
  };
}

/** Code point → glyph id from the Unicode cmap subtable (format 12 when present, else format 4). */
function cmapLookup(font: Buffer, cmap: number): (codePoint: number) => number {
  const count = font.readUInt16BE(cmap + 2);
  let format4: number | undefined;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = font.readUInt16BE(rec);
    const encoding = font.readUInt16BE(rec + 2);
    const sub = cmap + font.readUInt32BE(rec + 4);
    const format = font.readUInt16BE(sub);
    if (platform === 3 && encoding === 10 && format === 12) {
      const groups = font.readUInt32BE(sub + 12);
      return (cp) => {
        let lo = 0;
        let hi = groups - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const g = sub + 16 + 12 * mid;
          if (cp < font.readUInt32BE(g)) hi = mid - 1;
          else if (cp > font.readUInt32BE(g + 4)) lo = mid + 1;
          else return font.readUInt32BE(g + 8) + (cp - font.readUInt32BE(g));
        }
        return 0;
      };
    }
    if (((platform === 3 && encoding === 1) || platform === 0) && format === 4) format4 = sub;
  }
  if (format4 === undefined) return () => 0;
  const sub = format4;
  const segCount = font.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segCount + 2;
  const deltas = starts + 2 * segCount;
  const rangeOffsets = deltas + 2 * segCount;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segCount; i++) {
      if (font.readUInt16BE(ends + 2 * i) < cp) continue;
      const start = font.readUInt16BE(starts + 2 * i);
      if (start > cp) return 0;
      const delta = font.readInt16BE(deltas + 2 * i);
      const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * i);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeOffsets + 2 * i + rangeOffset + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
