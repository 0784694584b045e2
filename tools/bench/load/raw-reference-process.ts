/**
 * The machine's reference for intake, run as its own process: BullMQ `add` (one per job, from 64
 * concurrent producers, as a webhook would) and a worker of concurrency 8 that does one INSERT per
 * job into a one-table database. It prints one JSON line: jobs completed per second from the
 * first add to the last completion, and CPU per job.
 *
 * Arguments: one JSON object (see RawReferenceArgs) as argv[2].
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export interface RawReferenceArgs {
  redisUrl: string;
  prefix: string;
  databaseUrl: string;
  jobs: number;
  concurrency: number;
  producers: number;
}

export interface RawReferenceResult {
  jobs: number;
  jobsPerSecond: number;
  cpuMsPerJob: number;
  seconds: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as RawReferenceArgs;
const QUEUE = 'raw';
const keep = { removeOnComplete: { age: 24 * 3600, count: 5_000 }, removeOnFail: { age: 24 * 3600 } };

const pool = new pg.Pool({ connectionString: args.databaseUrl, max: 10 });
await pool.query(`CREATE TABLE IF NOT EXISTS job_row (id bigserial PRIMARY KEY, job_id text NOT NULL, n int NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);

const producer = new Redis(args.redisUrl, { maxRetriesPerRequest: 1 });
const consumer = new Redis(args.redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue(QUEUE, { connection: producer, prefix: args.prefix, defaultJobOptions: keep });

let completed = 0;
let target = Number.POSITIVE_INFINITY;
let lastDone = 0;
let onAllDone: (() => void) | null = null;
const worker = new Worker(
  QUEUE,
  async (job) => {
    const data = job.data as { n: number; text: string };
    await pool.query('INSERT INTO job_row (job_id, n, payload) VALUES ($1, $2, $3)', [job.id, data.n, JSON.stringify(data)]);
  },
  { connection: consumer, prefix: args.prefix, concurrency: args.concurrency },
);
worker.on('completed', () => {
  completed++;
  if (completed >= target) {
    lastDone = performance.now();
    onAllDone?.();
  }
});

async function run(count: number, from: number): Promise<{ seconds: number; cpuMs: number }> {
  completed = 0;
  target = count;
  const done = new Promise<void>((resolve) => (onAllDone = resolve));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: args.producers }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const n = from + i;
        await queue.add('job', { n, text: `Phản ánh ${n}: nội dung thử để đo tốc độ ghi` }, { jobId: `j${n}` });
      }
    }),
  );
  await done;
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (lastDone - t0) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// Warm-up: connections, JIT, the table's first pages.
await run(200, 0);
const measured = await run(args.jobs, 1_000_000);
const result: RawReferenceResult = {
  jobs: args.jobs,
  jobsPerSecond: Math.round(args.jobs / measured.seconds),
  cpuMsPerJob: Math.round((measured.cpuMs / args.jobs) * 1000) / 1000,
  seconds: Math.round(measured.seconds * 100) / 100,
};
await worker.close();
await queue.obliterate({ force: true }).catch(() => undefined);
await queue.close();
producer.disconnect();
consumer.disconnect();
await pool.end();
process.stdout.write(`${JSON.stringify(result)}\n`);
