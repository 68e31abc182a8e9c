// Runs the SendRateLimiter contract on Redis at 127.0.0.1:6379. When Redis is down these tests
// FAIL (the connection in beforeAll rejects): scale mode must not pass untested.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSendRateLimiterContract } from './rate-limiter.contract.ts';
import { createRedisSendRateLimiter } from './rate-limiter.ts';

let redis: Redis;
const others: Redis[] = [];

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  await redis?.quit();
  for (const other of others) await other.quit();
});

runSendRateLimiterContract('redis', {
  make: (options) =>
    createRedisSendRateLimiter(redis, { ...options, keyPrefix: `ventana-test:${randomUUID()}` }),
  makePair: async (options) => {
    const keyPrefix = `ventana-test:${randomUUID()}`;
    // A second connection, as a second worker process would have.
    const other = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await other.connect();
    others.push(other);
    return [
      createRedisSendRateLimiter(redis, { ...options, keyPrefix }),
      createRedisSendRateLimiter(other, { ...options, keyPrefix }),
    ];
  },
});

describe('Redis send rate limiter', () => {
  it('rejects take() when Redis cannot be reached instead of answering a budget', async () => {
    const down = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    try {
      const limiter = createRedisSendRateLimiter(down, { keyPrefix: `ventana-test:${randomUUID()}` });
      await expect(limiter.take('p', 'text')).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
