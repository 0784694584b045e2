import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES, defaultDepartmentFor } from '../../src/domain/catalog.js';
import { benchClassifier } from '../../tools/bench/classifier.js';
import {
  classify,
  createClassifier,
  defaultClassifier,
  normalizeText,
  tokenize,
} from '../../src/domain/classifier/index.js';
import { parseLabelledLines } from '../../tools/classifier/corpus.js';
import { evaluateClassifier } from '../../tools/classifier/evaluate.js';
import { trainNaiveBayes } from '../../src/domain/classifier/naive-bayes.js';
import { tokenize as tokenizeFeatures } from '../../src/domain/classifier/text.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const corpus = (name: string) => parseLabelledLines(readFileSync(`${repoRoot}data/classifier/${name}`, 'utf8')).examples;

describe('normalizeText', () => {
  it('lower-cases and folds Vietnamese diacritics, đ included', () => {
    expect(normalizeText('Đường liên xã XUỐNG CẤP, ổ gà')).toBe('duong lien xa xuong cap o ga');
    expect(normalizeText('Ưu tiên ơ ư ă â ê ô')).toBe('uu tien o u a a e o');
  });

  it('treats decomposed (NFD) input like composed text', () => {
    const composed = 'Trạm y tế thiếu bác sĩ';
    expect(normalizeText(composed.normalize('NFD'))).toBe(normalizeText(composed));
  });

  it('expands the abbreviations officials use', () => {
    expect(normalizeText('UBND xã')).toBe('uy ban nhan dan xa');
    expect(normalizeText('ĐTC, GPMB')).toBe('dau tu cong giai phong mat bang');
    expect(normalizeText('thẻ BHYT')).toBe('the bao hiem y te');
    expect(normalizeText('TTPVHCC')).toBe('trung tam phuc vu hanh chinh cong');
    expect(normalizeText('CB, CC thiếu')).toBe('can bo cong chuc thieu');
    expect(normalizeText('BTV đảng ủy')).toBe('ban thuong vu dang uy');
    expect(normalizeText('ko dc')).toBe('khong duoc');
  });

  it('unifies i/y spelling variants', () => {
    expect(normalizeText('bác sĩ')).toBe(normalizeText('bác sỹ'));
    expect(normalizeText('quy hoạch')).toBe(normalizeText('qui hoạch'));
  });

  it('drops punctuation, emoji and extra spaces', () => {
    expect(normalizeText('  "Rác"…  tồn đọng!!! 👍 ')).toBe('rac ton dong');
    expect(normalizeText('')).toBe('');
  });
});

describe('tokenize', () => {
  it('returns syllables followed by bigrams', () => {
    expect(tokenize('Giải ngân chậm')).toEqual(['giai', 'ngan', 'cham', 'giai_ngan', 'ngan_cham']);
  });

  it('does not pair syllables across punctuation', () => {
    const features = tokenize('người dân phải chờ, xã đã báo');
    expect(features).toContain('phai_cho');
    expect(features).toContain('xa_da');
    expect(features).not.toContain('cho_xa');
  });

  it('gives the same features with or without diacritics', () => {
    expect(tokenizeFeatures('Chữ ký số hết hạn')).toEqual(tokenizeFeatures('chu ky so het han'));
  });
});

// Written for these tests; none of them is in the corpus.
const FRESH: Record<string, string[]> = {
  nhan_su: [
    'Xã đang thiếu 4 công chức so với biên chế được giao, đề nghị cho tuyển dụng bổ sung.',
    'can bo xa phai kiem nhiem nhieu viec, de nghi bo sung bien che',
  ],
  to_chuc_dang: [
    'Đảng ủy phường chưa được chuẩn y ủy viên Ban Thường vụ, đề nghị Ban Tổ chức Tỉnh ủy xem xét.',
    'chi bo thon chua co bi thu, dang vien chua biet sinh hoat o dau',
  ],
  cntt_hatang: ['Mạng internet ở trụ sở xã mất kết nối từ sáng, chưa có ai đến sửa.', 'chua duoc cap chu ky so cho pho chu tich moi'],
  thu_tuc_hanh_chinh: [
    'Hệ thống dịch vụ công không cho chọn tên xã mới khi người dân nộp hồ sơ khai sinh.',
    'nguoi dan phai cho lau moi duoc chung thuc ban sao',
  ],
  dau_tu_cong: [
    'Dự án đường liên thôn đã hoàn thành nhưng chưa được bố trí vốn để giải ngân cho nhà thầu.',
    'von dau tu cong giao muon nen xa khong giai ngan kip',
  ],
  tai_chinh_ngan_sach: [
    'Xã chưa được giao dự toán chi thường xuyên nên không có kinh phí hoạt động.',
    'tru so xa cu xuong cap, de nghi huong dan thanh ly tai san',
  ],
  dat_dai: [
    'Người dân chưa đồng ý giá bồi thường nên chưa bàn giao mặt bằng cho dự án.',
    'ho dan xin cap giay chung nhan quyen su dung dat lan dau',
  ],
  quy_hoach_xay_dung: [
    'Nhiều hộ xây nhà không phép lấn hành lang giao thông, xã chưa xử lý được.',
    'duong lien xa xuong cap, nhieu o ga, de nghi sua chua',
  ],
  moi_truong: ['Rác thải sinh hoạt không được thu gom cả tuần, bốc mùi hôi thối.', 'nuoc thai cua cac trai lon gay o nhiem kenh muong'],
  san_xuat_kinh_doanh: [
    'Doanh nghiệp trên địa bàn thiếu đơn hàng, đề nghị tỉnh hỗ trợ kết nối thị trường.',
    'nong dan khong tieu thu duoc nhan, thuong lai ep gia',
  ],
  giao_duc: ['Trường mầm non thiếu giáo viên, mỗi lớp hơn 40 cháu.', 'truong tieu hoc xuong cap, hoc sinh phai hoc nho'],
  y_te: ['Trạm y tế xã không có bác sĩ, người dân phải lên tuyến trên khám.', 'the bhyt cua nguoi cao tuoi chua duoc gia han'],
  co_che_chinh_sach: [
    'Các nghị định hướng dẫn còn chồng chéo, vượt thẩm quyền của tỉnh, đề nghị kiến nghị Trung ương sửa đổi.',
    'luat va thong tu quy dinh khac nhau, xa khong biet ap dung van ban nao',
  ],
  khac: ['Xin chào cả nhóm, em mới được phân công theo dõi.', 'cam on anh nhe', 'Kính mời dự họp giao ban sáng thứ Sáu.'],
};

const stripDiacritics = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

describe('classify', () => {
  it('covers every category of the catalog', () => {
    expect([...defaultClassifier().categories].sort()).toEqual([...CATEGORY_CODES].sort());
    expect(Object.keys(FRESH).sort()).toEqual([...CATEGORY_CODES].sort());
  });

  for (const [category, sentences] of Object.entries(FRESH)) {
    it(`recognises ${category} in fresh sentences, with and without diacritics`, () => {
      for (const sentence of sentences) {
        const result = classify(sentence);
        expect(result.category, sentence).toBe(category);
        expect(result.department).toBe(defaultDepartmentFor(category));
        expect(classify(stripDiacritics(sentence)).category, stripDiacritics(sentence)).toBe(category);
      }
    });
  }

  it('routes to the catalog default department', () => {
    expect(classify('Dự án chậm giải ngân vốn đầu tư công').department).toBe('STC');
    expect(classify('Xã thiếu biên chế công chức').department).toBe('SNV');
    expect(classify('Các văn bản pháp luật chồng chéo, đề nghị kiến nghị Trung ương').department).toBe('STP');
    expect(classify('Xin chào').department).toBeNull();
  });

  it('answers "khac" with low confidence for empty or meaningless text', () => {
    for (const text of ['', '   ', '!!!', '👍👍', 'asdfgh qwertyu zxcvbn']) {
      const result = classify(text);
      expect(result.category, JSON.stringify(text)).toBe('khac');
      expect(result.confidence, JSON.stringify(text)).toBeLessThanOrEqual(0.3);
    }
    expect(classify('').runnerUp).toBeNull();
  });

  it('is confident on a clear report and gives a different runner-up', () => {
    const result = classify('Rác thải tồn đọng hai tuần, không có đơn vị thu gom');
    expect(result.category).toBe('moi_truong');
    expect(result.confidence).toBeGreaterThan(0.8);
    expect(result.runnerUp).not.toBeNull();
    expect(result.runnerUp?.category).not.toBe('moi_truong');
  });

  it('keeps confidences in 0..1, ordered, with a catalog category, for any input', () => {
    const words = ['xã', 'đất', 'rác', 'trường', 'vốn', 'đảng', 'máy', 'luật', 'thu', 'cho', 'bị', 'đang', 'UBND', ',', '.'];
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.constantFrom(...words), { maxLength: 30 }).map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const result = classify(t);
        expect(CATEGORY_CODES).toContain(result.category);
        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        expect(result.department).toBe(defaultDepartmentFor(result.category));
        if (result.runnerUp) {
          expect(result.runnerUp.category).not.toBe(result.category);
          expect(result.runnerUp.confidence).toBeLessThanOrEqual(result.confidence);
          expect(result.runnerUp.confidence).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('explains a suggestion with the phrases that counted', () => {
    const explanation = defaultClassifier().explain('Luật Đất đai chồng chéo với nghị định');
    expect(explanation.category).toBe('co_che_chinh_sach');
    const phrases = explanation.phraseHits.map((h) => h.phrase);
    expect(phrases).toContain('luat dat dai');
    // The longer phrase wins: "đất đai" inside "luật đất đai" does not count for land.
    expect(explanation.phraseHits.some((h) => h.category === 'dat_dai')).toBe(false);
  });
});

describe('accuracy', () => {
  it('is at least 0.9 on the test split', () => {
    const examples = corpus('test.jsonl');
    expect(examples.length).toBeGreaterThanOrEqual(75);
    const evaluation = evaluateClassifier(defaultClassifier(), examples);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('is at least 0.85 on the hand-written holdout set', () => {
    const evaluation = evaluateClassifier(defaultClassifier(), corpus('holdout.jsonl'));
    expect(evaluation.total).toBeGreaterThanOrEqual(30);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('has a corpus of at least 300 reports covering every category in both splits', () => {
    const train = corpus('train.jsonl');
    const test = corpus('test.jsonl');
    expect(train.length + test.length).toBeGreaterThanOrEqual(300);
    for (const code of CATEGORY_CODES) {
      expect(train.filter((e) => e.category === code).length + test.filter((e) => e.category === code).length, code).toBeGreaterThanOrEqual(15);
      expect(test.some((e) => e.category === code), code).toBe(true);
    }
    const trainTexts = new Set(train.map((e) => e.text));
    expect(test.filter((e) => trainTexts.has(e.text))).toEqual([]);
  });
});

describe('createClassifier', () => {
  const categories = ['nhan_su', 'moi_truong', 'khac'];
  const scoring = { nbWeight: 1, phraseWeight: 1, lengthExponent: 1, khacBias: 0.5 };
  const nb = trainNaiveBayes(
    [
      { features: tokenizeFeatures('thiếu cán bộ công chức'), category: 'nhan_su' },
      { features: tokenizeFeatures('rác thải tồn đọng'), category: 'moi_truong' },
      { features: tokenizeFeatures('xin chào cả nhà'), category: 'khac' },
    ],
    categories,
    1,
    scoring,
  );

  it('builds a classifier from a given model and phrase table', () => {
    const classifier = createClassifier({ nb, phrases: { categories: { moi_truong: { 'nước thải': 3 } } } });
    expect(classifier.categories).toEqual(categories);
    expect(classifier.classify('nuoc thai chay ra song').category).toBe('moi_truong');
    expect(classifier.classify('thieu can bo').category).toBe('nhan_su');
    expect(classifier.classify('xin chao').category).toBe('khac');
  });

  it('uses the given routing', () => {
    const classifier = createClassifier({ nb, phrases: { categories: {} } }, { departmentFor: (c) => (c === 'khac' ? null : 'TTT') });
    expect(classifier.classify('rác thải').department).toBe('TTT');
  });

  it('rejects phrases for a category the model does not know', () => {
    expect(() => createClassifier({ nb, phrases: { categories: { khong_co: { rác: 1 } } } })).toThrow(/khong_co/);
  });

  it('rejects a malformed model', () => {
    expect(() => createClassifier({ nb: { ...nb, counts: [] }, phrases: { categories: {} } })).toThrow();
  });
});

describe('performance', () => {
  it('loads fast and classifies thousands of reports per second', () => {
    // Loose bounds: other test files run in parallel on the same cores; `npm run bench` measures properly.
    const { classificationsPerSecond, loadMs } = benchClassifier({ durationMs: 300 });
    expect(loadMs).toBeLessThan(1000);
    expect(classificationsPerSecond).toBeGreaterThan(2000);
  });
});

describe('npm run classify', () => {
  it('answers one JSON line per input line, reports malformed lines and skips blank ones', async () => {
    const input = [
      JSON.stringify({ text: 'Xã thiếu 5 công chức so với biên chế' }),
      '',
      'day khong phai json',
      JSON.stringify({ text: 'rac ton dong chua thu gom', id: 'r-2' }),
      JSON.stringify({ noi_dung: 'thiếu trường text' }),
      JSON.stringify({ text: '' }),
    ].join('\n');
    const child = spawn('npx', ['tsx', 'scripts/classify.ts'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end(`${input}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    const [first, malformed, second, missingText, empty] = lines;
    expect(Object.keys(first ?? {}).slice(0, 3)).toEqual(['category', 'department', 'confidence']);
    expect(first).toMatchObject({ category: 'nhan_su', department: 'SNV' });
    expect(malformed).toMatchObject({ category: 'khac', department: null });
    expect(typeof malformed?.error).toBe('string');
    expect(second).toMatchObject({ category: 'moi_truong', department: 'SNNMT', id: 'r-2' });
    expect(missingText).toMatchObject({ category: 'khac' });
    expect(typeof missingText?.error).toBe('string');
    expect(empty).toMatchObject({ category: 'khac', department: null });
    expect(empty?.error).toBeUndefined();
    for (const line of lines) {
      expect(line.confidence).toBeGreaterThanOrEqual(0);
      expect(line.confidence).toBeLessThanOrEqual(1);
    }
  });
});
