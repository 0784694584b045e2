// npm run build — compiles src/ and the production scripts to dist/ (tsconfig.build.json) and copies
// what they read at run time next to them, keeping the source layout so every relative path holds:
// dist/src/**/*.ftl and *.json (i18n, classifier), dist/data (communes, holidays), dist/prisma
// (schema and migrations, read by the migration step).
//
//   node scripts/build.mjs             build (always)
//   node scripts/build.mjs --if-stale  build only when dist/ is missing or older than its inputs
//                                      (`npm start` runs this first)
//
// Plain JavaScript so it runs before anything is compiled and without tsx. The new build is written
// beside dist/ and swapped in at the end, so a failed build leaves the previous one in place.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const STAMP = 'BUILD_STAMP';
/** What a build reads: a change to any of them makes dist/ stale. */
const INPUTS = ['src', 'scripts', 'data', 'prisma', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** Folders copied whole into dist/ (read at run time through paths relative to the code). */
const COPIED_DIRS = ['data', 'prisma'];

/** Under data/: what the bot writes there at run time (the default DATA_DIR) and the classifier corpus. */
const NOT_SHIPPED = /^(pglite.*|demo|db|classifier)$/;
const shipped = (file) => {
  const rel = path.relative(path.join(root, 'data'), file).split(path.sep);
  return rel[0] === '..' || !NOT_SHIPPED.test(rel[0] ?? '');
};

/** The newest modification time of the files under `p` (folders' own times move with run-time data). */
function newestMtime(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) {
    const child = path.join(p, entry);
    if (shipped(child)) newest = Math.max(newest, newestMtime(child));
  }
  return newest;
}

/** Why dist/ must be built, or null when it is up to date. */
export function staleReason() {
  const stamp = path.join(dist, STAMP);
  if (!existsSync(stamp)) return 'dist/ has no build yet';
  const built = statSync(stamp).mtimeMs;
  for (const input of INPUTS) {
    if (newestMtime(path.join(root, input)) > built) return `${input} changed since the last build`;
  }
  return null;
}

/** Copies every file under `from` that the compiler does not emit (anything but .ts). */
function copyAssets(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyAssets(src, dst);
    else if (!entry.name.endsWith('.ts')) cpSync(src, dst);
  }
}

export function build() {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    console.error('build: TypeScript is not installed (a production install, `npm ci --omit=dev`?). Run `npm ci`, then `npm run build`.');
    return 1;
  }
  const next = `${dist}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const started = Date.now();
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    console.error('build: the TypeScript compiler reported errors (above); dist/ is unchanged.');
    return run.status ?? 1;
  }
  copyAssets(path.join(root, 'src'), path.join(next, 'src'));
  for (const dir of COPIED_DIRS) cpSync(path.join(root, dir), path.join(next, dir), { recursive: true, filter: shipped });
  writeFileSync(path.join(next, STAMP), `${new Date().toISOString()}\n`);
  const old = `${dist}.old-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
  console.error(`build: dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const reason = staleReason();
  if (ifStale && reason === null) process.exit(0);
  const canBuild = existsSync(path.join(root, 'node_modules', 'typescript')) && existsSync(path.join(root, 'src'));
  if (ifStale && !canBuild && existsSync(path.join(dist, STAMP))) {
    // A production install (or an image without sources) cannot build: what it was shipped with runs.
    console.error(`build: ${reason}, but there is no TypeScript or no src/ to build from: running the existing build.`);
    process.exit(0);
  }
  if (reason) console.error(`build: ${reason}; building…`);
  process.exit(build());
}
