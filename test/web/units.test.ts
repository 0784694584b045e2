import { describe, expect, it } from 'vitest';
import { html, trusted } from '../../src/web/html.js';
import { filterQuery, parseFilter } from '../../src/web/filters.js';
import { detectUpload, UploadRefused } from '../../src/web/uploads.js';
import { samplePdf } from './support.js';

describe('web desk templates', () => {
  it('escapes every interpolated value and keeps only markup the templates made', () => {
    const name = '<script>alert("x")</script> & \'quote\'';
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quote&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quote&#39;</p>',
    );
    expect(html`<ul>${['<a>', html`<li>${'b&c'}</li>`]}</ul>`.value).toBe('<ul>&lt;a&gt;<li>b&amp;c</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(html`${trusted('<svg/>')}`.value).toBe('<svg/>');
  });
});

describe('web desk list filter', () => {
  it('reads the Vietnamese URL parameters, drops and names what does not parse, and writes them back', () => {
    const { filter, invalid } = parseFilter({ trangthai: 'assigned', so: 'snnmt', han: 'qua_han', tu: '2026-11-01', den: '2026-10-01', q: ' rác thải ', trang: '2', mucdo: 'gấp', sapxep: 'han' });
    expect(filter).toMatchObject({ status: 'assigned', department: 'SNNMT', due: 'qua_han', from: '2026-11-01', to: null, q: 'rác thải', page: 2, priority: null, sort: 'han' });
    expect(invalid).toEqual(['mucdo', 'den']);
    expect(filterQuery(filter)).toBe('?trangthai=assigned&so=SNNMT&han=qua_han&tu=2026-11-01&q=r%C3%A1c+th%E1%BA%A3i&sapxep=han');
    expect(filterQuery(filter, { page: 3 })).toContain('trang=3');
    expect(parseFilter({ xa: "11953' OR 1=1" }).invalid).toEqual(['xa']);
    expect(parseFilter({ tu: '2026-02-30' }).invalid).toEqual(['tu']);
  });
});

describe('web desk uploads', () => {
  it('takes PDF, DOCX, DOC, JPEG and PNG by their bytes, and names the file truthfully', () => {
    expect(detectUpload(samplePdf(), 'cong van.pdf', 1_000_000)).toMatchObject({ mimeType: 'application/pdf', type: 'document', fileName: 'cong van.pdf' });
    expect(detectUpload(samplePdf(), 'C:\\\\Users\\\\x\\\\thu', 1_000_000)).toMatchObject({ fileName: 'thu.pdf' });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    expect(detectUpload(jpeg, 'anh.png', 1_000_000)).toMatchObject({ mimeType: 'image/jpeg', type: 'photo', fileName: 'anh.png.jpg' });
    const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('....word/document.xml')]);
    expect(detectUpload(docx, 'tra-loi.docx', 1_000_000).mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('refuses what pretends, what is empty and what is too large, with the message key to show', () => {
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof UploadRefused ? err.key : String(err);
      }
      return 'accepted';
    };
    expect(refusal(() => detectUpload(Buffer.from('<html>'), 'x.pdf', 1_000))).toBe('web-upload-type');
    expect(refusal(() => detectUpload(Buffer.alloc(0), 'x.pdf', 1_000))).toBe('web-upload-empty');
    expect(refusal(() => detectUpload(samplePdf(), 'x.pdf', 10))).toBe('web-upload-too-large');
    expect(refusal(() => detectUpload(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('not office')]), 'x.docx', 1_000))).toBe('web-upload-type');
  });
});
