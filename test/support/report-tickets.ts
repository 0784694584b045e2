import { randomBytes } from 'node:crypto';
import { createTicket } from '../../src/core/tickets.js';
import type { Db } from '../../src/db/client.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Five tickets in every interesting state, written straight into the database:
 * HY-0001 overdue at Sở Nội vụ, HY-0002 answered (then supplemented), HY-0003 new today,
 * HY-0004 raised to the central level (with markup-like text), HY-0005 resolved. Ages count back
 * from `now`: the clock of whatever reads them (an app's `app.clock()`), never an assumed date.
 */
export async function seedReportTickets(prisma: Db, now: number): Promise<void> {
  const ago = (ms: number) => new Date(now - ms);
  const reporter = await prisma.person.create({ data: { platform: 'telegram', externalUserId: `r${randomBytes(3).toString('hex')}`, displayName: 'Nguyễn Thị Hoa' } });
  const officer = await prisma.person.create({ data: { platform: 'telegram', externalUserId: `o${randomBytes(3).toString('hex')}`, displayName: 'Trần Văn Sở' } });
  const chat = await prisma.chat.create({ data: { platform: 'telegram', externalId: `-${Date.now()}`, kind: 'group', role: 'commune', communeCode: '11953', title: 'UBND phường Phố Hiến' } });
  const make = (text: string, createdAgo: number) =>
    prisma.$transaction((tx) =>
      createTicket(tx, { prefix: 'HY', communeCode: '11953', reporterId: reporter.id, sourceChatId: chat.id, sourceMessageId: null, text, platform: 'telegram', attachments: [], actorLabel: reporter.displayName, now: ago(createdAgo) }),
    );
  const event = (ticketId: number, kind: string, at: Date, fields: { fromStatus?: 'new' | 'claimed' | 'assigned' | 'answered'; toStatus?: 'claimed' | 'assigned' | 'answered' | 'resolved' | 'escalated_central'; text?: string } = {}) => ({
    ticketId,
    kind,
    createdAt: at,
    actorId: officer.id,
    actorLabel: officer.displayName,
    ...fields,
  });

  const overdue = await make('Xã thiếu 5 công chức so với biên chế được giao', 20 * DAY);
  await prisma.ticket.update({
    where: { id: overdue.id },
    data: { status: 'assigned', categoryCode: 'nhan_su', departmentCode: 'SNV', claimedAt: ago(19 * DAY), assignedAt: ago(19 * DAY), dueAt: ago(12 * DAY) },
  });
  const answered = await make('Dự án trường mầm non chậm giải ngân vốn', 6 * DAY);
  await prisma.ticket.update({
    where: { id: answered.id },
    data: { status: 'answered', categoryCode: 'dau_tu_cong', departmentCode: 'STC', claimedAt: ago(6 * DAY), assignedAt: ago(5 * DAY), dueAt: new Date(now + 3 * DAY), firstAnsweredAt: ago(30 * HOUR), answeredAt: ago(20 * HOUR) },
  });
  await make('Máy tính bộ phận một cửa hỏng', 2 * HOUR);
  const central = await make('Quy định <b>biên chế</b> & vị trí việc làm chồng chéo', 8 * DAY);
  await prisma.ticket.update({ where: { id: central.id }, data: { status: 'escalated_central', categoryCode: 'co_che_chinh_sach', flaggedCentral: true, claimedAt: ago(7 * DAY) } });
  const resolved = await make('Mạng internet trung tâm hành chính công chập chờn', 10 * DAY);
  await prisma.ticket.update({
    where: { id: resolved.id },
    data: { status: 'resolved', categoryCode: 'cntt_hatang', departmentCode: 'SKHCN', claimedAt: ago(10 * DAY), assignedAt: ago(9 * DAY), dueAt: ago(4 * DAY), firstAnsweredAt: ago(5 * DAY), answeredAt: ago(5 * DAY), resolvedAt: ago(3 * HOUR) },
  });

  await prisma.ticketEvent.createMany({
    data: [
      event(overdue.id, 'claimed', ago(19 * DAY), { fromStatus: 'new', toStatus: 'claimed' }),
      event(overdue.id, 'assigned', ago(19 * DAY), { fromStatus: 'claimed', toStatus: 'assigned' }),
      event(answered.id, 'claimed', ago(6 * DAY), { fromStatus: 'new', toStatus: 'claimed' }),
      event(answered.id, 'assigned', ago(5 * DAY), { fromStatus: 'claimed', toStatus: 'assigned' }),
      event(answered.id, 'answered', ago(30 * HOUR), { fromStatus: 'assigned', toStatus: 'answered', text: 'Sở Tài chính đã bố trí vốn năm 2026' }),
      event(answered.id, 'answer_supplemented', ago(20 * HOUR), { text: 'Bổ sung: giải ngân trong tháng 12' }),
      event(central.id, 'escalated_central', ago(7 * DAY), { fromStatus: 'claimed', toStatus: 'escalated_central' }),
      event(resolved.id, 'answered', ago(5 * DAY), { fromStatus: 'assigned', toStatus: 'answered', text: 'Đã thay thiết bị mạng' }),
      event(resolved.id, 'confirmed', ago(3 * HOUR), { fromStatus: 'answered', toStatus: 'resolved' }),
    ],
  });
}
