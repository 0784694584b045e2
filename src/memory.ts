import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from './logger.js';

/**
 * Memory given back when the bot falls quiet.
 *
 * V8 keeps what a burst made it commit (a young generation grown to 32 MB, old space full of garbage)
 * until its memory reducer runs, which in a server that never tells V8 it is idle comes late or not
 * at all: a bot that had linked 202 chats sat near 200 MB for minutes with about 50 MB of live heap.
 * So a light look every second: once a look finds that the bot has done no work for anyone since the
 * last (noteActivity) and that its event loop was nearly idle, and the heap has grown since the last
 * release, a full collection runs (a few milliseconds to tens on this heap), and three more over the
 * next seven seconds (V8 returns pages over a few collections of a quiet heap); then none until the
 * heap grows again. A bot at work, even at one report a second, is never paused for it.
 */

/**
 * The looks between the collections of one release, after the first. V8 gives old-space pages back
 * as sweeping ends, after a collection, and shrinks the young generation only at a collection that
 * sees allocation low over the last five seconds: the last ones come well after work stopped.
 */
const ROUND_GAPS = [1, 3, 3];

let activity = 0;

/**
 * Called where the bot works (an update stored, a job of any queue done): a look that sees any since
 * the last one is not quiet, whatever the event loop's load.
 */
export function noteActivity(): void {
  activity += 1;
}

export interface IdleReleaseOptions {
  /** How often to look, ms. */
  everyMs?: number;
  /** Event-loop utilisation (0..1) under which an interval counts as quiet. */
  quietBelow?: number;
  /** Quiet intervals in a row before releasing. */
  quietChecks?: number;
  /** Heap growth (bytes committed) since the last release that makes another worth it. */
  growthBytes?: number;
  /** A full collection; null when the runtime offers none (then nothing is done). */
  gc?: (() => void) | null;
  /** Bytes of heap committed now. */
  heapCommitted?: () => number;
  /** Event-loop utilisation since the previous call. */
  utilization?: () => number;
  /** A count that grows with work done (noteActivity's by default). */
  activity?: () => number;
  logger?: Logger;
}

/** V8's full collection: `gc` when node runs with --expose-gc, else exposed here once. */
export function fullCollection(): (() => void) | null {
  const global = globalThis as { gc?: () => void };
  if (typeof global.gc === 'function') return global.gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

function loopUtilization(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}

export class IdleRelease {
  private readonly everyMs: number;
  private readonly quietBelow: number;
  private readonly quietChecks: number;
  private readonly growthBytes: number;
  private readonly gc: (() => void) | null;
  private readonly heapCommitted: () => number;
  private readonly utilization: () => number;
  private readonly activity: () => number;
  private lastActivity: number;
  private readonly logger?: Logger;
  private timer: NodeJS.Timeout | null = null;
  private quiet = 0;
  /** The heap committed after the last release (the lowest seen since). */
  private baseline: number;
  /** The collections still to run in the current release: for each, the looks to let pass first. */
  private plan: number[] = [];
  /** A release that work interrupted, to run whole at the next quiet spell. */
  private resume = false;

  constructor(opts: IdleReleaseOptions = {}) {
    this.everyMs = opts.everyMs ?? 1_000;
    this.quietBelow = opts.quietBelow ?? 0.03;
    this.quietChecks = opts.quietChecks ?? 1;
    this.growthBytes = opts.growthBytes ?? 4 * 1024 * 1024;
    this.gc = opts.gc === undefined ? fullCollection() : opts.gc;
    this.heapCommitted = opts.heapCommitted ?? (() => getHeapStatistics().total_heap_size);
    this.utilization = opts.utilization ?? loopUtilization();
    this.activity = opts.activity ?? (() => activity);
    this.lastActivity = this.activity();
    this.logger = opts.logger;
    // Boot's own garbage counts as growth: the first quiet spell after boot releases it.
    this.baseline = 0;
  }

  /** One look; true when it collected. */
  check(): boolean {
    if (!this.gc) return false;
    const worked = this.activity();
    // A release's own collections load the loop: while one runs, only work interrupts it.
    const loopQuiet = this.utilization() < this.quietBelow || this.plan.length > 0;
    const quiet = loopQuiet && worked === this.lastActivity;
    this.lastActivity = worked;
    this.quiet = quiet ? this.quiet + 1 : 0;
    if (!quiet && this.plan.length > 0) {
      // Work came back: the release starts again, whole, at the next quiet spell.
      this.plan = [];
      this.resume = true;
    }
    if (this.quiet < this.quietChecks) return false;
    const committed = this.heapCommitted();
    if (this.plan.length === 0) {
      // Pages a collection frees are given back as sweeping finishes, after it: the lowest seen counts.
      this.baseline = Math.min(this.baseline, committed);
      if (!this.resume && committed - this.baseline < this.growthBytes) return false;
      this.resume = false;
      this.plan = [0, ...ROUND_GAPS.map((gap) => gap - 1)];
    }
    if (this.plan[0]! > 0) {
      this.plan[0]! -= 1;
      return false;
    }
    this.plan.shift();
    const started = performance.now();
    this.gc();
    this.baseline = this.heapCommitted();
    this.logger?.debug(
      { heapBeforeMb: Math.round(committed / 1048576), heapAfterMb: Math.round(this.baseline / 1048576), ms: Math.round(performance.now() - started), collectionsLeft: this.plan.length },
      'quiet: memory released',
    );
    return true;
  }

  start(): this {
    if (this.gc && !this.timer) {
      this.timer = setInterval(() => this.check(), this.everyMs);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
