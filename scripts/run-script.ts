import { ConfigError } from '../src/config.js';

/** Runs a CLI script body: configuration errors print one line, other errors a stack; exit code 1. */
export async function runScript(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err);
    process.exitCode = 1;
  }
}
