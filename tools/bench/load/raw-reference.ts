/**
 * Runs the raw BullMQ + INSERT reference (raw-reference-process.ts) in a process of its own, on
 * a one-table database and a Redis prefix of its own, both removed afterwards.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackProcessGroup } from './cleanup.js';
import { createDatabase } from './database.js';
import type { RawReferenceArgs, RawReferenceResult } from './raw-reference-process.js';
import { deleteRedisPrefix } from './redis.js';

const CHILD = fileURLToPath(new URL('./raw-reference-process.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));

export async function runRawReference(opts: { adminUrl: string; redisUrl: string; name: string; jobs: number }): Promise<RawReferenceResult> {
  const db = await createDatabase(opts.adminUrl, opts.name);
  const prefix = `${opts.name}`;
  try {
    const args: RawReferenceArgs = { redisUrl: opts.redisUrl, prefix, databaseUrl: db.url, jobs: opts.jobs, concurrency: 8, producers: 64 };
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const untrack = trackProcessGroup(child.pid!);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    untrack();
    const last = out.trim().split('\n').pop() ?? '';
    if (code !== 0 || !last.startsWith('{')) throw new Error(`raw reference failed (exit ${code}): ${err.trim().slice(-600)}`);
    return JSON.parse(last) as RawReferenceResult;
  } finally {
    await deleteRedisPrefix(opts.redisUrl, prefix).catch(() => undefined);
    await db.drop();
  }
}
