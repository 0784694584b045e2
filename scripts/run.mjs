// Runs a production script (npm run db:migrate, db:seed, export, classify, corpus:export) in this
// process: the compiled one (dist/scripts/<name>.js) when the build is up to date, so a production
// install needs no tsx; the TypeScript source under tsx when the sources changed since the last
// build and tsx is installed (a development checkout), so what runs is what was just edited.
//
//   node scripts/run.mjs <name> [arguments for the script]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { staleReason } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: node scripts/run.mjs <script name> [arguments]');
  process.exit(2);
}
// The script reads its own arguments from process.argv.slice(2), as when it is run directly.
process.argv.splice(2, 1);

const compiled = path.join(root, 'dist', 'scripts', `${name}.js`);
const source = path.join(root, 'scripts', `${name}.ts`);
const hasTsx = existsSync(path.join(root, 'node_modules', 'tsx'));
// Without tsx (a production install, the Docker image) the build is all there is.
const stale = !existsSync(compiled) ? 'no build' : hasTsx ? staleReason() : null;

if (stale === null) {
  await import(pathToFileURL(compiled).href);
} else if (hasTsx && existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else if (!existsSync(source) && !existsSync(compiled)) {
  console.error(`no script named ${name} (scripts/${name}.ts)`);
  process.exit(2);
} else {
  console.error(`scripts/${name}: no build at dist/scripts/${name}.js and no tsx to run the source; run \`npm ci && npm run build\` first.`);
  process.exit(1);
}
