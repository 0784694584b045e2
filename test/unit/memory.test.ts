import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { fullCollection, IdleRelease, noteActivity } from '../../src/memory.js';

const MB = 1024 * 1024;

/**
 * An IdleRelease driven by hand: utilisation and heap size are whatever the test says; a collection
 * gives back half of what is above 40 MB, as V8 does over a few collections of a quiet heap.
 */
function scripted(opts: { committed: number }) {
  const state = { utilization: 0, committed: opts.committed, collections: 0, work: 0 };
  const release = new IdleRelease({
    gc: () => {
      state.collections += 1;
      state.committed = 40 * MB + Math.floor((state.committed - 40 * MB) / 2);
    },
    heapCommitted: () => state.committed,
    utilization: () => state.utilization,
    activity: () => state.work,
    quietChecks: 2,
  });
  return { state, release };
}

describe('IdleRelease', () => {
  it('releases once the loop has been quiet for two looks, in four collections over a few looks, then waits for growth', () => {
    const { state, release } = scripted({ committed: 72 * MB });
    expect(release.check()).toBe(false); // one quiet look is not enough
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) if (release.check()) seen.push(state.committed / MB);
    expect(seen).toEqual([56, 48, 44, 42]);
    expect(state.collections).toBe(4);
    // Pages given back later (sweeping ends after the collection) lower the mark growth is measured from.
    state.committed = 41 * MB;
    expect(release.check()).toBe(false);
    state.committed = 44 * MB; // 3 MB of growth: not worth it
    expect(release.check()).toBe(false);
    state.committed = 45 * MB;
    // Collections at this look, the next, three looks after that and three after that.
    const rounds = Array.from({ length: 10 }, () => release.check());
    expect(rounds).toEqual([true, true, false, false, true, false, false, true, false, false]);
    expect(state.collections).toBe(8);
  });

  it("a release's own collections, which load the loop, do not interrupt it", () => {
    const { state, release } = scripted({ committed: 72 * MB });
    release.check();
    expect(release.check()).toBe(true);
    state.utilization = 0.08; // the collection just run
    expect(release.check()).toBe(true);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) expect(release.check()).toBe(false);
      expect(release.check()).toBe(true);
    }
    expect(state.collections).toBe(4);
    expect(release.check()).toBe(false);
  });

  it('a release that work interrupts runs again, whole, at the next quiet spell', () => {
    const { state, release } = scripted({ committed: 72 * MB });
    release.check();
    expect(release.check()).toBe(true); // 72 → 56
    state.work += 1;
    expect(release.check()).toBe(false);
    expect(release.check()).toBe(false);
    // Quiet again: nothing grew since, but the release was not done.
    const rounds = Array.from({ length: 9 }, () => release.check());
    expect(rounds).toEqual([true, true, false, false, true, false, false, true, false]);
    expect(state.committed).toBe(41 * MB);
  });

  it('never collects while the bot is busy', () => {
    const { state, release } = scripted({ committed: 41 * MB + 4 * MB });
    state.utilization = 0.4;
    for (let i = 0; i < 10; i++) expect(release.check()).toBe(false);
    // One quiet look between busy ones does not count either.
    state.utilization = 0.01;
    expect(release.check()).toBe(false);
    state.utilization = 0.2;
    expect(release.check()).toBe(false);
    state.utilization = 0.01;
    expect(release.check()).toBe(false);
    expect(release.check()).toBe(true);
    expect(state.collections).toBe(1);
  });

  it('never collects while work is being done, however light the load', () => {
    const { state, release } = scripted({ committed: 100 * MB });
    // One report a second keeps the loop under the threshold, but it is work.
    for (let i = 0; i < 10; i++) {
      state.work += 1;
      expect(release.check()).toBe(false);
    }
    expect(release.check()).toBe(false); // the first look without work
    expect(release.check()).toBe(true);
    expect(state.collections).toBe(1);
  });

  it('counts what noteActivity records', () => {
    let collections = 0;
    // The defaults: one quiet look is enough.
    const release = new IdleRelease({ gc: () => void (collections += 1), heapCommitted: () => 100 * MB, utilization: () => 0 });
    noteActivity();
    expect(release.check()).toBe(false);
    noteActivity();
    expect(release.check()).toBe(false);
    expect(release.check()).toBe(true);
    expect(collections).toBe(1);
  });

  it('does nothing without a collector', () => {
    const release = new IdleRelease({ gc: null, heapCommitted: () => 500 * MB, utilization: () => 0 });
    for (let i = 0; i < 3; i++) expect(release.check()).toBe(false);
    expect(release.start()).toBe(release); // no timer, nothing to stop
    release.stop();
  });

  it("V8's full collection is reachable and gives garbage back", () => {
    const gc = fullCollection();
    expect(gc).toBeTypeOf('function');
    gc!();
    const base = getHeapStatistics().used_heap_size;
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `x${i}` }));
    expect(getHeapStatistics().used_heap_size - base).toBeGreaterThan(5 * MB);
    garbage = null;
    gc!();
    expect(garbage).toBeNull();
    expect(getHeapStatistics().used_heap_size - base).toBeLessThan(2 * MB);
  });
});
