// Runs the SendRateLimiter contract on PostgreSQL (a throwaway database on 127.0.0.1:5432): the
// budgets of BullMQ workers on its PostgreSQL backend without Redis. Unreachable PostgreSQL fails.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupPostgresTestDatabase } from '../../test/storage/pg-fixture.ts';
import { runSendRateLimiterContract } from './rate-limiter.contract.ts';
import { createPostgresSendRateLimiter, POSTGRES_SEND_BUDGETS_TABLE } from './rate-limiter.ts';

const database = setupPostgresTestDatabase();
let pool: pg.Pool;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: database().url, max: 4 });
});

afterAll(async () => {
  await pool?.end();
});

runSendRateLimiterContract('postgres', {
  make: (options) =>
    createPostgresSendRateLimiter(pool, { ...options, keyPrefix: `ventana-test:${randomUUID()}` }),
});

describe('PostgreSQL send rate limiter', () => {
  it('shares one budget between two limiters (two workers, two pools) on the same keys', async () => {
    const t = 1_790_000_000_123;
    const keyPrefix = `ventana-test:${randomUUID()}`;
    const otherPool = new pg.Pool({ connectionString: database().url, max: 2 });
    try {
      const worker1 = await createPostgresSendRateLimiter(pool, { now: () => t, keyPrefix });
      const worker2 = await createPostgresSendRateLimiter(otherPool, { now: () => t, keyPrefix });
      const single = await createPostgresSendRateLimiter(pool, { now: () => t, keyPrefix: `${keyPrefix}-1` });
      let alone = 0;
      while ((await single.take('p', 'text')) === 0) alone++;
      let together = 0;
      for (;;) {
        const [a, b] = await Promise.all([worker1.take('p', 'text'), worker2.take('p', 'text')]);
        together += (a === 0 ? 1 : 0) + (b === 0 ? 1 : 0);
        if (a > 0 && b > 0) break;
      }
      expect(alone).toBeGreaterThan(0);
      expect(together).toBe(alone);
      const rows = await pool.query(`select count(*)::int as n from ${POSTGRES_SEND_BUDGETS_TABLE}`);
      expect(rows.rows[0].n).toBeGreaterThan(0);
    } finally {
      await otherPool.end();
    }
  });

  it('rejects take() when PostgreSQL cannot be reached instead of answering a budget', async () => {
    const down = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/x',
      connectionTimeoutMillis: 500,
    });
    down.on('error', () => {});
    try {
      await expect(
        createPostgresSendRateLimiter(down, { keyPrefix: `ventana-test:${randomUUID()}` }),
      ).rejects.toThrow();
    } finally {
      await down.end();
    }
  });
});
