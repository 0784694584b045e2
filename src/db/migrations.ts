import { fork } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { z } from 'zod';
import type { Database } from './client.js';
import { MIGRATIONS_DIR, noFilters, openSchemaEngine, readMigrationList, SCHEMA_PATH } from './schema-engine.js';
import { seedReferenceData, type SeedCounts } from './seed.js';

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

export interface PrepareResult {
  /** Migrations applied now (empty when the database was up to date). */
  applied: string[];
  seeded: SeedCounts;
}

/** The boot step that readies the database failed; the message says what the step printed. */
export class DatabasePrepareError extends Error {
  override name = 'DatabasePrepareError';
}

/** Migrations, then reference data, in this process: what the short-lived boot process runs. */
export async function prepareInProcess(db: Database): Promise<PrepareResult> {
  const applied = await db.withMigrationAdapter((a) => applyMigrations(a));
  const seeded = await seedReferenceData(db.prisma);
  return { applied, seeded };
}

/**
 * Readies the database at boot (migrations and reference data, idempotent) in a short-lived
 * process of its own, so the schema engine's WebAssembly, and what the migrations grew, leave
 * memory with it (measured after boot: about 25 MB less on PostgreSQL, about 480 MB less with the
 * embedded database). Concurrent replicas stay safe: the engine holds PostgreSQL's migration advisory lock for its
 * session, whichever process runs it.
 *
 * The embedded database (PGlite) is one process's files: two processes must never have it open at
 * once. The app opens it on its first query (src/db/client.ts), so the child runs first while the
 * app's queries wait; if this process has opened it already (a caller queried before preparing),
 * the step runs here instead, with the engine in this process's memory.
 */
export async function prepareDatabase(db: Database, env: { databaseUrl: string | undefined; dataDir: string }): Promise<PrepareResult> {
  if (db.kind === 'postgres') return prepareInChildProcess(env);
  const lent = db.whileClosed?.(() => prepareInChildProcess(env));
  return lent ?? prepareInProcess(db);
}

const PREPARE_OUTPUT_TAIL = 20;

/**
 * Runs scripts/db-prepare (compiled next to this file in dist/, or the TypeScript source under
 * tsx) and waits for it. It answers with its result over the IPC channel; anything else it
 * writes is kept for the error message.
 */
export function prepareInChildProcess(env: { databaseUrl: string | undefined; dataDir: string }): Promise<PrepareResult> {
  const compiled = import.meta.url.endsWith('.js');
  const script = fileURLToPath(new URL(`../../scripts/db-prepare.${compiled ? 'js' : 'ts'}`, import.meta.url));
  // Explicit flags: the app's own (--inspect, --cpu-prof, tsx's hooks) must not carry over.
  const execArgv = compiled ? [] : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
  const child = fork(script, [], {
    execArgv,
    env: { ...process.env, DATABASE_URL: env.databaseUrl ?? '', DATA_DIR: env.dataDir },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > PREPARE_OUTPUT_TAIL) output.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    let result: PrepareResult | undefined;
    child.on('message', (msg) => {
      const parsed = PrepareMessage.safeParse(msg);
      if (parsed.success) result = parsed.data;
    });
    child.once('error', (err) => reject(new DatabasePrepareError(`could not start the database preparation process (${script}): ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0 && result) return resolve(result);
      const how = signal ? `was stopped by ${signal}` : code === 0 ? 'exited without a result' : `exited with code ${code}`;
      const said = output.length ? `:\n${output.join('\n')}` : '';
      reject(new DatabasePrepareError(`preparing the database (migrations, reference data) failed: the process ${how}${said}`));
    });
  });
}

const PrepareMessage = z.object({
  applied: z.array(z.string()),
  seeded: z.object({ communes: z.number(), departments: z.number(), categories: z.number(), calendarDays: z.number() }),
});
