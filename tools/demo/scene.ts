/**
 * The demo's world: four linked groups, the admin's private chat and five people on Telegram, and
 * one official's private chat on Zalo, all with FIXED ids. The emulators keep their state in
 * memory, so every start creates them again with the same ids and relinks the chats; the database
 * (kept in the demo's data folder) then recognises the same chats and people, and relinking a chat
 * to the unit it already has changes nothing.
 */

export type DemoChatRole = 'commune' | 'support' | 'department' | 'leaders' | 'private';

export interface DemoPersona {
  id: number;
  /** Vietnamese full names go in first_name, as people usually write them on Telegram. */
  first_name: string;
  username: string;
  /** Full name as shown on the page. */
  name: string;
  /** What the person does, in Vietnamese. */
  role: string;
  color: string;
}

export interface DemoChat {
  id: number;
  type: 'supergroup' | 'private';
  title: string;
  role: DemoChatRole;
  /** Short Vietnamese description of the chat's role. */
  roleLabel: string;
  icon: string;
  /** Who writes here by default on the page. */
  defaultPersonaId: number;
}

export const DEMO_BOT_TOKEN = '7000000001:DEMO-thaogo-offline-emulator-token';
export const DEMO_BOT = { first_name: 'Tháo gỡ', username: 'thaogo_demo_bot' } as const;
export const DEMO_QUEUE_PREFIX = 'thaogo-demo';

export const PERSONAS = {
  admin: { id: 5_100_001, first_name: 'Quản trị viên', username: 'quantri_hy', name: 'Quản trị viên', role: 'quản trị hệ thống', color: '#6b7280' },
  official: { id: 5_100_002, first_name: 'Nguyễn Văn An', username: 'nguyenvanan_pph', name: 'Nguyễn Văn An', role: 'cán bộ phường Phố Hiến', color: '#2563eb' },
  supporter: { id: 5_100_003, first_name: 'Trần Thị Bình', username: 'tranthibinh_tct', name: 'Trần Thị Bình', role: 'tổ công tác tỉnh (trưởng nhóm)', color: '#d97706' },
  deptContact: { id: 5_100_004, first_name: 'Lê Minh Cường', username: 'leminhcuong_skhcn', name: 'Lê Minh Cường', role: 'đầu mối Sở KH&CN', color: '#059669' },
  leader: { id: 5_100_005, first_name: 'Phạm Thu Dung', username: 'phamthudung_ubnd', name: 'Phạm Thu Dung', role: 'lãnh đạo UBND tỉnh', color: '#b91c1c' },
} as const satisfies Record<string, DemoPersona>;

export const COMMUNE_CODE = '11953';
export const DEPARTMENT_CODE = 'SKHCN';

export const CHATS = {
  commune: {
    id: -1_001_000_011_953,
    type: 'supergroup',
    title: 'UBND phường Phố Hiến',
    role: 'commune',
    roleLabel: 'Nhóm phường · gửi kiến nghị',
    icon: '🏘',
    defaultPersonaId: PERSONAS.official.id,
  },
  support: {
    id: -1_001_000_000_101,
    type: 'supergroup',
    title: 'Tổ công tác tỉnh',
    role: 'support',
    roleLabel: 'Tổ công tác · nhận, phân loại, chuyển sở',
    icon: '🧑‍💼',
    defaultPersonaId: PERSONAS.supporter.id,
  },
  department: {
    id: -1_001_000_000_201,
    type: 'supergroup',
    title: 'Sở Khoa học và Công nghệ',
    role: 'department',
    roleLabel: 'Đầu mối sở · trả lời bằng văn bản',
    icon: '🏛',
    defaultPersonaId: PERSONAS.deptContact.id,
  },
  leaders: {
    id: -1_001_000_000_301,
    type: 'supergroup',
    title: 'Lãnh đạo UBND tỉnh',
    role: 'leaders',
    roleLabel: 'Lãnh đạo · tổng hợp, quá hạn, Excel',
    icon: '⭐',
    defaultPersonaId: PERSONAS.leader.id,
  },
  adminPrivate: {
    id: PERSONAS.admin.id,
    type: 'private',
    title: 'Quản trị viên · tin riêng',
    role: 'private',
    roleLabel: 'Thông báo cho quản trị viên',
    icon: '🔧',
    defaultPersonaId: PERSONAS.admin.id,
  },
} as const satisfies Record<string, DemoChat>;

/** The commands the admin sends in each group at every start (relinking is harmless). */
export const LINK_COMMANDS: readonly { chatId: number; text: string }[] = [
  { chatId: CHATS.commune.id, text: `/lienket xa ${COMMUNE_CODE}` },
  { chatId: CHATS.support.id, text: '/lienket tocongtac' },
  { chatId: CHATS.department.id, text: `/lienket so ${DEPARTMENT_CODE}` },
  { chatId: CHATS.leaders.id, text: '/lienket lanhdao' },
];

export const SAMPLE_REPORT =
  '/baocao Máy tính tại Trung tâm phục vụ hành chính công của phường bị hỏng, cán bộ không ký số được hồ sơ từ thứ Hai. Đề nghị hỗ trợ thay máy và cấp lại chứng thư số.';

/**
 * The one official who works in Zalo: a commune of their own (not Phố Hiến, whose officials are in
 * the Telegram group), reached in a private chat with the bot, linked at every start the way a real
 * official is: the admin makes a one-time code on Telegram, the official sends it to the bot on Zalo.
 */
export const ZALO_COMMUNE_CODE = '12004';
export const DEMO_ZALO_TOKEN = '7000000002:DEMO-thaogo-offline-zalo-token';
export const DEMO_ZALO_BOT = { accountName: 'thaogo_demo', displayName: 'Tháo gỡ' } as const;

export interface DemoZaloPerson {
  /** 20 hex digits, like Zalo's user ids; a private chat's id is its user's id. */
  id: string;
  displayName: string;
  name: string;
  role: string;
  color: string;
}

export interface DemoZaloChat {
  id: string;
  title: string;
  roleLabel: string;
  icon: string;
}

export const ZALO_OFFICIAL = {
  id: 'c0de5a10000000012004',
  displayName: 'Hoàng Thị Mai',
  name: 'Hoàng Thị Mai',
  role: 'cán bộ xã Như Quỳnh (dùng Zalo)',
  color: '#0068ff',
} as const satisfies DemoZaloPerson;

export const ZALO_CHAT = {
  id: ZALO_OFFICIAL.id,
  title: 'Hoàng Thị Mai',
  roleLabel: 'Cán bộ xã Như Quỳnh · nhắn riêng với bot trên Zalo',
  icon: 'Z',
} as const satisfies DemoZaloChat;

/** The link code command the admin sends in their Telegram private chat at every start. */
export const ZALO_CODE_COMMAND = `/taoma xa ${ZALO_COMMUNE_CODE}`;

/** Zalo has no slash commands: officials type the command word. */
export const ZALO_SAMPLE_REPORT =
  'baocao Đường truyền Internet của UBND xã chập chờn, phần mềm một cửa điện tử mất kết nối nhiều lần mỗi ngày, hồ sơ trực tuyến của người dân bị chậm. Đề nghị hỗ trợ nâng cấp đường truyền.';

/**
 * Operating settings that make every minute working time and every wait short, so reminders and
 * escalations show up within minutes of filing a report (DEMO_REAL_CALENDAR=1 keeps the real ones).
 */
export const DEMO_SETTINGS = {
  timezone: 'Asia/Ho_Chi_Minh',
  workingDays: [1, 2, 3, 4, 5, 6, 7],
  workingHours: [['00:00', '24:00']],
  replaceShippedHolidays: true,
  holidays: [],
  makeupWorkingDays: [],
  deadlines: { khan: '10m', thuong: '10m', phuc_tap: '10m' },
  reminders: {
    unclaimedAfter: '2m',
    firstAfter: { khan: '3m', thuong: '3m', phuc_tap: '3m' },
    repeatEvery: '5m',
    dueSoonBefore: '3m',
    snoozeMax: '5m',
  },
  escalation: [
    { after: '0m', notify: 'department_head' },
    { after: '5m', notify: 'support_lead' },
    { after: '10m', notify: 'leaders' },
  ],
} as const;

export function demoPersonas(): DemoPersona[] {
  return Object.values(PERSONAS);
}

export function demoChats(): DemoChat[] {
  return Object.values(CHATS);
}
