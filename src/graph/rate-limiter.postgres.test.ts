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
const others: pg.Pool[] = [];

/**
 * A pool as the workers make one: the fixture drops the database at the end, terminating idle
 * connections, and an idle client's error must not crash the run (src/storage/db.ts does the same).
 */
function newPool(max: number): pg.Pool {
  const p = new pg.Pool({ connectionString: database().url, max });
  p.on('error', () => {});
  return p;
}

beforeAll(() => {
  pool = newPool(4);
});

afterAll(async () => {
  await pool?.end();
  for (const other of others) await other.end();
});

runSendRateLimiterContract('postgres', {
  make: (options) =>
    createPostgresSendRateLimiter(pool, { ...options, keyPrefix: `ventana-test:${randomUUID()}` }),
  makePair: async (options) => {
    const keyPrefix = `ventana-test:${randomUUID()}`;
    // A second pool, as a second worker process would have.
    const other = newPool(2);
    others.push(other);
    return [
      await createPostgresSendRateLimiter(pool, { ...options, keyPrefix }),
      await createPostgresSendRateLimiter(other, { ...options, keyPrefix }),
    ];
  },
});

describe('PostgreSQL send rate limiter', () => {
  it('keeps its counters in one table', async () => {
    const limiter = await createPostgresSendRateLimiter(pool, { keyPrefix: `ventana-test:${randomUUID()}` });
    expect(await limiter.take('p', 'text')).toBe(0);
    const rows = await pool.query(`select count(*)::int as n from ${POSTGRES_SEND_BUDGETS_TABLE}`);
    expect(rows.rows[0].n).toBeGreaterThan(0);
  });

  it('starts with several workers at once on a database without the table', async () => {
    await pool.query(`drop table if exists ${POSTGRES_SEND_BUDGETS_TABLE}`);
    const pools = Array.from({ length: 4 }, () => newPool(2));
    others.push(...pools);
    // Each limiter makes one counter store per kind of budget: many concurrent creations.
    const limiters = await Promise.all(
      pools.map((p) => createPostgresSendRateLimiter(p, { keyPrefix: `ventana-test:${randomUUID()}` })),
    );
    for (const limiter of limiters) expect(await limiter.take('p', 'text')).toBe(0);
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
