import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotProcess, freePort } from '../../tools/bench/load/bot-process.js';
import { cpuMs, groupMembers, readStat, rssMb } from '../../tools/bench/load/proc.js';

const dir = mkdtempSync(join(os.tmpdir(), 'bench-bot-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in for `npm start`: a shell that runs node (and stays, as npm does), node answering
 * /readyz, and a shutdown that takes a moment and leaves a file behind (as a CPU profile is written).
 */
function fakeBot(): { command: string; marker: string } {
  const marker = join(dir, `stopped-${Date.now()}`);
  const script = join(dir, `bot-${Date.now()}.mjs`);
  writeFileSync(
    script,
    `import http from 'node:http';
     import { writeFileSync } from 'node:fs';
     const server = http.createServer((req, res) => { res.statusCode = req.url === '/readyz' ? 200 : 404; res.end(); });
     server.listen(Number(process.env.PORT), '127.0.0.1');
     let burn = 0; for (let i = 0; i < 2e7; i++) burn += i;
     process.on('SIGTERM', () => setTimeout(() => { writeFileSync(${JSON.stringify(marker)}, String(burn)); process.exit(0); }, 400));`,
  );
  return { command: `node ${script}; echo "bot exited"`, marker };
}

describe('the bot as a child process', () => {
  it('waits for /readyz, finds the node process under the shell, and stops the whole group only after the bot finished', async () => {
    const port = await freePort();
    const { command, marker } = fakeBot();
    const bot = BotProcess.start({ name: 'fake bot', dir, command, env: { ...process.env, PORT: String(port) } as Record<string, string>, port, logFile: join(dir, 'bot.log') });
    await bot.waitReady(15_000);
    expect(bot.botPid).not.toBeNull();
    expect(bot.botPid).not.toBe(bot.pid);
    expect(readStat(bot.botPid!)?.ppid).toBe(bot.pid);
    expect(rssMb(bot.botPid!)).toBeGreaterThan(5);
    expect(cpuMs(bot.botPid!)).toBeGreaterThan(0);
    expect(groupMembers(bot.pid).map((p) => p.pid)).toContain(bot.botPid);

    await bot.stop();
    // The shell died on SIGTERM at once; the bot's slow shutdown still ran to its end.
    expect(existsSync(marker)).toBe(true);
    expect(groupMembers(bot.pid)).toEqual([]);
    expect(bot.running).toBe(false);
  });

  it('says why when the bot exits before it is ready', async () => {
    const port = await freePort();
    const bot = BotProcess.start({ name: 'broken bot', dir, command: 'echo "Invalid configuration: BOT_TOKEN is missing" >&2; exit 1', env: { PATH: process.env.PATH ?? '' }, port, logFile: join(dir, 'broken.log') });
    await expect(bot.waitReady(10_000)).rejects.toThrow(/broken bot exited \(code 1.*\n.*BOT_TOKEN is missing/);
    await bot.stop();
  });
});
