/**
 * The embedded engine on SQLite: a file database (WAL), so every `open()` is a separate connection
 * to the same file, as another process would have.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQueue, type JobQueue } from '../../src/queue/index.ts';
import { type Database, openDatabase } from '../../src/storage/index.ts';
import { runQueueContract } from './queue.contract.ts';

runQueueContract('embedded on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-queue-'));
  const file = join(dir, 'queue.db');
  const opened: { queue: JobQueue; database: Database }[] = [];
  return {
    async open(opts = {}) {
      const database = await openDatabase(file, { migrate: true });
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
