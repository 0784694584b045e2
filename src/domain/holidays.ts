/**
 * Vietnam's official days off and make-up working days for civil servants, shipped as data
 * (`data/holidays.json`) because each year's schedule is decided by the government late in the
 * previous year. Admins extend or replace it through the settings file.
 *
 * Sources of the shipped years:
 * - 2025: Tết Dương lịch 1/1; Tết Ất Tỵ 25/1–2/2 (weekdays 27–31/1 off); Giỗ Tổ 7/4; 30/4–4/5 with
 *   Friday 2/5 swapped for Saturday 26/4; Quốc khánh 30/8–2/9 (1/9 is the adjacent day).
 * - 2026: Tết Dương lịch 1–4/1 with Friday 2/1 swapped for Saturday 10/1 (văn bản 12729/VPCP-KGVX);
 *   Tết Bính Ngọ 14–22/2 (weekdays 16–20/2 off, no make-up day) and Quốc khánh 29/8–2/9 with
 *   Monday 31/8 swapped for Saturday 22/8 (Thông báo 9441/TB-BNV); Giỗ Tổ falls on Sunday 26/4, so
 *   Monday 27/4 is the compensatory day; 30/4 and 1/5 are Thursday and Friday.
 * Not shipped: Ngày Văn hóa Việt Nam (24/11), announced as a paid holiday in 2026 but waiting for the
 * Labour Code amendment; add it in the settings file once it is law.
 */
import raw from '../../data/holidays.json' with { type: 'json' };

/** One shipped calendar entry: a day off, or a weekend day worked to make up for a swapped day off. */
export interface HolidayEntry {
  /** Local date, "YYYY-MM-DD". */
  readonly date: string;
  readonly kind: 'holiday' | 'makeup';
  /** Vietnamese name, shown to people (e.g. in the calendar admin list). */
  readonly name: string;
}

/** The shipped calendar, flattened and split by kind. */
export interface ShippedHolidays {
  holidays: string[];
  makeupWorkingDays: string[];
  entries: HolidayEntry[];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

// Checked once at load: a typo in the data file must fail loudly, not silently shift deadlines.
const ENTRIES: readonly HolidayEntry[] = Object.freeze(
  Object.entries(raw as Record<string, unknown>)
    .flatMap(([year, list]) => {
      if (!Array.isArray(list)) throw new Error(`data/holidays.json: "${year}" must be a list`);
      return list.map((item: unknown, i): HolidayEntry => {
        const e = item as Partial<Record<keyof HolidayEntry, unknown>>;
        const where = `data/holidays.json: ${year}[${i}]`;
        if (typeof e.date !== 'string' || !DATE_RE.test(e.date) || !e.date.startsWith(`${year}-`)) {
          throw new Error(`${where}: bad date ${JSON.stringify(e.date)}`);
        }
        if (e.kind !== 'holiday' && e.kind !== 'makeup') {
          throw new Error(`${where}: kind must be "holiday" or "makeup"`);
        }
        if (typeof e.name !== 'string' || e.name === '') throw new Error(`${where}: name is required`);
        return Object.freeze({ date: e.date, kind: e.kind, name: e.name });
      });
    })
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
);

/** The shipped days off and make-up working days (fresh arrays, safe to modify). */
export function shippedHolidays(): ShippedHolidays {
  return {
    holidays: ENTRIES.filter((e) => e.kind === 'holiday').map((e) => e.date),
    makeupWorkingDays: ENTRIES.filter((e) => e.kind === 'makeup').map((e) => e.date),
    entries: ENTRIES.map((e) => ({ ...e })),
  };
}
