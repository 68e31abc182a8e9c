/**
 * The BullMQ engine on Redis (127.0.0.1:6379 unless VENTANA_TEST_REDIS_URL says otherwise). Each test
 * gets its own key prefix, and its keys are deleted afterwards. An unreachable Redis fails the
 * tests with a message naming it, never skips them.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { createQueue, type JobQueue } from '../../src/queue/index.ts';
import { runQueueContract } from './queue.contract.ts';

const REDIS_URL = process.env.VENTANA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

it('refuses an unreachable Redis with a message naming it', async () => {
  await expect(
    createQueue({ engine: 'bullmq', redisUrl: 'redis://:secret@127.0.0.1:1', connectTimeoutMs: 2000 }),
  ).rejects.toThrow(/cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
});

runQueueContract('BullMQ on Redis', async () => {
  const prefix = `vtest${randomBytes(5).toString('hex')}`;
  const opened: JobQueue[] = [];
  return {
    async open(opts = {}) {
      const queue = await createQueue({
        engine: 'bullmq',
        redisUrl: REDIS_URL,
        prefix,
        ...(opts.leaseMs === undefined ? {} : { leaseMs: opts.leaseMs }),
      });
      opened.push(queue);
      return queue;
    },
    async dispose() {
      for (const queue of opened) await queue.close();
      await deleteKeys(prefix);
    },
  };
});
