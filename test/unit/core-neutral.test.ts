import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The workflow and everything it needs live in src/core and speak to platforms only through the
// port (src/core/port.ts): no file there names a platform, in code or in comments.
const CORE = path.resolve(import.meta.dirname, '../../src/core');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('the core', () => {
  it('names no platform in any file', () => {
    const naming = files(CORE)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ at: `${path.relative(CORE, f)}:${i + 1}`, line }))
          .filter(({ line }) => /telegram|zalo|grammy/i.test(line)),
      )
      .map(({ at, line }) => `${at}: ${line.trim()}`);
    expect(naming).toEqual([]);
  });
});
