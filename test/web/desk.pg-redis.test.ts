import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotApiEmulator, type BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { testNow } from '../support/clock.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';
import { hiddenField, samplePdf, signInFrom, TEST_PUBLIC_URL, WebClient } from './support.js';

/**
 * The web desk against the real app: every query and every form is scoped to the role of the chat
 * the sign-in link came from, the list filters (text with and without diacritics, due states), and
 * actions go through the core and reach the chats as chat actions do.
 */
describe('web desk: scoping, filters and actions through the core', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let base: string;
  let shift = 0;
  const clock = () => new Date(testNow().getTime() + shift);
  const chat = { communeA: 0, communeB: 0, support: 0, dept: 0, dept2: 0 };
  const user = { officialA: 0, officialB: 0, supporter: 0, deptUser: 0, dept2User: 0 };
  const code = { rubbish: '', school: '', rubbishB: '', land: '' };
  const web: Record<string, WebClient> = {};

  const say = (chatId: number, userId: number, text: string) => emu.sendUserMessage({ chatId, userId, text });
  const waitText = (chatId: number, pattern: RegExp, after = 0) =>
    eventually(async () => emu.botMessages(chatId).slice(after).find((m) => pattern.test(m.text ?? m.caption ?? '')), `bot message ${pattern} in ${chatId}`);
  async function report(chatId: number, userId: number, text: string): Promise<string> {
    const before = emu.botMessages(chatId).length;
    await say(chatId, userId, `/baocao ${text}`);
    const m = await waitText(chatId, /mã phiếu/, before);
    return /HY-\d{4}/.exec(m.text ?? '')![0];
  }
  const ticket = (c: string) => h.app.db.prisma.ticket.findUniqueOrThrow({ where: { code: c }, include: { events: { orderBy: { id: 'asc' } }, attachments: true } });
  /** The CSRF token of a signed-in client, read from a page as a browser would. */
  const csrfOf = async (c: WebClient) => hiddenField((await c.get('/app/phieu')).text, '_csrf');

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot, env: { PUBLIC_URL: TEST_PUBLIC_URL }, clock });
    base = `http://127.0.0.1:${h.app.port()}`;
    chat.communeA = (await emu.createChat({ type: 'group', title: 'Xã Tân Hưng' })).id;
    chat.communeB = (await emu.createChat({ type: 'group', title: 'Xã Lạc Đạo' })).id;
    chat.support = (await emu.createChat({ type: 'supergroup', title: 'Tổ công tác' })).id;
    chat.dept = (await emu.createChat({ type: 'group', title: 'Sở NN&MT' })).id;
    chat.dept2 = (await emu.createChat({ type: 'group', title: 'Sở GD&ĐT' })).id;
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    user.officialA = (await emu.createUser({ first_name: 'Cán bộ Tân Hưng' })).id;
    user.officialB = (await emu.createUser({ first_name: 'Cán bộ Lạc Đạo' })).id;
    user.supporter = (await emu.createUser({ first_name: 'Tổ viên Hòa' })).id;
    user.deptUser = (await emu.createUser({ first_name: 'Đầu mối NN&MT' })).id;
    user.dept2User = (await emu.createUser({ first_name: 'Đầu mối GD&ĐT' })).id;
    await say(chat.communeA, ADMIN_ID, '/lienket xa 11977');
    await say(chat.communeB, ADMIN_ID, '/lienket xa 11992');
    await say(chat.support, ADMIN_ID, '/lienket tocongtac');
    await say(chat.dept, ADMIN_ID, '/lienket so SNNMT');
    await say(chat.dept2, ADMIN_ID, '/lienket so SGDDT');
    await waitText(chat.dept2, /Giáo dục/);
    for (const id of Object.values(user)) await say(id, id, '/start');
    for (const id of Object.values(user)) await waitText(id, /Tháo gỡ/);

    code.rubbish = await report(chat.communeA, user.officialA, 'Rác thải sinh hoạt tồn đọng ở chợ, chưa có đơn vị thu gom');
    code.school = await report(chat.communeA, user.officialA, 'Trường mầm non thiếu 3 giáo viên');
    code.rubbishB = await report(chat.communeB, user.officialB, 'Rac thai ton dong, chua co don vi thu gom');
    code.land = await report(chat.communeB, user.officialB, 'Đất công ích bị lấn chiếm');
    await say(chat.support, ADMIN_ID, `/chuyen ${code.rubbish} SNNMT`);
    await waitText(chat.dept, new RegExp(`Phiếu mới được giao: ${code.rubbish}`));
    await say(chat.support, ADMIN_ID, `/gop ${code.rubbishB} ${code.rubbish}`);
    await waitText(chat.support, new RegExp(`Đã gộp phiếu ${code.rubbishB}`));

    web.communeA = await signInFrom(emu, base, chat.communeA, user.officialA);
    web.communeB = await signInFrom(emu, base, chat.communeB, user.officialB);
    web.support = await signInFrom(emu, base, chat.support, user.supporter);
    web.dept = await signInFrom(emu, base, chat.dept, user.deptUser);
    web.dept2 = await signInFrom(emu, base, chat.dept2, user.dept2User);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it("a commune cannot reach another commune's ticket by URL: the same 404 as a missing one", async () => {
    const list = await web.communeA!.get('/app/phieu');
    expect(list.text).toContain(code.rubbish);
    expect(list.text).toContain(code.school);
    expect(list.text).not.toContain(code.land);
    const foreign = await web.communeA!.get(`/app/phieu/${code.land}`);
    const missing = await web.communeA!.get('/app/phieu/HY-9999');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.text).toBe(missing.text);
    expect(foreign.text).not.toContain('lấn chiếm');
    // Filtering by the other commune does not open it either.
    expect((await web.communeA!.get('/app/phieu?xa=11992')).text).not.toContain(code.land);
    // The file route is scoped the same way.
    expect((await web.communeA!.get('/app/tep/00000000-0000-4000-8000-000000000000/x.pdf')).status).toBe(404);
  });

  it("a commune cannot act on another commune's ticket by form: 404, nothing changes", async () => {
    const before = await ticket(code.land);
    const csrf = await csrfOf(web.communeA!);
    const res = await web.communeA!.post(`/app/phieu/${code.land}/molai`, { _csrf: csrf, lydo: 'Thử mở phiếu của xã khác' });
    expect(res.status).toBe(404);
    const note = await web.communeA!.post(`/app/phieu/${code.land}/ghichu`, { _csrf: csrf, noidung: 'x' });
    expect(note.status).toBe(404);
    const after = await ticket(code.land);
    expect(after.events).toHaveLength(before.events.length);
    expect(after.status).toBe(before.status);
  });

  it('a commune sees the ticket its report was merged into; a department sees only what was routed to it', async () => {
    const merged = await web.communeB!.get(`/app/phieu/${code.rubbish}`);
    expect(merged.status).toBe(200);
    expect(merged.text).toContain('Rác thải sinh hoạt tồn đọng');
    expect(merged.text).toContain(code.rubbishB);

    const dept = await web.dept!.get('/app/phieu');
    expect(dept.text).toContain(code.rubbish);
    expect(dept.text).not.toContain(code.school);
    expect(dept.text).not.toContain(code.land);
    expect((await web.dept!.get(`/app/phieu/${code.school}`)).status).toBe(404);
    const csrf = await csrfOf(web.dept!);
    const form = new FormData();
    form.append('_csrf', csrf);
    form.append('noidung', 'Trả lời phiếu không được giao');
    expect((await web.dept!.postMultipart(`/app/phieu/${code.school}/traloi`, form)).status).toBe(404);
    expect((await ticket(code.school)).status).toBe('new');
    // The overview and the export are for leaders and the support team only.
    expect((await web.dept!.get('/app/tongquan')).status).toBe(403);
    expect((await web.communeA!.get('/app/xuatexcel')).status).toBe(403);
  });

  it('shows what people typed literally: markup in a report never becomes markup on the page', async () => {
    const typed = 'Cổng <b>đậm</b> <script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const c = await report(chat.communeA, user.officialA, typed);
    const page = await web.support!.get(`/app/phieu/${c}`);
    expect(page.text).toContain('Cổng &lt;b&gt;đậm&lt;/b&gt; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).not.toContain('<img src=x');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const list = await web.support!.get(`/app/phieu?q=${encodeURIComponent('<script>')}`);
    expect(list.text).toContain(c);
    expect(list.text).not.toContain('<script>alert');
  });

  it('searches with and without diacritics, and filters by department and status', async () => {
    const plain = await web.support!.get(`/app/phieu?q=${encodeURIComponent('rac thai')}`);
    expect(plain.text).toContain(code.rubbish);
    expect(plain.text).toContain(code.rubbishB);
    expect(plain.text).not.toContain(code.school);
    const marked = await web.support!.get(`/app/phieu?q=${encodeURIComponent('RÁC THẢI')}`);
    expect(marked.text).toContain(code.rubbishB);
    expect(marked.text).toContain(code.rubbish);
    expect((await web.support!.get(`/app/phieu?q=${encodeURIComponent('lạc đạo')}`)).text).toContain(code.land);
    const byDept = await web.support!.get('/app/phieu?so=SNNMT&trangthai=assigned');
    expect(byDept.text).toContain(code.rubbish);
    expect(byDept.text).not.toContain(code.school);
    // A value that does not parse is named and ignored, never an error.
    const bad = await web.support!.get('/app/phieu?trangthai=khong-co&tu=2026-13-45');
    expect(bad.status).toBe(200);
    expect(bad.text).toContain('Bỏ qua giá trị lọc không hợp lệ: trangthai, tu');
  });

  it('the support team routes a ticket on the web: the department chat gets it, the event says "qua web"', async () => {
    const csrf = await csrfOf(web.support!);
    const page = await web.support!.get(`/app/phieu/${code.school}`);
    expect(page.text).toContain('Chuyển sở');
    const before = emu.botMessages(chat.dept2).length;
    const res = await web.support!.post(`/app/phieu/${code.school}/chuyen`, { _csrf: csrf, so: 'SGDDT' });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/app/phieu/${code.school}`);
    await waitText(chat.dept2, new RegExp(`Phiếu mới được giao: ${code.school}`), before);
    const t = await ticket(code.school);
    expect(t.status).toBe('assigned');
    const event = t.events.find((e) => e.kind === 'assigned')!;
    expect(event.actorLabel).toBe('Tổ viên Hòa (qua web)');
    expect(event.data).toMatchObject({ via: 'web' });
    // What the core said is shown once on the next page.
    const after = await web.support!.get(res.location!);
    expect(after.text).toContain(`${code.school}`);
    expect(after.text).toMatch(/class="flash"/);
    expect((await web.support!.get(res.location!)).text).not.toMatch(/class="flash"/);
  });

  it('the support team sets category and priority, merges and rejects on the web; a bad parent code changes nothing', async () => {
    const csrf = await csrfOf(web.support!);
    const land = await report(chat.communeB, user.officialB, 'Lấn chiếm đất công ích ở thôn Đông');
    const dup = await report(chat.communeB, user.officialB, 'Đất công bị lấn chiếm, thôn Đông');
    const odd = await report(chat.communeB, user.officialB, 'Đề nghị mua xe ô tô cho xã');
    expect((await web.support!.post(`/app/phieu/${land}/linhvuc`, { _csrf: csrf, linhvuc: 'dat_dai' })).status).toBe(303);
    expect((await web.support!.post(`/app/phieu/${land}/mucdo`, { _csrf: csrf, mucdo: 'khan' })).status).toBe(303);
    expect(await ticket(land)).toMatchObject({ categoryCode: 'dat_dai', priority: 'khan' });
    // A parent that does not exist is named back, and the ticket stays as it was.
    const missing = await web.support!.post(`/app/phieu/${dup}/gop`, { _csrf: csrf, phieugoc: 'HY-9999' });
    expect((await web.support!.get(missing.location!)).text).toContain('Không tìm thấy phiếu HY-9999');
    expect((await ticket(dup)).parentId).toBeNull();
    expect((await web.support!.post(`/app/phieu/${dup}/gop`, { _csrf: csrf, phieugoc: land })).status).toBe(303);
    expect((await ticket(dup)).parentId).toBe((await ticket(land)).id);
    const before = emu.botMessages(chat.communeB).length;
    expect((await web.support!.post(`/app/phieu/${odd}/tuchoi`, { _csrf: csrf, lydo: 'Không thuộc phạm vi hỗ trợ của tổ công tác' })).status).toBe(303);
    await waitText(chat.communeB, new RegExp(odd), before);
    const rejected = await ticket(odd);
    expect(rejected.status).toBe('rejected');
    expect(rejected.events.at(-1)).toMatchObject({ kind: 'rejected', actorLabel: 'Tổ viên Hòa (qua web)' });
    // An empty reason is refused by the form check, before the core.
    const empty = await web.support!.post(`/app/phieu/${land}/tuchoi`, { _csrf: csrf, lydo: '   ' });
    expect((await web.support!.get(empty.location!)).text).toContain('chưa đúng hoặc còn thiếu');
    expect((await ticket(land)).status).toBe('new');
  });

  it('a wrong CSRF token is refused and changes nothing', async () => {
    const before = await ticket(code.land);
    const res = await web.support!.post(`/app/phieu/${code.land}/nhan`, { _csrf: 'not-the-token' });
    expect(res.status).toBe(403);
    const none = await web.support!.post(`/app/phieu/${code.land}/nhan`, {});
    expect(none.status).toBe(403);
    expect((await ticket(code.land)).status).toBe(before.status);
    expect((await ticket(code.land)).claimedById).toBeNull();
  });

  it('a department answers with a PDF on the web: the letter reaches every commune chat of the ticket', async () => {
    const csrf = await csrfOf(web.dept!);
    // A file that only claims to be a PDF is refused, and nothing is answered.
    const fake = new FormData();
    fake.append('_csrf', csrf);
    fake.append('noidung', 'Trả lời thử');
    fake.append('tep', new Blob([Buffer.from('not a pdf at all')], { type: 'application/pdf' }), 'gia.pdf');
    const refused = await web.dept!.postMultipart(`/app/phieu/${code.rubbish}/traloi`, fake);
    expect(refused.status).toBe(303);
    expect((await web.dept!.get(refused.location!)).text).toContain('không phải PDF');
    expect((await ticket(code.rubbish)).status).toBe('assigned');

    const beforeA = emu.botMessages(chat.communeA).length;
    const beforeB = emu.botMessages(chat.communeB).length;
    const form = new FormData();
    form.append('_csrf', csrf);
    form.append('noidung', 'Sở đã chỉ đạo đơn vị thu gom ký hợp đồng với hai xã từ 01/12. Công văn kèm theo.');
    form.append('tep', new Blob([samplePdf()], { type: 'application/pdf' }), 'cong-van-12.pdf');
    const res = await web.dept!.postMultipart(`/app/phieu/${code.rubbish}/traloi`, form);
    expect(res.status).toBe(303);
    const answer = await waitText(chat.communeA, new RegExp(`Trả lời phiếu ${code.rubbish}`), beforeA);
    expect(answer.text ?? answer.caption).toContain('ký hợp đồng với hai xã');
    const doc = await eventually(async () => emu.botMessages(chat.communeA).slice(beforeA).find((m) => m.upload?.filename === 'cong-van-12.pdf'), 'the PDF in commune A');
    expect(doc.upload!.size).toBe(samplePdf().byteLength);
    await waitText(chat.communeB, new RegExp(`Trả lời phiếu ${code.rubbish}`), beforeB);
    await eventually(async () => emu.botMessages(chat.communeB).slice(beforeB).find((m) => m.upload?.filename === 'cong-van-12.pdf'), 'the PDF in commune B');

    const t = await ticket(code.rubbish);
    expect(t.status).toBe('answered');
    const file = t.attachments.find((a) => a.fileName === 'cong-van-12.pdf')!;
    expect(file).toMatchObject({ platform: null, fileId: null, mimeType: 'application/pdf' });
    // The commune opens the letter from the ticket page; another unit cannot.
    const page = await web.communeA!.get(`/app/phieu/${code.rubbish}`);
    expect(page.text).toContain(`/app/tep/${file.id}/`);
    const got = await web.communeA!.getBytes(`/app/tep/${file.id}/cong-van-12.pdf`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.body.equals(samplePdf())).toBe(true);
    expect((await web.dept2!.getBytes(`/app/tep/${file.id}/cong-van-12.pdf`)).status).toBe(404);
  });

  it('the commune confirms on the web with its rating', async () => {
    const csrf = await csrfOf(web.communeA!);
    const page = await web.communeA!.get(`/app/phieu/${code.rubbish}`);
    expect(page.text).toContain('Đồng ý, đã giải quyết');
    const res = await web.communeA!.post(`/app/phieu/${code.rubbish}/xong`, { _csrf: csrf, danhgia: 'hai_long' });
    expect(res.status).toBe(303);
    const t = await ticket(code.rubbish);
    expect(t.status).toBe('resolved');
    expect(t.satisfaction).toBe('hai_long');
    expect(t.events.at(-1)?.actorLabel).toBe('Cán bộ Tân Hưng (qua web)');
  });

  it('filters the due states: "quá hạn" once the deadline has passed', async () => {
    expect((await web.support!.get('/app/phieu?han=qua_han')).text).not.toContain(code.school);
    shift += 12 * 86_400_000;
    // Sessions last 8 hours: sign in again on the later clock.
    const support = await signInFrom(emu, base, chat.support, user.supporter);
    const overdue = await support.get('/app/phieu?han=qua_han');
    expect(overdue.text).toContain(code.school);
    expect(overdue.text).toContain('Quá hạn');
    expect(overdue.text).not.toContain(code.land);
    expect((await support.get('/app/phieu?han=sap_den_han')).text).not.toContain(code.school);
  });
});
