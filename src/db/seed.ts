import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CATEGORIES, DEPARTMENTS } from '../domain/catalog.js';
import type { Db } from './client.js';

const CommunesFile = z.object({
  units: z.array(z.object({ code: z.string().regex(/^\d{5}$/), name: z.string().min(1), type: z.enum(['xa', 'phuong']) })).min(1),
});
const HolidaysFile = z.record(
  z.string(),
  z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), kind: z.enum(['holiday', 'makeup']), name: z.string() })),
);

const dataFile = (name: string) => fileURLToPath(new URL(`../../data/${name}`, import.meta.url));

export function loadCommunes(): z.infer<typeof CommunesFile>['units'] {
  return CommunesFile.parse(JSON.parse(readFileSync(dataFile('hung-yen-communes.json'), 'utf8'))).units;
}

export function loadCalendarDays(): { date: string; kind: string; name: string }[] {
  const file = dataFile('holidays.json');
  if (!existsSync(file)) return [];
  return Object.values(HolidaysFile.parse(JSON.parse(readFileSync(file, 'utf8')))).flat();
}

export interface SeedCounts {
  communes: number;
  departments: number;
  categories: number;
  calendarDays: number;
}

/**
 * Loads the reference data. Idempotent: upserts by code, so a second run changes nothing and an
 * admin's edits to names survive only where the shipped data has no opinion (departments' heads).
 */
export async function seedReferenceData(db: Db): Promise<SeedCounts> {
  const communes = loadCommunes();
  const days = loadCalendarDays();
  await db.$transaction(
    async (tx) => {
      for (const c of communes) {
        await tx.commune.upsert({ where: { code: c.code }, create: c, update: { name: c.name, type: c.type } });
      }
      for (const d of DEPARTMENTS) {
        await tx.department.upsert({ where: { code: d.code }, create: { code: d.code, name: d.name }, update: { name: d.name } });
      }
      for (const [i, c] of CATEGORIES.entries()) {
        const row = { label: c.label, labelEn: c.labelEn, departmentCode: c.department, flagCentral: c.flagCentral, sortOrder: i };
        await tx.category.upsert({ where: { code: c.code }, create: { code: c.code, ...row }, update: row });
      }
      for (const d of days) {
        // An admin may have changed a day; the shipped calendar only fills in what is missing.
        await tx.calendarDay.upsert({ where: { date: d.date }, create: d, update: {} });
      }
    },
    { timeout: 60_000 },
  );
  return { communes: communes.length, departments: DEPARTMENTS.length, categories: CATEGORIES.length, calendarDays: days.length };
}
