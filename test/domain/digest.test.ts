import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDigest, departmentChartRows } from '../../src/domain/digest.js';
import { localWallClock } from '../../src/domain/calendar.js';
import { formatDate as formatLocalDate, formatDateTime as formatLocalDateTime } from '../../src/core/presentation/dates.js';
import { escapeHtml, htmlToPlain as htmlToPlainText, visibleLength } from '../../src/core/presentation/markup.js';
import { packSections, renderCentralReport, renderDigest, renderClosureSection, renderOverdueList, summarizeText } from '../../src/core/presentation/digest.js';
import { splitText as splitMessage } from '../../src/core/presentation/split.js';
import { createTranslator, messageKeys } from '../../src/i18n/index.js';
import { HOUR, NOW, SINCE, at, ctx, fixtureTickets, makeTicket } from '../reports/fixtures.js';

const t = createTranslator('vi');
const VN = 'Asia/Ho_Chi_Minh';
const digest = buildDigest(fixtureTickets(), { ...ctx, since: SINCE });

/** Tags are only <b>…</b>, properly nested, and every `&` starts an entity. */
function expectWellFormedHtml(chunk: string): void {
  let depth = 0;
  for (const tag of chunk.match(/<[^>]*>/g) ?? []) {
    expect(tag === '<b>' || tag === '</b>', `unexpected tag ${tag}`).toBe(true);
    depth += tag === '<b>' ? 1 : -1;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  expect(chunk.replace(/<\/?b>/g, '')).not.toMatch(/[<>]/);
  expect(chunk).not.toMatch(/&(?!(amp|lt|gt|quot);)/);
}

const visible = (html: string): string =>
  html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('buildDigest', () => {
  it('counts the period flow and the open stock', () => {
    expect(digest.totals).toEqual({
      total: 17,
      newSince: 4, // HY-0001, 0013, 0014, 0015
      answeredSince: 1, // HY-0009
      resolvedSince: 1, // HY-0006
      open: 14,
      dueSoon: 1, // HY-0004
      overdue: 3, // HY-0003, 0007, 0008; the returned and escalated ones owe no department answer
      onTimeRate: 4 / 9,
      medianAnswerHours: 14,
      medianFirstResponseHours: 1,
    });
  });

  it('ranks departments by overdue count, then by on-time rate, no rate last', () => {
    expect(digest.departments.map((d) => [d.code, d.overdue, d.onTimeRate])).toEqual([
      ['STC', 2, 1 / 3],
      ['SNV', 1, 1 / 3],
      ['SKHCN', 0, 0],
      ['SNNMT', 0, 1],
      ['STP', 0, null],
    ]);
    expect(digest.departments[1]).toEqual({
      code: 'SNV',
      name: 'Sở Nội vụ',
      total: 4,
      open: 3,
      dueSoon: 1,
      overdue: 1,
      answered: 2,
      onTimeRate: 1 / 3,
      medianAnswerHours: 13,
    });
  });

  it('counts per category, busiest first', () => {
    expect(digest.categories.slice(0, 3)).toEqual([
      expect.objectContaining({ code: 'nhan_su', total: 4, open: 3, overdue: 1, newSince: 0 }),
      expect.objectContaining({ code: 'co_che_chinh_sach', total: 3, open: 3, overdue: 0, newSince: 2 }),
      expect.objectContaining({ code: 'dau_tu_cong', total: 2, open: 2, overdue: 1 }),
    ]);
    expect(digest.categories.find((c) => c.code === null)).toMatchObject({ label: null, total: 1, open: 1 });
    expect(digest.categories.reduce((n, c) => n + c.total, 0)).toBe(17);
  });

  it('lists the five communes with the most open reports', () => {
    expect(digest.communes.map((c) => [c.name, c.open, c.overdue])).toEqual([
      ['Xã Tân Hưng', 5, 2],
      ['Xã Như Quỳnh', 3, 1],
      ['Phường Phố Hiến', 2, 0],
      ['Phường Sơn Nam', 2, 0],
      ['Xã Văn Giang', 1, 0],
    ]);
  });

  it('lists the five oldest open reports without any answer', () => {
    expect(digest.oldestUnanswered.map((r) => r.code)).toEqual(['HY-0007', 'HY-0008', 'HY-0003', 'HY-0016', 'HY-0004']);
    // 150 h with every hour working, in 7.5 h days
    expect(digest.oldestUnanswered[0]?.ageWorkingDays).toBe(20);
  });

  it('lists open central-level items once, merged reports folded into their parent', () => {
    expect(digest.central.map((r) => r.code)).toEqual(['HY-0012', 'HY-0013']);
    expect(digest.central[1]?.alsoCommunes).toEqual(['Xã Tân Hưng']);
  });

  it('counts a ticket created exactly at `since` as new, one a millisecond earlier not', () => {
    const d = buildDigest(
      [
        makeTicket({ id: 1, createdAt: SINCE }),
        makeTicket({ id: 2, code: 'HY-0002', createdAt: new Date(SINCE.getTime() - 1) }),
      ],
      { ...ctx, since: SINCE },
    );
    expect(d.totals.newSince).toBe(1);
  });

  it('gives the chart the digest numbers for departments with open tickets', () => {
    expect(departmentChartRows(digest)).toEqual([
      { department: 'Sở Tài chính', open: 3, overdue: 2 },
      { department: 'Sở Nội vụ', open: 3, overdue: 1 },
      { department: 'Sở Khoa học và Công nghệ', open: 1, overdue: 0 },
      { department: 'Sở Nông nghiệp và Môi trường', open: 2, overdue: 0 },
      { department: 'Sở Tư pháp', open: 3, overdue: 0 },
    ]);
  });

  it('handles no tickets at all', () => {
    const empty = buildDigest([], { ...ctx, since: SINCE });
    expect(empty.totals).toMatchObject({ total: 0, open: 0, onTimeRate: null, medianAnswerHours: null });
    const [message, ...rest] = renderDigest(empty, t, { maxLength: 4096 });
    expect(rest).toEqual([]);
    expect(message).toContain('Chưa có kiến nghị nào.');
    expect(message).toContain('Tỷ lệ đúng hạn: chưa có số liệu');
  });
});

describe('closing the loop in the digest', () => {
  it('has the province figures and one row per department that has answered, lowest score first', () => {
    expect(digest.closure.overall).toMatchObject({
      answered: 6,
      confirmed: 1,
      confirmedShare: 1 / 6,
      satisfactionScore: 100,
      reopenRate: 2 / 6,
      autoClosedShare: 0.5,
    });
    // STP has answered nothing yet, so it has no row; SNV is the only one with a score.
    expect(digest.closure.departments.map((d) => [d.code, d.satisfactionScore, d.confirmedShare])).toEqual([
      ['SNV', 100, 0.5],
      ['SKHCN', null, 0],
      ['SNNMT', null, 0],
      ['STC', null, 0],
    ]);
  });

  it('ranks the lowest score first and an unrated department last', () => {
    const rated = (id: number, departmentCode: string, satisfaction: 'hai_long' | 'tam_duoc' | 'chua_hai_long' | null) =>
      makeTicket({
        id,
        code: `HY-${String(id).padStart(4, '0')}`,
        departmentCode,
        departmentName: `Sở ${departmentCode}`,
        status: 'resolved',
        firstAnsweredAt: at(-5),
        answeredAt: at(-5),
        resolvedAt: at(-1),
        confirmedAt: satisfaction === null ? null : at(-1),
        satisfaction,
      });
    const d = buildDigest([rated(1, 'A', 'hai_long'), rated(2, 'B', 'chua_hai_long'), rated(3, 'C', null), rated(4, 'D', 'tam_duoc')], { ...ctx, since: SINCE });
    expect(d.closure.departments.map((r) => [r.code, r.satisfactionScore])).toEqual([
      ['B', 0],
      ['D', 50],
      ['A', 100],
      ['C', null],
    ]);
    expect(d.closure.overall).toMatchObject({ rated: 3, satisfactionScore: 50, autoClosedShare: 0 });
  });

  it('renders "Mức độ hài lòng của xã" right after the departments, "—" where there is nothing to measure', () => {
    const [text = ''] = renderDigest(digest, t, { maxLength: 4096 });
    expect(text).toContain(
      [
        '5. <b>Sở Tư pháp</b>: quá hạn 0 · đang mở 3',
        '',
        '<b>Mức độ hài lòng của xã</b>',
        'Toàn tỉnh: xã đã xác nhận 1/6 phiếu được trả lời (17%)',
        'Hài lòng 100% · Tạm được 0% · Chưa hài lòng 0% · điểm hài lòng 100/100 (1 ý kiến)',
        'Mở lại 33% số phiếu đã trả lời · Tự động đóng 50% số phiếu đã giải quyết',
        '1. <b>Sở Nội vụ</b>: xác nhận 50% · điểm 100 · mở lại 50% · tự động đóng 0%',
        '2. <b>Sở Khoa học và Công nghệ</b>: xác nhận 0% · điểm — · mở lại 0% · tự động đóng —',
        '3. <b>Sở Nông nghiệp và Môi trường</b>: xác nhận 0% · điểm — · mở lại 50% · tự động đóng 100%',
        '4. <b>Sở Tài chính</b>: xác nhận 0% · điểm — · mở lại 0% · tự động đóng —',
        '',
        '<b>Theo lĩnh vực</b>',
      ].join('\n'),
    );
  });

  it('says so when no commune has rated an answer, and leaves the section out before any answer', () => {
    const waiting = makeTicket({ status: 'answered', firstAnsweredAt: at(-5), answeredAt: at(-5), departmentName: 'Sở <Nội vụ> & B' });
    const lines = renderClosureSection(buildDigest([waiting], { ...ctx, since: SINCE }).closure, t);
    expect(lines).toEqual([
      '<b>Mức độ hài lòng của xã</b>',
      'Toàn tỉnh: xã đã xác nhận 0/1 phiếu được trả lời (0%)',
      'Chưa có xã nào cho ý kiến về mức độ hài lòng.',
      'Mở lại 0% số phiếu đã trả lời · Tự động đóng — số phiếu đã giải quyết',
      '1. <b>Sở &lt;Nội vụ&gt; &amp; B</b>: xác nhận 0% · điểm — · mở lại 0% · tự động đóng —',
    ]);
    expect(renderClosureSection(buildDigest([makeTicket()], { ...ctx, since: SINCE }).closure, t)).toEqual([]);
    const [text = ''] = renderDigest(buildDigest([makeTicket()], { ...ctx, since: SINCE }), t, { maxLength: 4096 });
    expect(text).not.toContain('Mức độ hài lòng');
  });

  it('renders in English from the same numbers', () => {
    const lines = renderClosureSection(digest.closure, createTranslator('en'));
    expect(lines.slice(0, 4)).toEqual([
      "<b>Communes' satisfaction</b>",
      'Province: communes confirmed 1 of 6 answered tickets (17%)',
      'Satisfied 100% · Acceptable 0% · Not satisfied 0% · score 100/100 (1 answer)',
      'Reopened 33% of answered tickets · Closed automatically 50% of resolved tickets',
    ]);
  });
});

describe('renderDigest', () => {
  const [message, ...more] = renderDigest(digest, t, { maxLength: 4096 });
  const text = message ?? '';

  it('fits one Telegram message and reads in Vietnamese', () => {
    expect(more).toEqual([]);
    expect(text.startsWith('<b>TỔNG HỢP KIẾN NGHỊ NGÀY 27/11/2026</b>\n')).toBe(true);
    expect(text).toContain('Số liệu từ 26/11/2026 07:30 đến 27/11/2026 07:30');
    expect(text).toContain('Mới tiếp nhận: 4 · Đã trả lời: 1 · Đã giải quyết: 1');
    expect(text).toContain('Đang mở: 14 · Sắp đến hạn: 1 · Quá hạn: 3');
    expect(text).toContain('Tỷ lệ đúng hạn: 44% · Thời gian trả lời trung vị: 14 giờ làm việc');
    expect(text).toContain('1. <b>Sở Tài chính</b>: quá hạn 2 · đang mở 3 · đúng hạn 33% · trả lời trung vị 48 giờ');
    expect(text).toContain('5. <b>Sở Tư pháp</b>: quá hạn 0 · đang mở 3\n');
    expect(text).toContain('1. Xã Tân Hưng: 5 đang mở, 2 quá hạn');
    expect(text).toContain('• Chưa phân loại: 1 phiếu, đang mở 1');
    // A returned ticket is with the support team, whatever department it came back from.
    expect(text).toContain('<b>HY-0016</b> · Phường Sơn Nam · tiếp nhận 24/11/2026 (9,3 ngày làm việc) · Sở trả lại');
    expect(text).toContain('<b>Kiến nghị Trung ương (2)</b>');
    expectWellFormedHtml(text);
  });

  it('escapes user text so a report cannot inject markup', () => {
    expect(text).toContain('Đề nghị sửa Nghị định &lt;b&gt;123&lt;/b&gt; &amp; Thông tư 45');
    expect(text).not.toContain('<b>123');
    const tricky = makeTicket({ communeName: 'Xã <i>A</i> & B', departmentName: 'Sở "X" & <Y>', text: '</b><a href="x">bấm</a>' });
    const [out = ''] = renderDigest(buildDigest([tricky], { ...ctx, since: SINCE }), t, { maxLength: 4096 });
    expect(out).toContain('Xã &lt;i&gt;A&lt;/i&gt; &amp; B');
    expect(out).toContain('<b>Sở &quot;X&quot; &amp; &lt;Y&gt;</b>');
    expect(out).toContain('&lt;/b&gt;&lt;a href=&quot;x&quot;&gt;bấm&lt;/a&gt;');
    expectWellFormedHtml(out);
  });

  it.each([2000, 1000, 500, 300])('splits into messages of at most %i characters at line boundaries', (maxLength) => {
    const chunks = renderDigest(digest, t, { maxLength });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(maxLength);
      expect(chunk).toBe(chunk.trim());
      expectWellFormedHtml(chunk);
    }
    // Every line of the single-message version is in some message, whole and in order.
    const lines = text.split('\n').filter((l) => l !== '');
    expect(chunks.join('\n').split('\n').filter((l) => l !== '')).toEqual(lines);
  });

  it('splits even below the length of one line without breaking tags or entities', () => {
    const chunks = renderDigest(digest, t, { maxLength: 80 });
    for (const chunk of chunks) {
      expect(visibleLength(chunk)).toBeLessThanOrEqual(80);
      expectWellFormedHtml(chunk);
    }
    const flat = (s: string): string => visible(s).replace(/\s+/g, '');
    expect(chunks.map(flat).join('')).toBe(flat(text));
  });

  it('turns into plain text for platforms without markup, still within the limit', () => {
    for (const chunk of renderDigest(digest, t, { maxLength: 2000 })) {
      const plain = htmlToPlainText(chunk);
      expect(plain.length).toBeLessThanOrEqual(2000);
      expect(plain).not.toContain('<b>HY-');
      expect(plain).not.toContain('&amp;');
    }
    expect(htmlToPlainText(text)).toContain('Đề nghị sửa Nghị định <b>123</b> & Thông tư 45');
    expect(htmlToPlainText(text)).toContain('1. Sở Tài chính: quá hạn 2');
  });

  it('renders in English from the same numbers', () => {
    const [en = ''] = renderDigest(digest, createTranslator('en'), { maxLength: 4096 });
    expect(en).toContain('<b>DIGEST OF REPORTS, 27/11/2026</b>');
    expect(en).toContain('Open: 14 · Due soon: 1 · Overdue: 3');
    expect(en).toContain('• Uncategorised: 1 ticket, 1 open');
  });
});

describe('renderOverdueList', () => {
  const opts = { ...ctx, t, maxLength: 4096 };

  it('groups overdue tickets by department, most overdue first, in working days', () => {
    const [text = '', ...more] = renderOverdueList(fixtureTickets(), opts);
    expect(more).toEqual([]);
    expect(text).toBe(
      [
        '<b>DANH SÁCH PHIẾU QUÁ HẠN (3)</b>',
        'Tính đến 27/11/2026 07:30',
        '',
        '<b>Sở Tài chính</b> (2)',
        '• <b>HY-0007</b> · Xã Như Quỳnh · quá hạn 6,7 ngày làm việc · hạn 25/11/2026 05:30',
        '• <b>HY-0008</b> · Xã Tân Hưng · quá hạn 2,7 ngày làm việc · hạn 26/11/2026 11:30',
        '',
        '<b>Sở Nội vụ</b> (1)',
        '• <b>HY-0003</b> · Xã Tân Hưng · quá hạn 2 giờ làm việc · hạn 27/11/2026 05:30',
      ].join('\n'),
    );
  });

  it('says so when nothing is overdue', () => {
    const [text = ''] = renderOverdueList([makeTicket({ dueAt: at(5) })], opts);
    expect(text).toContain('(0)');
    expect(text).toContain('Không có phiếu nào quá hạn.');
  });

  it('splits a long list for Zalo, every ticket listed once', () => {
    const many = Array.from({ length: 150 }, (_, i) =>
      makeTicket({
        id: i + 1,
        code: `HY-${String(i + 1).padStart(4, '0')}`,
        departmentCode: `D${i % 4}`,
        departmentName: `Sở số ${i % 4} & cộng sự`,
        dueAt: at(-1 - i),
      }),
    );
    const chunks = renderOverdueList(many, { ...opts, maxLength: 2000 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(2000);
      expectWellFormedHtml(chunk);
    }
    const codes = chunks.join('\n').match(/HY-\d{4}/g) ?? [];
    expect(codes).toHaveLength(150);
    expect(new Set(codes).size).toBe(150);
  });

  it('expresses overdue time through the injected working day length', () => {
    const [text = ''] = renderOverdueList([makeTicket({ dueAt: at(-16) })], { ...opts, workingDayMs: 8 * HOUR });
    expect(text).toContain('quá hạn 2 ngày làm việc');
  });
});

describe('renderCentralReport', () => {
  it('groups flagged reports by category as plain text for a written report', () => {
    const [text = '', ...more] = renderCentralReport(fixtureTickets(), t, { maxLength: 4096, now: NOW });
    expect(more).toEqual([]);
    expect(text).toBe(
      [
        'BÁO CÁO CÁC KIẾN NGHỊ THUỘC THẨM QUYỀN TRUNG ƯƠNG',
        'Tổng số: 3 kiến nghị (tính đến ngày 27/11/2026)',
        '',
        'I. Cơ chế, chính sách, văn bản pháp luật chưa hoàn thiện, chồng chéo, vượt thẩm quyền tỉnh (2)',
        '1. HY-0012 – Xã Như Quỳnh – Kiến nghị Trung ương',
        '   Nội dung: Đề nghị sửa Nghị định <b>123</b> & Thông tư 45 về chế độ cán bộ',
        '2. HY-0013 – Xã Yên Mỹ, Xã Tân Hưng – Đã chuyển sở',
        '   Nội dung: Kiến nghị số 13 của Xã Yên Mỹ',
        '',
        'II. Biên chế, nhân sự, chế độ cán bộ, đào tạo, quá tải (1)',
        '1. HY-0006 – Xã Văn Giang – Đã giải quyết',
        '   Nội dung: Kiến nghị số 6 của Xã Văn Giang',
      ].join('\n'),
    );
  });

  it('leaves out rejected reports and says when there is nothing', () => {
    const rejected = makeTicket({ flaggedCentral: true, status: 'rejected' });
    const [text = ''] = renderCentralReport([rejected], t, { maxLength: 4096 });
    expect(text).toContain('Tổng số: 0 kiến nghị');
    expect(text).toContain('Chưa có kiến nghị nào đề xuất báo cáo Trung ương.');
  });

  it('shortens long reports and splits at the limit', () => {
    const long = Array.from({ length: 40 }, (_, i) =>
      makeTicket({ id: i + 1, code: `HY-${String(i + 1).padStart(4, '0')}`, flaggedCentral: true, text: 'Vướng mắc về thẩm quyền phê duyệt. '.repeat(30) }),
    );
    const chunks = renderCentralReport(long, t, { maxLength: 2000 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(2000);
    const contentLines = chunks.join('\n').split('\n').filter((l) => l.startsWith('   Nội dung: '));
    expect(contentLines).toHaveLength(40);
    for (const line of contentLines) {
      expect(line.length).toBeLessThanOrEqual('   Nội dung: '.length + 300);
      expect(line.endsWith('…')).toBe(true);
    }
  });
});

describe('message splitting', () => {
  it('closes and reopens a tag cut in the middle', () => {
    const line = `<b>${'chữ '.repeat(30).trim()}</b> đuôi`;
    const pieces = splitMessage(line, 50, 'html');
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(visibleLength(p)).toBeLessThanOrEqual(50);
      expectWellFormedHtml(p);
    }
    expect(pieces[0]?.startsWith('<b>')).toBe(true);
    expect(pieces[1]?.startsWith('<b>')).toBe(true);
  });

  it('never cuts an entity or a surrogate pair', () => {
    const text = `${'&amp;'.repeat(20)}${'😀'.repeat(20)}`;
    for (const max of [7, 9, 13]) {
      const pieces = splitMessage(text, max, 'html');
      expect(pieces.join('')).toBe(text);
      for (const p of pieces) {
        expect(visibleLength(p)).toBeLessThanOrEqual(max);
        expect(p).not.toMatch(/&(?!amp;)/);
        expect(p).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      }
    }
  });

  it('keeps any escaped text intact and within the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'ệ', '&', '<', '>', ' ', '\n', '😀', ';') }), fc.boolean()), { maxLength: 40 }),
        fc.integer({ min: 20, max: 120 }),
        (words, maxLength) => {
          const html = words.map(([w, strong]) => (strong ? `<b>${escapeHtml(w)}</b>` : escapeHtml(w))).join(' ');
          const pieces = splitMessage(html, maxLength, 'html');
          for (const p of pieces) {
            expect(visibleLength(p)).toBeLessThanOrEqual(maxLength);
            expectWellFormedHtml(p);
          }
          const flat = (s: string): string => s.replace(/\s+/g, '');
          expect(flat(pieces.map(visible).join(''))).toBe(flat(visible(html)));
        },
      ),
    );
  });

  it('packs whole sections when they fit, separated by a blank line', () => {
    const sections = [['a'.repeat(30)], ['b'.repeat(30), 'c'.repeat(30)], ['d'.repeat(10)]];
    expect(packSections(sections, 70, 'plain')).toEqual(['a'.repeat(30), `${'b'.repeat(30)}\n${'c'.repeat(30)}`, 'd'.repeat(10)]);
    expect(packSections(sections, 200, 'plain')).toEqual([sections.map((s) => s.join('\n')).join('\n\n')]);
  });

  it('summarises free text on one line, cut at a word', () => {
    expect(summarizeText('  Xã   thiếu\n\ncán bộ  ', 100)).toBe('Xã thiếu cán bộ');
    const cut = summarizeText('Đề nghị hướng dẫn thẩm quyền phê duyệt dự án đầu tư công', 30);
    expect(cut.length).toBeLessThanOrEqual(30);
    expect(cut).toBe('Đề nghị hướng dẫn thẩm quyền…');
  });
});

describe('locale files', () => {
  it('have the same report keys in Vietnamese and English', () => {
    const ours = (keys: string[]): string[] => keys.filter((k) => /^(digest|overdue|central)-/.test(k)).sort();
    expect(ours(messageKeys('en'))).toEqual(ours(messageKeys('vi')));
    expect(ours(messageKeys('vi')).length).toBeGreaterThan(50);
  });
});

describe('local time', () => {
  it('shows instants in the province zone and follows daylight saving elsewhere', () => {
    // One date format in every message: dd/mm/yyyy hh:mm.
    expect(formatLocalDateTime(new Date('2026-12-31T17:05:00Z'), VN)).toBe('01/01/2027 00:05');
    expect(localWallClock(new Date('2026-11-27T00:30:00Z'), VN)).toEqual(new Date('2026-11-27T07:30:00Z'));
    // Paris moves from UTC+1 to UTC+2 at 01:00 UTC on 29/03/2026.
    expect(formatLocalDateTime(new Date('2026-03-29T00:59:00Z'), 'Europe/Paris')).toBe('29/03/2026 01:59');
    expect(formatLocalDateTime(new Date('2026-03-29T01:00:00Z'), 'Europe/Paris')).toBe('29/03/2026 03:00');
    expect(formatLocalDate(new Date('2026-03-29T01:00:00Z'), 'UTC')).toBe('29/03/2026');
  });
});
