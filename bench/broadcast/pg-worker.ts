/**
 * One worker process of `bench/broadcast/pg.ts`: the outbox worker with the batch dispatcher on a
 * shared PostgreSQL database, the per-Page budgets in Redis. Prints `peak <MB>` on SIGTERM.
 *   node scripts/run-built.mjs bench/broadcast/pg-worker.ts <database url> <graph url> <redis url> <prefix> <batch sends>
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { limitHeapGrowth } from '../../src/app/heap.ts';
import { DEFAULT_HEAP_GROWING_PERCENT } from '../../src/config/config.ts';
import { createGraphClient, createRedisSendRateLimiter } from '../../src/graph/index.ts';
import { dispatchBatch } from '../../src/outbound/batch.ts';
import { createOutboxWorker } from '../../src/outbound/worker.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { openDatabase } from '../../src/storage/index.ts';

const [dbUrl, graphUrl, redisUrl, prefix, batchSends] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
// As `ventana worker` does with its configuration (src/cli/server-commands.ts).
limitHeapGrowth(DEFAULT_HEAP_GROWING_PERCENT);
const database = await openDatabase(dbUrl, { poolMax: 8 });
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
const graph = createGraphClient({
  baseUrl: graphUrl,
  version: 'v26.0',
  connections: 128,
  timeoutMs: 10_000,
  batchSends: Number(batchSends),
});
const worker = createOutboxWorker({
  database,
  graph,
  limiter: createRedisSendRateLimiter(redis, { keyPrefix: `${prefix}:send` }),
  rules: createRuleBook(),
  secretKey: Buffer.alloc(32, 3),
  now: Date.now,
  dispatchBatch,
  batchSize: 500,
  concurrency: 2000,
  idleMs: 50,
  // Other processes share the database: never mark their rows unknown at start.
  recoverSendingAtStart: false,
});
await worker.start();
process.on('SIGTERM', () => {
  void (async () => {
    await worker.stop();
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    process.stdout.write(`peak ${m ? Math.round(Number(m[1]) / 1024) : -1}\n`);
    await graph.close();
    redis.disconnect();
    await database.close();
    process.exit(0);
  })();
});
