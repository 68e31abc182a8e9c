/**
 * Job queue figures per engine: `enqueueMany` of N jobs, then no-op processing by one worker.
 * Not a test: it prints numbers to compare engines on the same machine.
 *
 *   npx tsx bench/queue.bench.ts [--jobs 100000] [--concurrency 100]
 *     [--engines embedded-sqlite,embedded-postgres,bullmq-redis,bullmq-postgres]
 *
 * Needs PostgreSQL (VENTANA_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * a throwaway database is created and dropped) and Redis (VENTANA_BENCH_REDIS_URL, default
 * redis://127.0.0.1:6379; keys under a random prefix, deleted afterwards).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createQueue, type JobQueue } from '../src/queue/index.ts';
import { openDatabase } from '../src/storage/index.ts';

const ENGINES = ['embedded-sqlite', 'embedded-postgres', 'bullmq-redis', 'bullmq-postgres'] as const;
type EngineName = (typeof ENGINES)[number];

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '100' },
    engines: { type: 'string', default: ENGINES.join(',') },
  },
});
const jobs = Number(values.jobs);
const concurrency = Number(values.concurrency);
const engines = values.engines
  .split(',')
  .filter((e): e is EngineName => (ENGINES as readonly string[]).includes(e));
const PG_ADMIN = process.env.VENTANA_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.VENTANA_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Opened {
  readonly queue: JobQueue;
  cleanup(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function scratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ventana_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

async function open(engine: EngineName): Promise<Opened> {
  switch (engine) {
    case 'embedded-sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'ventana-queue-bench-'));
      const database = await openDatabase(join(dir, 'bench.db'), { migrate: true });
      const queue = await createQueue({ engine: 'embedded', database });
      return {
        queue,
        async cleanup() {
          await database.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    case 'embedded-postgres': {
      const server = await scratchPostgres();
      const database = await openDatabase(server.url, { migrate: true });
      const queue = await createQueue({ engine: 'embedded', database });
      return {
        queue,
        async cleanup() {
          await database.close();
          await server.drop();
        },
      };
    }
    case 'bullmq-redis': {
      const prefix = `vbench${randomBytes(4).toString('hex')}`;
      const queue = await createQueue({ engine: 'bullmq', redisUrl: REDIS_URL, prefix });
      return {
        queue,
        async cleanup() {
          const redis = new Redis(REDIS_URL);
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
            cursor = next;
            if (keys.length > 0) await redis.unlink(...keys);
          } while (cursor !== '0');
          redis.disconnect();
        },
      };
    }
    case 'bullmq-postgres': {
      const server = await scratchPostgres();
      const queue = await createQueue({ engine: 'bullmq', postgresUrl: server.url, poolMax: 10 });
      return { queue, cleanup: () => server.drop() };
    }
    default: {
      const never: never = engine;
      throw new Error(`unknown engine ${String(never)}`);
    }
  }
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

async function bench(engine: EngineName): Promise<void> {
  const { queue, cleanup } = await open(engine);
  try {
    const batch = Array.from({ length: jobs }, (_, n) => ({ payload: { contactId: `c${n}`, n } }));
    let t0 = performance.now();
    const { created } = await queue.enqueueMany('bench', batch);
    const enqueueMs = performance.now() - t0;

    let handled = 0;
    let finish: () => void = () => {};
    const allDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    t0 = performance.now();
    const worker = queue.work(
      'bench',
      async () => {
        if (++handled === jobs) finish();
        return { status: 'done' };
      },
      { concurrency },
    );
    await allDone;
    await worker.close();
    const processMs = performance.now() - t0;

    const keyed = Array.from({ length: Math.min(jobs, 20_000) }, (_, n) => ({
      payload: { n },
      opts: { key: `broadcast:1:contact:${n}` },
    }));
    t0 = performance.now();
    await queue.enqueueMany('bench-keyed', keyed);
    const keyedMs = performance.now() - t0;
    t0 = performance.now();
    const again = await queue.enqueueMany('bench-keyed', keyed);
    const dupMs = performance.now() - t0;

    console.log(
      [
        engine.padEnd(18),
        `enqueueMany ${created.toLocaleString('en-US')}: ${Math.round(enqueueMs)} ms (${rate(created, enqueueMs)})`,
        `no-op processing (1 worker, concurrency ${concurrency}): ${Math.round(processMs)} ms (${rate(jobs, processMs)})`,
        `keyed enqueueMany ${keyed.length.toLocaleString('en-US')}: ${Math.round(keyedMs)} ms (${rate(keyed.length, keyedMs)}), ` +
          `again (all duplicates, created ${again.created}): ${Math.round(dupMs)} ms`,
      ].join('\n  '),
    );
  } finally {
    await queue.close();
    await cleanup();
  }
}

console.log(`job queue bench: ${jobs.toLocaleString('en-US')} jobs, node ${process.version}`);
for (const engine of engines) {
  try {
    await bench(engine);
  } catch (error) {
    console.log(`${engine.padEnd(18)} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
