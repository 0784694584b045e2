/**
 * Everything the benchmark starts or creates is registered here and undone at the end, on an
 * error, and on Ctrl+C or SIGTERM: bot processes are stopped (their whole process group, so no
 * `npm start` leaves a bot behind), databases dropped, Redis keys deleted. Undo steps run in
 * reverse order of registration. If the harness dies without running them, the 'exit' hook still
 * kills the process groups it started.
 */

type Undo = { what: string; run: () => Promise<void> };

const undos: Undo[] = [];
const processGroups = new Set<number>();
let installed = false;
let running: Promise<void> | null = null;

/** Registers an undo step; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(what: string, run: () => Promise<void>): () => Promise<void> {
  installSignalHandlers();
  const undo: Undo = { what, run };
  undos.push(undo);
  let done: Promise<void> | null = null;
  return () => {
    done ??= (async () => {
      const i = undos.indexOf(undo);
      if (i >= 0) undos.splice(i, 1);
      await run();
    })();
    return done;
  };
}

/** A process group to SIGKILL if the harness exits without stopping it properly. */
export function trackProcessGroup(pgid: number): () => void {
  installSignalHandlers();
  processGroups.add(pgid);
  return () => processGroups.delete(pgid);
}

/** Runs every registered undo step (latest first); errors are reported, not thrown. */
export function cleanupAll(log: (line: string) => void = (l) => console.error(l)): Promise<void> {
  running ??= (async () => {
    while (undos.length) {
      const undo = undos.pop()!;
      try {
        await undo.run();
      } catch (err) {
        log(`cleanup: ${undo.what} failed: ${(err as Error).message}`);
      }
    }
  })().finally(() => {
    running = null;
  });
  return running;
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let firstSignalAt: number | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== null) {
      // One keypress often arrives twice (from the terminal and relayed by npm or tsx): only a
      // second Ctrl+C a moment later means "stop waiting for a clean undo".
      if (Date.now() - firstSignalAt > 2000) process.exit(130);
      return;
    }
    firstSignalAt = Date.now();
    console.error(`\n${signal}: stopping the bots and removing the benchmark's databases and keys…`);
    const hardStop = setTimeout(() => process.exit(130), 90_000);
    hardStop.unref();
    cleanupAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A crash of the harness itself still removes what it created.
  const onCrash = (err: unknown) => {
    console.error(`benchmark crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (firstSignalAt !== null) return;
    firstSignalAt = Date.now();
    const hardStop = setTimeout(() => process.exit(1), 90_000);
    hardStop.unref();
    cleanupAll().finally(() => process.exit(1));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', () => {
    for (const pgid of processGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}
