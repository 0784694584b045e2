import { describe, expect, it } from 'vitest';
import { escapeHtml, formatTicketCode, htmlToPlain, parseTicketCode, splitHtml, visibleLength } from '../../src/app/format.js';

describe('ticket codes', () => {
  it('pads to four digits and grows beyond', () => {
    expect(formatTicketCode('HY', 1)).toBe('HY-0001');
    expect(formatTicketCode('HY', 12345)).toBe('HY-12345');
  });
  it.each([
    ['HY-0012', 12],
    ['hy-12', 12],
    ['#HY-0012', 12],
    ['12', 12],
    ['HY12', 12],
  ])('parses %s', (input, n) => expect(parseTicketCode(input, 'HY')).toBe(n));
  it.each(['', 'HY-', 'AB-0001', 'HY-00x1', '0'])('rejects %j', (input) => expect(parseTicketCode(input, 'HY')).toBeNull());
});

describe('HTML text', () => {
  it('escapes user text so it shows literally', () => {
    expect(escapeHtml('<b>&</code> "x"')).toBe('&lt;b&gt;&amp;&lt;/code&gt; &quot;x&quot;');
    expect(htmlToPlain(escapeHtml('<b>&</code>'))).toBe('<b>&</code>');
  });

  it('keeps short messages whole', () => {
    expect(splitHtml('<b>xin chào</b>', 4096)).toEqual(['<b>xin chào</b>']);
  });

  it('splits 10 000 characters into valid chunks within the limit, losing nothing', () => {
    const user = escapeHtml('Nội dung <dài> & có emoji 😀 và chữ עברית. '.repeat(250));
    const html = `<b>HY-0001</b>\n${user}`;
    const chunks = splitHtml(html, 4096);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(visibleLength(c)).toBeLessThanOrEqual(4096);
      // every chunk parses alone: tags balanced, no entity cut in half
      expect((c.match(/<b>/g) ?? []).length).toBe((c.match(/<\/b>/g) ?? []).length);
      expect(c).not.toMatch(/&[a-z]*$/);
    }
    const rejoined = chunks.map(htmlToPlain).join('');
    expect(rejoined.replace(/\s+/g, '')).toBe(htmlToPlain(html).replace(/\s+/g, ''));
  });

  it('counts as Telegram does: an emoji is two units', () => {
    const chunks = splitHtml('😀'.repeat(3000), 4096);
    expect(chunks.length).toBe(2);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4096);
    expect(chunks.join('')).toBe('😀'.repeat(3000));
  });

  it('closes and reopens a tag cut by the split', () => {
    const chunks = splitHtml(`<b>${'a '.repeat(30)}</b>`, 20);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.startsWith('<b>')).toBe(true);
      expect(c.endsWith('</b>')).toBe(true);
    }
  });
});
