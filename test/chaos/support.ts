import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Db } from '../../src/db/client.js';
import type { BotApiEmulator } from '../../tools/telegram-emulator/index.js';
import { freePort } from '../support/ports.js';
import { eventually } from '../support/test-app.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** POSTs an update to the webhook with the secret; status 0 when the connection failed. */
export async function postUpdate(url: string, secret: string, body: object): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(body) });
    return { status: res.status, ms: Math.round(performance.now() - started) };
  } catch {
    return { status: 0, ms: Math.round(performance.now() - started) };
  }
}

/** A Telegram update carrying `/baocao <text>` from `from` in a group. */
export function reportUpdate(updateId: number, chat: { id: number; title?: string }, from: { id: number; first_name: string }, text: string) {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chat.id, type: 'group', title: chat.title },
      from: { ...from, is_bot: false },
      text: `/baocao ${text}`,
      entities: [{ type: 'bot_command', offset: 0, length: 7 }],
    },
  };
}

/** Tickets with exactly this text, and receipts in the chat quoting their codes. */
export async function reportOutcome(prisma: Db, emu: BotApiEmulator, chatId: number, text: string): Promise<{ tickets: number; receipts: number }> {
  const tickets = await prisma.ticket.findMany({ where: { text } });
  const receipts = tickets.flatMap((t) => emu.botMessages(chatId).filter((m) => (m.text ?? '').includes(t.code)));
  return { tickets: tickets.length, receipts: receipts.length };
}

/**
 * A redis-server of the test's own on a free port, so stopping or wiping it touches nobody else.
 * No persistence: a restart comes back empty, like a Redis that lost its data.
 */
export class RedisServer {
  private proc: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--maxmemory-policy', 'noeviction'];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    let failure: Error | null = null;
    proc.once('error', (err) => {
      failure = new Error(`could not run redis-server (install it, e.g. apt-get install redis-server): ${err.message}`);
    });
    this.proc = proc;
    await eventually(async () => {
      if (failure) throw failure;
      return this.ping();
    }, `redis-server on port ${this.port}`, 10_000);
  }

  /** Kills the server outright (a crash, not a shutdown). */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    this.proc = null;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
  }

  async flushAll(): Promise<void> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
  }

  async ping(): Promise<boolean> {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  }
}

/**
 * A TCP proxy in front of PostgreSQL that the test can break: `refuse` closes it (open connections
 * are cut, new ones refused at once), `blackhole` forwards nothing more (open connections go
 * silent and new ones are accepted but never answered, as behind a dead network path), `restore`
 * cuts whatever is left and forwards again.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly pairs = new Map<net.Socket, net.Socket>();
  private mode: 'up' | 'refusing' | 'blackhole' = 'up';

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.listen();
    return proxy;
  }

  /** The same URL with the proxy's host and port. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private listen(): Promise<void> {
    const server = net.createServer((client) => {
      this.track(client);
      if (this.mode !== 'up') return; // held open, never answered
      const upstream = net.connect(this.target.port, this.target.host);
      this.track(upstream);
      this.pairs.set(client, upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => {
        this.pairs.delete(client);
        upstream.destroy();
      });
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  private cutAll(): void {
    for (const socket of [...this.sockets]) socket.destroy();
  }

  async refuse(): Promise<void> {
    this.mode = 'refusing';
    const server = this.server;
    this.server = null;
    this.cutAll();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    if (!this.server) await this.listen();
  }

  async restore(): Promise<void> {
    this.cutAll();
    this.mode = 'up';
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.refuse();
  }
}

export interface ChildApp {
  proc: ChildProcess;
  /** Parsed pino lines so far. */
  logs: Array<Record<string, unknown>>;
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the process is gone, with when that was. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** The real app as its own process (`node --import tsx src/main.ts`), as it runs in production. */
export function spawnApp(env: Record<string, string>): ChildApp {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let buffered = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const matches = (msg: string | RegExp, line: Record<string, unknown>) => {
    const text = String(line['msg'] ?? '');
    return typeof msg === 'string' ? text.includes(msg) : msg.test(text);
  };
  return {
    proc,
    logs,
    exited,
    waitForLog: (msg, timeoutMs = 30_000) =>
      eventually(
        async () => {
          if (proc.exitCode !== null) throw new Error(`the app exited (${proc.exitCode}); stderr: ${stderr}`);
          return logs.find((line) => matches(msg, line));
        },
        `app log "${String(msg)}"`,
        timeoutMs,
      ),
  };
}

/** Ends a child app if it still runs (tests that fail half way must not leave it behind). */
export async function killApp(app: ChildApp | undefined): Promise<void> {
  if (!app || app.proc.exitCode !== null || app.proc.signalCode !== null) return;
  app.proc.kill('SIGKILL');
  await app.exited;
}
