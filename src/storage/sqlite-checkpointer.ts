/**
 * SQLite WAL checkpoints off the event loop. In WAL mode a commit only appends to the log (no fsync
 * with synchronous = NORMAL); the cost comes when the log is copied back into the database file and
 * synced, which SQLite by default does inside whichever commit crosses 1000 pages. better-sqlite3 is
 * synchronous, so that commit (a webhook's group commit, a processing slice) holds the event loop
 * for the whole copy + fsync: tens of milliseconds that every webhook in flight waits for, the tail
 * of the ingest latency. Here a worker thread with its own connection runs PASSIVE checkpoints (they
 * never block the writer) a few times a second; the main connection keeps a far larger automatic
 * threshold as a safety net should the worker ever fall behind or die.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

// Plain CommonJS evaluated in the worker: no TypeScript loader needed there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.module);
const db = new Sqlite(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let timer = null;
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next tick tries again.
  }
  timer = setTimeout(tick, workerData.everyMs);
};
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  try { db.close(); } catch {}
  parentPort.postMessage('stopped');
});
tick();
`;

export interface Checkpointer {
  /** Stops the worker and closes its connection (before the main connection closes). */
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, everyMs = 200): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, everyMs, module: require.resolve('better-sqlite3') },
  });
  worker.unref();
  let alive = true;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      alive = false;
      resolve();
    });
  });
  // A failing worker only loses the optimisation: the main connection's own threshold still applies.
  worker.on('error', () => {});
  return {
    async stop() {
      if (!alive) return;
      const stopped = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        setTimeout(resolve, 1000).unref();
      });
      worker.postMessage('stop');
      await Promise.race([stopped, exited]);
      await worker.terminate();
    },
  };
}
