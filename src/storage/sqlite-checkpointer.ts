/**
 * SQLite WAL checkpoints off the event loop. In WAL mode a commit only appends to the log (no fsync
 * with synchronous = NORMAL); the cost comes when the log is copied back into the database file and
 * synced, which SQLite by default does inside whichever commit crosses 1000 pages. better-sqlite3 is
 * synchronous, so that commit (a webhook's group commit, a processing slice) holds the event loop
 * for the whole copy + fsync: tens of milliseconds that every webhook in flight waits for, the tail
 * of the ingest latency. Here a worker thread with its own connection runs PASSIVE checkpoints (they
 * never block the writer); the main connection keeps a far larger automatic threshold as a safety
 * net should the worker ever fall behind or die.
 *
 * The worker's copying still takes CPU, and where the process has one core (the webhook bench pins
 * it) each checkpoint preempts the event loop for as long as it copies: at ~40 MB/s of webhook
 * bodies, a checkpoint every 200 ms copied ~8 MB and held commits for 50-110 ms. So the pace
 * follows the write rate: while the log keeps changing and holds at least `busyFrames` pages, the
 * next checkpoint comes after `busyMs`, each copy staying small; a quiet database is looked at
 * every `everyMs`.
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
// The log as the last look found it: a log that has not changed since is a quiet database.
let last = { log: -1, checkpointed: -1 };
const tick = () => {
  let busy = false;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    busy = r.log >= workerData.busyFrames && (r.log !== last.log || r.checkpointed !== last.checkpointed);
    last = r;
  } catch {
    // Busy or locked: the next tick tries again.
  }
  const pauseMs = busy ? workerData.busyMs : workerData.everyMs;
  if (workerData.report) parentPort.postMessage({ log: last.log, checkpointed: last.checkpointed, pauseMs });
  timer = setTimeout(tick, pauseMs);
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

/** One look of the thread: the log's size and how much of it is copied, in pages, and the pause chosen. */
export interface CheckpointLook {
  readonly log: number;
  readonly checkpointed: number;
  readonly pauseMs: number;
}

export interface CheckpointerOptions {
  /** Pause between checkpoints of a quiet database. Default 200 ms. */
  readonly everyMs?: number;
  /** Pause while the log changes and holds at least `busyFrames` pages. Default 20 ms. */
  readonly busyMs?: number;
  /** Pages (4 KB) in a changing log that make the pace busy. Default 64. */
  readonly busyFrames?: number;
  /** Called after each look (tests, diagnostics). */
  readonly onLook?: (look: CheckpointLook) => void;
}

export function startCheckpointer(
  path: string,
  { everyMs = 200, busyMs = 20, busyFrames = 64, onLook }: CheckpointerOptions = {},
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      everyMs,
      busyMs,
      busyFrames,
      report: onLook !== undefined,
      module: require.resolve('better-sqlite3'),
    },
  });
  if (onLook) worker.on('message', (m: CheckpointLook | 'stopped') => m !== 'stopped' && onLook(m));
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
        worker.on('message', (m) => m === 'stopped' && resolve());
        setTimeout(resolve, 1000).unref();
      });
      worker.postMessage('stop');
      await Promise.race([stopped, exited]);
      await worker.terminate();
    },
  };
}
