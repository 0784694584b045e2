// Generates the Prisma client after `npm ci`/`npm install`.
// `prisma generate` never needs the native schema engine, but the CLI looks for one at start and
// would try to download it; pointing it at any existing file skips that, so this works offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(new URL('../package.json', import.meta.url));
}
const cli = fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('postinstall: prisma CLI not installed; skipping client generation');
  process.exit(0);
}
const run = spawnSync(process.execPath, [cli, 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
