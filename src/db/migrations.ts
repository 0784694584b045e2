import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { MIGRATIONS_DIR, noFilters, openSchemaEngine, readMigrationList, SCHEMA_PATH } from './schema-engine.js';

/** Applies every migration under prisma/migrations that the database has not seen; idempotent. */
export async function applyMigrations(adapter: SqlMigrationAwareDriverAdapterFactory, log?: (line: string) => void): Promise<string[]> {
  const engine = await openSchemaEngine(adapter, log);
  try {
    const out = await engine.applyMigrations({ migrationsList: await readMigrationList(), filters: noFilters });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/** SQL that takes the committed migrations to the current schema.prisma; empty when they agree. */
export async function pendingSchemaChange(adapter: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  const engine = await openSchemaEngine(adapter);
  try {
    const list = await readMigrationList();
    const from = list.migrationDirectories.length === 0 ? { tag: 'empty' as const } : { tag: 'migrations' as const, ...list };
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    const diff = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    const sql = (diff.stdout ?? '').trim();
    return /^-- This is an empty migration\.?$/.test(sql) ? '' : sql;
  } finally {
    engine.free();
  }
}

/** Writes the pending change as a new Prisma migration folder; returns its name, or null if none. */
export async function createMigration(adapter: SqlMigrationAwareDriverAdapterFactory, name: string, now = new Date()): Promise<string | null> {
  const sql = await pendingSchemaChange(adapter);
  if (!sql) return null;
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const folder = `${stamp}_${name.replace(/[^a-z0-9_]+/gi, '_').toLowerCase()}`;
  await mkdir(path.join(MIGRATIONS_DIR, folder), { recursive: true });
  await writeFile(path.join(MIGRATIONS_DIR, folder, 'migration.sql'), `${sql}\n`);
  return folder;
}
