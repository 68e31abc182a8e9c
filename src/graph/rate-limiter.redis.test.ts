// Runs the SendRateLimiter contract on Redis at 127.0.0.1:6379. When Redis is down these tests
// FAIL (the connection in beforeAll rejects): scale mode must not pass untested.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSendRateLimiterContract } from './rate-limiter.contract.ts';
import { createRedisSendRateLimiter } from './rate-limiter.ts';

let redis: Redis;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  await redis?.quit();
});

runSendRateLimiterContract('redis', {
  make: (options) =>
    createRedisSendRateLimiter(redis, { ...options, keyPrefix: `ventana-test:${randomUUID()}` }),
});

describe('Redis send rate limiter', () => {
  it('shares one budget between two limiters (two workers) on the same keys', async () => {
    const t = 1_790_000_000_123;
    const keyPrefix = `ventana-test:${randomUUID()}`;
    const worker1 = createRedisSendRateLimiter(redis, { now: () => t, keyPrefix });
    const worker2 = createRedisSendRateLimiter(redis, { now: () => t, keyPrefix });
    let alone = 0;
    const single = createRedisSendRateLimiter(redis, { now: () => t, keyPrefix: `${keyPrefix}-single` });
    while ((await single.take('p', 'text')) === 0) alone++;
    let together = 0;
    for (;;) {
      const a = await worker1.take('p', 'text');
      const b = await worker2.take('p', 'text');
      together += (a === 0 ? 1 : 0) + (b === 0 ? 1 : 0);
      if (a > 0 && b > 0) break;
    }
    expect(together).toBe(alone);
  });

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
