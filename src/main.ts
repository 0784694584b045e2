import { startApp, type App } from './app.js';
import { BootCancelled } from './boot.js';
import { config, ConfigError } from './config.js';
import { logger } from './logger.js';
import { IdleRelease } from './memory.js';
import { SettingsError } from './settings.js';

/**
 * Reads ROLE, starts the app, and shuts down in order on SIGTERM/SIGINT within a cap. A signal
 * that comes while boot still waits for PostgreSQL or Redis ends the wait and exits cleanly.
 */
async function main(): Promise<void> {
  let cfg;
  try {
    cfg = config();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const booting = new AbortController();
  let app: App | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const cap = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    cap.unref();
    if (!app) {
      booting.abort();
      return; // startApp rejects with BootCancelled after closing what it opened
    }
    app.stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    app = await startApp({ config: cfg, logger, signal: booting.signal });
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(err.message);
      process.exit(1);
    }
    if (err instanceof BootCancelled || booting.signal.aborted) process.exit(0);
    throw err;
  }
  if (booting.signal.aborted) {
    // The signal came during a step that cannot be interrupted (migrations): stop now that it is done.
    await app.stop();
    process.exit(0);
  }
  // What a burst made V8 commit goes back once the bot is quiet (src/memory.ts).
  new IdleRelease({ logger }).start();
}

process.on('unhandledRejection', (reason) => logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection'));

main().catch((err: Error) => {
  logger.fatal({ err: err.message, stack: err.stack }, 'failed to start');
  process.exit(1);
});
