/**
 * Where a CPU profile's time went: self time per function and per module (a package under
 * node_modules, a file of the project, or the engine itself), from a `.cpuprofile` written by
 * `node --cpu-prof`. Run on a profile of the bot under load:
 *
 *   npm run bench -- --phases burst --bot-command "node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx src/main.ts"
 *   npx tsx tools/bench/load/cpu-profile.ts /tmp/prof/CPU.*.cpuprofile
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Where a script URL belongs: its npm package, the project's file, or the engine. */
export function moduleOf(url: string): string {
  if (!url) return '(engine)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const src = /\/((?:src|tools|scripts)\/.*)$/.exec(url);
  return src ? src[1]! : url;
}

const isProjectFile = (url: string) => /\/(src|tools|scripts)\//.test(url) && !url.includes('node_modules/') && !url.includes('/generated/');

/**
 * Self time per function and per module, and total (inclusive) time per project function — the
 * time spent in it and everything it called — largest first; and the profile's busy and idle time.
 */
export function selfTimes(profile: CpuProfile): { functions: SelfTime[]; modules: SelfTime[]; project: SelfTime[]; totalMs: number; idleMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    // The delta before sample i+1 is the time sample i stood for.
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = profile.timeDeltas[i + 1] ?? 0;
      const id = profile.samples[i]!;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
    }
  } else {
    const hits = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0);
    const per = hits ? (profile.endTime - profile.startTime) / hits : 0;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * per);
  }
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') {
      if (functionName === '(idle)') idle += us;
      else {
        fn.set(functionName, (fn.get(functionName) ?? 0) + us);
        mod.set(functionName, (mod.get(functionName) ?? 0) + us);
        total += us;
      }
      continue;
    }
    total += us;
    const m = moduleOf(url);
    const name = `${functionName || '(anonymous)'} ${m}:${lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  // Inclusive time of project functions: each sample credits every distinct project frame on its stack once.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { functionName, url, lineNumber } = byId.get(cur)!.callFrame;
      if (!isProjectFile(url)) continue;
      const name = `${functionName || '(anonymous)'} ${moduleOf(url)}:${lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const list = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: total ? Math.round((us / total) * 1000) / 10 : 0 })).sort((a, b) => b.ms - a.ms);
  return { functions: list(fn), modules: list(mod), project: list(inclusive), totalMs: Math.round(total / 1000), idleMs: Math.round(idle / 1000) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: tsx tools/bench/load/cpu-profile.ts <file.cpuprofile>…');
    process.exit(2);
  }
  for (const file of files) {
    const r = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    console.log(`${file}: ${r.totalMs} ms busy, ${r.idleMs} ms idle`);
    console.log('  top functions by self time');
    for (const f of r.functions.slice(0, 15)) console.log(`  ${String(f.ms).padStart(9)} ms ${String(f.share).padStart(5)} %  ${f.name}`);
    console.log('  top modules by self time');
    for (const m of r.modules.slice(0, 15)) console.log(`  ${String(m.ms).padStart(9)} ms ${String(m.share).padStart(5)} %  ${m.name}`);
    console.log('  project functions by total time (with what they call)');
    for (const m of r.project.slice(0, 25)) console.log(`  ${String(m.ms).padStart(9)} ms ${String(m.share).padStart(5)} %  ${m.name}`);
  }
}
