/**
 * The boot step of `npm start` as a process of its own: applies pending migrations, then loads the
 * reference data (both idempotent), answers the parent with the result over IPC and exits, taking
 * the schema engine's memory with it. Reads only DATABASE_URL (empty: the embedded database) and
 * DATA_DIR, which the app passes from its own configuration. Run by hand it prints one line.
 */
import { openDatabase } from '../src/db/client.js';
import { prepareInProcess } from '../src/db/migrations.js';

// Stopping half-way through a migration leaves it marked failed: a Ctrl+C or a SIGTERM sent to the
// whole process group is for the app, which waits for this step to finish before it stops.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);

const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const dataDir = process.env.DATA_DIR?.trim() || './data';

const db = openDatabase({ databaseUrl, dataDir, poolSize: 2 });
try {
  const result = await prepareInProcess(db);
  if (process.send) {
    await new Promise<void>((resolve, reject) => process.send!(result, (err: Error | null) => (err ? reject(err) : resolve())));
  } else {
    const { applied, seeded } = result;
    console.log(`${applied.length ? `Đã áp dụng ${applied.length} migration: ${applied.join(', ')}` : 'Cơ sở dữ liệu đã ở phiên bản mới nhất'}; dữ liệu danh mục: ${seeded.communes} xã/phường, ${seeded.departments} sở/ngành, ${seeded.categories} lĩnh vực.`);
  }
  process.exitCode = 0;
} catch (err) {
  // The parent shows this to the operator: the engine's reason, without its WebAssembly frames.
  console.error(String(err));
  process.exitCode = 1;
} finally {
  await db.close().catch(() => undefined);
  process.disconnect?.();
}

// A handle some library leaves open must not keep the app's boot waiting for this process.
setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
