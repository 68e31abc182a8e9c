/**
 * The BullMQ engine on its PostgreSQL backend: this file's throwaway database, a fresh BullMQ
 * schema per test. An unreachable server fails the tests, never skips them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { createQueue, type JobQueue } from '../../src/queue/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { runQueueContract } from './queue.contract.ts';

const requireServer = setupPostgresTestDatabase();

it('connects to the PostgreSQL test server', () => {
  expect(requireServer().url).toMatch(/ventana_test_/);
});

runQueueContract('BullMQ on PostgreSQL', async () => {
  const url = requireServer().url;
  const schema = `bullmq_${randomBytes(5).toString('hex')}`;
  const opened: JobQueue[] = [];
  return {
    async open(opts = {}) {
      const queue = await createQueue({
        engine: 'bullmq',
        postgresUrl: url,
        prefix: schema,
        ...(opts.leaseMs === undefined ? {} : { leaseMs: opts.leaseMs }),
      });
      opened.push(queue);
      return queue;
    },
    async dispose() {
      for (const queue of opened) await queue.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
});
