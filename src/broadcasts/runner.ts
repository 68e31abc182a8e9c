/**
 * Runs one broadcast to the end in this process: the fan-out (resumed from its cursor) and a batch
 * outbox worker side by side, reporting progress until every recipient's attempt ended. Used by
 * `ventana broadcast send`, the crash test and the benchmark; the server runs the same two parts.
 */
import type { Logger } from 'pino';
import { dispatchBatch } from '../outbound/batch.ts';
import type { DispatchDeps } from '../outbound/dispatch.ts';
import { createOutboxWorker } from '../outbound/worker.ts';
import { runFanOut } from './fanout.ts';
import { broadcastProgress, type Progress } from './service.ts';

/** Rows in flight by default: see `RunBroadcastOptions.concurrency`. */
export const DEFAULT_DISPATCH_CONCURRENCY = 1000;

export interface RunBroadcastOptions {
  readonly logger?: Logger;
  /**
   * Rows in flight at once (claimed, decided, waiting for a Page's slot or for Meta's answer).
   * Default 1,000: enough for 10,000 msgs/s at a 100 ms Graph round trip, while a crash leaves at
   * most this many decided sends to report as unknown, and memory stays lower than with more.
   */
  readonly concurrency?: number;
  /** Rows per dispatch batch. Default 500. */
  readonly batchSize?: number;
  /** How often progress is read and reported. Default 500 ms (longer for big broadcasts). */
  readonly pollMs?: number;
  readonly onProgress?: (progress: Progress) => void;
  /**
   * Rows left 'sending' by a crashed process become 'unknown' at start (only safe when no other
   * process sends from this database). Default true.
   */
  readonly recoverSendingAtStart?: boolean;
}

/** Resolves with the last progress once the broadcast is done, cancelled, or paused with nothing in flight. */
export async function runBroadcast(
  deps: DispatchDeps,
  broadcastId: string,
  options: RunBroadcastOptions = {},
): Promise<Progress | undefined> {
  const { pollMs = 500 } = options;
  const worker = createOutboxWorker({
    ...deps,
    ...(options.logger ? { logger: options.logger } : {}),
    dispatchBatch,
    batchSize: options.batchSize ?? 500,
    concurrency: options.concurrency ?? DEFAULT_DISPATCH_CONCURRENCY,
    idleMs: 50,
    recoverSendingAtStart: options.recoverSendingAtStart ?? true,
  });
  await worker.start();
  let fanOutRunning = true;
  const fanOut = runFanOut(deps.database, broadcastId, {
    now: deps.now,
    onChunk: () => worker.wake(),
  }).finally(() => {
    fanOutRunning = false;
  });
  let last: Progress | undefined;
  let waitMs = pollMs;
  try {
    for (;;) {
      const tick = new Promise((r) => setTimeout(r, waitMs));
      await (fanOutRunning ? Promise.race([tick, fanOut]) : tick);
      const started = performance.now();
      last = await broadcastProgress(deps.database, broadcastId, deps.now());
      // Progress counts every row of the broadcast (about 0.2 s at a million on SQLite): it is read
      // less often as it grows, so counting never takes more than a twentieth of the time.
      waitMs = Math.max(pollMs, 20 * (performance.now() - started));
      if (last === undefined) break;
      options.onProgress?.(last);
      if (last.status === 'done' || last.status === 'cancelled') break;
      if (last.status === 'paused' && last.counts.sending === 0) break;
    }
  } finally {
    await fanOut;
    await worker.stop();
  }
  return last;
}
