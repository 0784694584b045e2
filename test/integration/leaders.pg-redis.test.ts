import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/core/presentation/dates.js';

const formatLocalDateTime = (at: Date) => formatDateTime(at, 'Asia/Ho_Chi_Minh');
import { startBotApiEmulator, type BotApiEmulator, type EmulatorMessage } from '../../tools/telegram-emulator/index.js';
import { createLogger } from '../../src/logger.js';
import { createDigestProcessor } from '../../src/workers/digest.worker.js';
import { calendarFrom } from '../../src/settings.js';
import { ADMIN_ID, eventually, startTestApp, type TestAppHandle } from '../support/test-app.js';
import { seedReportTickets } from '../support/report-tickets.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const DAY = 24 * 3_600_000;

const isPhoto = (m: EmulatorMessage) => Array.isArray(m.photo) && m.photo.length > 0;
const isDocument = (m: EmulatorMessage) => m.document !== undefined;

describe('leaders reports in chat (PostgreSQL + Redis + Bot API emulator)', () => {
  let emu: BotApiEmulator;
  let h: TestAppHandle;
  let leaders: { id: number };
  const say = (chatId: number, text: string, userId = ADMIN_ID) => emu.sendUserMessage({ chatId, userId, text });

  beforeAll(async () => {
    emu = await startBotApiEmulator();
    h = await startTestApp({ apiRoot: emu.apiRoot });
    await seedReportTickets(h.app.db.prisma, h.app.clock().getTime());
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    leaders = await emu.createChat({ type: 'group', title: 'Lãnh đạo UBND tỉnh' });
    await say(leaders.id, '/lienket lanhdao');
    await emu.waitForBotMessage(leaders.id, /lãnh đạo/);
  });
  afterAll(async () => {
    await h?.close();
    await emu?.close();
  });

  it('/tonghop sends the digest numbers as text first, then the chart as a photo', async () => {
    const chairman = await emu.createUser({ first_name: 'Chủ tịch' });
    await say(leaders.id, '/tonghop', chairman.id);
    const text = await emu.waitForBotMessage(leaders.id, /TỔNG HỢP KIẾN NGHỊ NGÀY/, 15_000);
    expect(text.text).toContain('Mới tiếp nhận: 1');
    expect(text.text).toContain('Đã trả lời: 1');
    expect(text.text).toContain('Đã giải quyết: 1');
    expect(text.text).toContain('Đang mở: 4');
    expect(text.text).toContain('Quá hạn: 1');
    expect(text.text).toContain('Sở Nội vụ');
    expect(text.text).toContain('HY-0003');
    const photo = await emu.waitForBotMessage(leaders.id, isPhoto, 15_000);
    expect(photo.message_id).toBeGreaterThan(text.message_id);
    expect(photo.upload?.size).toBeGreaterThan(1_000);
    expect(emu.file(photo.photo!.at(-1)!.file_id)?.bytes?.subarray(1, 4).toString()).toBe('PNG');
  });

  it('/quahan lists the overdue ticket under its department', async () => {
    await say(leaders.id, '/quahan');
    const list = await emu.waitForBotMessage(leaders.id, /QUÁ HẠN/, 15_000);
    expect(list.text).toContain('DANH SÁCH PHIẾU QUÁ HẠN (1)');
    expect(list.text).toMatch(/Sở Nội vụ \(1\)\n• HY-0001 · Phường Phố Hiến · quá hạn [\d,.]+ ngày làm việc/);
    expect(list.text).not.toContain('HY-0002');
  });

  it('/xuatexcel sends the workbook as a dated .xlsx document holding every ticket', async () => {
    await say(leaders.id, '/xuatexcel');
    const doc = await emu.waitForBotMessage(leaders.id, isDocument, 15_000);
    expect(doc.document!.file_name).toMatch(/^thao-go-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(doc.caption).toContain('5 phiếu');
    const bytes = emu.file(doc.document!.file_id)?.bytes;
    expect(bytes?.length).toBeGreaterThan(1_000);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const tickets = workbook.getWorksheet('Phiếu')!;
    const codes = tickets.getColumn(1).values.slice(2);
    expect(codes).toEqual(['HY-0001', 'HY-0002', 'HY-0003', 'HY-0004', 'HY-0005']);
    const row = (code: string) => tickets.getRow(codes.indexOf(code) + 2);
    expect(row('HY-0001').getCell(4).value).toBe('Sở Nội vụ');
    expect(row('HY-0001').getCell(6).value).toBe('Đã chuyển sở');
    // The answer on record is the latest one, a supplement included.
    expect(row('HY-0002').getCell(15).value).toBe('Bổ sung: giải ngân trong tháng 12');
    expect(row('HY-0004').getCell(14).value).toBe('Quy định <b>biên chế</b> & vị trí việc làm chồng chéo');
    const timeline = workbook.getWorksheet('Diễn biến')!;
    const events: { actor: unknown; text: unknown }[] = [];
    timeline.eachRow((r, n) => {
      if (n > 1 && r.getCell(1).value === 'HY-0002') events.push({ actor: r.getCell(4).value, text: r.getCell(7).value });
    });
    expect(events).toHaveLength(5);
    expect(events.map((e) => e.actor)).toContain('Trần Văn Sở');
    expect(events.map((e) => e.text)).toContain('Sở Tài chính đã bố trí vốn năm 2026');
  });

  it('/baocaotw shows the central-level report with ticket text exactly as written', async () => {
    await say(leaders.id, '/baocaotw');
    const report = await emu.waitForBotMessage(leaders.id, /TRUNG ƯƠNG/, 15_000);
    expect(report.text).toContain('Tổng số: 1 kiến nghị');
    expect(report.text).toContain('HY-0004 – Phường Phố Hiến – Kiến nghị Trung ương');
    expect(report.text).toContain('Nội dung: Quy định <b>biên chế</b> & vị trí việc làm chồng chéo');
    expect(report.entities ?? []).toEqual([]);
  });

  it('the support-team group and an admin anywhere may ask; a commune group is refused politely', async () => {
    const support = await emu.createChat({ type: 'group', title: 'Tổ công tác' });
    await say(support.id, '/lienket tocongtac');
    await emu.waitForBotMessage(support.id, /tổ công tác/);
    const member = await emu.createUser({ first_name: 'Thành viên tổ' });
    await say(support.id, '/quahan', member.id);
    expect((await emu.waitForBotMessage(support.id, /QUÁ HẠN/, 15_000)).text).toContain('HY-0001');

    const commune = await emu.createChat({ type: 'group', title: 'UBND xã Lạc Đạo' });
    await say(commune.id, '/lienket xa 11992');
    await emu.waitForBotMessage(commune.id, /Lạc Đạo/);
    const official = await emu.createUser({ first_name: 'Cán bộ xã' });
    for (const command of ['/tonghop', '/quahan', '/xuatexcel', '/baocaotw']) {
      await say(commune.id, command, official.id);
      const refusal = await emu.waitForBotMessage(commune.id, /Xin lỗi/, 15_000);
      expect(refusal.text).toBe('Xin lỗi, lệnh này chỉ dùng trong nhóm lãnh đạo hoặc nhóm tổ công tác.');
    }
    // An admin may ask in any chat, this commune's included.
    await say(commune.id, '/quahan');
    expect((await emu.waitForBotMessage(commune.id, /QUÁ HẠN/, 15_000)).text).toContain('HY-0001');
    expect(emu.botMessages(commune.id).some((m) => isDocument(m) || /TỔNG HỢP|TRUNG ƯƠNG/.test(m.text ?? ''))).toBe(false);
  });

  it('when the photo upload is refused the digest text has still gone out', async () => {
    await emu.failNext('sendPhoto', { error_code: 400, description: 'Bad Request: IMAGE_PROCESS_FAILED' }, { chatId: leaders.id });
    await say(leaders.id, '/tonghop');
    const text = await emu.waitForBotMessage(leaders.id, /TỔNG HỢP KIẾN NGHỊ NGÀY/, 15_000);
    expect(text.text).toContain('Quá hạn: 1');
    const row = await eventually(
      () => h.app.db.prisma.outboundMessage.findFirst({ where: { chatExternalId: String(leaders.id), purpose: 'digest-on-demand-chart', status: 'failed' } }),
      'the refused chart row',
    );
    expect(row.lastError).toMatch(/IMAGE_PROCESS_FAILED/);
  });
});

describe('daily digest job (two replicas on one database and Redis)', () => {
  let emu: BotApiEmulator;
  let db: TestDatabase;
  let a: TestAppHandle;
  let b: TestAppHandle;
  let dir: string;
  const groups: { id: number }[] = [];
  const logger = createLogger('silent');

  beforeAll(async () => {
    // Every day is a working day here, so the job sends whatever day the clock says it is.
    dir = mkdtempSync(path.join(tmpdir(), 'thaogo-digest-'));
    const settingsFile = path.join(dir, 'settings.yaml');
    writeFileSync(settingsFile, 'workingDays: [1, 2, 3, 4, 5, 6, 7]\nreplaceShippedHolidays: true\ndigest: { at: "07:45" }\n');
    emu = await startBotApiEmulator();
    db = await createTestDatabase();
    const env = { QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`, SETTINGS_FILE: settingsFile };
    a = await startTestApp({ apiRoot: emu.apiRoot, db, env });
    // The second replica runs workers only: two pollers on one bot would take turns at getUpdates.
    b = await startTestApp({ apiRoot: emu.apiRoot, db, env: { ...env, ROLE: 'worker' } });
    await seedReportTickets(a.app.db.prisma, a.app.clock().getTime());
    await emu.createUser({ id: ADMIN_ID, first_name: 'Quản trị' });
    for (const title of ['Lãnh đạo UBND tỉnh', 'Thường trực Tỉnh ủy']) {
      const group = await emu.createChat({ type: 'group', title });
      await emu.sendUserMessage({ chatId: group.id, userId: ADMIN_ID, text: '/lienket lanhdao' });
      await emu.waitForBotMessage(group.id, /lãnh đạo/);
      groups.push(group);
    }
  });
  afterAll(async () => {
    await b?.app.stop();
    await a?.close();
    await db?.drop();
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const digestTexts = (chatId: number) => emu.botMessages(chatId).filter((m) => /TỔNG HỢP KIẾN NGHỊ NGÀY/.test(m.text ?? ''));
  const photos = (chatId: number) => emu.botMessages(chatId).filter(isPhoto);

  it('registers the daily scheduler at the configured time in the province zone', async () => {
    const scheduler = await a.app.queues.digest.getJobScheduler('digest-daily');
    expect(scheduler).toMatchObject({ pattern: '45 7 * * 1-7', tz: 'Asia/Ho_Chi_Minh' });
  });

  it('sends one digest per leaders group when both replicas run the job at once, twice over', async () => {
    await Promise.all([a.app.queues.digest.add('daily-digest', {}), b.app.queues.digest.add('daily-digest', {}), a.app.queues.digest.add('daily-digest', {}), b.app.queues.digest.add('daily-digest', {})]);
    await eventually(async () => {
      const counts = await a.app.queues.digest.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
      return (counts.completed ?? 0) + (counts.failed ?? 0) >= 4 && counts;
    }, 'four digest jobs to finish');
    expect((await a.app.queues.digest.getJobCounts('failed')).failed ?? 0).toBe(0);
    const today = calendarFrom(a.app.settings).localDate(a.app.clock());
    for (const group of groups) {
      await eventually(async () => digestTexts(group.id).length > 0 && photos(group.id).length > 0, `digest in ${group.id}`);
    }
    // Let any duplicate that might still be queued show itself before counting.
    await eventually(async () => (await a.app.db.prisma.outboundMessage.count({ where: { status: 'pending' } })) === 0, 'the outbox to drain');
    await new Promise((r) => setTimeout(r, 300));
    const runs = await a.app.db.prisma.digestRun.findMany({ where: { localDate: today, kind: 'daily' } });
    expect(runs).toHaveLength(groups.length);
    for (const group of groups) {
      expect(digestTexts(group.id)).toHaveLength(1);
      expect(photos(group.id)).toHaveLength(1);
      expect(digestTexts(group.id)[0]!.text).toContain('Quá hạn: 1');
    }
  });

  it('runs exactly once per group and date when processors race, and starts the period at the previous digest', async () => {
    const previous = await a.app.db.prisma.digestRun.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    const lastRow = await a.app.db.prisma.outboundMessage.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
    const tomorrow = new Date(a.app.clock().getTime() + DAY);
    const processor = (h: TestAppHandle) => createDigestProcessor({ prisma: h.app.db.prisma, channels: h.app.channels, settings: h.app.settings, logger, queues: h.app.queues, clock: () => tomorrow });
    const outcomes = await Promise.all([processor(a)(), processor(b)(), processor(a)(), processor(b)()]);
    const done = outcomes.filter((o) => o.status === 'done');
    expect(done).toHaveLength(4);
    expect(done.reduce((n, o) => n + (o.status === 'done' ? o.sent : 0), 0)).toBe(groups.length);
    const date = calendarFrom(a.app.settings).localDate(tomorrow);
    expect(await a.app.db.prisma.digestRun.count({ where: { localDate: date } })).toBe(groups.length);
    // By id: a row's createdAt is the database's real time, the runs' are the business clock's.
    const rows = await a.app.db.prisma.outboundMessage.findMany({ where: { purpose: 'digest', id: { gt: lastRow?.id ?? 0n } }, orderBy: { id: 'asc' } });
    const forTomorrow = rows.filter((r) => JSON.stringify(r.payload).includes(formatLocalDateTime(tomorrow)));
    expect(new Set(forTomorrow.map((r) => r.chatExternalId)).size).toBe(groups.length);
    // "Since" is the previous digest that group got, not a fixed 24 hours.
    const run = await a.app.db.prisma.digestRun.findFirstOrThrow({ where: { chatId: previous.chatId, localDate: previous.localDate } });
    const chat = await a.app.db.prisma.chat.findUniqueOrThrow({ where: { id: run.chatId } });
    const mine = forTomorrow.find((r) => r.chatExternalId === chat.externalId)!;
    expect(JSON.stringify(mine.payload)).toContain(`từ ${formatLocalDateTime(run.createdAt)} đến ${formatLocalDateTime(tomorrow)}`);
  });

  it('skips days off, and sends the text alone when the chart cannot be drawn', async () => {
    const weekdaysOnly = { ...a.app.settings, workingDays: [1, 2, 3, 4, 5] };
    // A Sunday after every day the other tests sent a digest for, whatever day the clock says it is.
    const cal = calendarFrom(a.app.settings);
    let sundayDate = cal.localDate(new Date(a.app.clock().getTime() + 3 * DAY));
    while (new Date(`${sundayDate}T00:00:00Z`).getUTCDay() !== 0) sundayDate = cal.localDate(new Date(Date.parse(`${sundayDate}T12:00:00Z`) + DAY));
    const sunday = new Date(`${sundayDate}T07:45:00+07:00`);
    const offDay = createDigestProcessor({ prisma: a.app.db.prisma, channels: a.app.channels, settings: weekdaysOnly, logger, queues: a.app.queues, clock: () => sunday });
    expect(await offDay()).toEqual({ status: 'day-off', localDate: sundayDate });
    expect(await a.app.db.prisma.digestRun.count({ where: { localDate: sundayDate } })).toBe(0);

    const later = new Date(a.app.clock().getTime() + 2 * DAY);
    const broken = createDigestProcessor({
      prisma: a.app.db.prisma,
      channels: a.app.channels,
      settings: a.app.settings,
      logger,
      queues: a.app.queues,
      clock: () => later,
      renderChart: () => Promise.reject(new Error('no fonts')),
    });
    const before = await a.app.db.prisma.outboundMessage.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
    expect(await broken()).toMatchObject({ status: 'done', sent: groups.length });
    const rows = await a.app.db.prisma.outboundMessage.findMany({ where: { id: { gt: before?.id ?? 0n } } });
    expect(rows.filter((r) => r.purpose === 'digest')).toHaveLength(groups.length);
    expect(rows.filter((r) => r.purpose === 'digest-chart')).toHaveLength(0);
    for (const group of groups) await eventually(async () => digestTexts(group.id).length === 3, `the text-only digest in ${group.id}`);
  });
});
