/**
 * CPU time and memory of the bot under test, read from Linux's /proc. `npm start` is a chain of
 * processes (npm, a shell, maybe a loader's relay process) before the real bot: the bot is the node
 * process at the end of that chain, found as the largest node process with no node process below it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** One-letter state; Z is a zombie (exited, not yet reaped). */
  state: string;
  comm: string;
  /** User and system CPU of the process itself, in clock ticks. */
  utime: number;
  stime: number;
  /** CPU of its children that have exited and were waited for, in clock ticks. */
  cutime: number;
  cstime: number;
}

let clockTicks: number | null = null;
/** Clock ticks per second of /proc CPU figures (CLK_TCK, nearly always 100). */
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Parses one /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
export function parseStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`unexpected /proc stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, open).trim());
  const rest = line.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const field = (n: number) => Number(rest[n - 3]);
  return { pid, ppid: field(4), pgrp: field(5), state: rest[0] ?? '?', comm: line.slice(open + 1, close), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

export function readStat(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Every live process below `pid` (not `pid` itself). */
export function descendants(pid: number): ProcStat[] {
  const stats = allStats();
  const byParent = new Map<number, ProcStat[]>();
  for (const s of stats) {
    let list = byParent.get(s.ppid);
    if (!list) byParent.set(s.ppid, (list = []));
    list.push(s);
  }
  const out: ProcStat[] = [];
  const stack = [pid];
  while (stack.length) {
    for (const child of byParent.get(stack.pop()!) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

/** The live (not zombie) processes of a process group. */
export function groupMembers(pgid: number): ProcStat[] {
  return allStats().filter((s) => s.pgrp === pgid && s.state !== 'Z');
}

/** Resident set size in MB from /proc/<pid>/status, or null when the process is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function isNode(s: ProcStat): boolean {
  if (s.comm === 'node' || s.comm.startsWith('node')) return true;
  try {
    const argv0 = readFileSync(`/proc/${s.pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return /(^|\/)node(\d+)?$/.test(argv0);
  } catch {
    return false;
  }
}

/** The bot's own node process below `rootPid` (or `rootPid` itself when it is that process). */
export function findBotProcess(rootPid: number): number | null {
  const root = readStat(rootPid);
  const tree = [...(root ? [root] : []), ...descendants(rootPid)];
  const nodes = tree.filter(isNode);
  const leaves = nodes.filter((n) => !descendants(n.pid).some(isNode));
  let best: { pid: number; rss: number } | null = null;
  for (const leaf of leaves) {
    const rss = rssMb(leaf.pid) ?? 0;
    if (!best || rss > best.rss) best = { pid: leaf.pid, rss };
  }
  return best?.pid ?? null;
}

/**
 * CPU milliseconds (user + system) spent by `pid`: itself, its exited children (cutime/cstime)
 * and its live descendants. Null when the process is gone.
 */
export function cpuMs(pid: number): number | null {
  const s = readStat(pid);
  if (!s) return null;
  let ticks = s.utime + s.stime + s.cutime + s.cstime;
  for (const d of descendants(pid)) ticks += d.utime + d.stime;
  return (ticks * 1000) / ticksPerSecond();
}
