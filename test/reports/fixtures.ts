import { CATEGORIES, DEPARTMENTS } from '../../src/domain/catalog.js';
import type { DueStateFn, ReportClock, TicketSnapshot, WorkingClock } from '../../src/domain/report-types.js';
import type { Satisfaction } from '../../src/domain/satisfaction.js';

/**
 * Seventeen tickets across every status, shared by the KPI, digest and export tests; among them a
 * confirmation with a satisfaction answer, two reopenings and one auto-close.
 * Times are hours before NOW, and the clock counts every millisecond as working time, so the
 * expected figures can be worked out by hand (they are, in the tests).
 */

/** Friday 27/11/2026 07:30 in Hưng Yên. */
export const NOW = new Date('2026-11-27T00:30:00Z');
/** The previous digest: Thursday 07:30. */
export const SINCE = new Date('2026-11-26T00:30:00Z');
export const HOUR = 3_600_000;

export const everyMsClock: WorkingClock = {
  workingMsBetween: (from, to) => Math.max(0, to.getTime() - from.getTime()),
};

/** Overdue once past, due soon within 24 hours. */
export const simpleDueState: DueStateFn = (dueAt, now) => {
  const left = dueAt.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left <= 24 * HOUR ? 'due_soon' : 'ok';
};

export const ctx: ReportClock = { now: NOW, clock: everyMsClock, dueState: simpleDueState };

export const at = (hoursFromNow: number): Date => new Date(NOW.getTime() + hoursFromNow * HOUR);

export const COMMUNES = {
  A: { communeCode: '11977', communeName: 'Xã Tân Hưng' },
  B: { communeCode: '12004', communeName: 'Xã Như Quỳnh' },
  C: { communeCode: '11953', communeName: 'Phường Phố Hiến' },
  D: { communeCode: '12019', communeName: 'Xã Văn Giang' },
  E: { communeCode: '12073', communeName: 'Xã Yên Mỹ' },
  F: { communeCode: '11983', communeName: 'Phường Sơn Nam' },
} as const;

const category = (code: string | null): Pick<TicketSnapshot, 'categoryCode' | 'categoryLabel'> => ({
  categoryCode: code,
  categoryLabel: code === null ? null : (CATEGORIES.find((c) => c.code === code)?.label ?? code),
});
const department = (code: string | null): Pick<TicketSnapshot, 'departmentCode' | 'departmentName'> => ({
  departmentCode: code,
  departmentName: code === null ? null : (DEPARTMENTS.find((d) => d.code === code)?.name ?? code),
});

interface Spec {
  n: number;
  status: TicketSnapshot['status'];
  commune: keyof typeof COMMUNES;
  cat: string | null;
  dept: string | null;
  created: number;
  claimed?: number;
  assigned?: number;
  firstAnswered?: number;
  answered?: number;
  resolved?: number;
  due?: number;
  /** A commune reopened the ticket at these times (each after an answer). */
  reopened?: number[];
  /** A commune confirmed, with this answer to the satisfaction question (null: none given). */
  confirmed?: { at: number; satisfaction: Satisfaction | null };
  autoClosed?: number;
  flagged?: boolean;
  parent?: string;
  text?: string;
  answer?: string;
}

const h = (hours: number | undefined): Date | null => (hours === undefined ? null : at(hours));

/** One ticket with sensible defaults, for tests that need a single case. */
export function makeTicket(overrides: Partial<TicketSnapshot> = {}): TicketSnapshot {
  return {
    id: 1,
    code: 'HY-0001',
    ...COMMUNES.A,
    ...category('nhan_su'),
    ...department('SNV'),
    priority: 'thuong',
    status: 'assigned',
    flaggedCentral: false,
    text: 'Xã thiếu 3 công chức so với biên chế được giao',
    createdAt: at(-10),
    claimedAt: at(-9),
    assignedAt: at(-8),
    firstAnsweredAt: null,
    answeredAt: null,
    resolvedAt: null,
    confirmedAt: null,
    satisfaction: null,
    autoClosedAt: null,
    dueAt: at(30),
    answerText: null,
    parentCode: null,
    events: [],
    ...overrides,
  };
}

const SPECS: Spec[] = [
  { n: 1, status: 'new', commune: 'A', cat: null, dept: null, created: -2 },
  { n: 2, status: 'claimed', commune: 'B', cat: 'khac', dept: null, created: -30, claimed: -28 },
  { n: 3, status: 'assigned', commune: 'A', cat: 'nhan_su', dept: 'SNV', created: -100, claimed: -99, assigned: -98, due: -2 },
  { n: 4, status: 'assigned', commune: 'C', cat: 'nhan_su', dept: 'SNV', created: -50, claimed: -49, assigned: -48, due: 10 },
  { n: 5, status: 'answered', commune: 'A', cat: 'nhan_su', dept: 'SNV', created: -200, claimed: -198, assigned: -196, firstAnswered: -190, reopened: [-185], answered: -150, due: -180, answer: 'Sở Nội vụ đã bố trí 2 biên chế' },
  { n: 6, status: 'resolved', commune: 'D', cat: 'nhan_su', dept: 'SNV', created: -300, claimed: -297, assigned: -296, firstAnswered: -276, answered: -276, resolved: -5, confirmed: { at: -5, satisfaction: 'hai_long' }, due: -286, flagged: true },
  { n: 7, status: 'assigned', commune: 'B', cat: 'dau_tu_cong', dept: 'STC', created: -150, claimed: -149, assigned: -148, due: -50 },
  { n: 8, status: 'assigned', commune: 'A', cat: 'tai_chinh_ngan_sach', dept: 'STC', created: -120, claimed: -118, assigned: -116, due: -20 },
  { n: 9, status: 'answered', commune: 'C', cat: 'dau_tu_cong', dept: 'STC', created: -60, claimed: -59, assigned: -58, firstAnswered: -10, answered: -10, due: -5 },
  { n: 10, status: 'reopened', commune: 'D', cat: 'moi_truong', dept: 'SNNMT', created: -400, claimed: -399, assigned: -398, firstAnswered: -390, answered: -390, reopened: [-380], due: 48 },
  { n: 11, status: 'resolved', commune: 'E', cat: 'moi_truong', dept: 'SNNMT', created: -80, claimed: -79, assigned: -78, firstAnswered: -74, answered: -74, resolved: -70, autoClosed: -70, due: -40 },
  { n: 12, status: 'escalated_central', commune: 'B', cat: 'co_che_chinh_sach', dept: 'STP', created: -500, claimed: -499, assigned: -498, due: -400, flagged: true, text: 'Đề nghị sửa Nghị định <b>123</b> & Thông tư 45 về chế độ cán bộ' },
  { n: 13, status: 'assigned', commune: 'E', cat: 'co_che_chinh_sach', dept: 'STP', created: -20, claimed: -19, assigned: -18, due: 100, flagged: true },
  { n: 14, status: 'rejected', commune: 'C', cat: 'khac', dept: null, created: -10, claimed: -9 },
  { n: 15, status: 'assigned', commune: 'A', cat: 'co_che_chinh_sach', dept: 'STP', created: -15, claimed: -14, assigned: -13, due: 100, flagged: true, parent: 'HY-0013' },
  { n: 16, status: 'returned', commune: 'F', cat: 'dat_dai', dept: 'SNNMT', created: -70, claimed: -69, assigned: -68, due: -1 },
  { n: 17, status: 'answered', commune: 'F', cat: 'cntt_hatang', dept: 'SKHCN', created: -90, claimed: -89, assigned: -88, firstAnswered: -30, answered: -30, due: -60 },
];

/** The shared fixture set; a fresh copy each call. */
export function fixtureTickets(): TicketSnapshot[] {
  return SPECS.map((s) => {
    const code = `HY-${String(s.n).padStart(4, '0')}`;
    const createdAt = at(s.created);
    const events: TicketSnapshot['events'] = [
      { at: createdAt, kind: 'created', actor: 'Cán bộ xã', text: null, fromStatus: null, toStatus: 'new' },
    ];
    if (s.claimed !== undefined)
      events.push({ at: at(s.claimed), kind: 'claimed', actor: 'Tổ công tác', text: null, fromStatus: 'new', toStatus: 'claimed' });
    if (s.assigned !== undefined)
      events.push({ at: at(s.assigned), kind: 'assigned', actor: 'Tổ công tác', text: s.dept, fromStatus: 'claimed', toStatus: 'assigned' });
    const answerText = s.answer ?? 'Đã trả lời bằng văn bản';
    if (s.firstAnswered !== undefined)
      events.push({ at: at(s.firstAnswered), kind: 'answered', actor: 'Đầu mối sở', text: answerText, fromStatus: 'assigned', toStatus: 'answered' });
    for (const reopenedAt of s.reopened ?? [])
      events.push({ at: at(reopenedAt), kind: 'reopened', actor: 'Cán bộ xã', text: 'Chưa đồng ý', fromStatus: 'answered', toStatus: 'reopened' });
    if (s.answered !== undefined && s.answered !== s.firstAnswered)
      events.push({ at: at(s.answered), kind: 'answered', actor: 'Đầu mối sở', text: answerText, fromStatus: 'reopened', toStatus: 'answered' });
    if (s.confirmed)
      events.push({ at: at(s.confirmed.at), kind: 'confirmed', actor: 'Cán bộ xã', text: null, fromStatus: 'answered', toStatus: 'resolved' });
    if (s.autoClosed !== undefined)
      events.push({ at: at(s.autoClosed), kind: 'auto_closed', actor: null, text: null, fromStatus: 'answered', toStatus: 'resolved' });
    return {
      id: s.n,
      code,
      ...COMMUNES[s.commune],
      ...category(s.cat),
      ...department(s.dept),
      priority: s.n % 5 === 0 ? 'khan' : 'thuong',
      status: s.status,
      flaggedCentral: s.flagged ?? false,
      text: s.text ?? `Kiến nghị số ${s.n} của ${COMMUNES[s.commune].communeName}`,
      createdAt,
      claimedAt: h(s.claimed),
      assignedAt: h(s.assigned),
      firstAnsweredAt: h(s.firstAnswered),
      answeredAt: h(s.answered),
      resolvedAt: h(s.resolved),
      confirmedAt: s.confirmed ? at(s.confirmed.at) : null,
      satisfaction: s.confirmed?.satisfaction ?? null,
      autoClosedAt: h(s.autoClosed),
      dueAt: h(s.due),
      answerText: s.answered !== undefined ? (s.answer ?? 'Đã trả lời bằng văn bản') : null,
      parentCode: s.parent ?? null,
      events,
    };
  });
}

export const byCode = (tickets: TicketSnapshot[], code: string): TicketSnapshot => {
  const found = tickets.find((t) => t.code === code);
  if (!found) throw new Error(`no fixture ${code}`);
  return found;
};
