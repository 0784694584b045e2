import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTicketCode, parseTicketCode } from '../../src/domain/ticket-code.js';
import { escapeHtml, htmlToPlain, isolateUserText, nameText, stripBidiControls, userText, visibleLength } from '../../src/core/presentation/markup.js';
import { splitText } from '../../src/core/presentation/split.js';

const splitHtml = (html: string, limit: number) => splitText(html, limit, 'html');

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

describe('bidirectional-text controls (issue 10, item 9)', () => {
  const RLO = '\u202E';
  const PDF = '\u202C';
  const FSI = '\u2068';
  const PDI = '\u2069';
  const RLI = '\u2067';
  const CONTROLS = ['\u202A', '\u202B', PDF, '\u202D', RLO, '\u2066', RLI, FSI, PDI];

  /**
   * Whether every line is one isolate whose inside is balanced as the Unicode bidi algorithm pairs
   * controls (BD9): then nothing inside can reach the text after it.
   */
  function sealed(text: string): boolean {
    return text.split(/\r\n|[\n\r\u001C-\u001E\u0085\u2029]/).every((line) => {
      if (line === '') return true;
      if (!line.startsWith(FSI) || !line.endsWith(PDI)) return false;
      const stack: boolean[] = [];
      for (const ch of line) {
        if (ch === PDF) {
          if (stack.at(-1) !== false) return false;
          stack.pop();
        } else if (ch === PDI) {
          if (stack.at(-1) !== true) return false;
          stack.pop();
        } else if (CONTROLS.includes(ch)) stack.push(ch >= '\u2066');
      }
      return stack.length === 0;
    });
  }

  it('strips them from names and titles', () => {
    expect(stripBidiControls(`Nguyễn ${RLO}Văn A`)).toBe('Nguyễn Văn A');
    expect(stripBidiControls(CONTROLS.join('x'))).toBe('xxxxxxxx');
    expect(stripBidiControls('A\u200Fb\u200Ec\u061C')).toBe('Abc');
    expect(nameText(`<Nguyễn ${RLO}Văn A>`)).toBe('&lt;Nguyễn Văn A&gt;');
  });

  it('isolates user text and drops an override left open, so the rest of the line reads as written', () => {
    const line = `Lý do: ${userText(`abc ${RLO}def`)} — hết`;
    expect(line).toBe(`Lý do: ${FSI}abc def${PDI} — hết`);
    expect(htmlToPlain(userText('<b> & </b>'))).toBe(`${FSI}<b> & </b>${PDI}`);
  });

  it('keeps what is properly closed, isolating each line on its own', () => {
    expect(isolateUserText(`a ${RLO}xyz${PDF} b\n${RLI}עברית${PDI}\n\nc`)).toBe(
      `${FSI}a ${RLO}xyz${PDF} b${PDI}\n${FSI}${RLI}עברית${PDI}${PDI}\n\n${FSI}c${PDI}`,
    );
    // An override opened on one line and closed on the next is closed on neither.
    expect(isolateUserText(`a${RLO}b\nc${PDF}d`)).toBe(`${FSI}ab${PDI}\n${FSI}cd${PDI}`);
    // A PDI closes its isolate and any embedding opened inside it; a stray PDF is dropped.
    expect(isolateUserText(`${RLI}a${RLO}b${PDI}${PDF}c`)).toBe(`${FSI}${RLI}ab${PDI}c${PDI}`);
  });

  it('any text at all comes out sealed, with every other character kept (property)', () => {
    const piece = fc.oneof(fc.constantFrom(...CONTROLS, '\n', '\r\n', '\u2029', ' ', 'a', 'ש', '1'), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => {
        const out = isolateUserText(text);
        expect(sealed(out)).toBe(true);
        expect(stripBidiControls(out)).toBe(stripBidiControls(text));
      }),
      { numRuns: 2000 },
    );
  });
});
