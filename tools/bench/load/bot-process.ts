/**
 * The bot under test as a child process: started with a shell command (`npm start` by default) in
 * its own directory and process group, watched through its HTTP contract (/readyz), and stopped
 * with SIGTERM to the whole group (SIGKILL if it does not exit within the cap).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';
import { onCleanup, trackProcessGroup } from './cleanup.js';
import { findBotProcess, groupMembers } from './proc.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface BotProcessOptions {
  /** A short name for messages ("bot", "embedded bot"). */
  name: string;
  dir: string;
  command: string;
  env: Record<string, string>;
  port: number;
  /** Where the bot's stdout and stderr go. */
  logFile: string;
}

export class BotProcess {
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private readonly tail: string[] = [];
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exitPromise: Promise<void>;
  private readonly untrack: () => void;
  readonly stop: () => Promise<void>;
  /** The bot's own node process (found after /readyz). */
  botPid: number | null = null;

  private constructor(readonly opts: BotProcessOptions) {
    this.log = createWriteStream(opts.logFile, { flags: 'a' });
    this.child = spawn(opts.command, { cwd: opts.dir, env: opts.env, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pgid = this.child.pid!;
    this.untrack = trackProcessGroup(pgid);
    const keep = (chunk: Buffer) => {
      this.log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.tail.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
        if (this.tail.length > 30) this.tail.shift();
      }
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
    });
    this.stop = onCleanup(`stop ${opts.name}`, () => this.terminate());
  }

  static start(opts: BotProcessOptions): BotProcess {
    return new BotProcess(opts);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  /** The last lines the bot wrote, for error messages. */
  lastLines(n = 12): string {
    return this.tail.slice(-n).join('\n');
  }

  /** Waits until GET /readyz answers 200; fails early when the process exits. Returns the wait in ms. */
  async waitReady(timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      if (this.exited) throw new Error(`${this.opts.name} exited (code ${this.exited.code}, signal ${this.exited.signal}) before /readyz; its last lines:\n${this.lastLines()}`);
      try {
        const res = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          this.botPid = findBotProcess(this.pid);
          return Date.now() - started;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() - started > timeoutMs) throw new Error(`${this.opts.name} not ready after ${timeoutMs} ms; its last lines:\n${this.lastLines()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  get running(): boolean {
    return this.exited === null;
  }

  private async terminate(capMs = 30_000): Promise<void> {
    if (this.exited) return this.finish();
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-this.pid, signal);
      } catch {
        // the group is gone
      }
    };
    signalGroup('SIGTERM');
    // The shell or npm at the top may exit at once on SIGTERM while the bot below still shuts
    // down (and writes its CPU profile, when asked to): wait for the whole group, not the top.
    const until = Date.now() + capMs;
    while (this.groupAlive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (this.groupAlive()) signalGroup('SIGKILL');
    await this.exitPromise;
    this.finish();
  }

  /** Whether any process of the bot's process group is still running (zombies do not count). */
  private groupAlive(): boolean {
    return groupMembers(this.pid).length > 0;
  }

  private finish(): void {
    this.untrack();
    this.log.end();
  }
}
