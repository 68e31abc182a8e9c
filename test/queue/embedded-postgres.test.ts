/**
 * The embedded engine on PostgreSQL: a fresh schema per test in this file's throwaway database;
 * every `open()` is its own pool, as another process would have (claims rely on SKIP LOCKED).
 * An unreachable server fails the tests, never skips them.
 */
import { expect, it } from 'vitest';
import { createQueue, type JobQueue } from '../../src/queue/index.ts';
import { type Database, openDatabase } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { runQueueContract } from './queue.contract.ts';

const requireServer = setupPostgresTestDatabase();

it('connects to the PostgreSQL test server', () => {
  expect(requireServer().url).toMatch(/ventana_test_/);
});

runQueueContract('embedded on PostgreSQL', async () => {
  const url = await requireServer().freshSchemaUrl();
  const opened: { queue: JobQueue; database: Database }[] = [];
  return {
    async open(opts = {}) {
      const database = await openDatabase(url, { migrate: true, poolMax: 4 });
      const queue = await createQueue({
        engine: 'embedded',
        database,
        pollIntervalMs: 100,
        ...(opts.leaseMs === undefined ? {} : { leaseMs: opts.leaseMs }),
      });
      opened.push({ queue, database });
      return queue;
    },
    async dispose() {
      for (const { queue } of opened) await queue.close();
      for (const { database } of opened) await database.close();
    },
  };
});
